import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unknown, type RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { S3_RULES } from '../../../../src/policy/rules/s3.ts';
import {
  ackCrd,
  assertFieldsInCrd,
  corpusTemplate,
  dependsOnKinds,
  graph,
  resource,
  ruleById,
  run,
  symbolize,
  unknown,
  verdictOf,
} from './helpers.ts';

const rule = (id: string) => ruleById(S3_RULES, id);
const BUCKET_CRD = ackCrd('s3', 'buckets');

/** A Bucket template (kro syntax) with `spec` merged in. */
function bucket(spec: Record<string, unknown>): RenderedObject {
  return symbolize({
    apiVersion: 's3.services.k8s.aws/v1alpha1',
    kind: 'Bucket',
    metadata: { name: '${schema.spec.name}' },
    spec: { name: '${schema.spec.name}', ...spec },
  }) as RenderedObject;
}

const KEY = resource(
  'key',
  symbolize({
    apiVersion: 'kms.services.k8s.aws/v1alpha1',
    kind: 'Key',
    metadata: { name: '${schema.spec.name}-key' },
    spec: { description: 'bucket key', enableKeyRotation: true },
  }) as RenderedObject,
);

/** Scenario S1: a secure bucket whose key is the graph Key's ARN. */
const S1 = bucket({
  encryption: {
    rules: [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: 'aws:kms',
          kmsMasterKeyID: '${key.status.ackResourceMetadata.arn}',
        },
        bucketKeyEnabled: true,
      },
    ],
  },
  publicAccessBlock: {
    blockPublicACLs: true,
    blockPublicPolicy: true,
    ignorePublicACLs: true,
    restrictPublicBuckets: true,
  },
  versioning: { status: 'Enabled' },
  objectOwnership: 'BucketOwnerEnforced',
});

/** Encryption whose algorithm is `alg` (a literal or a rendered value). */
function withAlgorithm(alg: unknown): RenderedObject {
  const o = bucket({
    encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'x' } }] },
  });
  const rules = (
    o.spec as { encryption: { rules: { applyServerSideEncryptionByDefault: Record<string, unknown> }[] } }
  ).encryption.rules;
  rules[0]!.applyServerSideEncryptionByDefault.sseAlgorithm = alg;
  return o;
}

describe('S3 fixtures use real Bucket fields', () => {
  it('S1 and the corpus bucket validate against the ACK CRD', () => {
    assertFieldsInCrd(BUCKET_CRD, S1);
    assertFieldsInCrd(
      BUCKET_CRD,
      bucket({ acl: 'public-read', grantRead: 'uri=x', lifecycle: { rules: [] } }),
    );
  });
});

describe('S1: secure bucket with literals and a graph Key', () => {
  const b = resource('bucket', S1);
  const g = graph([KEY, b]);
  for (const id of ['S3-001', 'S3-002', 'S3-003', 'S3-004', 'S3-005', 'S3-009']) {
    it(`${id} passes`, () => assert.equal(verdictOf(run(rule(id), b, g)), 'pass'));
  }
  it('S3-001 passes with an allow-list: the key is graph-owned', () => {
    const results = run(rule('S3-001'), b, g, {
      allowedKmsKeys: ['arn:aws:kms:us-east-1:111122223333:key/'],
    });
    assert.equal(verdictOf(results), 'pass');
    assert.match(results[0]!.reason, /graph Key "key"/);
  });
  it('S3-001 is unknown when the key is another kind of resource’s status', () => {
    const notAKey = resource('key', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const results = run(rule('S3-001'), b, graph([notAKey, b]), { allowedKmsKeys: ['arn:aws:kms:'] });
    assert.equal(verdictOf(results), 'unknown');
    assert.deepEqual(dependsOnKinds(results), ['status']);
  });
  it('S3-001 fails a literal key outside the allow-list, passes one inside', () => {
    const o = bucket({
      encryption: {
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: 'aws:kms',
              kmsMasterKeyID: 'arn:aws:kms:eu-west-1:999:key/x',
            },
          },
        ],
      },
    });
    const r = resource('bucket', o);
    assert.equal(
      verdictOf(run(rule('S3-001'), r, undefined, { allowedKmsKeys: ['arn:aws:kms:eu-west-1:111:key/'] })),
      'fail',
    );
    assert.equal(
      verdictOf(run(rule('S3-001'), r, undefined, { allowedKmsKeys: ['arn:aws:kms:eu-west-1:999:'] })),
      'pass',
    );
  });
  it('S3-001 with an allow-list fails aws:kms without a key (the AWS managed aws/s3 key)', () => {
    const r = resource('bucket', withAlgorithm('aws:kms'));
    assert.equal(verdictOf(run(rule('S3-001'), r)), 'pass');
    assert.equal(verdictOf(run(rule('S3-001'), r, undefined, { allowedKmsKeys: ['arn:aws:kms:'] })), 'fail');
  });
  it('S3-013 is not applicable: ACK has no mfaDelete field', () => {
    const results = run(rule('S3-013'), b, g);
    assert.equal(verdictOf(results), 'na');
    assert.match(results[0]!.reason, /mfaDelete/);
  });
});

