import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRgdRequest, jsonEqual, requiresRgdCheck } from '../../../src/admission/rgd-request.ts';
import { failurePolicyReview } from '../../../src/admission/failure.ts';
import { corpusRgd, rgdReview } from './fixtures.ts';

const webapp = corpusRgd('kubernetes/webapp/rg.yaml');
const core = {
  kind: { group: '', version: 'v1', kind: 'ConfigMap' },
  resource: { group: '', version: 'v1', resource: 'configmaps' },
};

describe('isRgdRequest', () => {
  it('recognises RGDs by kind, by resource, or by the object', () => {
    assert.equal(isRgdRequest(rgdReview('CREATE', webapp).request), true);
    assert.equal(
      isRgdRequest(rgdReview('CREATE', webapp, undefined, { kind: core.kind }).request),
      true,
      'by resource',
    );
    assert.equal(isRgdRequest(rgdReview('CREATE', webapp, undefined, core).request), true, 'by object');
    assert.equal(isRgdRequest(rgdReview('DELETE', null, webapp, core).request), true, 'by oldObject');
    assert.equal(
      isRgdRequest(rgdReview('CREATE', { apiVersion: 'v1', kind: 'ConfigMap' }, undefined, core).request),
      false,
    );
    assert.equal(
      isRgdRequest(
        rgdReview(
          'CREATE',
          { apiVersion: 'example.com/v1', kind: 'ResourceGraphDefinition' },
          undefined,
          core,
        ).request,
      ),
      false,
    );
  });
});

describe('requiresRgdCheck', () => {
  it('is true for CREATE and spec-changing UPDATE only', () => {
    const changed = structuredClone(webapp) as { spec: { resources: unknown[] } };
    changed.spec.resources.pop();
    const relabelled = structuredClone(webapp) as { metadata: Record<string, unknown> };
    relabelled.metadata.labels = { a: 'b' };
    assert.equal(requiresRgdCheck(rgdReview('CREATE', webapp).request), true);
    assert.equal(requiresRgdCheck(rgdReview('UPDATE', changed, webapp).request), true);
    assert.equal(requiresRgdCheck(rgdReview('UPDATE', relabelled, webapp).request), false);
    assert.equal(
      requiresRgdCheck(rgdReview('UPDATE', changed, webapp, { subResource: 'status' }).request),
      false,
    );
    assert.equal(requiresRgdCheck(rgdReview('DELETE', null, webapp).request), false);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values deeply', () => {
    assert.equal(jsonEqual({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] }), true);
    assert.equal(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
    assert.equal(jsonEqual({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: undefined }), false);
    assert.equal(jsonEqual({ a: null }, { a: {} }), false);
    assert.equal(jsonEqual([], {}), false);
    assert.equal(jsonEqual(undefined, undefined), true);
    assert.equal(jsonEqual('1', 1), false);
  });

  it('handles nesting far deeper than the call stack allows', () => {
    const make = (leaf: number): unknown => {
      let v: unknown = leaf;
      for (let i = 0; i < 200_000; i++) v = { a: v };
      return v;
    };
    assert.equal(jsonEqual(make(1), make(1)), true);
    assert.equal(jsonEqual(make(1), make(2)), false);
  });
});

describe('failurePolicyReview', () => {
  it('denies with 500 InternalError under Fail, naming the error', () => {
    const r = failurePolicyReview('u1', 'Fail', { message: 'RangeError: Maximum call stack size exceeded' });
    assert.deepEqual(r, {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'u1',
        allowed: false,
        status: {
          code: 500,
          reason: 'InternalError',
          message:
            'kro-guard failed internally: RangeError: Maximum call stack size exceeded; the request is denied because failurePolicy is Fail',
        },
      },
    });
  });

  it('denies with 504 Timeout under Fail for a missed deadline', () => {
    const r = failurePolicyReview('u2', 'Fail', { message: 'deadline', timeoutMs: 4000 }).response!;
    assert.equal(r.status?.code, 504);
    assert.equal(r.status?.reason, 'Timeout');
    assert.match(r.status?.message ?? '', /^kro-guard did not finish within 4000 ms; /);
  });

  it('allows with one short warning under Ignore', () => {
    const r = failurePolicyReview('u3', 'Ignore', { message: 'x'.repeat(500) }).response!;
    assert.equal(r.allowed, true);
    assert.equal(r.status, undefined);
    assert.equal(r.warnings?.length, 1);
    assert.ok(r.warnings![0]!.length < 120);
    assert.match(r.warnings![0]!, /^not checked \(failurePolicy Ignore\): kro-guard failed internally: x+…$/);
  });
});
