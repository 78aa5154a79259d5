/**
 * OpenAPI keyword validation of instances, one keyword at a time, with the API server's texts (each
 * expected message was produced by kube-apiserver 1.35 for the same schema and value).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInstanceSchema } from '../../../src/instance/index.ts';
import { compiledFor, create, rootSchema, update } from './helpers.ts';

function specSchema(properties: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return compileInstanceSchema(rootSchema({ type: 'object', properties, ...extra }));
}

describe('types', () => {
  const c = specSchema({
    i: { type: 'integer' },
    n: { type: 'number' },
    b: { type: 'boolean' },
    o: { type: 'object', properties: { x: { type: 'string' } } },
    l: { type: 'array', items: { type: 'string' } },
    ios: { 'x-kubernetes-int-or-string': true },
  });

  it('integer is a JSON number without a fraction; number accepts integers', () => {
    assert.deepEqual(create(c, { i: 3, n: 3 }).errors, []);
    assert.deepEqual(create(c, { i: 2.5 }).errors, [
      'spec.i: Invalid value: "number": spec.i in body must be of type integer: "number"',
    ]);
  });

  it('names the actual JSON type of a wrong value', () => {
    assert.deepEqual(create(c, { b: 'true', o: 'x', l: { a: 1 }, n: false }).errors, [
      'spec.b: Invalid value: "string": spec.b in body must be of type boolean: "string"',
      'spec.l: Invalid value: "object": spec.l in body must be of type array: "object"',
      'spec.n: Invalid value: "boolean": spec.n in body must be of type number: "boolean"',
      'spec.o: Invalid value: "string": spec.o in body must be of type object: "string"',
    ]);
  });

  it('int-or-string takes whole numbers and strings only', () => {
    assert.deepEqual(create(c, { ios: 8080 }).errors, []);
    assert.deepEqual(create(c, { ios: '50%' }).errors, []);
    assert.deepEqual(create(c, { ios: 1.5 }).errors, [
      'spec.ios: Invalid value: "number": spec.ios in body must be of type integer,string: "number"',
    ]);
  });
});

describe('required and enum', () => {
  it('reports each missing required property at its own path', () => {
    const c = specSchema({ o: { type: 'object', required: ['b', 'a'], properties: { a: {}, b: {} } } });
    const r = c.admit({ metadata: { name: 'x' }, spec: { o: {} } }, { operation: 'CREATE' });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.code} ${d.path} ${d.message}`),
      [
        'instance/required spec.o.a spec.o.a: Required value',
        'instance/required spec.o.b spec.o.b: Required value',
      ],
    );
  });

  it('lists the supported values, non-strings as JSON', () => {
    const c = compiledFor({ mode: 'string | enum="a,b"', level: 'integer | enum="1,2"' });
    assert.deepEqual(create(c, { mode: 'x', level: 3 }).errors, [
      'spec.level: Unsupported value: 3: supported values: "1", "2"',
      'spec.mode: Unsupported value: "x": supported values: "a", "b"',
    ]);
    assert.deepEqual(create(c, { mode: 'b', level: 2 }).errors, []);
  });
});

describe('numbers', () => {
  it('minimum and maximum, from SimpleSchema markers', () => {
    const c = compiledFor({ replicas: 'integer | minimum=1 maximum=10' });
    assert.deepEqual(create(c, { replicas: 0 }).errors, [
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    ]);
    assert.deepEqual(create(c, { replicas: 11 }).errors, [
      'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    ]);
    assert.deepEqual(create(c, { replicas: 10 }).errors, []);
  });

  it('exclusive bounds, float bounds, and the int64 truncation of bounds for whole values', () => {
    const c = specSchema({
      ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1.5 },
      small: { type: 'integer', maximum: 1.5 },
      pct: { type: 'number', maximum: 0.25, exclusiveMaximum: true },
    });
    assert.deepEqual(create(c, { ratio: 0, small: 2, pct: 0.25 }).errors, [
      'spec.pct: Invalid value: 0.25: spec.pct in body should be less than 0.25',
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
      'spec.small: Invalid value: 2: spec.small in body should be less than or equal to 1',
    ]);
    assert.deepEqual(create(c, { ratio: 1.6 }).errors, [
      'spec.ratio: Invalid value: 1.6: spec.ratio in body should be less than or equal to 1.5',
    ]);
  });

  it('multipleOf for integers and floats', () => {
    const c = specSchema({ i: { type: 'integer', multipleOf: 3 }, f: { type: 'number', multipleOf: 0.5 } });
    assert.deepEqual(create(c, { i: 4, f: 0.7 }).errors, [
      'spec.f: Invalid value: 0.7: spec.f in body should be a multiple of 0.5',
      'spec.i: Invalid value: 4: spec.i in body should be a multiple of 3',
    ]);
    assert.deepEqual(create(c, { i: 9, f: 2.5 }).errors, []);
  });
});

describe('strings', () => {
  const c = compiledFor({
    name: 'string | minLength=3 maxLength=5 pattern="^[a-zé]+$"',
    one: 'string | maxLength=1',
  });

  it('counts length in runes (code points), not UTF-16 units or bytes', () => {
    assert.deepEqual(create(c, { name: 'éééé', one: '😀' }).errors, []);
    assert.deepEqual(create(c, { one: '😀😀' }).errors, ['spec.one: Too long: may not be more than 1 byte']);
    assert.deepEqual(create(c, { name: 'abcdef' }).errors, [
      'spec.name: Too long: may not be more than 5 bytes',
    ]);
  });

  it('reports the first failing of maxLength, minLength, pattern', () => {
    assert.deepEqual(create(c, { name: 'ab' }).errors, [
      'spec.name: Invalid value: "ab": spec.name in body should be at least 3 chars long',
    ]);
    assert.deepEqual(create(c, { name: 'ABC' }).errors, [
      'spec.name: Invalid value: "ABC": spec.name in body should match \'^[a-zé]+$\'',
    ]);
    assert.deepEqual(create(c, { name: 'ABCDEF' }).errors, [
      'spec.name: Too long: may not be more than 5 bytes',
    ]);
  });

  it('reports a pattern Go cannot compile with Go’s error', () => {
    const bad = specSchema({ p: { type: 'string', pattern: '(?=x)' } });
    assert.deepEqual(create(bad, { p: 'x' }).errors, [
      'spec.p: Invalid value: "x": spec.p in body should match \'(?=x), but pattern is invalid: error parsing regexp: invalid or unsupported Perl syntax: `(?=`\'',
    ]);
  });

  it('translates RE2-only syntax (inline flags)', () => {
    const ci = specSchema({ p: { type: 'string', pattern: '(?i)^abc$' } });
    assert.deepEqual(create(ci, { p: 'ABC' }).errors, []);
  });

  it('checks the formats the API server keeps, and ignores the others', () => {
    const f = specSchema({
      when: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      n: { type: 'integer', format: 'int32' },
      other: { type: 'string', format: 'no-such-format' },
    });
    assert.deepEqual(
      create(f, {
        when: '2024-02-29T10:00:00Z',
        id: '123e4567-e89b-12d3-a456-426614174000',
        n: 2 ** 40,
        other: '?',
      }).errors,
      [],
    );
    assert.deepEqual(create(f, { when: 'yesterday', id: 'nope' }).errors, [
      'spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"',
      'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
    ]);
  });
});

describe('lists and maps', () => {
  it('minItems and maxItems', () => {
    const c = compiledFor({ tags: '[]string | minItems=1 maxItems=2' });
    assert.deepEqual(create(c, { tags: [] }).errors, [
      'spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items',
    ]);
    assert.deepEqual(create(c, { tags: ['a', 'b', 'c'] }).errors, [
      'spec.tags: Too many: 3: must have at most 2 items',
    ]);
  });

  it('minProperties and maxProperties, with the values still validated', () => {
    const c = specSchema({
      labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 3 }, maxProperties: 2 },
      min: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 2 },
    });
    assert.deepEqual(create(c, { labels: { a: 'toolong', b: 'x', c: 'y' }, min: { a: 'x' } }).errors, [
      'spec.labels: Too many: 3: must have at most 2 items',
      'spec.labels.a: Too long: may not be more than 3 bytes',
      'spec.min: Invalid value: 1: spec.min in body should have at least 2 properties',
    ]);
  });

  it('set lists: every repeated value once, at its second occurrence', () => {
    const c = compiledFor({ tags: '[]string | uniqueItems=true' });
    assert.deepEqual(create(c, { tags: ['a', 'b', 'a', 'a', 'b'] }).errors, [
      'spec.tags[2]: Duplicate value: "a"',
      'spec.tags[4]: Duplicate value: "b"',
    ]);
  });

  it('map lists: unique key tuples (absent keys count as one value), objects only', () => {
    const c = compileInstanceSchema(
      rootSchema({
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', properties: { name: { type: 'string' }, port: { type: 'integer' } } },
          },
          pairs: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['a', 'b'],
            items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } },
          },
        },
      }),
    );
    assert.deepEqual(
      create(c, {
        ports: [{ name: 'a' }, { name: 'a' }, { port: 1 }, { port: 2 }],
        pairs: [
          { a: 'x', b: 1 },
          { b: 1, a: 'x' },
        ],
      }).errors,
      [
        'spec.pairs[1]: Duplicate value: {"a":"x","b":1}',
        'spec.ports[1]: Duplicate value: {"name":"a"}',
        'spec.ports[3]: Duplicate value: {}',
      ],
    );
    assert.deepEqual(create(c, { pairs: [{ a: 'x', b: 1 }, 'str'] }).errors, [
      'spec.pairs[1]: Invalid value: "str": must be an object for an array of list-type map',
      'spec.pairs[1]: Invalid value: "string": spec.pairs[1] in body must be of type object: "string"',
    ]);
  });
});

describe('ratcheting on UPDATE', () => {
  const c = compiledFor({
    name: 'string | maxLength=3',
    tags: '[]string | uniqueItems=true',
    other: 'string',
  });

  it('lets an unchanged invalid field through, and rejects a changed one', () => {
    assert.deepEqual(update(c, { name: 'toolong' }, { name: 'toolong', other: 'changed' }).errors, []);
    assert.deepEqual(update(c, { name: 'toolong' }, { name: 'toolong2' }).errors, [
      'spec.name: Too long: may not be more than 3 bytes',
    ]);
    assert.deepEqual(update(c, {}, { name: 'toolong' }).errors, [
      'spec.name: Too long: may not be more than 3 bytes',
    ]);
  });

  it('reports list-type errors only when the old object had none', () => {
    assert.deepEqual(update(c, { tags: ['a', 'a'] }, { tags: ['a', 'a', 'b'] }).errors, []);
    assert.deepEqual(update(c, { tags: ['a'] }, { tags: ['a', 'a'] }).errors, [
      'spec.tags[1]: Duplicate value: "a"',
    ]);
  });
});
