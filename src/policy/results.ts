/**
 * Constructors of {@link RuleResult}s and tri-state reads of rendered values, shared by the
 * built-in rules so that every rule words and shapes its verdicts the same way.
 */
import type { PathSegment } from '../diagnostics/diagnostic.ts';
import {
  isSymbolic,
  provenanceOf,
  valueAt,
  type RenderedValue,
  type SymbolicString,
  type Unknown,
} from '../graph/render/symbolic.ts';
import type { RuleResult } from './types.ts';

/** A `pass` at `path`. */
export function pass(path: PathSegment[], reason: string): RuleResult {
  return { verdict: 'pass', path, reason };
}

/** A `fail` at `path`. */
export function fail(path: PathSegment[], reason: string): RuleResult {
  return { verdict: 'fail', path, reason };
}

/** A `na` (not applicable) at `path`. */
export function notApplicable(path: PathSegment[], reason: string): RuleResult {
  return { verdict: 'na', path, reason };
}

/**
 * An `unknown` at `path` because of `value` (or values): `dependsOn` is every provenance found in
 * them. `reason` should say what would decide it: `sseAlgorithm is not known before the instance`.
 */
export function unknownResult(
  path: PathSegment[],
  value: RenderedValue | readonly RenderedValue[],
  reason: string,
): RuleResult {
  const values = Array.isArray(value) ? (value as readonly RenderedValue[]) : [value as RenderedValue];
  const dependsOn = values.flatMap((v) => provenanceOf(v));
  const seen = new Set<string>();
  return {
    verdict: 'unknown',
    path,
    reason,
    dependsOn: dependsOn.filter((p) => {
      const k = `${p.kind}:${p.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}

/**
 * A field read in three states: `absent` (the path does not exist or is null), `symbolic` (an
 * {@link Unknown} or {@link SymbolicString} on the way or at the end), or `known` with the value.
 */
export type FieldRead =
  | { state: 'absent' }
  | { state: 'symbolic'; value: Unknown | SymbolicString }
  | { state: 'known'; value: Exclude<RenderedValue, Unknown | SymbolicString | null> };

/** Reads `path` below `root` as a {@link FieldRead}. */
export function readField(root: RenderedValue | undefined, path: readonly PathSegment[]): FieldRead {
  const v = valueAt(root, path);
  if (v === undefined || v === null) return { state: 'absent' };
  if (isSymbolic(v)) return { state: 'symbolic', value: v };
  return { state: 'known', value: v };
}

/**
 * The common "field must equal one of these values" check: `pass` when the known value is in
 * `allowed`, `fail` when it is absent or another value, `unknown` when it is symbolic.
 *
 * @param what how to name the field in reasons (`publicAccessBlock.blockPublicACLs`).
 */
export function expectOneOf(
  root: RenderedValue | undefined,
  path: PathSegment[],
  allowed: readonly (string | number | boolean)[],
  what: string,
): RuleResult {
  const r = readField(root, path);
  const shown = allowed.map((a) => JSON.stringify(a)).join(' or ');
  if (r.state === 'absent') return fail(path, `${what} is not set (must be ${shown})`);
  if (r.state === 'symbolic')
    return unknownResult(path, r.value, `${what} is not known yet (must be ${shown})`);
  if (allowed.some((a) => a === r.value)) return pass(path, `${what} is ${JSON.stringify(r.value)}`);
  return fail(path, `${what} is ${JSON.stringify(r.value)} (must be ${shown})`);
}
