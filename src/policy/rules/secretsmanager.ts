/**
 * Built-in rules for ACK Secrets Manager `Secret`s (compliance-catalogue §1.11, §2.4 SM-001,
 * SM-002). The ACK CRD has no rotation fields, so rotation (SecretsManager.1/.4) is `na` (§6.6).
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import { notApplicable } from '../results.ts';
import type { Rule } from '../types.ts';
import { scopedRule, SECRETSMANAGER_SECRET } from './kinds.ts';
import { judgeKmsKey, keyResult } from './kms-key.ts';

const KINDS = [SECRETSMANAGER_SECRET];

/** The Secrets Manager rules of compliance-catalogue §2.4. */
export const SM_RULES: readonly Rule[] = [
  scopedRule(
    KINDS,
    {
      id: 'SM-001',
      title: 'Secrets Manager secret uses a customer managed key',
      severity: 'medium',
      controls: { config: ['secretsmanager-using-cmk'], checkov: ['CKV_AWS_149'], trivy: ['AWS-0098'] },
      remediation:
        'Set spec.kmsKeyID (or kmsKeyRef, which resolves to the Key status.keyID) to a customer managed key.',
    },
    (ctx) => [
      keyResult(
        judgeKmsKey(
          valueAt(ctx.object, ['spec', 'kmsKeyID']),
          valueAt(ctx.object, ['spec', 'kmsKeyRef']),
          ctx,
          'kmsKeyID',
        ),
        ['spec', 'kmsKeyID'],
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'SM-002',
      title: 'Secrets Manager secret rotation is enabled',
      severity: 'low',
      controls: {
        fsbp: ['SecretsManager.1', 'SecretsManager.4'],
        config: ['secretsmanager-rotation-enabled-check'],
        checkov: ['CKV2_AWS_57', 'CKV_AWS_304'],
      },
      remediation:
        'ACK cannot configure rotation (the Secret CRD has no rotation fields): configure it out of band or record ' +
        'an exception.',
    },
    () => [
      notApplicable(['spec'], 'ACK cannot express secret rotation (the Secret CRD has no rotation fields)'),
    ],
  ),
];