describe('S2: encryption from the instance', () => {
  const enumOf = (values: string[]) => unknown('schema.spec.encryption', { enum: values });
  it('passes at RGD admission when every enum value is KMS', () => {
    const r = resource('bucket', withAlgorithm(enumOf(['aws:kms', 'aws:kms:dsse'])));
    assert.equal(verdictOf(run(rule('S3-001'), r)), 'pass');
  });
  it('variant A (AES256 in the enum) stays unknown for S3-001 and passes S3-002', () => {
    const r = resource('bucket', withAlgorithm(enumOf(['aws:kms', 'AES256'])));
    assert.equal(verdictOf(run(rule('S3-001'), r)), 'unknown');
    assert.equal(verdictOf(run(rule('S3-002'), r)), 'pass');
  });
  it('variant B (no enum) is deferred on the input, then the instance choosing AES256 fails', () => {
    const deferred = run(
      rule('S3-001'),
      resource('bucket', withAlgorithm(unknown('schema.spec.encryption'))),
    );
    assert.equal(verdictOf(deferred), 'unknown');
    assert.deepEqual(dependsOnKinds(deferred), ['input']);
    assert.deepEqual(deferred[0]!.path, [
      'spec',
      'encryption',
      'rules',
      0,
      'applyServerSideEncryptionByDefault',
      'sseAlgorithm',
    ]);
    const rejected = run(rule('S3-001'), resource('bucket', withAlgorithm('AES256')));
    assert.equal(verdictOf(rejected), 'fail');
    assert.match(rejected[0]!.reason, /"AES256", not aws:kms/);
  });
});

