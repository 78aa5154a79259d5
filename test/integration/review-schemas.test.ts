/**
 * The review workers' schema source (src/server/review-schemas.ts) without a cluster: embedded and CRD
 * files, and the per-review preparation of the worker's decision context. The cluster source in the workers is
 * exercised in test/e2e/schema-sources.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decideValidate } from '../../src/admission/decide.ts';
import type { AdmissionReviewRequest } from '../../src/admission/types.ts';
import { createReviewContext } from '../../src/server/review-context.ts';
import { createWorkerSchemas } from '../../src/server/review-schemas.ts';
import { rgd } from '../helpers/rgd.ts';
import { makeCertDir, review, rgdReview, startTestServer } from './helpers.ts';

const S3 = join('..', 'shared', 'crds', 'ack', 's3');
const BUCKET = { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };

describe('review worker schemas', () => {
  it('default: the embedded set', async () => {
    const schemas = await createWorkerSchemas(undefined);
    assert.equal(schemas.cluster, undefined);
    assert.equal(schemas.source.name, 'embedded');
    assert.equal(schemas.source.lookup(DEPLOYMENT)?.namespaced, true);
  });

  it('embedded plus CRD files', async () => {
    const schemas = await createWorkerSchemas({ source: 'embedded', crdPaths: [S3] });
    assert.equal(schemas.source.name, `crds:${S3}+embedded`);
    assert.equal(schemas.source.lookup(BUCKET)?.namespaced, true);
    assert.equal(schemas.source.lookup(DEPLOYMENT)?.namespaced, true);
  });

  it('unusable CRD paths fail the worker start', async () => {
    await assert.rejects(createWorkerSchemas({ source: 'embedded', crdPaths: ['no/such/dir'] }), {
      name: 'CrdFileError',
    });
  });

  it('the decision context prepares an RGD review and decides it with the source', async () => {
    const context = await createReviewContext({ source: 'embedded', crdPaths: [S3] });
    try {
      const bucketRgd = rgd({
        resources: [
          {
            id: 'bucket',
            template: { apiVersion: 's3.services.k8s.aws/v1alpha1', kind: 'Bucket', metadata: { name: 'b' } },
          },
        ],
      });
      const r = rgdReview('CREATE', bucketRgd) as unknown as AdmissionReviewRequest;
      await context.prepare(r);
      assert.equal(context.ctx.schemas.lookup(BUCKET)?.namespaced, true);
      assert.equal(decideValidate(r, context.ctx).response?.allowed, true);
    } finally {
      await context.close();
    }
  });

  it('a server whose workers know CRD files decides reviews', async () => {
    const certs = await makeCertDir();
    const server = await startTestServer(certs, { schemaSource: 'embedded', crdPaths: [S3] });
    try {
      const bucketRgd = rgd({
        resources: [
          {
            id: 'bucket',
            template: { apiVersion: 's3.services.k8s.aws/v1alpha1', kind: 'Bucket', metadata: { name: 'b' } },
          },
        ],
      });
      const res = await review(server, certs.caCert, '/validate', rgdReview('CREATE', bucketRgd));
      assert.equal(res.status, 200);
      assert.equal(res.review.response?.allowed, true, JSON.stringify(res.review.response));
    } finally {
      await server.close();
      await certs.remove();
    }
  });

  it('a worker that cannot load its CRD files makes the server unready, with the reason', async () => {
    const certs = await makeCertDir();
    const server = await startTestServer(certs, { crdPaths: ['no/such/dir'], workers: 1 });
    try {
      const res = await review(server, certs.caCert, '/validate', rgdReview('CREATE', rgd({})));
      assert.equal(res.review.response?.allowed, false);
      assert.match(res.review.response?.status?.message ?? '', /cannot read no\/such\/dir: ENOENT/);
    } finally {
      await server.close();
      await certs.remove();
    }
  });
});
