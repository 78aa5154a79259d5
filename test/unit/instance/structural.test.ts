/**
 * The structural part of instance admission: pruning, null dropping, defaulting, `status` and
 * `metadata` handling, and purity (inputs never mutated, defaults deep-copied). Expected objects were
 * checked against kube-apiserver 1.35's server-side dry-run answers for the same schema.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInstanceSchema } from '../../../src/instance/index.ts';
import { compiledFor, create, errorMessages, instance, rootSchema } from './helpers.ts';

describe('pruning', () => {
  const compiled = compiledFor({ name: 'string', config: { size: 'integer' }, extra: 'object' });

  it('drops unknown fields at every level of the spec and at the root', () => {
    const r = compiled.admit(
      { ...instance({ name: 'a', unknown: 1, config: { size: 2, colour: 'red' } }), topLevel: true },
      { operation: 'CREATE' },
    );
    assert.deepEqual(r.object, {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'WebApp',
      metadata: { name: 'demo' },
      spec: { name: 'a', config: { size: 2 } },
    });
    assert.deepEqual(errorMessages(r), []);
  });

  it('keeps everything, nulls included, under x-kubernetes-preserve-unknown-fields (`object`)', () => {
    const extra = { a: { b: [1, { c: null }] }, d: null };
    assert.deepEqual(create(compiled, { extra }).spec, { extra });
  });

  it('still prunes known properties inside a preserve-unknown object', () => {
    const c = compileInstanceSchema(
      rootSchema({
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
      }),
    );
    assert.deepEqual(create(c, { known: { a: 'x', b: 'pruned' }, free: { b: 'kept' } }).spec, {
      known: { a: 'x' },
      free: { b: 'kept' },
    });
  });

  it('drops status on CREATE and keeps the stored status on UPDATE (status subresource)', () => {
    const created = compiled.admit(
      { ...instance({ name: 'a' }), status: { state: 'ACTIVE' } },
      { operation: 'CREATE' },
    );
    assert.equal(Object.hasOwn(created.object, 'status'), false);
    const old = { ...instance({ name: 'a' }), status: { state: 'ACTIVE', conditions: [] } };
    const updated = compiled.admit(
      { ...instance({ name: 'b' }), status: { state: 'FORGED' } },
      { operation: 'UPDATE', oldObject: old },
    );
    assert.deepEqual(updated.object.status, { state: 'ACTIVE', conditions: [] });
    assert.deepEqual(updated.object.spec, { name: 'b' });
  });

  it('coerces metadata to ObjectMeta: unknown keys and empty values go', () => {
    const r = compiled.admit(
      {
        ...instance({}),
        metadata: {
          name: 'a',
          labels: {},
          annotations: { x: 'y' },
          finalizers: [],
          creationTimestamp: null,
          foo: 1,
        },
      },
      { operation: 'CREATE' },
    );
    assert.deepEqual(r.object.metadata, { name: 'a', annotations: { x: 'y' } });
  });
});

describe('nulls', () => {
  const compiled = compiledFor({
    name: 'string',
    replicas: 'integer | default=3',
    tags: '[]string',
    labels: 'map[string]string',
  });

  it('replaces a null by the default, and drops a null without default', () => {
    assert.deepEqual(create(compiled, { name: null, replicas: null }), { spec: { replicas: 3 }, errors: [] });
  });

  it('drops null map values', () => {
    assert.deepEqual(create(compiled, { labels: { a: null, b: 'x' } }).spec, {
      labels: { b: 'x' },
      replicas: 3,
    });
  });

  it('keeps a null list item, which then fails the type check', () => {
    assert.deepEqual(create(compiled, { tags: ['a', null] }).errors, [
      'spec.tags[1]: Invalid value: "null": spec.tags[1] in body must be of type string: "null"',
    ]);
  });

  it('accepts null where the schema is nullable', () => {
    const c = compileInstanceSchema(
      rootSchema({ type: 'object', properties: { note: { type: 'string', nullable: true } } }),
    );
    assert.deepEqual(create(c, { note: null }), { spec: { note: null }, errors: [] });
  });
});

describe('defaults', () => {
  it('apply inside list items and map values', () => {
    const compiled = compiledFor(
      { ports: '[]Port', byName: 'map[string]Port' },
      { Port: { name: 'string', port: 'integer | default=80', protocol: 'string | default="TCP"' } },
    );
    assert.deepEqual(
      create(compiled, { ports: [{ name: 'a' }, { name: 'b', port: 8080 }], byName: { x: {} } }).spec,
      {
        ports: [
          { name: 'a', port: 80, protocol: 'TCP' },
          { name: 'b', port: 8080, protocol: 'TCP' },
        ],
        byName: { x: { port: 80, protocol: 'TCP' } },
      },
    );
  });

  it('materialise nested defaults through `default: {}` parents, and apply defaults inside defaults', () => {
    const compiled = compiledFor({ a: { b: { c: 'string | default="deep"' } } });
    assert.deepEqual(create(compiled, undefined).spec, { a: { b: { c: 'deep' } } });
    assert.deepEqual(create(compiled, {}).spec, { a: { b: { c: 'deep' } } });
    assert.deepEqual(create(compiled, { a: {} }).spec, { a: { b: { c: 'deep' } } });
  });

  it('replace null list items with the items default', () => {
    const c = compileInstanceSchema(
      rootSchema({
        type: 'object',
        properties: { xs: { type: 'array', items: { type: 'string', default: 'x' } } },
      }),
    );
    assert.deepEqual(create(c, { xs: [null, 'y'] }).spec, { xs: ['x', 'y'] });
  });

  it('are deep copies, not shared with the schema or other objects', () => {
    const o = {
      type: 'object',
      properties: { list: { type: 'array', items: { type: 'integer' } } },
      default: { list: [1] },
    };
    const schema = rootSchema({ type: 'object', properties: { o } });
    const c = compileInstanceSchema(schema);
    const first = create(c, {}).spec as { o: { list: number[] } };
    first.o.list.push(2);
    assert.deepEqual(create(c, {}).spec, { o: { list: [1] } });
    assert.deepEqual(o.default, { list: [1] });
  });
});

describe('purity', () => {
  it('never mutates the object or the old object, and is deterministic', () => {
    const compiled = compiledFor({ name: 'string | default="n"', tags: '[]string' });
    const obj: Record<string, unknown> = { ...instance({ tags: ['a'], junk: { x: 1 } }), status: { s: 1 } };
    const old = { ...instance({ name: 'o' }), status: { state: 'ACTIVE' } };
    const before = structuredClone(obj);
    const oldBefore = structuredClone(old);
    const a = compiled.admit(obj, { operation: 'UPDATE', oldObject: old });
    const b = compiled.admit(obj, { operation: 'UPDATE', oldObject: old });
    assert.deepEqual(obj, before);
    assert.deepEqual(old, oldBefore);
    assert.deepEqual(a, b);
    assert.notEqual(a.object.spec, obj.spec);
  });

  it('keeps `__proto__` keys as data under preserve-unknown fields', () => {
    const compiled = compiledFor({ extra: 'object' });
    const extra = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const spec = create(compiled, { extra }).spec as { extra: Record<string, unknown> };
    assert.deepEqual(Object.keys(spec.extra), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('answers a non-object with a diagnostic, not an exception', () => {
    const compiled = compiledFor({ name: 'string' });
    for (const bad of [null, 'x', 42, [1]]) {
      const r = compiled.admit(bad, { operation: 'CREATE' });
      assert.deepEqual(r.object, {});
      assert.deepEqual(
        r.diagnostics.map((d) => d.code),
        ['instance/not-an-object'],
      );
    }
  });
});
