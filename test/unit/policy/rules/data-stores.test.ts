import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedResource } from '../../../../src/graph/render/types.ts';
import { DDB_RULES } from '../../../../src/policy/rules/dynamodb.ts';
import { ECR_RULES } from '../../../../src/policy/rules/ecr.ts';
import { KMS_RULES } from '../../../../src/policy/rules/kms.ts';
import { SNS_RULES, SQS_RULES } from '../../../../src/policy/rules/messaging.ts';
import { SM_RULES } from '../../../../src/policy/rules/secretsmanager.ts';
import type { Rule } from '../../../../src/policy/types.ts';
import {
  ackCrd,
  assertFieldsInCrd,
  dependsOnKinds,
  graph,
  resource,
  ruleById,
  run,
  symbolize,
  verdictOf,
} from './helpers.ts';

const ALL: Rule[] = [...DDB_RULES, ...SQS_RULES, ...SNS_RULES, ...KMS_RULES, ...SM_RULES, ...ECR_RULES];
const rule = (id: string) => ruleById(ALL, id);
const ALLOWED = { allowedKmsKeys: ['arn:aws:kms:us-east-1:111122223333:key/'] };

/** An ACK object of `service`/`kind` named from the instance, with `spec`, checked against its CRD. */
function ack(
  service: string,
  kind: string,
  plural: string,
  spec: Record<string, unknown>,
  id = 'r',
): RenderedResource {
  const object = symbolize({
    apiVersion: `${service}.services.k8s.aws/v1alpha1`,
    kind,
    metadata: { name: '${schema.spec.name}' },
    spec,
  }) as RenderedObject;
  assertFieldsInCrd(ackCrd(service, plural), object);
  return resource(id, object);
}

const KEY = ack('kms', 'Key', 'keys', { description: 'k', enableKeyRotation: true }, 'key');
const table = (spec: Record<string, unknown>) =>
  ack('dynamodb', 'Table', 'tables', { tableName: 't', ...spec });
const queue = (spec: Record<string, unknown>) => ack('sqs', 'Queue', 'queues', { queueName: 'q', ...spec });
const topic = (spec: Record<string, unknown>) => ack('sns', 'Topic', 'topics', { name: 't', ...spec });
const key = (spec: Record<string, unknown>) => ack('kms', 'Key', 'keys', spec);
const secret = (spec: Record<string, unknown>) =>
  ack('secretsmanager', 'Secret', 'secrets', { name: 's', ...spec });
const repo = (spec: Record<string, unknown>) =>
  ack('ecr', 'Repository', 'repositories', { name: 'r', ...spec });

describe('DynamoDB', () => {
  it('DDB-001/002 need PITR and deletion protection', () => {
    const good = table({
      continuousBackups: { pointInTimeRecoveryEnabled: true },
      deletionProtectionEnabled: true,
    });
    assert.equal(verdictOf(run(rule('DDB-001'), good)), 'pass');
    assert.equal(verdictOf(run(rule('DDB-002'), good)), 'pass');
    assert.equal(verdictOf(run(rule('DDB-001'), table({}))), 'fail');
    assert.equal(
      verdictOf(run(rule('DDB-002'), table({ deletionProtectionEnabled: '${schema.spec.prod}' }))),
      'unknown',
    );
  });
  it('DDB-003 needs SSE with a customer managed key (a graph Key passes the allow-list)', () => {
    const t = table({
      sseSpecification: {
        enabled: true,
        sseType: 'KMS',
        kmsMasterKeyID: '${key.status.ackResourceMetadata.arn}',
      },
    });
    assert.equal(verdictOf(run(rule('DDB-003'), t, graph([KEY, t]), ALLOWED)), 'pass');
    assert.equal(
      verdictOf(run(rule('DDB-003'), table({ sseSpecification: { enabled: true } }))),
      'fail',
      'AWS managed key',
    );
    const byRef = table({
      sseSpecification: { enabled: true, kmsMasterKeyRef: { from: { name: '${schema.spec.name}' } } },
    });
    assert.equal(
      verdictOf(run(rule('DDB-003'), byRef, graph([KEY, byRef]), ALLOWED)),
      'pass',
      'ref to the graph Key',
    );
    const outside = table({
      sseSpecification: { enabled: true, kmsMasterKeyRef: { from: { name: 'shared-key' } } },
    });
    assert.equal(verdictOf(run(rule('DDB-003'), outside, undefined, ALLOWED)), 'unknown');
    assert.equal(rule('DDB-003').optional, true);
  });
});

