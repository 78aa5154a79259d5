import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRgd } from '../../../src/graph/index.ts';
import { configMap, deployment, errorLines, errorsOf, rgd } from '../../helpers/rgd.ts';

describe('checkRgd: resources and templates (kro-contract §2, §4)', () => {
  it('accepts a valid graph and returns kro’s topological order and the spec schema', () => {
    const r = checkRgd(
      rgd({
        resources: [
          configMap('svc', { target: '${deploy.metadata.name}' }),
          deployment('deploy'),
          configMap('cfg', { a: 'x-${schema.spec.name}' }),
        ],
      }),
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.topologicalOrder, ['deploy', 'svc', 'cfg']);
    assert.equal(r.specSchema?.type, 'object');
  });

  it('reports every problem, not only the first, in a deterministic order', () => {
    const bad = rgd({
      schema: { kind: 'web_app', spec: { size: 'number' } },
      resources: [deployment('My-Deploy'), deployment('schema')],
    });
    const first = errorLines(bad);
    assert.deepEqual(first, errorLines(structuredClone(bad)));
    assert.ok(first.length >= 4, first.join('\n'));
    assert.ok(first.some((l) => l.startsWith('spec.schema.kind:')));
    assert.ok(first.some((l) => l.startsWith('spec.schema.spec.size: unknown type: number')));
    assert.ok(first.some((l) => l.includes('id My-Deploy is not a valid KRO resource id')));
    assert.ok(first.some((l) => l.includes('id schema is a reserved keyword in KRO')));
  });

  it('requires apiVersion, kind and metadata in templates', () => {
    assert.deepEqual(
      errorLines(rgd({ resources: [{ id: 'a', template: { kind: 'ConfigMap', metadata: [] } }] })),
      [
        'spec.resources[0].template: resource a is not a valid Kubernetes object: apiVersion field not found',
        'spec.resources[0].template.metadata: resource a is not a valid Kubernetes object: metadata field is not a map',
      ],
    );
    assert.deepEqual(
      errorLines(rgd({ resources: [{ id: 'a', template: { apiVersion: 1, kind: 'X', metadata: {} } }] })),
      [
        'spec.resources[0].template.apiVersion: resource a is not a valid Kubernetes object: apiVersion field is not a string',
      ],
    );
  });

  it('checks the GVK: apiVersion format and kind as a DNS-1035 label', () => {
    const t = (apiVersion: string, kind: string) =>
      rgd({ resources: [{ id: 'a', template: { apiVersion, kind, metadata: {} } }] });
    assert.deepEqual(errorLines(t('s3.services.k8s.aws/v1alpha1', 'Bucket')), []);
    assert.deepEqual(errorLines(t('a/b/c', 'X')), [
      'spec.resources[0].template.apiVersion: failed to extract GVK from resource a: invalid apiVersion format "a/b/c": unexpected GroupVersion string: a/b/c',
    ]);
    const kindErr = errorLines(t('v1', 'Config_Map'));
    assert.equal(kindErr.length, 1);
    assert.match(kindErr[0]!, /invalid kind "Config_Map": .*must be a valid DNS-1035 label when lowercased/);
    assert.match(errorLines(t('v1', '${schema.spec.kind}'))[0]!, /kind must be a literal/);
  });

  it('forbids externalRef with forEach', () => {
    const r = rgd({
      resources: [
        {
          id: 'a',
          externalRef: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
          forEach: [{ i: '${[1]}' }],
        },
      ],
    });
    assert.ok(
      errorLines(r).includes(
        'spec.resources[0].forEach: invalid combination of resource fields: resource "a": cannot use externalRef with forEach',
      ),
    );
  });

  it('rejects kro.run/ labels and warns on kro.run/ annotations (v0.9.3 accepts those)', () => {
    const r = rgd({
      resources: [
        {
          id: 'a',
          template: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: 'x',
              labels: { 'kro.run/owned': 'x', app: 'y' },
              annotations: { 'internal.kro.run/x': 'y' },
            },
          },
        },
      ],
    });
    const res = checkRgd(r);
    assert.deepEqual(
      res.diagnostics.map((d) => `${d.severity} ${d.path}: ${d.message}`),
      [
        `warning spec.resources[0].template.metadata.annotations["internal.kro.run/x"]: annotations with prefix "internal.kro.run/" are reserved for kro's internal use; newer kro rejects them`,
        'error spec.resources[0].template.metadata.labels["kro.run/owned"]: invalid label for resource "a". labels with prefix "kro.run/" are reserved for internal use',
      ],
    );
  });

  it('requires metadata.namespace to be a string', () => {
    const r = rgd({
      resources: [{ id: 'a', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 3 } } }],
    });
    assert.deepEqual(errorLines(r), [
      'spec.resources[0].template.metadata.namespace: resource "a" has invalid metadata.namespace: must be a string',
    ]);
  });

  it('allows expressions in CRD templates only under metadata', () => {
    const crd = (spec: unknown) =>
      rgd({
        resources: [
          {
            id: 'crd',
            template: {
              apiVersion: 'apiextensions.k8s.io/v1',
              kind: 'CustomResourceDefinition',
              metadata: { name: '${schema.spec.name}' },
              spec,
            },
          },
        ],
      });
    assert.deepEqual(errorLines(crd({ group: 'example.com' })), []);
    assert.deepEqual(errorLines(crd({ group: '${schema.spec.name}' })), [
      'spec.resources[0].template.spec.group: CEL expressions in CRDs are only supported for metadata fields, found in path "spec.group", resource crd',
    ]);
  });

  it('reports nested expressions and CEL parse errors at the field', () => {
    const r = rgd({ resources: [configMap('a', { x: '${a${b}}', y: '${schema.spec.name +}' })] });
    const lines = errorLines(r);
    assert.equal(
      lines[0],
      'spec.resources[0].template.data.x: nested expressions are not allowed unless inside string literals',
    );
    assert.match(
      lines[1]!,
      /^spec\.resources\[0\]\.template\.data\.y: parse error in expression "schema\.spec\.name \+": /,
    );
  });

  it('keeps unterminated ${ as literal text', () => {
    assert.deepEqual(errorLines(rgd({ resources: [configMap('a', { x: 'cost: ${5' })] })), []);
  });
});

