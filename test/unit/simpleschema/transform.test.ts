import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaToJSON, toOpenAPISpec } from '../../../src/simpleschema/index.ts';

describe('parent default rule (kro-contract §3.2)', () => {
  it('gives default {} to objects with a defaulted child and no required entry, up to the root', () => {
    const { schema } = toOpenAPISpec({ a: { b: { c: 'integer | default=1' } }, d: 'string' }, undefined);
    assert.deepEqual(schema, {
      type: 'object',
      properties: {
        a: {
          type: 'object',
          properties: {
            b: { type: 'object', properties: { c: { type: 'integer', default: 1 } }, default: {} },
          },
          default: {},
        },
        d: { type: 'string' },
      },
      default: {},
    });
  });
  it('gives no default when the object has a required field', () => {
    const { schema } = toOpenAPISpec({ a: 'string | default=x', b: 'string | required=true' }, undefined);
    assert.equal(schema.default, undefined);
    assert.deepEqual(schema.required, ['b']);
  });
  it('a required grandchild does not stop the grandparent’s default', () => {
    const { schema } = toOpenAPISpec(
      { o: { r: 'string | required=true', d: 'string | default=x' } },
      undefined,
    );
    assert.equal(schema.properties?.o?.default, undefined);
    assert.equal(schema.default, undefined); // o has no default, so the root has no defaulted child
    const two = toOpenAPISpec(
      { o: { r: 'string | required=true' }, n: 'integer | default=0' },
      undefined,
    ).schema;
    assert.deepEqual(two.default, {});
  });
  it('gives no default without defaulted children', () => {
    assert.equal(toOpenAPISpec({ a: { b: 'string' } }, undefined).schema.default, undefined);
  });
  it('counts a falsy default (0, false, "") as a default', () => {
    assert.deepEqual(toOpenAPISpec({ a: 'string | default=""' }, undefined).schema.default, {});
    assert.deepEqual(toOpenAPISpec({ a: 'boolean | default=false' }, undefined).schema.default, {});
  });
});

describe('spec shape (kro-contract §3.1)', () => {
  it('an absent or null spec is an empty object', () => {
    assert.deepEqual(toOpenAPISpec(undefined, undefined), { schema: { type: 'object' }, diagnostics: [] });
    assert.deepEqual(toOpenAPISpec(null, null), { schema: { type: 'object' }, diagnostics: [] });
  });
  it('a spec or types that is not a map is one error', () => {
    assert.deepEqual(toOpenAPISpec('name: string', ['x']).diagnostics, [
      {
        severity: 'error',
        code: 'simpleschema/spec-not-object',
        path: 'spec.schema.spec',
        message:
          'failed to unmarshal spec schema: json: cannot unmarshal string into Go value of type map[string]interface {}',
      },
      {
        severity: 'error',
        code: 'simpleschema/types-not-object',
        path: 'spec.schema.types',
        message:
          'failed to unmarshal predefined types: json: cannot unmarshal array into Go value of type map[string]interface {}',
      },
    ]);
  });
  it('values other than strings and maps are errors named by their Go type', () => {
    const r = toOpenAPISpec({ i: 3, f: 1.5, b: true, n: null, l: ['string'], ok: 'string' }, undefined);
    assert.deepEqual(
      r.diagnostics.map((d) => [d.path, d.message]),
      [
        ['spec.schema.spec.b', 'unexpected type: bool'],
        ['spec.schema.spec.f', 'unexpected type: float64'],
        ['spec.schema.spec.i', 'unexpected type: int64'],
        ['spec.schema.spec.l', 'unexpected type: []interface {}'],
        ['spec.schema.spec.n', 'unexpected type: <nil>'],
      ],
    );
    assert.deepEqual(r.schema, { type: 'object', properties: { ok: { type: 'string' } } });
  });
  it('reports every bad field at its nested path, keys with dots bracketed', () => {
    const r = toOpenAPISpec(
      { ingress: { enabled: 'boolean | default=maybe' }, 'app.io': { 'x.y': 'integer | default=abc' } },
      undefined,
    );
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.path, d.message]),
      [
        [
          'simpleschema/invalid-default',
          'spec.schema.spec["app.io"]["x.y"]',
          'default value must be a valid integer, got: abc',
        ],
        [
          'simpleschema/invalid-default',
          'spec.schema.spec.ingress.enabled',
          'default value must be a valid boolean, got: maybe',
        ],
      ],
    );
  });
  it('sorts required in Go order', () => {
    const { schema } = toOpenAPISpec(
      { b: 'string | required=true', B: 'string | required=true', a: 'string | required=true' },
      undefined,
    );
    assert.deepEqual(schema.required, ['B', 'a', 'b']);
  });
  it('treats __proto__ as an ordinary field name', () => {
    const spec = JSON.parse('{"__proto__": "string | default=x"}') as unknown;
    const { schema } = toOpenAPISpec(spec, undefined);
    assert.deepEqual(Object.keys(schema.properties ?? {}), ['__proto__']);
    assert.equal(Object.getPrototypeOf(schema.properties), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(schema.properties, '__proto__')?.value, {
      type: 'string',
      default: 'x',
    });
  });
});

describe('schemaToJSON', () => {
  it('writes bigint values as exact JSON numbers', () => {
    const { schema } = toOpenAPISpec(
      { n: 'integer | default=-9223372036854775808 enum="1,9223372036854775807"' },
      undefined,
    );
    assert.equal(
      schemaToJSON(schema),
      '{"type":"object","properties":{"n":{"type":"integer","default":-9223372036854775808,"enum":[1,9223372036854775807]}},"default":{}}',
    );
  });
});
