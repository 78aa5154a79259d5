/**
 * Default-encryption checks of an ACK S3 `Bucket` (compliance-catalogue §1.1, §2.1 S3-001/S3-002):
 * `spec.encryption.rules[].applyServerSideEncryptionByDefault.{sseAlgorithm,kmsMasterKeyID}`.
 * S3 accepts one rule in practice; the catalogue asks that *some* rule complies.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleContext, RuleResult } from '../types.ts';
import { type Element, listAt } from './elements.ts';
import { judgeKmsKey } from './kms-key.ts';
import { and, show, testValue, type Tri } from './tri-state.ts';

/** The SSE algorithms that use KMS (FSBP S3.17). */
export const KMS_SSE_ALGORITHMS: readonly string[] = ['aws:kms', 'aws:kms:dsse'];
/** Every SSE algorithm S3 accepts. */
export const SSE_ALGORITHMS: readonly string[] = ['AES256', ...KMS_SSE_ALGORITHMS];

const RULES_PATH: PathSegment[] = ['spec', 'encryption', 'rules'];
const BY_DEFAULT = 'applyServerSideEncryptionByDefault';

/** One encryption rule's judgement. */
interface RuleJudgement {
  ok: Tri;
  path: PathSegment[];
  reason: string;
  /** What an `unknown` depends on. */
  values: RenderedValue[];
}

/**
 * Judges every encryption rule with `judge` and concludes "some rule complies": pass on the first
 * compliant rule, fail when none can, unknown otherwise. `absentReason` is the fail reason when the
 * bucket declares no rule at all.
 */
function someRule(
  ctx: RuleContext,
  absentReason: string,
  judge: (e: Element) => RuleJudgement,
): RuleResult[] {
  const elements = listAt(ctx.object, RULES_PATH);
  if (elements.length === 0) return [fail(['spec', 'encryption'], absentReason)];
  const judged = elements.map(judge);
  const good = judged.find((j) => j.ok === true);
  if (good !== undefined) return [pass(good.path, good.reason)];
  const open = judged.filter((j) => j.ok === 'unknown');
  if (open.length === 0) return judged.map((j) => fail(j.path, j.reason));
  return open.map((j) => unknownResult(j.path, j.values, j.reason));
}

/** S3-001: some rule uses SSE-KMS (`aws:kms`/`aws:kms:dsse`) with an allowed key when the policy lists keys. */
export function checkKmsEncryption(ctx: RuleContext): RuleResult[] {
  return someRule(ctx, 'no default encryption rule: S3 applies SSE-S3 (AES256), not SSE-KMS', (e) => {
    const algPath = [...e.path, BY_DEFAULT, 'sseAlgorithm'];
    const alg = valueAt(e.value, [BY_DEFAULT, 'sseAlgorithm']);
    const algOk = testValue(alg, (v) => typeof v === 'string' && KMS_SSE_ALGORITHMS.includes(v), false);
    if (algOk !== true || ctx.params.allowedKmsKeys.length === 0) {
      const reason =
        algOk === true
          ? `sseAlgorithm is ${show(alg)}`
          : algOk === false
            ? `sseAlgorithm is ${show(alg)}, not aws:kms or aws:kms:dsse`
            : `sseAlgorithm is ${show(alg)}, not known yet (must be aws:kms or aws:kms:dsse)`;
      return { ok: algOk, path: algPath, reason, values: alg === undefined ? [e.value] : [alg] };
    }
    const keyPath = [...e.path, BY_DEFAULT, 'kmsMasterKeyID'];
    const key = judgeKmsKey(
      valueAt(e.value, [BY_DEFAULT, 'kmsMasterKeyID']),
      undefined,
      ctx,
      'kmsMasterKeyID',
    );
    return { ok: and(algOk, key.verdict), path: keyPath, reason: key.reason, values: key.values };
  });
}

/** S3-002: some rule declares a valid `sseAlgorithm` (AES256 included). */
export function checkEncryptionDeclared(ctx: RuleContext): RuleResult[] {
  return someRule(ctx, 'no default encryption declared (S3 still applies SSE-S3 by default)', (e) => {
    const path = [...e.path, BY_DEFAULT, 'sseAlgorithm'];
    const alg = valueAt(e.value, [BY_DEFAULT, 'sseAlgorithm']);
    const ok = testValue(alg, (v) => typeof v === 'string' && SSE_ALGORITHMS.includes(v), false);
    const reason =
      ok === true
        ? `sseAlgorithm is ${show(alg)}`
        : ok === false
          ? `sseAlgorithm is ${show(alg)}, not one of ${SSE_ALGORITHMS.join(', ')}`
          : `sseAlgorithm is ${show(alg)}, not known yet`;
    return { ok, path, reason, values: alg === undefined ? [e.value] : [alg] };
  });
}