describe('checkRgd: references and dependencies (kro-contract §5.2-§5.3)', () => {
  it('rejects unknown identifiers in templates', () => {
    assert.deepEqual(errorLines(rgd({ resources: [configMap('a', { x: '${foo.bar + bar}' })] })), [
      'spec.resources[0].template.data.x: references unknown identifiers: [foo bar]',
    ]);
  });

  it('rejects unknown functions, with kro’s Go formatting', () => {
    assert.deepEqual(
      errorLines(rgd({ resources: [configMap('a', { x: '${frobnicate(schema.spec.name)}' })] })),
      ['spec.resources[0].template.data.x: uses unknown functions: [{frobnicate}]'],
    );
    assert.deepEqual(
      errorLines(rgd({ resources: [configMap('a', { x: '${base64.encode(bytes(schema.spec.name))}' })] })),
      [],
    );
  });

  it('does not treat comprehension variables as references', () => {
    const r = rgd({
      resources: [configMap('a', { x: '${string(schema.spec.name.split("-").map(p, p.size()))}' })],
    });
    assert.deepEqual(errorLines(r), []);
  });

  it('rejects self references, runtime, each and omit() in templates', () => {
    const r = rgd({
      resources: [
        configMap('a', {
          s: '${a.metadata.name}',
          r: '${string(runtime)}',
          e: '${each.name}',
          o: '${omit()}',
        }),
      ],
    });
    assert.deepEqual(errorLines(r), [
      'spec.resources[0].template.data.e: node each does not exist',
      'spec.resources[0].template.data.o: omit() requires the CELOmitFunction feature gate to be enabled',
      'spec.resources[0].template.data.r: runtime is only available in status.conditions expressions',
      'spec.resources[0].template.data.s: self references are not allowed',
    ]);
  });

  it('reports a dependency cycle naming it', () => {
    const r = rgd({
      resources: [
        configMap('a', { x: '${b.metadata.name}' }),
        configMap('b', { x: '${c.metadata.name}' }),
        configMap('c', { x: '${a.metadata.name}' }),
      ],
    });
    const res = checkRgd(r);
    assert.equal(res.topologicalOrder, undefined);
    assert.deepEqual(errorLines(r), [
      'spec.resources[0]: failed to build dependency graph: graph contains a cycle: a -> b -> c -> a',
    ]);
  });

  it('creates dependencies from includeWhen and forEach but not from readyWhen', () => {
    const r = checkRgd(
      rgd({
        resources: [
          configMap('first', { x: 'y' }, { readyWhen: ['${first.data.x == "y"}'] }),
          configMap('second', { x: 'y' }, { includeWhen: ['${third.data.x == "y"}'] }),
          configMap('third', { x: 'y' }, { readyWhen: ['${third.data.x == "y"}'] }),
        ],
      }),
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.topologicalOrder, ['first', 'third', 'second']);
  });
});

