import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRgd } from '../../../src/graph/index.ts';
import { embeddedSource, type SchemaSource } from '../../../src/schemas/index.ts';
import { compileValidationRule } from '../../../src/graph/typed/validation-rules.ts';
import { configMap, deployment, rgd } from '../../helpers/rgd.ts';

const embedded = embeddedSource();

function typedErrors(
  obj: unknown,
  schemas: SchemaSource = embedded,
): { code: string; path: string; message: string }[] {
  return checkRgd(obj, { schemas })
    .diagnostics.filter((d) => d.severity === 'error')
    .map(({ code, path, message }) => ({ code, path, message }));
}

function template(
  id: string,
  t: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, template: t, ...extra };
}

describe('typed checks: literal values against the kind schema (kro-contract §4.4)', () => {
  it('accepts a well-typed Deployment', () => {
    assert.deepEqual(typedErrors(rgd({ resources: [deployment('web')] })), []);
  });

  it('rejects a string literal in an integer field', () => {
    const d = deployment('web');
    (d.template as { spec: Record<string, unknown> }).spec.replicas = 'three';
    const errs = typedErrors(rgd({ resources: [d] }));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.path, 'spec.resources[0].template.spec.replicas');
    assert.equal(
      errs[0]!.message,
      'failed to extract CEL expressions from schema for resource web: expected integer type for path spec.replicas, got string',
    );
  });

  it('rejects unknown fields and reports all of them', () => {
    const errs = typedErrors(
      rgd({
        resources: [configMap('cm', { a: 'x' }, {})].map((r) => ({
          ...r,
          template: { ...(r.template as object), extra: 1, dta: {} },
        })),
      }),
    );
    assert.deepEqual(
      errs.map((e) => e.message.replace(/^.*?: /, '')),
      [
        'error getting field schema for path dta: schema not found for field dta',
        'error getting field schema for path extra: schema not found for field extra',
      ],
    );
  });

  it('reports a float in an integer field as float64 and an int in a string field as integer', () => {
    const errs = typedErrors(
      rgd({
        resources: [
          template('web', {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'x' },
            spec: { replicas: 1.5 },
          }),
          configMap('cm', { a: 3 }),
        ],
      }),
    );
    assert.deepEqual(
      errs.map((e) => e.message.replace(/^.*?: /, '')),
      [
        'expected integer type for path spec.replicas, got float64',
        'expected string type for path data.a, got integer',
      ],
    );
  });

  it('accepts integers and strings in int-or-string fields, and anything under preserve-unknown fields', () => {
    const svc = template('svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc' },
      spec: {
        ports: [
          { port: 80, targetPort: 'http' },
          { port: 81, targetPort: 8081 },
        ],
      },
    });
    assert.deepEqual(typedErrors(rgd({ resources: [svc] })), []);
  });
});

describe('typed checks: scope and namespace (kro-contract §4.5)', () => {
  it('rejects metadata.namespace on a cluster-scoped kind', () => {
    const ns = template('ns', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a', namespace: 'b' },
    });
    assert.deepEqual(
      typedErrors(rgd({ resources: [ns] })).map((e) => e.message),
      ['resource "ns" is cluster-scoped and must not set metadata.namespace'],
    );
  });

  it('requires a namespace on namespaced kinds under a cluster-scoped instance', () => {
    const obj = rgd({ schema: { scope: 'Cluster' }, resources: [configMap('cm', {})] });
    assert.deepEqual(
      typedErrors(obj).map((e) => e.message),
      ['resource "cm" is namespaced and must set metadata.namespace when the instance CRD is cluster-scoped'],
    );
    const withNs = rgd({
      schema: { scope: 'Cluster' },
      resources: [
        template('cm', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'a', namespace: '${schema.spec.name}' },
        }),
      ],
    });
    assert.deepEqual(typedErrors(withNs), []);
  });
});

