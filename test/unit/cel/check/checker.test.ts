import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCel } from '../../../../src/cel/index.ts';
import {
  checkCel,
  createOverloadTable,
  DYN,
  escapeFieldName,
  formatType,
  schemaToCelType,
  type CelType,
  type CheckEnvironment,
} from '../../../../src/cel/check/index.ts';
import { embeddedSource } from '../../../../src/schemas/source.ts';

const deployment = embeddedSource().lookup({ group: 'apps', version: 'v1', kind: 'Deployment' })!.schema;
const spec = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    replicas: { type: 'integer' },
    ratio: { type: 'number' },
    enabled: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    port: { 'x-kubernetes-int-or-string': true },
    'my-field': { type: 'string' },
  },
};

function env(extra: Record<string, CelType> = {}): CheckEnvironment {
  const variables = new Map<string, CelType>([
    ['deployment', schemaToCelType(deployment, '__type_deployment')],
    ['spec', schemaToCelType(spec, '__type_spec')],
    ['d', DYN],
    ...Object.entries(extra),
  ]);
  return { variables, overloads: createOverloadTable([], ['lowerAscii']) };
}

function check(expression: string, e = env()): { type: string; issues: string[]; uncertain: boolean } {
  const p = parseCel(expression);
  assert.equal(p.kind, 'ok', `parse ${expression}`);
  if (p.kind !== 'ok') throw new Error('unreachable');
  const r = checkCel(p.ast, e);
  return { type: formatType(r.type), issues: r.issues.map((i) => i.message), uncertain: r.uncertain };
}

describe('checkCel: types from OpenAPI schemas', () => {
  const cases: [string, string][] = [
    ['deployment.spec.replicas', 'int'],
    ['deployment.metadata.name', 'string'],
    ['deployment.metadata.labels', 'map(string, string)'],
    ['deployment.metadata.labels.app', 'string'],
    ['deployment.metadata.namespace', 'string'],
    ['deployment.metadata.creationTimestamp', 'google.protobuf.Timestamp'],
    [
      'deployment.spec.template.spec.containers',
      'list(__type_deployment.spec.template.spec.containers.@idx)',
    ],
    ['deployment.spec.template.spec.containers[0].image', 'string'],
    ['deployment.spec.template.spec.containers.map(c, c.name)', 'list(string)'],
    [
      'deployment.spec.template.spec.containers.filter(c, c.name == "a")',
      'list(__type_deployment.spec.template.spec.containers.@idx)',
    ],
    ['deployment.status.?availableReplicas', 'optional_type(int)'],
    ['deployment.status.?availableReplicas.orValue(0)', 'int'],
    ['spec.ratio', 'double'],
    ['spec.port', 'dyn'],
    ['spec.free.anything.deeper', 'dyn'],
    ['spec.my__dash__field', 'string'],
    ['spec.tags.all(i, t, i >= 0 && t != "")', 'bool'],
    ['spec.labels.transformMap(k, v, v + "x")', 'map(string, string)'],
    ['cel.bind(x, spec.replicas, x * 2)', 'int'],
    ['[1, 2]', 'list(int)'],
    ['[1, "a"]', 'list(dyn)'],
    ['{"a": 1}', 'map(string, int)'],
    ['spec.enabled ? "a" : "b"', 'string'],
    ['size(spec.tags) + spec.replicas', 'int'],
    ['string(spec.replicas) + "x"', 'string'],
    ['deployment == null', 'bool'],
    ['d.anything.at.all', 'dyn'],
    ['optional.of(spec.name).orValue("x")', 'string'],
  ];
  for (const [expr, type] of cases) {
    it(`${expr} : ${type}`, () => {
      const r = check(expr);
      assert.deepEqual(r.issues, []);
      assert.equal(r.type, type);
    });
  }
});

describe('checkCel: errors with cel-go wording', () => {
  const cases: [string, string][] = [
    ['deployment.spec.nope', "undefined field 'nope'"],
    ['has(deployment.spec.nope)', "undefined field 'nope'"],
    ['spec.name + 1', "found no matching overload for '_+_' applied to '(string, int)'"],
    ['spec.replicas + spec.ratio', "found no matching overload for '_+_' applied to '(int, double)'"],
    ['spec.replicas.size()', "found no matching overload for 'size' applied to 'int.()'"],
    ['spec.name.foo', "type 'string' does not support field selection"],
    ['spec.replicas == "3"', "found no matching overload for '_==_' applied to '(int, string)'"],
    ['spec.labels[1]', "found no matching overload for '_[_]' applied to '(map(string, string), int)'"],
    [
      'spec.replicas.map(x, x)',
      "expression of type 'int' cannot be range of a comprehension (must be list, map, or dynamic)",
    ],
    ['spec.enabled && 1', "found no matching overload for '_&&_' applied to '(bool, int)'"],
    ['frobnicate(1)', "undeclared reference to 'frobnicate' (in container '')"],
  ];
  for (const [expr, message] of cases) {
    it(`${expr} → ${message}`, () => {
      assert.deepEqual(check(expr).issues, [message]);
    });
  }

  it('reports every error of an expression, in source order', () => {
    assert.deepEqual(check('deployment.spec.a + deployment.spec.b').issues, [
      "undefined field 'a'",
      "undefined field 'b'",
    ]);
  });
});

describe('checkCel: uncertainty', () => {
  it('calls of functions without declared overloads are uncertain dyn', () => {
    const r = check('spec.name.lowerAscii()');
    assert.equal(r.type, 'dyn');
    assert.equal(r.uncertain, true);
  });
  it('schema-typed dyn (int-or-string) is certain', () => {
    assert.equal(check('spec.port').uncertain, false);
  });
  it('schemas without a type (Quantity) are uncertain dyn', () => {
    const r = check('deployment.spec.template.spec.containers[0].resources.limits.cpu');
    assert.equal(r.type, 'dyn');
    assert.equal(r.uncertain, true);
  });
});

describe('escapeFieldName', () => {
  it('escapes as Kubernetes does', () => {
    assert.equal(escapeFieldName('a-b.c/d'), 'a__dash__b__dot__c__slash__d');
    assert.equal(escapeFieldName('a__b'), 'a__underscores__b');
    assert.equal(escapeFieldName('namespace'), '__namespace__');
    assert.equal(escapeFieldName('1abc'), undefined);
  });
});

describe('checkCel: conditional', () => {
  it('rejects branches of different concrete types, as cel-go (bool, A, A) does', () => {
    assert.deepEqual(check('spec.enabled ? spec.name : spec.replicas').issues, [
      "found no matching overload for '_?_:_' applied to '(bool, string, int)'",
    ]);
  });
  it('accepts null or dyn in one branch', () => {
    assert.deepEqual(check('spec.enabled ? deployment : null').issues, []);
    assert.deepEqual(check('spec.enabled ? d : 1').issues, []);
  });
});