describe('checkRgd: forEach, includeWhen, readyWhen (kro-contract §5.4-§5.6)', () => {
  const each = (
    forEach: unknown[],
    name = '${schema.spec.name}-${region}',
    extra: Record<string, unknown> = {},
  ) =>
    rgd({
      resources: [
        {
          id: 'cms',
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
          forEach,
          ...extra,
        },
      ],
    });

  it('accepts a collection whose name uses every iterator', () => {
    assert.deepEqual(errorLines(each([{ region: '${["a","b"]}' }])), []);
  });

  it('requires standalone forEach expressions', () => {
    assert.deepEqual(errorLines(each([{ region: 'x-${["a"]}' }])), [
      'spec.resources[0].forEach[0].region: failed to parse forEach dimensions: invalid forEach expression for dimension "region": only standalone expressions are allowed',
    ]);
  });

  it('requires every iterator in the identity', () => {
    assert.deepEqual(errorLines(each([{ region: '${["a"]}' }, { tier: '${["x"]}' }])), [
      'spec.resources[0].template.metadata.name: node "cms": all forEach dimensions must be used to produce a unique resource identity, missing: [tier]',
    ]);
  });

  it('forbids iterators referencing other iterators', () => {
    const lines = errorLines(each([{ region: '${["a"]}' }, { tier: '${[region]}' }], '${region}-${tier}'));
    assert.deepEqual(lines, [
      'spec.resources[0].forEach[1].tier: node "cms": forEach iterator "tier" cannot reference other iterators [region] - forEach iterators are independent (cartesian product)',
    ]);
  });

  it('includeWhen must be standalone and may not use iterators', () => {
    assert.deepEqual(
      errorLines(
        each([{ region: '${["a"]}' }], undefined, { includeWhen: ['${region == "a"}', 'x ${true}'] }),
      ),
      [
        'spec.resources[0].includeWhen[0]: failed to extract dependencies from includeWhen: references unknown identifiers: [region]',
        'spec.resources[0].includeWhen[1]: failed to parse includeWhen expressions: only standalone expressions are allowed',
      ],
    );
  });

  it('readyWhen may use only the resource itself, or each for collections', () => {
    const single = rgd({
      resources: [configMap('a', {}, { readyWhen: ['${a.data.x == "y"}', '${schema.spec.name == "x"}'] })],
    });
    assert.deepEqual(errorLines(single), [
      'spec.resources[0].readyWhen[1]: resource "a" readyWhen: references unknown identifiers: [schema]',
    ]);
    assert.deepEqual(
      errorLines(each([{ region: '${["a"]}' }], undefined, { readyWhen: ['${each.data.x == "y"}'] })),
      [],
    );
    assert.deepEqual(
      errorLines(each([{ region: '${["a"]}' }], undefined, { readyWhen: ['${cms.data.x == "y"}'] })),
      ['spec.resources[0].readyWhen[0]: resource "cms" readyWhen: references unknown identifiers: [cms]'],
    );
    assert.deepEqual(errorLines(rgd({ resources: [configMap('a', {}, { readyWhen: ['${a.ready} '] })] })), [
      'spec.resources[0].readyWhen[0]: failed to parse readyWhen expressions: only standalone expressions are allowed',
    ]);
  });
});