describe('typed checks: template expressions (kro-contract §5.7)', () => {
  it("rejects a string expression in an integer field with kro's message", () => {
    const d = deployment('web');
    (d.template as { spec: Record<string, unknown> }).spec.replicas = '${schema.spec.name}';
    const errs = typedErrors(rgd({ resources: [d] }));
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.code, 'cel/type-mismatch');
    assert.equal(
      errs[0]!.message,
      'failed to validate resource "web": type mismatch in resource "web" at path "spec.replicas": expression "schema.spec.name" returns type "string" but expected "int": type kind mismatch: got "string", expected "int"',
    );
  });

  it('rejects an undefined field of another resource', () => {
    const cm = configMap('cm', { replicas: '${string(web.spec.replicaz)}' });
    const errs = typedErrors(rgd({ resources: [deployment('web'), cm] }));
    assert.equal(errs.length, 1);
    assert.match(
      errs[0]!.message,
      /failed to compile template expression "string\(web\.spec\.replicaz\)" at path "data\.replicas": ERROR: <input>:1:16: undefined field 'replicaz'/,
    );
  });

  it('rejects a non-string expression inside a string template', () => {
    const cm = configMap('cm', { a: 'replicas=${schema.spec.replicas}' });
    const errs = typedErrors(rgd({ resources: [cm] }));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!.message, /found no matching overload for '_\+_' applied to '\(string, int\)'/);
  });

  it('types forEach iterators from the element type, and rejects non-list forEach', () => {
    const ok = rgd({
      schema: { spec: { names: '[]string' } },
      resources: [configMap('cm', { n: '${name}' }, { forEach: [{ name: '${schema.spec.names}' }] })],
    });
    (
      ok.spec as { resources: { template: { metadata: Record<string, unknown> } }[] }
    ).resources[0]!.template.metadata.name = '${name}';
    assert.deepEqual(typedErrors(ok), []);
    const bad = rgd({
      schema: { spec: { names: 'string' } },
      resources: [configMap('cm', {}, { forEach: [{ name: '${schema.spec.names}' }] })],
    });
    (
      bad.spec as { resources: { template: { metadata: Record<string, unknown> } }[] }
    ).resources[0]!.template.metadata.name = '${name}';
    assert.deepEqual(
      typedErrors(bad).map((e) => e.message),
      [
        'failed to validate resource "cm": node "cm": forEach iterator "name" must return a list, got "string": type "string" is not a list type',
      ],
    );
  });

  it('requires includeWhen and readyWhen to be bool', () => {
    const obj = rgd({
      schema: { spec: { name: 'string', enabled: 'boolean' } },
      resources: [
        deployment('web', {
          includeWhen: ['${schema.spec.enabled}', '${schema.spec.name}'],
          readyWhen: ['${web.status.?availableReplicas.orValue(0) > 0}', '${web.metadata.name}'],
        }),
      ],
    });
    const d = obj.spec as { resources: { template: { spec: Record<string, unknown> } }[] };
    delete d.resources[0]!.template.spec.replicas;
    assert.deepEqual(
      typedErrors(obj).map((e) => e.message),
      [
        'failed to validate resource "web": includeWhen expression "schema.spec.name" in resource "web" must return bool or optional_type(bool), but returns "string"',
        'failed to validate resource "web": readyWhen expression "web.metadata.name" in resource "web" must return bool or optional_type(bool), but returns "string"',
      ],
    );
  });

  it('has no schema.metadata.namespace for cluster-scoped instances', () => {
    const ns = template('ns', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: '${schema.metadata.namespace}' },
    });
    const errs = typedErrors(rgd({ schema: { scope: 'Cluster' }, resources: [ns] }));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!.message, /undefined field 'namespace'/);
    assert.deepEqual(typedErrors(rgd({ resources: [ns] })), []);
  });
});

