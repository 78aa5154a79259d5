/**
 * `x-kubernetes-validations` on instances: `self`, transition rules with `oldSelf`, messages, errors,
 * budgets, ratcheting, and the skip after blocking errors. Texts as kube-apiserver 1.35 prints them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInstanceSchema } from '../../../src/instance/index.ts';
import { compiledFor, create, rootSchema, RULES_NOT_CHECKED, update } from './helpers.ts';

function withRules(properties: Record<string, unknown>) {
  return compileInstanceSchema(rootSchema({ type: 'object', properties }));
}

describe('validation= and immutable= markers', () => {
  const c = compiledFor({
    name: 'string | immutable=true',
    replicas: 'integer | validation="self % 2 == 1"',
    size: 'string | validation="self.size() > 2"',
  });

  it('evaluates self with integers as CEL ints', () => {
    assert.deepEqual(create(c, { replicas: 3 }).errors, []);
    assert.deepEqual(create(c, { replicas: 4 }).errors, [
      'spec.replicas: Invalid value: 4: validation failed',
    ]);
  });

  it('skips the immutable= transition rule on CREATE and enforces it on UPDATE', () => {
    assert.deepEqual(create(c, { name: 'a' }).errors, []);
    assert.deepEqual(update(c, { name: 'a' }, { name: 'a' }).errors, []);
    assert.deepEqual(update(c, { name: 'a' }, { name: 'b' }).errors, [
      'spec.name: Invalid value: "b": field is immutable',
    ]);
  });

  it('skips a transition rule where the old object has no value', () => {
    assert.deepEqual(update(c, {}, { name: 'new' }).errors, []);
  });

  it('counts string sizes in code points', () => {
    assert.deepEqual(create(c, { size: 'ééé' }).errors, []);
    assert.deepEqual(create(c, { size: '😀😀' }).errors, [
      'spec.size: Invalid value: "😀😀": validation failed',
    ]);
  });
});

describe('messages', () => {
  const c = withRules({
    ruled: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() > 2' }] },
    msgexpr: {
      type: 'string',
      'x-kubernetes-validations': [
        { rule: 'self != "bad"', messageExpression: '"value " + self + " is bad"' },
      ],
    },
    blankExpr: {
      type: 'string',
      'x-kubernetes-validations': [{ rule: 'self != "bad"', message: 'fallback', messageExpression: '"  "' }],
    },
    obj: {
      type: 'object',
      properties: { a: { type: 'integer' }, b: { type: 'integer' } },
      'x-kubernetes-validations': [
        { rule: 'self.a < self.b', message: 'a must be below b' },
        { rule: 'self.a > 0', message: 'a must be positive', reason: 'FieldValueForbidden', fieldPath: '.a' },
      ],
    },
    list: {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-validations': [{ rule: 'self.all(x, x != "z")' }],
    },
  });

  it('uses failed rule: <rule>, the message, or the messageExpression result', () => {
    assert.deepEqual(create(c, { ruled: 'ab', msgexpr: 'bad', blankExpr: 'bad' }).errors, [
      'spec.blankExpr: Invalid value: "bad": fallback',
      'spec.msgexpr: Invalid value: "bad": value bad is bad',
      'spec.ruled: Invalid value: "ab": failed rule: self.size() > 2',
    ]);
  });

  it('omits the value of objects and lists, and honours reason and fieldPath', () => {
    assert.deepEqual(create(c, { obj: { a: -5, b: -9 }, list: ['a', 'z'] }).errors, [
      'spec.list: Invalid value: failed rule: self.all(x, x != "z")',
      'spec.obj: Invalid value: a must be below b',
      'spec.obj.a: Forbidden: a must be positive',
    ]);
  });

  it('reports an evaluation error with cel-go’s text and the schema type as value', () => {
    const r = c.admit({ metadata: { name: 'x' }, spec: { obj: { a: 1 } } }, { operation: 'CREATE' });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`),
      [
        'instance/validation-rule-error spec.obj spec.obj: Invalid value: "object": no such key: b evaluating rule: a must be below b',
      ],
    );
  });
});

describe('blocking errors', () => {
  const c = compiledFor({ replicas: 'integer', ruled: 'string | validation="self.size() > 2"' });

  it('skip the rules with the API server notice', () => {
    assert.deepEqual(create(c, { replicas: 'x', ruled: 'a' }).errors, [
      RULES_NOT_CHECKED,
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ]);
  });

  it('do not include errors such as minimum (Invalid value)', () => {
    const m = compiledFor({
      replicas: 'integer | minimum=1',
      ruled: 'string | validation="self.size() > 2"',
    });
    assert.deepEqual(create(m, { replicas: 0, ruled: 'a' }).errors, [
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      'spec.ruled: Invalid value: "a": validation failed',
    ]);
  });

  it('add no notice when the schema has no rules', () => {
    assert.deepEqual(create(compiledFor({ replicas: 'integer' }), { replicas: 'x' }).errors, [
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ]);
  });
});

describe('UPDATE', () => {
  it('ratchets a failing non-transition rule on an unchanged value', () => {
    const c = compiledFor({ ruled: 'string | validation="self.size() > 2"', other: 'string' });
    assert.deepEqual(update(c, { ruled: 'a' }, { ruled: 'a', other: 'x' }).errors, []);
    assert.deepEqual(update(c, { ruled: 'a' }, { ruled: 'b' }).errors, [
      'spec.ruled: Invalid value: "b": validation failed',
    ]);
  });

  it('correlates map-list items by key for oldSelf, and not items of other lists', () => {
    const immutablePort = {
      type: 'integer',
      'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'port is immutable' }],
    };
    const item = { type: 'object', properties: { name: { type: 'string' }, port: immutablePort } };
    const c = withRules({
      byName: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: item,
      },
      atomic: { type: 'array', items: item },
    });
    const old = {
      byName: [
        { name: 'a', port: 1 },
        { name: 'b', port: 2 },
      ],
      atomic: [{ name: 'a', port: 1 }],
    };
    assert.deepEqual(
      update(c, old, {
        byName: [
          { name: 'b', port: 2 },
          { name: 'a', port: 9 },
        ],
        atomic: [{ name: 'a', port: 9 }],
      }).errors,
      ['spec.byName[1].port: Invalid value: 9: port is immutable'],
    );
  });

  it('gives optionalOldSelf rules an optional, none on CREATE', () => {
    const c = withRules({
      v: {
        type: 'string',
        'x-kubernetes-validations': [
          {
            rule: 'oldSelf.hasValue() ? self == oldSelf.value() : self == "first"',
            optionalOldSelf: true,
            message: 'no',
          },
        ],
      },
    });
    assert.deepEqual(create(c, { v: 'first' }).errors, []);
    assert.deepEqual(create(c, { v: 'other' }).errors, ['spec.v: Invalid value: "other": no']);
    assert.deepEqual(update(c, { v: 'x' }, { v: 'x' }).errors, []);
    assert.deepEqual(update(c, { v: 'x' }, { v: 'y' }).errors, ['spec.v: Invalid value: "y": no']);
  });
});

describe('rules kro-guard cannot evaluate, and budgets', () => {
  it('warns once about a rule its CEL environment cannot parse, and does not reject', () => {
    const c = withRules({
      xs: {
        type: 'array',
        items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.noSuchFunction()' }] },
      },
    });
    const r = c.admit({ metadata: { name: 'x' }, spec: { xs: ['a', 'b'] } }, { operation: 'CREATE' });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`),
      ['warning instance/validation-rule-unsupported spec.xs[0]'],
    );
  });

  it('stops with the API server text when a rule exceeds the per-call cost limit', () => {
    const c = withRules({
      n: {
        type: 'integer',
        'x-kubernetes-validations': [
          { rule: 'lists.range(self).all(i, lists.range(self).all(j, true))' },
          { rule: 'false', message: 'never reached' },
        ],
      },
    });
    assert.deepEqual(create(c, { n: 5000 }).errors, [
      'spec.n: Invalid value: "integer": \'operation cancelled: actual cost limit exceeded\': no further validation rules will be run due to call cost exceeds limit for rule: lists.range(self).all(i, lists.range(self).all(j, true))',
    ]);
  });

  it('shows only name and generateName of the root metadata to root rules', () => {
    const c = compileInstanceSchema({
      ...rootSchema({ type: 'object' }),
      'x-kubernetes-validations': [{ rule: '!has(self.metadata.labels) && self.metadata.name == "ok"' }],
    });
    const r = c.admit({ metadata: { name: 'ok', labels: { a: 'b' } }, spec: {} }, { operation: 'CREATE' });
    assert.deepEqual(r.diagnostics, []);
  });
});
