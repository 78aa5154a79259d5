import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdmissionReview } from '../../../src/admission/parse.ts';
import { corpusRgd, rawRgdReview } from './fixtures.ts';

const webapp = corpusRgd('kubernetes/webapp/rg.yaml');

function errorOf(body: unknown): string {
  const r = parseAdmissionReview(body);
  assert.equal(r.ok, false, 'expected a parse error');
  return r.ok ? '' : r.error;
}

function withRequest(patch: Record<string, unknown>): Record<string, unknown> {
  const raw = rawRgdReview('CREATE', webapp);
  return { ...raw, request: { ...(raw.request as object), ...patch } };
}

describe('parseAdmissionReview', () => {
  it('accepts a real CREATE review and keeps its fields', () => {
    const raw = rawRgdReview('CREATE', webapp, undefined, { dryRun: true });
    const r = parseAdmissionReview(raw);
    assert.ok(r.ok);
    assert.equal(r.review.request.uid, (raw.request as { uid: string }).uid);
    assert.equal(r.review.request.operation, 'CREATE');
    assert.equal(r.review.request.object, webapp, 'objects are shared, not copied');
    assert.equal(r.review.request.dryRun, true);
    assert.deepEqual(r.review.request.kind, {
      group: 'kro.run',
      version: 'v1alpha1',
      kind: 'ResourceGraphDefinition',
    });
  });

  it('treats a missing group as the core group', () => {
    const r = parseAdmissionReview(
      withRequest({ kind: { version: 'v1', kind: 'Pod' }, resource: { version: 'v1', resource: 'pods' } }),
    );
    assert.ok(r.ok);
    assert.equal(r.review.request.kind.group, '');
    assert.equal(r.review.request.resource.group, '');
  });

  it('accepts DELETE with a null object', () => {
    assert.equal(parseAdmissionReview(rawRgdReview('DELETE', null, webapp)).ok, true);
  });

  it('names the bad field', () => {
    assert.match(errorOf(null), /^body must be a JSON object, got null$/);
    assert.match(errorOf('x'), /^body must be a JSON object, got a string$/);
    assert.match(errorOf([]), /^body must be a JSON object, got an array$/);
    assert.match(errorOf({ kind: 'AdmissionReview' }), /^apiVersion: required field is missing/);
    assert.match(
      errorOf({ ...rawRgdReview('CREATE', webapp), apiVersion: 'admission.k8s.io/v1beta1' }),
      /^apiVersion: "admission\.k8s\.io\/v1beta1" is not supported, expected "admission\.k8s\.io\/v1"/,
    );
    assert.match(
      errorOf({ ...rawRgdReview('CREATE', webapp), kind: 'Review' }),
      /^kind: expected "AdmissionReview", got "Review"$/,
    );
    assert.match(
      errorOf({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      /^request: required field is missing$/,
    );
    assert.match(
      errorOf({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: 5 }),
      /^request: must be an object, got a number$/,
    );
    assert.match(errorOf(withRequest({ uid: undefined })), /^request\.uid: required field is missing$/);
    assert.match(errorOf(withRequest({ uid: '' })), /^request\.uid: must not be empty$/);
    assert.match(errorOf(withRequest({ uid: 7 })), /^request\.uid: must be a string, got a number$/);
    assert.match(
      errorOf(withRequest({ operation: 'PATCH' })),
      /^request\.operation: must be one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"$/,
    );
    assert.match(errorOf(withRequest({ kind: undefined })), /^request\.kind: required field is missing$/);
    assert.match(
      errorOf(withRequest({ kind: { group: 'kro.run', version: 'v1alpha1' } })),
      /^request\.kind\.kind: required field is missing$/,
    );
    assert.match(
      errorOf(withRequest({ resource: { version: 'v1' } })),
      /^request\.resource\.resource: required field is missing$/,
    );
    assert.match(errorOf(withRequest({ name: 3 })), /^request\.name: must be a string, got a number$/);
    assert.match(
      errorOf(withRequest({ dryRun: 'yes' })),
      /^request\.dryRun: must be a boolean, got a string$/,
    );
    assert.match(
      errorOf(withRequest({ object: null })),
      /^request\.object: must be an object on CREATE, got null$/,
    );
    assert.match(
      errorOf(withRequest({ object: [] })),
      /^request\.object: must be an object on CREATE, got an array$/,
    );
    assert.match(
      errorOf(rawRgdReview('UPDATE', webapp)),
      /^request\.oldObject: must be an object on UPDATE, got null$/,
    );
  });
});