describe('typed checks: schema sources', () => {
  const unknownKind = template('b', {
    apiVersion: 's3.services.k8s.aws/v1alpha1',
    kind: 'Bucket',
    metadata: { name: 'x' },
    spec: { nam: 1 },
  });

  it('skips kinds an offline source does not know, with a warning', () => {
    const r = checkRgd(rgd({ resources: [unknownKind] }), { schemas: embedded });
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.deepEqual(
      r.diagnostics.map((d) => d.code),
      ['template/no-schema'],
    );
  });

  it('rejects kinds an authoritative source does not know, as kro does', () => {
    const cluster: SchemaSource = {
      ...embedded,
      name: 'cluster',
      authoritative: true,
      lookup: (g) => embedded.lookup(g),
    };
    assert.deepEqual(
      typedErrors(rgd({ resources: [unknownKind] }), cluster).map((e) => e.message),
      ['failed to get schema for resource b: schema not found for s3.services.k8s.aws/v1alpha1, Kind=Bucket'],
    );
  });

  it('runs no typed check without a source', () => {
    const d = deployment('web');
    (d.template as { spec: Record<string, unknown> }).spec.replicas = 'three';
    assert.deepEqual(
      checkRgd(rgd({ resources: [d] })).diagnostics.filter((x) => x.severity === 'error'),
      [],
    );
  });
});

describe('typed checks: status (kro-contract §5.9)', () => {
  it('infers the status schema from the expression types', () => {
    const r = checkRgd(
      rgd({
        resources: [deployment('web')],
        status: {
          replicas: '${web.status.?availableReplicas.orValue(0)}',
          name: 'name-${web.metadata.name}',
          ready: '${web.status.?readyReplicas.orValue(0) > 0}',
          created: '${web.metadata.creationTimestamp}',
          labels: '${web.metadata.labels}',
          nested: { images: '${web.spec.template.spec.containers.map(c, c.image)}' },
        },
      }),
      { schemas: embedded },
    );
    assert.deepEqual(
      r.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.deepEqual(r.statusSchema, {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        name: { type: 'string' },
        ready: { type: 'boolean' },
        created: { type: 'string', format: 'date-time' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        nested: { type: 'object', properties: { images: { type: 'array', items: { type: 'string' } } } },
      },
    });
  });

  it('reports type errors in status expressions', () => {
    const errs = typedErrors(rgd({ resources: [deployment('web')], status: { x: '${web.status.nope}' } }));
    assert.equal(errs.length, 1);
    assert.match(
      errs[0]!.message,
      /^failed to type-check status expression "web.status.nope" at path "x": ERROR: <input>:1:11: undefined field 'nope'$/,
    );
  });
});

describe('compileValidationRule (kro-contract §6.2)', () => {
  const schema = {
    type: 'object',
    properties: { min: { type: 'integer' }, max: { type: 'integer' }, name: { type: 'string' } },
  };
  it('accepts rules that type-check to bool, including transition rules', () => {
    assert.equal(compileValidationRule('self.min <= self.max', schema), undefined);
    assert.equal(compileValidationRule('self.name == oldSelf.name', schema), undefined);
  });
  it('reports undefined fields, undeclared identifiers and non-bool rules as the API server does', () => {
    assert.equal(
      compileValidationRule('self.mn <= self.max', schema),
      "compilation failed: ERROR: <input>:1:5: undefined field 'mn'",
    );
    assert.equal(
      compileValidationRule('other > 1', schema),
      "compilation failed: ERROR: <input>:1:1: undeclared reference to 'other' (in container '')",
    );
    assert.equal(
      compileValidationRule('self.min + 1', schema),
      'compilation failed: cel expression must evaluate to a bool',
    );
    assert.match(compileValidationRule('self.min <', schema) ?? '', /^compilation failed: ERROR: <input>:1:/);
  });
});

describe('typed checks: status.conditions output (kro-contract §5.9)', () => {
  it('accepts runtime.newCondition(...) and rejects other outputs', () => {
    const ok = rgd({
      resources: [deployment('web')],
      status: {
        conditions: [
          '${runtime.newCondition({type: "WebReady", status: web.status.?readyReplicas.orValue(0) > 0 ? "True" : "False"})}',
        ],
      },
    });
    assert.deepEqual(typedErrors(ok), []);
    const bad = rgd({ resources: [deployment('web')], status: { conditions: ['${web.metadata.name}'] } });
    assert.deepEqual(
      typedErrors(bad).map((e) => e.message),
      [
        'failed to build instance conditions: condition expressions must return runtime.newCondition(...) or a list of them, got "string"',
      ],
    );
  });
});
