import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jsonPatch from 'fast-json-patch';
import { reviewMutate, rgdDefaultsPatch } from '../../../src/admission/mutate.ts';
import { corpusRgd, rgdReview } from './fixtures.ts';

const webapp = corpusRgd('kubernetes/webapp/rg.yaml');

function decodePatch(patch: string | undefined): jsonPatch.Operation[] {
  assert.ok(patch !== undefined, 'a patch is present');
  return JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as jsonPatch.Operation[];
}

function withoutDefaults(): Record<string, unknown> {
  const rgd = structuredClone(webapp) as { spec: { schema: Record<string, unknown> } };
  delete rgd.spec.schema.group;
  delete rgd.spec.schema.scope;
  return rgd as unknown as Record<string, unknown>;
}

describe('reviewMutate', () => {
  it('adds spec.schema.group kro.run and scope Namespaced as a base64 JSONPatch', () => {
    const review = rgdReview('CREATE', withoutDefaults());
    const res = reviewMutate(review).response!;
    assert.equal(res.uid, review.request.uid);
    assert.equal(res.allowed, true);
    assert.equal(res.patchType, 'JSONPatch');
    const patch = decodePatch(res.patch);
    assert.deepEqual(
      [...patch].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { op: 'add', path: '/spec/schema/group', value: 'kro.run' },
        { op: 'add', path: '/spec/schema/scope', value: 'Namespaced' },
      ],
    );
  });

  it('adds only what is missing and keeps given values', () => {
    const rgd = withoutDefaults() as { spec: { schema: Record<string, unknown> } };
    rgd.spec.schema.scope = 'Cluster';
    const patch = decodePatch(reviewMutate(rgdReview('CREATE', rgd)).response!.patch);
    assert.deepEqual(patch, [{ op: 'add', path: '/spec/schema/group', value: 'kro.run' }]);
  });

  it('is idempotent: the patched object needs no patch', () => {
    const original = withoutDefaults();
    const patch = decodePatch(reviewMutate(rgdReview('CREATE', original)).response!.patch);
    const patched = jsonPatch.applyPatch(structuredClone(original), patch, true).newDocument;
    const again = reviewMutate(rgdReview('CREATE', patched)).response!;
    assert.deepEqual(again, { uid: again.uid, allowed: true });
    assert.equal((patched as { spec: { schema: { group: string } } }).spec.schema.group, 'kro.run');
  });

  it('does not change the object it is given', () => {
    const original = withoutDefaults();
    const copy = structuredClone(original);
    reviewMutate(rgdReview('CREATE', original));
    assert.deepEqual(original, copy);
  });

  it('never denies, and leaves DELETE, other kinds, subresources and schema-less RGDs alone', () => {
    const cases = [
      rgdReview('DELETE', null, withoutDefaults()),
      rgdReview('UPDATE', withoutDefaults(), withoutDefaults(), { subResource: 'status' }),
      rgdReview('CREATE', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, undefined, {
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        resource: { group: '', version: 'v1', resource: 'configmaps' },
      }),
      rgdReview('CREATE', {
        apiVersion: 'kro.run/v1alpha1',
        kind: 'ResourceGraphDefinition',
        metadata: { name: 'x' },
      }),
    ];
    for (const review of cases) {
      assert.deepEqual(reviewMutate(review).response, { uid: review.request.uid, allowed: true });
    }
  });

  it('diffs only the defaulted fields, whatever the depth of the templates', () => {
    const rgd = withoutDefaults() as { spec: { resources: { template: Record<string, unknown> }[] } };
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    rgd.spec.resources[0]!.template.deep = deep;
    assert.equal(rgdDefaultsPatch(rgd).length, 2);
  });
});
