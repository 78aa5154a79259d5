import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KRO_BUILTIN_CONDITION_TYPES,
  checkConditionExpression,
  literalConditionTypes,
  parseCel,
  type CelNode,
} from '../../../src/cel/index.ts';

function ast(expression: string): CelNode {
  const r = parseCel(expression);
  assert.ok(r.kind === 'ok', `${expression}: ${r.kind === 'ok' ? '' : r.message}`);
  return r.ast;
}

function check(expression: string, declared: string[] = []): string[] {
  return checkConditionExpression(ast(expression), expression, new Set(declared));
}

describe('runtime.newCondition macro rules (§5.9)', () => {
  it('accepts a map literal with bare type/status/reason/message keys', () => {
    assert.deepEqual(
      check('runtime.newCondition({type: "DbReady", status: "True", reason: "Up", message: m.x})'),
      [],
    );
    assert.deepEqual(
      check('runtime.newCondition({status: db.ready ? "True" : "False", type: "DbReady"})'),
      [],
    );
  });

  it('requires a map literal', () => {
    assert.deepEqual(check('runtime.newCondition(x)'), [
      'runtime.newCondition: argument must be a map literal',
    ]);
  });

  it('rejects quoted or computed keys', () => {
    const msg =
      'runtime.newCondition: keys must be bare identifiers (type, status, reason, message); quoted or computed keys are not allowed';
    assert.deepEqual(check('runtime.newCondition({"type": "A", status: "True"})'), [msg]);
    assert.deepEqual(check('runtime.newCondition({a.b: "A"})'), [msg]);
  });

  it('rejects unknown and duplicate keys', () => {
    assert.deepEqual(check('runtime.newCondition({type: "A", status: "True", severity: "x"})'), [
      'runtime.newCondition: unknown key "severity" (allowed: type, status, reason, message)',
    ]);
    assert.deepEqual(check('runtime.newCondition({type: "A", status: "True", type: "B"})'), [
      'runtime.newCondition: duplicate key "type"',
    ]);
  });

  it('requires type, then status', () => {
    assert.deepEqual(check('runtime.newCondition({reason: "r"})'), [
      "runtime.newCondition: 'type' is required",
    ]);
    assert.deepEqual(check('runtime.newCondition({type: "A"})'), [
      "runtime.newCondition: 'status' is required",
    ]);
  });

  it('applies only to runtime.newCondition with one argument', () => {
    assert.deepEqual(
      check('other.newCondition(x) || runtime.newCondition(x, y) || runtime.x.newCondition(1)'),
      [],
    );
  });
});

describe('literal condition values (§5.9)', () => {
  it('rejects a literal status outside True/False/Unknown, quoting like Go %q', () => {
    const e = 'runtime.newCondition({type: "A", status: "Yes"})';
    assert.deepEqual(check(e), [
      `runtime.newCondition: status must be one of True, False, Unknown (got "Yes") in expression ${JSON.stringify(e)}`,
    ]);
    assert.deepEqual(check('runtime.newCondition({type: "A", status: "Unknown"})'), []);
    assert.deepEqual(check('runtime.newCondition({type: "A", status: s})'), []);
  });

  it('rejects an empty literal type', () => {
    const e = "runtime.newCondition({type: '', status: 'True'})";
    assert.deepEqual(check(e), [
      `runtime.newCondition: type must not be empty in expression "runtime.newCondition({type: '', status: 'True'})"`,
    ]);
  });

  it('reports macro problems first, then literal ones, for every call', () => {
    const e = 'c ? runtime.newCondition({type: "", status: "bad"}) : runtime.newCondition({type: "A"})';
    assert.deepEqual(check(e), [
      "runtime.newCondition: 'status' is required",
      `runtime.newCondition: status must be one of True, False, Unknown (got "bad") in expression ${JSON.stringify(e)}`,
      `runtime.newCondition: type must not be empty in expression ${JSON.stringify(e)}`,
    ]);
  });
});

describe('runtime.condition(schema, X) lookups (§5.9)', () => {
  it('allows kro’s built-in types, other objects and computed names', () => {
    for (const t of KRO_BUILTIN_CONDITION_TYPES) {
      assert.deepEqual(check(`runtime.condition(schema, "${t}").status == "True"`), []);
    }
    assert.deepEqual(check('runtime.condition(deployment, "Available").status == "True"'), []);
    assert.deepEqual(check('runtime.condition(schema, schema.spec.kind).status == "True"'), []);
  });

  it('rejects an unknown type', () => {
    const e = "runtime.condition(schema, 'Redy')";
    assert.deepEqual(check(e), [
      `runtime.condition(schema, "Redy"): unknown condition type; only kro's built-in types (InstanceManaged, GraphResolved, ResourcesReady, Ready) can be read from schema in expression "runtime.condition(schema, 'Redy')"`,
    ]);
  });

  it('rejects a type declared by a conditions entry as a self-reference', () => {
    const e = 'runtime.condition(schema, "DbReady")';
    assert.deepEqual(check(e, ['DbReady']), [
      `runtime.condition(schema, "DbReady"): custom conditions cannot reference each other in expression ${JSON.stringify(e)}`,
    ]);
  });
});

describe('literalConditionTypes (§5.9)', () => {
  it('lists the literal types declared, once each, in source order', () => {
    assert.deepEqual(
      literalConditionTypes(
        ast(
          'c ? runtime.newCondition({type: "B", status: "True"}) : [runtime.newCondition({status: "False", type: "A"}), ' +
            'runtime.newCondition({type: "B", status: "False"}), runtime.newCondition({type: t, status: "True"})]',
        ),
      ),
      ['B', 'A'],
    );
    assert.deepEqual(literalConditionTypes(ast('runtime.newCondition({type: "", status: "True"})')), ['']);
    assert.deepEqual(literalConditionTypes(ast('x.newCondition({type: "A", status: "True"})')), []);
  });
});
