/**
 * Built-in rules for ACK DynamoDB `Table`s (compliance-catalogue §1.4, §2.4 DDB-001..003). Tables
 * are always encrypted at rest (an AWS-owned key by default), so only the CMK rule reads
 * `sseSpecification`.
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkField, mustBeTrue } from './field-check.ts';
import { DYNAMODB_TABLE, scopedRule } from './kinds.ts';
import { judgeKmsKey, keyResult } from './kms-key.ts';
import { conclude } from './tri-state.ts';

const KINDS = [DYNAMODB_TABLE];

/** DDB-003: `sseSpecification.enabled`, `sseType` KMS (the default when enabled) and a customer managed key. */
function checkCmk(ctx: RuleContext): RuleResult[] {
  const base = ['spec', 'sseSpecification'];
  const sse = valueAt(ctx.object, base);
  const key = judgeKmsKey(
    valueAt(sse, ['kmsMasterKeyID']),
    valueAt(sse, ['kmsMasterKeyRef']),
    ctx,
    'sseSpecification.kmsMasterKeyID',
  );
  return conclude(
    [
      checkField(
        ctx.object,
        [...base, 'enabled'],
        mustBeTrue('sseSpecification.enabled', 'the table uses an AWS owned key'),
      ),
      checkField(ctx.object, [...base, 'sseType'], {
        what: 'sseSpecification.sseType',
        expect: 'must be "KMS"',
        ok: (v) => v === 'KMS',
        absent: { verdict: 'pass', reason: 'sseType is not set (KMS when SSE is enabled)' },
      }),
      keyResult(key, [...base, 'kmsMasterKeyID']),
    ],
    base,
    `the table is encrypted with a customer managed key (${key.reason})`,
  );
}

/** The DynamoDB rules of compliance-catalogue §2.4. */
export const DDB_RULES: readonly Rule[] = [
  scopedRule(
    KINDS,
    {
      id: 'DDB-001',
      title: 'DynamoDB point-in-time recovery is enabled',
      severity: 'medium',
      controls: {
        fsbp: ['DynamoDB.2'],
        config: ['dynamodb-pitr-enabled'],
        checkov: ['CKV_AWS_28'],
        trivy: ['AWS-0024'],
      },
      remediation: 'Set spec.continuousBackups.pointInTimeRecoveryEnabled: true.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'continuousBackups', 'pointInTimeRecoveryEnabled'],
        mustBeTrue('continuousBackups.pointInTimeRecoveryEnabled', 'point-in-time recovery is not enabled'),
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'DDB-002',
      title: 'DynamoDB table has deletion protection',
      severity: 'medium',
      controls: { fsbp: ['DynamoDB.6'], config: ['dynamodb-table-deletion-protection-enabled'] },
      remediation: 'Set spec.deletionProtectionEnabled: true.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'deletionProtectionEnabled'],
        mustBeTrue('deletionProtectionEnabled', 'deletion protection is not enabled'),
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'DDB-003',
      title: 'DynamoDB table is encrypted with a customer managed key',
      severity: 'low',
      optional: true,
      controls: { config: ['dynamodb-table-encrypted-kms'], checkov: ['CKV_AWS_119'], trivy: ['AWS-0025'] },
      remediation:
        'Set spec.sseSpecification {enabled: true, sseType: KMS, kmsMasterKeyID or kmsMasterKeyRef} to a customer ' +
        'managed key (a Key of the same graph).',
    },
    checkCmk,
  ),
];
