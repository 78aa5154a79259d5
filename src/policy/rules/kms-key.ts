/**
 * Whether a resource's KMS key field names an acceptable customer managed key (CMK), shared by
 * S3-001 (FSBP S3.17), SQS-001, SNS-001, DDB-003, SM-001, ECR-004 and EKS-002. A key is acceptable
 * when the policy's `allowedKmsKeys` is empty and a key is given, when it starts with an allowed ARN
 * or prefix, or when it is the ARN/key id of a KMS `Key` of the same graph
 * (`${key.status.ackResourceMetadata.arn}`, or a `*Ref` to the graph Key) — graph-owned keys are
 * checked by KMS-001 on the Key itself.
 */
import { SymbolicString, Unknown, isSymbolic, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleContext, RuleResult } from '../types.ts';
import { referencedResource, statusSource } from './graph-refs.ts';
import { KMS_KEY } from './kinds.ts';
import { candidates, type Tri } from './tri-state.ts';

/** The status fields of an ACK KMS `Key` that identify it (ARN; `keyID` is what `*Ref`s resolve to). */
export const KMS_KEY_STATUS_FIELDS = ['status.ackResourceMetadata.arn', 'status.keyID'] as const;

/** A three-valued judgement with its reason and the values an `unknown` depends on. */
export interface KeyJudgement {
  verdict: Tri;
  reason: string;
  values: RenderedValue[];
}

/**
 * Judges a KMS key given as `id` (an ARN, key id or alias; any may be absent) and/or `ref` (the
 * sibling ACK `*Ref`, `{from: {name, namespace?}}`) against `ctx.params.allowedKmsKeys`.
 *
 * @param what how reasons name the field: `kmsMasterKeyID`.
 * @returns `true` for an acceptable key, `false` for none or a key outside the allow-list,
 *   `'unknown'` when the key is not known before creation and not graph-owned.
 */
export function judgeKmsKey(
  id: RenderedValue | undefined,
  ref: RenderedValue | undefined,
  ctx: RuleContext,
  what: string,
): KeyJudgement {
  const allowed = ctx.params.allowedKmsKeys;
  const hasId = id !== undefined && id !== null && id !== '';
  const hasRef = ref !== undefined && ref !== null;
  if (!hasId && !hasRef)
    return { verdict: false, reason: `${what} is not set: no customer managed key`, values: [] };
  if (!hasId) {
    const target = referencedResource(ref, ctx.graph, KMS_KEY);
    if (target !== undefined)
      return { verdict: true, reason: `${what} refers to graph Key "${target.id}"`, values: [] };
    if (allowed.length === 0)
      return { verdict: true, reason: `${what} refers to a Key resource`, values: [] };
    return {
      verdict: 'unknown',
      reason: `${what} refers to a Key outside the graph; its ARN is not known`,
      values: [ref as RenderedValue],
    };
  }
  const graphKey = statusSource(id, ctx.graph, KMS_KEY, KMS_KEY_STATUS_FIELDS);
  if (graphKey !== undefined)
    return { verdict: true, reason: `${what} is graph Key "${graphKey.id}"`, values: [] };
  const v = id as RenderedValue;
  if (!isSymbolic(v)) {
    if (typeof v !== 'string') return { verdict: false, reason: `${what} is not a string`, values: [] };
    if (allowed.length === 0) return { verdict: true, reason: `${what} is ${JSON.stringify(v)}`, values: [] };
    return allowed.some((a) => v.startsWith(a))
      ? { verdict: true, reason: `${what} ${JSON.stringify(v)} is an allowed key`, values: [] }
      : { verdict: false, reason: `${what} ${JSON.stringify(v)} is not in allowedKmsKeys`, values: [] };
  }
  return judgeSymbolicKey(v, allowed, what);
}

/** A {@link KeyJudgement} as the rule result at `path`. */
export function keyResult(j: KeyJudgement, path: PathSegment[]): RuleResult {
  if (j.verdict === true) return pass(path, j.reason);
  if (j.verdict === false) return fail(path, j.reason);
  return unknownResult(path, j.values, j.reason);
}

/** {@link judgeKmsKey} for a symbolic key that is not a graph Key's status field. */
function judgeSymbolicKey(
  v: Unknown | SymbolicString,
  allowed: readonly string[],
  what: string,
): KeyJudgement {
  const values = candidates(v);
  if (values !== undefined) {
    const ok = values.map(
      (c) =>
        typeof c === 'string' && c !== '' && (allowed.length === 0 || allowed.some((a) => c.startsWith(a))),
    );
    if (ok.every(Boolean))
      return { verdict: true, reason: `every value ${v} may take is an allowed key`, values: [] };
    if (!ok.some(Boolean))
      return { verdict: false, reason: `no value ${v} may take is an allowed key`, values: [] };
  }
  const prefix = v instanceof SymbolicString && typeof v.parts[0] === 'string' ? v.parts[0] : '';
  if (allowed.length === 0 && prefix !== '') return { verdict: true, reason: `${what} is ${v}`, values: [] };
  if (prefix !== '' && allowed.some((a) => prefix.startsWith(a))) {
    return { verdict: true, reason: `${what} ${v} starts with an allowed key prefix`, values: [] };
  }
  if (prefix !== '' && !allowed.some((a) => a.startsWith(prefix))) {
    return { verdict: false, reason: `${what} ${v} can match no entry of allowedKmsKeys`, values: [] };
  }
  return { verdict: 'unknown', reason: `${what} is ${v}, not known yet`, values: [v] };
}
