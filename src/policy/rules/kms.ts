/**
 * Built-in rules for ACK KMS `Key`s (compliance-catalogue §1.10, §2.4 KMS-001, KMS-003, KMS-004;
 * KMS-002 analyses the key policy with the resource-policy rules).
 */
import { valueAt } from '../../graph/render/symbolic.ts';
import { fail, notApplicable, pass, unknownResult } from '../results.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkField, mustBeTrue } from './field-check.ts';
import { KMS_KEY, scopedRule } from './kinds.ts';
import { nonEmptyString, or, show, testValue, unlessExempt, type Exemption } from './tri-state.ts';

const KINDS = [KMS_KEY];

/**
 * KMS rotates only symmetric encryption keys with AWS-generated material in the AWS key store:
 * `keySpec` other than SYMMETRIC_DEFAULT (asymmetric, HMAC), `origin` EXTERNAL or AWS_CLOUDHSM, and a
 * `customKeyStoreID` take a key out of KMS-001.
 */
function rotationUnsupported(ctx: RuleContext): Exemption {
  const spec = valueAt(ctx.object, ['spec']);
  const keySpec = valueAt(spec, ['keySpec']);
  const origin = valueAt(spec, ['origin']);
  const store = valueAt(spec, ['customKeyStoreID']);
  return {
    holds: or(
      testValue(keySpec, (v) => v !== 'SYMMETRIC_DEFAULT', false),
      testValue(origin, (v) => v !== 'AWS_KMS', false),
      nonEmptyString(store),
    ),
    path: ['spec', 'keySpec'],
    value: [keySpec ?? null, origin ?? null, store ?? null],
    condition: `automatic rotation is unsupported (keySpec ${show(keySpec)}, origin ${show(origin)})`,
    verdict: 'na',
  };
}

/** KMS-004: the key is not pending deletion (status, known only once the key exists). */
function checkNotPendingDeletion(ctx: RuleContext): RuleResult[] {
  const statePath = ['status', 'keyState'];
  const state = valueAt(ctx.object, statePath);
  const deletion = valueAt(ctx.object, ['status', 'deletionDate']);
  if (deletion !== undefined && deletion !== null) {
    return [fail(['status', 'deletionDate'], `the key is scheduled for deletion on ${show(deletion)}`)];
  }
  if (state === undefined || state === null) {
    return [notApplicable(statePath, 'the key state is known only once the key exists')];
  }
  const pending = testValue(state, (v) => v === 'PendingDeletion' || v === 'PendingReplicaDeletion', false);
  if (pending === true) return [fail(statePath, `keyState is ${show(state)}`)];
  if (pending === false) return [pass(statePath, `keyState is ${show(state)}`)];
  return [unknownResult(statePath, state, `keyState is ${show(state)}, not known yet`)];
}

/** The KMS rules of compliance-catalogue §2.4. */
export const KMS_RULES: readonly Rule[] = [
  scopedRule(
    KINDS,
    {
      id: 'KMS-001',
      title: 'KMS key rotation is enabled',
      severity: 'medium',
      controls: {
        fsbp: ['KMS.4'],
        config: ['cmk-backing-key-rotation-enabled'],
        cis: ['v5:3.6', 'v6:4.6', 'v7:4.6'],
        checkov: ['CKV_AWS_7'],
        trivy: ['AWS-0065'],
      },
      remediation: 'Set spec.enableKeyRotation: true on symmetric keys.',
    },
    (ctx) =>
      unlessExempt(rotationUnsupported(ctx), [
        checkField(
          ctx.object,
          ['spec', 'enableKeyRotation'],
          mustBeTrue(
            'enableKeyRotation',
            'enableKeyRotation is not set: KMS does not rotate the key by default',
          ),
        ),
      ]),
  ),
  scopedRule(
    KINDS,
    {
      id: 'KMS-003',
      title: 'KMS key policy lockout safety check is not bypassed',
      severity: 'high',
      controls: { other: ['custom'] },
      remediation: 'Remove spec.bypassPolicyLockoutSafetyCheck (or set it to false).',
    },
    (ctx) => [
      checkField(ctx.object, ['spec', 'bypassPolicyLockoutSafetyCheck'], {
        what: 'bypassPolicyLockoutSafetyCheck',
        expect: 'must not be true',
        ok: (v) => v !== true,
        absent: { verdict: 'pass', reason: 'bypassPolicyLockoutSafetyCheck is not set' },
      }),
    ],
  ),
  scopedRule(
    KINDS,
    {
      id: 'KMS-004',
      title: 'KMS key is not scheduled for deletion',
      severity: 'medium',
      controls: { fsbp: ['KMS.3'], config: ['kms-cmk-not-scheduled-for-deletion'] },
      remediation: 'Cancel the key deletion (CancelKeyDeletion) or stop using the key.',
    },
    checkNotPendingDeletion,
  ),
];