describe('SQS and SNS', () => {
  it('SQS-001 passes SSE-SQS or a KMS key, fails neither', () => {
    assert.equal(verdictOf(run(rule('SQS-001'), queue({ sqsManagedSSEEnabled: 'true' }))), 'pass');
    assert.equal(verdictOf(run(rule('SQS-001'), queue({ kmsMasterKeyID: 'alias/aws/sqs' }))), 'pass');
    const none = run(rule('SQS-001'), queue({ sqsManagedSSEEnabled: 'false' }));
    assert.equal(verdictOf(none), 'fail');
    assert.equal(verdictOf(run(rule('SQS-001'), queue({}))), 'fail');
  });
  it('SQS-001 with an allow-list: the AWS managed alias fails unless SSE-SQS is on; a graph key passes', () => {
    assert.equal(
      verdictOf(run(rule('SQS-001'), queue({ kmsMasterKeyID: 'alias/aws/sqs' }), undefined, ALLOWED)),
      'fail',
    );
    const q = queue({ kmsMasterKeyID: '${key.status.ackResourceMetadata.arn}' });
    assert.equal(verdictOf(run(rule('SQS-001'), q, graph([KEY, q]), ALLOWED)), 'pass');
    const toggled = run(rule('SQS-001'), queue({ sqsManagedSSEEnabled: '${schema.spec.sse}' }));
    assert.equal(verdictOf(toggled), 'unknown');
    assert.deepEqual(dependsOnKinds(toggled), ['input']);
  });
  it('SNS-001 needs a KMS key', () => {
    assert.equal(verdictOf(run(rule('SNS-001'), topic({}))), 'fail');
    assert.equal(verdictOf(run(rule('SNS-001'), topic({ kmsMasterKeyID: 'alias/aws/sns' }))), 'pass');
    assert.equal(
      verdictOf(run(rule('SNS-001'), topic({ kmsMasterKeyID: 'alias/aws/sns' }), undefined, ALLOWED)),
      'fail',
    );
    const t = topic({ kmsMasterKeyRef: { from: { name: '${schema.spec.name}' } } });
    assert.equal(verdictOf(run(rule('SNS-001'), t, graph([KEY, t]), ALLOWED)), 'pass');
  });
});

describe('KMS', () => {
  it('KMS-001: rotation for symmetric keys; not applicable to asymmetric, HMAC or imported keys', () => {
    assert.equal(verdictOf(run(rule('KMS-001'), key({ enableKeyRotation: true }))), 'pass');
    assert.equal(verdictOf(run(rule('KMS-001'), key({}))), 'fail');
    assert.equal(
      verdictOf(run(rule('KMS-001'), key({ keySpec: 'SYMMETRIC_DEFAULT', enableKeyRotation: false }))),
      'fail',
    );
    assert.equal(
      verdictOf(run(rule('KMS-001'), key({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }))),
      'na',
    );
    assert.equal(verdictOf(run(rule('KMS-001'), key({ keySpec: 'HMAC_256' }))), 'na');
    assert.equal(verdictOf(run(rule('KMS-001'), key({ origin: 'EXTERNAL' }))), 'na');
    const maybe = run(rule('KMS-001'), key({ keySpec: '${schema.spec.keySpec}' }));
    assert.equal(verdictOf(maybe), 'unknown');
  });
  it('KMS-003 fails a lockout-check bypass', () => {
    assert.equal(verdictOf(run(rule('KMS-003'), key({ bypassPolicyLockoutSafetyCheck: true }))), 'fail');
    assert.equal(verdictOf(run(rule('KMS-003'), key({}))), 'pass');
  });
  it('KMS-004 reads the status: not applicable before creation, fails a pending deletion', () => {
    const k = key({});
    assert.equal(verdictOf(run(rule('KMS-004'), k)), 'na');
    const pending = resource('key', {
      ...k.object,
      status: { keyState: 'PendingDeletion', deletionDate: '2026-09-30T00:00:00Z' },
    });
    assert.equal(verdictOf(run(rule('KMS-004'), pending)), 'fail');
    const enabled = resource('key', { ...k.object, status: { keyState: 'Enabled' } });
    assert.equal(verdictOf(run(rule('KMS-004'), enabled)), 'pass');
  });
});

describe('Secrets Manager', () => {
  it('SM-001 needs a customer managed key', () => {
    assert.equal(verdictOf(run(rule('SM-001'), secret({}))), 'fail');
    const s = secret({ kmsKeyRef: { from: { name: '${schema.spec.name}' } } });
    assert.equal(verdictOf(run(rule('SM-001'), s, graph([KEY, s]), ALLOWED)), 'pass');
    const literal = secret({ kmsKeyID: 'arn:aws:kms:eu-west-1:999999999999:key/abc' });
    assert.equal(verdictOf(run(rule('SM-001'), literal, undefined, ALLOWED)), 'fail');
  });
  it('SM-002 is not applicable: ACK has no rotation fields', () => {
    const results = run(rule('SM-002'), secret({}));
    assert.equal(verdictOf(results), 'na');
    assert.match(results[0]!.reason, /rotation/);
  });
});

describe('ECR', () => {
  it('ECR-001..003', () => {
    const good = repo({
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      lifecyclePolicy: '{"rules":[]}',
    });
    for (const id of ['ECR-001', 'ECR-002', 'ECR-003'])
      assert.equal(verdictOf(run(rule(id), good)), 'pass', id);
    for (const id of ['ECR-001', 'ECR-002', 'ECR-003'])
      assert.equal(verdictOf(run(rule(id), repo({}))), 'fail', id);
    assert.equal(verdictOf(run(rule('ECR-002'), repo({ imageTagMutability: 'MUTABLE' }))), 'fail');
  });
  it('ECR-004 needs KMS with a customer managed key', () => {
    assert.equal(verdictOf(run(rule('ECR-004'), repo({}))), 'fail');
    assert.equal(
      verdictOf(run(rule('ECR-004'), repo({ encryptionConfiguration: { encryptionType: 'KMS' } }))),
      'fail',
    );
    const r = repo({
      encryptionConfiguration: { encryptionType: 'KMS', kmsKey: '${key.status.ackResourceMetadata.arn}' },
    });
    assert.equal(verdictOf(run(rule('ECR-004'), r, graph([KEY, r]), ALLOWED)), 'pass');
    const aes = repo({
      encryptionConfiguration: {
        encryptionType: 'AES256',
        kmsKey: 'arn:aws:kms:us-east-1:111122223333:key/x',
      },
    });
    assert.equal(verdictOf(run(rule('ECR-004'), aes)), 'fail');
  });
});
