import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseTypeGraph, toOpenAPISpec } from '../../../src/simpleschema/index.ts';

const problems = (spec: unknown, types: unknown): string[][] =>
  toOpenAPISpec(spec, types).diagnostics.map((d) => [d.code, d.path, d.message]);

describe('analyseTypeGraph (kro-contract §3.3 ordering)', () => {
  it('orders dependencies first, ties in Go string order', () => {
    const g = analyseTypeGraph(
      new Map([
        ['Zeta', ['Alpha']],
        ['Alpha', []],
        ['Mid', ['Zeta', 'Alpha']],
        ['Beta', []],
      ]),
    );
    assert.deepEqual(g.order, ['Alpha', 'Beta', 'Zeta', 'Mid']);
    assert.deepEqual(g.cycles, []);
  });
  it('reports each cycle once, from its first type, shortest path', () => {
    const g = analyseTypeGraph(
      new Map([
        ['C', ['A']],
        ['A', ['B']],
        ['B', ['C', 'A']],
        ['X', ['Y']],
        ['Y', ['X']],
        ['Free', []],
        ['UsesCycle', ['A', 'Free']],
      ]),
    );
    assert.deepEqual(g.cycles, [
      ['A', 'B', 'A'],
      ['X', 'Y', 'X'],
    ]);
    assert.deepEqual([...g.inCycle].sort(), ['A', 'B', 'C', 'X', 'Y']);
    assert.deepEqual(g.order, ['Free', 'UsesCycle']);
  });
  it('finds a three-type cycle', () => {
    const g = analyseTypeGraph(
      new Map([
        ['B', ['C']],
        ['C', ['A']],
        ['A', ['B']],
      ]),
    );
    assert.deepEqual(g.cycles, [['A', 'B', 'C', 'A']]);
  });
});

describe('custom types (kro-contract §3.3)', () => {
  it('resolves struct and alias types, in any declaration order', () => {
    const r = toOpenAPISpec(
      { server: 'Server', ports: '[]Port', byName: 'map[string]Server' },
      {
        Server: { name: 'string', port: 'Port' },
        Port: 'integer | minimum=1 maximum=65535',
      },
    );
    assert.deepEqual(r.diagnostics, []);
    const port = { type: 'integer', minimum: 1, maximum: 65535 };
    const server = { type: 'object', properties: { name: { type: 'string' }, port } };
    assert.deepEqual(r.schema.properties, {
      byName: { type: 'object', additionalProperties: server },
      ports: { type: 'array', items: port },
      server,
    });
  });
  it('applies field markers on a copy of the type', () => {
    const r = toOpenAPISpec(
      { a: 'Name | description="first"', b: 'Name' },
      { Name: 'string | description="a name" minLength=1' },
    );
    assert.deepEqual(r.schema.properties, {
      a: { type: 'string', description: 'first', minLength: 1 },
      b: { type: 'string', description: 'a name', minLength: 1 },
    });
  });
  it('makes every field using an alias with required=true required', () => {
    const r = toOpenAPISpec(
      { id: 'Id', nested: { other: 'Id', plain: 'string' }, list: '[]Id', again: 'Id | required=true' },
      { Id: 'string | required=true', Ref: 'Id' },
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.schema.required, ['again', 'again', 'id']);
    assert.deepEqual(r.schema.properties?.nested?.required, ['other']);
    // An alias of a required alias is required too.
    const r2 = toOpenAPISpec({ x: 'Ref' }, { Id: 'string | required=true', Ref: 'Id' });
    assert.deepEqual(r2.schema.required, ['x']);
  });
  it('builds every type even if unused, and reports its errors', () => {
    assert.deepEqual(problems({ a: 'string' }, { Unused: { size: 'integer | default=big' } }), [
      [
        'simpleschema/invalid-default',
        'spec.schema.types.Unused.size',
        'default value must be a valid integer, got: big',
      ],
    ]);
  });
  it('reports parse errors of types at the type’s path', () => {
    assert.deepEqual(problems({}, { Port: 5, Bad: '[]', Deep: { x: ['a'] }, Ok: 'string' }), [
      ['simpleschema/invalid-type', 'spec.schema.types.Bad', 'empty slice element type'],
      ['simpleschema/unexpected-value', 'spec.schema.types.Deep.x', 'unexpected type: []interface {}'],
      ['simpleschema/unexpected-value', 'spec.schema.types.Port', 'unexpected type: int64'],
    ]);
  });
  it('reports references to undefined types as the DAG does', () => {
    assert.deepEqual(problems({ c: 'Config' }, { Config: { size: 'Size', tags: 'map[string]Tag' } }), [
      ['simpleschema/missing-type-reference', 'spec.schema.types.Config.size', 'node Size does not exist'],
      ['simpleschema/missing-type-reference', 'spec.schema.types.Config.tags', 'node Tag does not exist'],
    ]);
    // The type is still built without the bad fields, so the spec field using it resolves.
    const r = toOpenAPISpec({ c: 'Config' }, { Config: { size: 'Size', name: 'string' } });
    assert.deepEqual(r.schema.properties?.c, { type: 'object', properties: { name: { type: 'string' } } });
  });
  it('reports self references', () => {
    assert.deepEqual(problems({}, { Tree: { name: 'string', children: '[]Tree' }, Loop: 'Loop' }), [
      ['simpleschema/type-self-reference', 'spec.schema.types.Loop', 'self references are not allowed'],
      [
        'simpleschema/type-self-reference',
        'spec.schema.types.Tree.children',
        'self references are not allowed',
      ],
    ]);
  });
  it('reports cycles once, deterministically, and does not cascade into the spec', () => {
    const types = { B: { a: 'A' }, A: { b: '[]B' }, C: 'B', D: 'string' };
    const expected = [
      [
        'simpleschema/type-cycle',
        'spec.schema.types.A',
        'cyclic dependency in type A: graph contains a cycle: A -> B -> A',
      ],
    ];
    assert.deepEqual(problems({ x: 'A', y: 'C', z: 'D' }, types), expected);
    const r = toOpenAPISpec({ x: 'A', y: 'C', z: 'D' }, types);
    assert.deepEqual(r.schema.properties, { z: { type: 'string' } });
  });
  it('accepts a diamond of types', () => {
    const r = toOpenAPISpec(
      { top: 'Top' },
      {
        Top: { l: 'Left', r: 'Right' },
        Left: { b: 'Base' },
        Right: { b: '[]Base' },
        Base: 'string | default=x',
      },
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.schema.properties?.top, {
      type: 'object',
      properties: {
        l: { type: 'object', properties: { b: { type: 'string', default: 'x' } }, default: {} },
        r: { type: 'object', properties: { b: { type: 'array', items: { type: 'string', default: 'x' } } } },
      },
      default: {},
    });
  });
  it('reports an unknown name in the spec, not one declared in types', () => {
    assert.deepEqual(problems({ a: 'Missing', b: 'Broken' }, { Broken: 'Nope' }), [
      ['simpleschema/unknown-type', 'spec.schema.spec.a', 'unknown type: Missing'],
      ['simpleschema/missing-type-reference', 'spec.schema.types.Broken', 'node Nope does not exist'],
    ]);
  });
  it('brackets type names with dots in paths', () => {
    assert.deepEqual(problems({}, { 'a.b': { 'c.d': 'Nope' } }), [
      ['simpleschema/missing-type-reference', 'spec.schema.types["a.b"]["c.d"]', 'node Nope does not exist'],
    ]);
  });
});
