/**
 * Built-in rules for ACK ECR `Repository`s (compliance-catalogue §1.12, §2.4 ECR-001..004; ECR-005
 * analyses the repository policy with the resource-policy rules).
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkField, mustBeNonEmpty, mustBeOneOf, mustBeTrue } from './field-check.ts';
import { ECR_REPOSITORY, scopedRule } from './kinds.ts';
import { judgeKmsKey, keyResult } from './kms-key.ts';
import { conclude } from './tri-state.ts';

const KINDS = [ECR_REPOSITORY];

/** ECR-004: `encryptionConfiguration.encryptionType` KMS (or KMS_DSSE) with a customer managed key. */
function checkCmk(ctx: RuleContext): RuleResult[] {
  const base = ['spec', 'encryptionConfiguration'];
  const config = valueAt(ctx.object, base);
  const key = judgeKmsKey(
    valueAt(config, ['kmsKey']),
    valueAt(config, ['kmsKeyRef']),
    ctx,
    'encryptionConfiguration.kmsKey',
  );
  return conclude(
    [
      checkField(
        ctx.object,
        [...base, 'encryptionType'],
        mustBeOneOf(
          'encryptionConfiguration.encryptionType',
          ['KMS', 'KMS_DSSE'],
          'the repository uses AES256 (the default)',
        ),
      ),
      keyResult(key, [...base, 'kmsKey']),
    ],
    base,
    `the repository is encrypted with a customer managed key (${key.reason})`,
  );
}

/** The ECR rules of compliance-catalogue §2.4. */
export const ECR_RULES: readonly Rule[] = [
  scopedRule(
    KINDS,
    {
      id: 'ECR-001',
      title: 'ECR repository scans images on push',
      severity: 'medium',
      controls: {
        fsbp: ['ECR.1'],
        config: ['ecr-private-image-scanning-enabled'],
        checkov: ['CKV_AWS_163'],
        trivy: ['AWS-0030'],
      },
      remediation: 'Set spec.imageScanningConfiguration.scanOnPush: true.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'imageScanningConfiguration', 'scanOnPush'],
        mustBeTrue('imageScanningConfiguration.scanOnPush', 'images are not scanned on push'),
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'ECR-002',
      title: 'ECR repository tags are immutable',
      severity: 'medium',
      controls: {
        fsbp: ['ECR.2'],
        config: ['ecr-private-tag-immutability-enabled'],
        checkov: ['CKV_AWS_51'],
        trivy: ['AWS-0031'],
      },
      remediation: 'Set spec.imageTagMutability to IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION).',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'imageTagMutability'],
        mustBeOneOf(
          'imageTagMutability',
          ['IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION'],
          'imageTagMutability is not set: tags are MUTABLE by default',
        ),
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'ECR-003',
      title: 'ECR repository has a lifecycle policy',
      severity: 'low',
      controls: { fsbp: ['ECR.3'], config: ['ecr-private-lifecycle-policy-configured'] },
      remediation: 'Set spec.lifecyclePolicy (a JSON lifecycle policy that expires old or untagged images).',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'lifecyclePolicy'],
        mustBeNonEmpty('lifecyclePolicy', 'no lifecycle policy'),
      ),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'ECR-004',
      title: 'ECR repository is encrypted with a customer managed key',
      severity: 'medium',
      controls: {
        fsbp: ['ECR.5'],
        config: ['ecr-repository-cmk-encryption-enabled'],
        checkov: ['CKV_AWS_136'],
        trivy: ['AWS-0033'],
      },
      remediation:
        'Set spec.encryptionConfiguration {encryptionType: KMS, kmsKey or kmsKeyRef} to a customer managed key ' +
        '(encryption settings are fixed at creation).',
    },
    checkCmk,
  ),
];
