/**
 * `instancePatch`: the defaults as JSON Patch operations, nothing else, idempotent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jsonPatch from 'fast-json-patch';
import { instancePatch } from '../../../src/instance/index.ts';
import { compiledFor, instance } from './helpers.ts';

const compiled = compiledFor(
  {
    name: 'string',
    replicas: 'integer | default=2',
    config: { mode: 'string | default="fast"' },
    ports: '[]Port',
  },
  { Port: { name: 'string', port: 'integer | default=80' } },
);

describe('instancePatch', () => {
  it('adds absent defaults and replaces nulls by defaults, and removes nothing', () => {
    const original: Record<string, unknown> = {
      ...instance({ name: 'a', replicas: null, unknown: true, ports: [{ name: 'p' }] }),
      status: { state: 'x' },
    };
    (original.metadata as Record<string, unknown>).labels = {};
    const admitted = compiled.admit(original, { operation: 'CREATE' }).object;
    const patch = instancePatch(original, admitted);
    assert.deepEqual(patch, [
      { op: 'add', path: '/spec/ports/0/port', value: 80 },
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'add', path: '/spec/config', value: { mode: 'fast' } },
    ]);
    const patched = jsonPatch.applyPatch(structuredClone(original), patch).newDocument as Record<
      string,
      unknown
    >;
    assert.deepEqual((patched.spec as Record<string, unknown>).unknown, true);
    assert.deepEqual(patched.status, { state: 'x' });
  });

  it('is empty for an admitted object (idempotent under reinvocation)', () => {
    const admitted = compiled.admit(instance({ name: 'a' }), { operation: 'CREATE' }).object;
    assert.deepEqual(instancePatch(admitted, compiled.admit(admitted, { operation: 'CREATE' }).object), []);
  });

  it('leaves status alone on UPDATE, where the admitted object carries the stored status', () => {
    const old = { ...instance({ name: 'a' }), status: { state: 'ACTIVE' } };
    const incoming = {
      ...instance({ name: 'a', replicas: 2, config: { mode: 'fast' } }),
      status: { state: 'X' },
    };
    const admitted = compiled.admit(incoming, { operation: 'UPDATE', oldObject: old }).object;
    assert.deepEqual(admitted.status, { state: 'ACTIVE' });
    assert.deepEqual(instancePatch(incoming, admitted), []);
  });

  it('gives no operations for non-objects', () => {
    assert.deepEqual(instancePatch(null, {}), []);
    assert.deepEqual(instancePatch({}, 'x'), []);
  });
});