describe('S3: Block Public Access from a boolean input', () => {
  const bpa = (v: unknown) =>
    resource(
      'bucket',
      bucket({
        publicAccessBlock: {
          blockPublicACLs: v,
          blockPublicPolicy: v,
          ignorePublicACLs: v,
          restrictPublicBuckets: v,
        },
      }),
    );
  it('is deferred at RGD admission (each field depends on allowPublic)', () => {
    const results = run(rule('S3-003'), bpa('${!schema.spec.allowPublic}'));
    assert.equal(verdictOf(results), 'unknown');
    assert.equal(results.length, 4);
    assert.deepEqual(results[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.allowPublic' }]);
  });
  it('fails each field for an instance with allowPublic: true', () => {
    const results = run(rule('S3-003'), bpa(false));
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(
      results.map((r) => r.path.at(-1)),
      ['blockPublicACLs', 'blockPublicPolicy', 'ignorePublicACLs', 'restrictPublicBuckets'],
    );
  });
  it('fails when one field is absent even if the others are true', () => {
    const o = bucket({
      publicAccessBlock: { blockPublicACLs: true, blockPublicPolicy: true, ignorePublicACLs: true },
    });
    const results = run(rule('S3-003'), resource('bucket', o));
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(results[0]!.path, ['spec', 'publicAccessBlock', 'restrictPublicBuckets']);
  });
  it('is unknown once when the whole publicAccessBlock comes from the instance', () => {
    const results = run(
      rule('S3-003'),
      resource('bucket', bucket({ publicAccessBlock: '${schema.spec.bpa}' })),
    );
    assert.equal(results.length, 1);
    assert.equal(results[0]!.verdict, 'unknown');
  });
});

describe('S4: a reachable dev branch with a public ACL', () => {
  const dev = resource('devBucket', bucket({ acl: 'public-read' }));
  it('fails S3-003 (no BPA) and S3-004 (public-read)', () => {
    assert.equal(verdictOf(run(rule('S3-003'), dev)), 'fail');
    const acl = run(rule('S3-004'), dev);
    assert.equal(verdictOf(acl), 'fail');
    assert.deepEqual(acl[0]!.path, ['spec', 'acl']);
  });
  it('S3-004 fails a grant to AllUsers even inside a string template, and defers an unknown grant', () => {
    const literal = bucket({
      grantRead: 'id=${schema.spec.owner}, uri=http://acs.amazonaws.com/groups/global/AllUsers',
    });
    assert.equal(verdictOf(run(rule('S3-004'), resource('b', literal))), 'fail');
    const open = bucket({ grantRead: 'id=${schema.spec.owner}' });
    assert.equal(verdictOf(run(rule('S3-004'), resource('b', open))), 'unknown');
    const safe = bucket({ acl: 'private', grantRead: 'id=abc123' });
    assert.equal(verdictOf(run(rule('S3-004'), resource('b', safe))), 'pass');
  });
});

describe('S5: forEach element with an empty encryption', () => {
  it('fails S3-001 and S3-002 for encryption ""', () => {
    const r = resource('buckets', withAlgorithm(''));
    assert.equal(verdictOf(run(rule('S3-001'), r)), 'fail');
    assert.equal(verdictOf(run(rule('S3-002'), r)), 'fail');
  });
  it('is deferred per element at RGD admission (the iterator field is an input)', () => {
    const element = new Unknown('b.encryption', [
      { kind: 'input', path: 'schema.spec.buckets[*].encryption' },
    ]);
    const results = run(rule('S3-001'), resource('buckets', withAlgorithm(element)));
    assert.equal(verdictOf(results), 'unknown');
    assert.deepEqual(results[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.buckets[*].encryption' }]);
    const bounded = new Unknown('b.encryption', element.provenance, { enum: ['aws:kms', 'aws:kms:dsse'] });
    assert.equal(verdictOf(run(rule('S3-001'), resource('buckets', withAlgorithm(bounded)))), 'pass');
  });
});

describe('kro corpus: examples/aws/s3bucket (a bucket with only a name)', () => {
  const o = symbolize(
    corpusTemplate('../shared/corpus/kro-v0.9.3-examples/aws/s3bucket/rg.yaml', 's3bucket'),
  ) as RenderedObject;
  const b = resource('s3bucket', o);
  it('uses real fields', () => assertFieldsInCrd(BUCKET_CRD, o));
  it('fails S3-001 (absent encryption is SSE-S3), S3-003 and S3-005; S3-002 is the informational fail', () => {
    const s3001 = run(rule('S3-001'), b);
    assert.equal(verdictOf(s3001), 'fail');
    assert.match(s3001[0]!.reason, /SSE-S3/);
    assert.equal(verdictOf(run(rule('S3-003'), b)), 'fail');
    assert.equal(verdictOf(run(rule('S3-005'), b)), 'fail');
    assert.equal(rule('S3-002').severity, 'info');
    assert.equal(rule('S3-002').optional, true);
  });
  it('passes S3-004 (no ACL, no grant)', () => assert.equal(verdictOf(run(rule('S3-004'), b)), 'pass'));
});

describe('S3 optional rules', () => {
  it('S3-005 fails an ownershipControls rule that keeps ACLs even when objectOwnership is enforced', () => {
    const o = bucket({
      objectOwnership: 'BucketOwnerEnforced',
      ownershipControls: { rules: [{ objectOwnership: 'ObjectWriter' }] },
    });
    const results = run(rule('S3-005'), resource('b', o));
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(results[0]!.path, ['spec', 'ownershipControls', 'rules', 0, 'objectOwnership']);
  });
  it('S3-010/011/012 read logging, object lock and lifecycle', () => {
    const good = resource(
      'b',
      bucket({
        logging: { loggingEnabled: { targetBucket: '${schema.spec.name}-logs', targetPrefix: 'x/' } },
        objectLockEnabledForBucket: true,
        lifecycle: { rules: [{ id: 'expire', status: 'Enabled', expiration: { days: 30 } }] },
      }),
    );
    assertFieldsInCrd(BUCKET_CRD, good.object);
    assert.equal(verdictOf(run(rule('S3-010'), good)), 'pass', 'a template with literal text is never empty');
    assert.equal(verdictOf(run(rule('S3-011'), good)), 'pass');
    assert.equal(verdictOf(run(rule('S3-012'), good)), 'pass');
    const bare = resource('b', bucket({ lifecycle: { rules: [] } }));
    for (const id of ['S3-010', 'S3-011', 'S3-012']) assert.equal(verdictOf(run(rule(id), bare)), 'fail', id);
  });
  it('rules outside their kind return nothing', () => {
    assert.deepEqual(run(rule('S3-001'), KEY), []);
  });
});
