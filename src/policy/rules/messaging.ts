/**
 * Encryption rules for ACK SQS `Queue`s and SNS `Topic`s (compliance-catalogue §1.5, §1.6, §2.4
 * SQS-001, SNS-001; SQS-002/SNS-002 analyse policy documents with the resource-policy rules). SQS
 * attributes are strings: `sqsManagedSSEEnabled: "true"`.
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { scopedRule, SNS_TOPIC, SQS_QUEUE } from './kinds.ts';
import { judgeKmsKey, keyResult } from './kms-key.ts';
import { fail, pass, unknownResult } from '../results.ts';
import { or, show, testValue } from './tri-state.ts';

/** SQS-001: SSE-KMS with an acceptable key, or SSE-SQS (`sqsManagedSSEEnabled: "true"`). */
function checkQueueEncryption(ctx: RuleContext): RuleResult[] {
  const id = valueAt(ctx.object, ['spec', 'kmsMasterKeyID']);
  const ref = valueAt(ctx.object, ['spec', 'kmsMasterKeyRef']);
  const keyPath = ['spec', 'kmsMasterKeyID'];
  const ssePath = ['spec', 'sqsManagedSSEEnabled'];
  const sqsManaged = valueAt(ctx.object, ssePath);
  const sseSqs = testValue(sqsManaged, (v) => v === 'true', false);
  const key = judgeKmsKey(id, ref, ctx, 'kmsMasterKeyID');
  const encrypted = or(key.verdict, sseSqs);
  if (encrypted === true) {
    return key.verdict === true
      ? [pass(keyPath, key.reason)]
      : [pass(ssePath, 'the queue uses SSE-SQS (sqsManagedSSEEnabled: "true")')];
  }
  if (encrypted === false) {
    return [fail(keyPath, `${key.reason}, and sqsManagedSSEEnabled is ${show(sqsManaged)} (not "true")`)];
  }
  return [
    unknownResult(
      key.verdict === 'unknown' ? keyPath : ssePath,
      [...key.values, ...(sseSqs === 'unknown' && sqsManaged !== undefined ? [sqsManaged] : [])],
      key.verdict === 'unknown' ? key.reason : `sqsManagedSSEEnabled is ${show(sqsManaged)}, not known yet`,
    ),
  ];
}

/** SQS-001 (compliance-catalogue §2.4). */
export const SQS_RULES: readonly Rule[] = [
  scopedRule(
    [SQS_QUEUE],
    {
      id: 'SQS-001',
      title: 'SQS queue is encrypted at rest',
      severity: 'medium',
      controls: {
        fsbp: ['SQS.1'],
        config: ['sqs-queue-encrypted'],
        checkov: ['CKV_AWS_27'],
        trivy: ['AWS-0096'],
      },
      remediation:
        'Set spec.kmsMasterKeyID (or kmsMasterKeyRef) to a customer managed key, or spec.sqsManagedSSEEnabled: "true".',
    },
    checkQueueEncryption,
  ),
];

/** SNS-001 (compliance-catalogue §2.4). */
export const SNS_RULES: readonly Rule[] = [
  scopedRule(
    [SNS_TOPIC],
    {
      id: 'SNS-001',
      title: 'SNS topic is encrypted with KMS',
      severity: 'medium',
      controls: {
        fsbp: ['SNS.1'],
        config: ['sns-encrypted-kms'],
        checkov: ['CKV_AWS_26'],
        trivy: ['AWS-0095'],
      },
      remediation:
        'Set spec.kmsMasterKeyID (or kmsMasterKeyRef) to a KMS key, ideally a Key of the same graph.',
    },
    (ctx) => [
      keyResult(
        judgeKmsKey(
          valueAt(ctx.object, ['spec', 'kmsMasterKeyID']),
          valueAt(ctx.object, ['spec', 'kmsMasterKeyRef']),
          ctx,
          'kmsMasterKeyID',
        ),
        ['spec', 'kmsMasterKeyID'],
      ),
    ],
  ),
];
