import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldDefinition, parseType, toOpenAPISpec } from '../../../src/simpleschema/index.ts';

const typeError = (text: string): string => {
  const r = parseType(text);
  assert.ok(!r.ok, `expected ${JSON.stringify(text)} to fail`);
  return r.error;
};

describe('parseFieldDefinition (kro-contract §3.1)', () => {
  it('splits at the first | only and trims the type part', () => {
    assert.deepEqual(parseFieldDefinition('  []string | required=true | x'), {
      typeText: '[]string',
      markerText: ' required=true | x',
    });
    assert.deepEqual(parseFieldDefinition(' integer '), { typeText: 'integer', markerText: undefined });
    assert.deepEqual(parseFieldDefinition('| required=true'), { typeText: '', markerText: ' required=true' });
  });
});

describe('type grammar (kro-contract §3.2)', () => {
  it('parses atomic types, object, slices, maps and custom names', () => {
    assert.deepEqual(parseType('float'), { ok: true, type: { kind: 'atomic', name: 'float' } });
    assert.deepEqual(parseType('object'), { ok: true, type: { kind: 'object' } });
    assert.deepEqual(parseType('[]map[string] []Port'), {
      ok: true,
      type: {
        kind: 'slice',
        elem: { kind: 'map', value: { kind: 'slice', elem: { kind: 'custom', name: 'Port' } } },
      },
    });
  });
  it('treats other names, including number/int/bool, as custom names', () => {
    for (const name of ['number', 'int', 'bool', 'array', 'String', 'mapping']) {
      assert.deepEqual(parseType(name), { ok: true, type: { kind: 'custom', name } });
    }
  });
  it('reports the grammar errors with kro’s texts', () => {
    assert.equal(typeError(''), 'empty type');
    assert.equal(typeError('   '), 'empty type');
    assert.equal(typeError('[]'), 'empty slice element type');
    assert.equal(typeError('map[string][]'), 'empty slice element type');
    assert.equal(typeError('map[int]string'), 'map key must be string');
    assert.equal(typeError('map[ string]string'), 'map key must be string');
    assert.equal(typeError('map[string]'), 'map value type is required');
    assert.equal(typeError('map[string]  '), 'map value type is required');
  });
  it('allows 16 levels of nesting and rejects 17', () => {
    assert.ok(parseType(`${'[]'.repeat(16)}string`).ok);
    assert.ok(parseType(`${'map[string]'.repeat(8)}${'[]'.repeat(8)}integer`).ok);
    assert.equal(typeError(`${'[]'.repeat(17)}string`), 'type nesting too deep (max 16): "string"');
    assert.equal(typeError(`${'[]'.repeat(18)}X`), 'type nesting too deep (max 16): "[]X"');
  });
});

describe('type conversion to OpenAPI (kro-contract §3.2 table)', () => {
  it('maps every kind of type', () => {
    const { schema, diagnostics } = toOpenAPISpec(
      {
        s: 'string',
        i: 'integer',
        b: 'boolean',
        f: 'float',
        o: 'object',
        l: '[]integer',
        m: 'map[string]boolean',
        lo: '[]object',
        mm: 'map[string]map[string]float',
      },
      undefined,
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(schema, {
      type: 'object',
      properties: {
        b: { type: 'boolean' },
        f: { type: 'number' },
        i: { type: 'integer' },
        l: { type: 'array', items: { type: 'integer' } },
        lo: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        m: { type: 'object', additionalProperties: { type: 'boolean' } },
        mm: {
          type: 'object',
          additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
        },
        o: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        s: { type: 'string' },
      },
    });
  });
  it('reports grammar errors at the field path and leaves the field out', () => {
    const { schema, diagnostics } = toOpenAPISpec(
      { a: '| required=true', b: 'map[int]string', c: 'number', d: 'string' },
      undefined,
    );
    assert.deepEqual(schema, { type: 'object', properties: { d: { type: 'string' } } });
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.path, d.message]),
      [
        ['simpleschema/invalid-type', 'spec.schema.spec.a', 'empty type'],
        ['simpleschema/invalid-type', 'spec.schema.spec.b', 'map key must be string'],
        ['simpleschema/unknown-type', 'spec.schema.spec.c', 'unknown type: number'],
      ],
    );
  });
  it('reports a type error and a marker error of the same field', () => {
    const { diagnostics } = toOpenAPISpec({ a: 'strin | foo=1' }, undefined);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message]),
      [
        ['simpleschema/invalid-marker', 'invalid marker key "foo": unknown marker: foo'],
        ['simpleschema/unknown-type', 'unknown type: strin'],
      ],
    );
  });
});