describe('checkRgd: status (kro-contract §5.9)', () => {
  const withStatus = (status: unknown) => rgd({ resources: [deployment('deploy')], status });

  it('accepts projections of resources and schema', () => {
    assert.deepEqual(
      errorLines(
        withStatus({ replicas: '${deploy.status.availableReplicas}', name: 'n-${schema.spec.name}' }),
      ),
      [],
    );
  });

  it('requires an expression in every leaf', () => {
    assert.deepEqual(errorLines(withStatus({ a: 'x', b: { c: 3, d: '${deploy.metadata.name}' } })), [
      'spec.schema.status: failed to build instance status schema: status fields without expressions are not supported: [a b.c]',
    ]);
  });

  it('allows only resource ids and schema, and requires a reference', () => {
    assert.deepEqual(errorLines(withStatus({ a: '${each.x}', b: '${"x"}' })), [
      'spec.schema.status.a: status field "a" expression "each.x": references unknown identifiers: [each]',
      'spec.schema.status.a: failed to create instance node: instance status field must refer to a resource or schema: status.a',
      'spec.schema.status.b: failed to create instance node: instance status field must refer to a resource or schema: status.b',
    ]);
  });

  it('checks status.conditions entries', () => {
    const ok =
      '${runtime.newCondition({type: "Ready2", status: deploy.status.availableReplicas > 0 ? "True" : "False"})}';
    assert.deepEqual(errorLines(withStatus({ conditions: [ok] })), []);
    assert.deepEqual(errorLines(withStatus({ conditions: 'x' })), [
      'spec.schema.status.conditions: failed to build instance conditions: status.conditions must be a list, got string',
    ]);
    assert.deepEqual(errorLines(withStatus({ conditions: [3] })), [
      'spec.schema.status.conditions[0]: failed to build instance conditions: status.conditions[0] must be a CEL expression string, got float64',
    ]);
    const dup = errorLines(withStatus({ conditions: [ok, ok] }));
    assert.deepEqual(dup, [
      'spec.schema.status.conditions[1]: failed to build instance conditions: condition type "Ready2" is declared by more than one conditions entry',
    ]);
  });
});

describe('checkRgd: robustness', () => {
  it('never throws on arbitrary JSON', () => {
    for (const v of [
      null,
      3,
      'x',
      [],
      {},
      { spec: 1 },
      { spec: { schema: [] } },
      { spec: { schema: {}, resources: [null, 1, 'x', []] } },
    ]) {
      assert.doesNotThrow(() => checkRgd(v));
      assert.ok(errorsOf(v).length > 0);
    }
  });
});

describe('checkRgd: custom conditions may not read each other (kro-contract §5.9)', () => {
  it('rejects runtime.condition on an author-declared type, accepts a built-in one', () => {
    const decl = '${runtime.newCondition({type: "DbReady", status: "True"})}';
    const readsBuiltin =
      '${runtime.newCondition({type: "AppReady", status: runtime.condition(schema, "ResourcesReady").status})}';
    const readsCustom =
      '${runtime.newCondition({type: "AppReady", status: runtime.condition(schema, "DbReady").status})}';
    const status = (conditions: string[]) =>
      rgd({ resources: [deployment('deploy')], status: { conditions } });
    assert.deepEqual(errorLines(status([decl, readsBuiltin])), []);
    const lines = errorLines(status([decl, readsCustom]));
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^spec\.schema\.status\.conditions\[1\]: .*custom conditions cannot reference each other/,
    );
  });
});

describe('checkRgd: omit() outside templates (kro-contract §5.10)', () => {
  it('is rejected by name in readyWhen, status fields and status.conditions', () => {
    const r = rgd({
      resources: [configMap('a', { x: 'y' }, { readyWhen: ['${a.data.x == omit()}'] })],
      status: {
        x: '${a.data.x + omit()}',
        conditions: ['${runtime.newCondition({type: "X", status: omit()})}'],
      },
    });
    assert.deepEqual(
      errorLines(r).filter((l) => l.includes('omit()')),
      [
        'spec.resources[0].readyWhen[0]: resource "a" readyWhen: omit() can only be used in resource template expressions',
        'spec.schema.status.conditions[0]: failed to build instance conditions: omit() can only be used in resource template expressions',
        'spec.schema.status.x: status field "x" expression "a.data.x + omit()": omit() can only be used in resource template expressions',
      ],
    );
  });
});
