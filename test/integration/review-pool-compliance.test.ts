/**
 * The review workers deciding instances, children and kro-guard's own resources with the real
 * engine, offline: RGD files (`KRO_GUARD_RGDS`) make instance kinds known, policy files
 * (`KRO_GUARD_POLICIES`) give the policies, and without policy files no compliance rule runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { AdmissionReview } from '../../src/admission/types.ts';
import { DEFAULT_POLICY_YAML_PATH } from '../../src/policy/config/index.ts';
import { ReviewPool } from '../../src/server/review-pool.ts';

const S03 = 'test/scenarios/03-bpa-boolean';
const yaml = (path: string) => parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

function review(
  object: Record<string, unknown>,
  kind: { group: string; version: string; kind: string },
  uid: string,
) {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource: { group: kind.group, version: kind.version, resource: `${kind.kind.toLowerCase()}s` },
      name: (object.metadata as { name: string }).name,
      namespace: 'default',
      operation: 'CREATE',
      object,
    },
  });
}

const INSTANCE_KIND = { group: 'kro.run', version: 'v1alpha1', kind: 'S03BucketApp' };
const BUCKET_KIND = { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' };

async function withPool(workerData: unknown, body: (pool: ReviewPool) => Promise<void>): Promise<void> {
  const pool = new ReviewPool({ size: 1, workerData });
  try {
    assert.equal(await pool.whenReady(30_000), true, pool.startupError);
    await body(pool);
  } finally {
    await pool.close();
  }
}

const allowed = (r: AdmissionReview) => r.response?.allowed;

describe('review workers: compliance', () => {
  it('deny a non-compliant instance and child under the default policy, allow compliant ones', async () => {
    await withPool(
      {
        schemas: { source: 'embedded', crdPaths: ['../shared/crds/ack'] },
        policies: { rgdPaths: [`${S03}/rgd.yaml`], policyPaths: [DEFAULT_POLICY_YAML_PATH] },
      },
      async (pool) => {
        const publicInstance = await pool.run(
          'validate',
          review(yaml(`${S03}/instances/public.yaml`), INSTANCE_KIND, 'i1'),
        );
        assert.equal(allowed(publicInstance), false);
        assert.match(
          publicInstance.response?.status?.message ?? '',
          /resources\[bucket\]\.spec\.publicAccessBlock\.blockPublicPolicy \(resource "bucket"\): S3-003 .*FSBP S3\.8/,
        );
        const defaultInstance = await pool.run(
          'validate',
          review(yaml(`${S03}/instances/default.yaml`), INSTANCE_KIND, 'i2'),
        );
        assert.equal(allowed(defaultInstance), true, JSON.stringify(defaultInstance.response));
        const child = await pool.run(
          'validate',
          review(yaml(`${S03}/children/direct-website-bucket.yaml`), BUCKET_KIND, 'c1'),
        );
        assert.equal(allowed(child), false);
        assert.match(child.response?.status?.message ?? '', /S3-003/);
        const mutate = await pool.run(
          'mutate',
          review(yaml(`${S03}/instances/default.yaml`), INSTANCE_KIND, 'm1'),
        );
        const patch = JSON.parse(Buffer.from(mutate.response?.patch ?? '', 'base64').toString('utf8')) as {
          path: string;
          value: unknown;
        }[];
        assert.deepEqual(
          patch.filter((p) => p.path === '/spec/allowPublic'),
          [{ op: 'add', path: '/spec/allowPublic', value: false }],
        );
      },
    );
  });

  it("validate kro-guard's own resources", async () => {
    await withPool({ schemas: { source: 'embedded' } }, async (pool) => {
      const bad = {
        apiVersion: 'kro-guard.io/v1alpha1',
        kind: 'CompliancePolicy',
        metadata: { name: 'bad' },
        spec: { mode: 'Block' },
      };
      const r = await pool.run(
        'validate',
        review(bad, { group: 'kro-guard.io', version: 'v1alpha1', kind: 'CompliancePolicy' }, 'p1'),
      );
      assert.equal(allowed(r), false);
      assert.match(r.response?.status?.message ?? '', /spec\.mode/);
      const good = yaml(DEFAULT_POLICY_YAML_PATH);
      const ok = await pool.run(
        'validate',
        review(good, { group: 'kro-guard.io', version: 'v1alpha1', kind: 'CompliancePolicy' }, 'p2'),
      );
      assert.equal(allowed(ok), true, JSON.stringify(ok.response));
    });
  });

  it('run no compliance rule without policies', async () => {
    await withPool(
      {
        schemas: { source: 'embedded', crdPaths: ['../shared/crds/ack'] },
        policies: { rgdPaths: [`${S03}/rgd.yaml`] },
      },
      async (pool) => {
        const r = await pool.run(
          'validate',
          review(yaml(`${S03}/instances/public.yaml`), INSTANCE_KIND, 'n1'),
        );
        assert.equal(allowed(r), true, JSON.stringify(r.response));
      },
    );
  });
});
