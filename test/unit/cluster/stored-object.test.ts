/**
 * How the stores keep objects: whole but without managedFields, frozen all the way down, and without
 * changing the metadata object the informer parsed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toStoredObject } from '../../../src/cluster/index.ts';

describe('toStoredObject', () => {
  it('drops metadata.managedFields only, and freezes every level', () => {
    const metadata = { name: 'webapp', labels: { team: 'a' }, managedFields: [{ manager: 'kubectl' }] };
    const parsed = { apiVersion: 'kro.run/v1alpha1', metadata, spec: { schema: { spec: { names: ['a'] } } } };
    const stored = toStoredObject(parsed) as typeof parsed;
    assert.deepEqual(stored.metadata, { name: 'webapp', labels: { team: 'a' } });
    assert.equal(metadata.managedFields.length, 1, 'the parsed metadata is not changed');
    assert.deepEqual(stored.spec, parsed.spec);
    for (const o of [stored, stored.metadata, stored.metadata.labels, stored.spec.schema.spec.names])
      assert.ok(Object.isFrozen(o));
    assert.throws(() => {
      (stored.spec.schema.spec.names as string[]).push('b');
    }, TypeError);
  });

  it('keeps an object without managedFields as it is', () => {
    const parsed = { kind: 'CompliancePolicy', metadata: { name: 'p' }, spec: { rules: [] } };
    const stored = toStoredObject(parsed);
    assert.equal(stored, parsed);
    assert.ok(Object.isFrozen(stored.spec));
  });
});
