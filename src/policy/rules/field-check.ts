/**
 * The single-field check most ACK rules are made of ("`storageEncrypted` must be true; absent means
 * the AWS default, which fails"), with the three-valued semantics of `tri-state.ts`.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import {
  isSymbolic,
  valueAt,
  type RenderedValue,
  type SymbolicString,
  type Unknown,
} from '../../graph/render/symbolic.ts';
import { fail, notApplicable, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { candidates, nonEmptyShape, show, testValue, type KnownValue, type Tri } from './tri-state.ts';

/** What one field must hold. */
export interface FieldExpectation {
  /** How reasons name the field: `storageEncrypted`, `publicAccessBlock.blockPublicACLs`. */
  what: string;
  /** The requirement in words, for reasons: `must be true`. */
  expect: string;
  /** Whether a known value complies. */
  ok(value: KnownValue): boolean;
  /**
   * The verdict when the field is absent (or null) and why: usually the AWS default decides
   * (`storageEncrypted` absent: unencrypted, fail; `autoMinorVersionUpgrade` absent: true, pass).
   */
  absent: { verdict: 'pass' | 'fail' | 'na'; reason: string };
  /**
   * Decides a symbolic value by its shape when it can be (a string template with literal text is
   * never empty); `'unknown'` defers to the SimpleSchema candidates.
   */
  symbolic?(value: Unknown | SymbolicString): Tri;
}

/**
 * Checks the field at `path` of `root` against `expectation`: pass or fail for a known value, the
 * `absent` verdict when it is missing, and for a symbolic value pass/fail only when every value its
 * SimpleSchema allows agrees, unknown otherwise.
 */
export function checkField(
  root: RenderedValue | undefined,
  path: PathSegment[],
  expectation: FieldExpectation,
): RuleResult {
  const { what, expect, absent } = expectation;
  const value = valueAt(root, path);
  if (value === undefined || value === null) {
    if (absent.verdict === 'pass') return pass(path, absent.reason);
    if (absent.verdict === 'na') return notApplicable(path, absent.reason);
    return fail(path, absent.reason);
  }
  const shaped = isSymbolic(value) && expectation.symbolic ? expectation.symbolic(value) : 'unknown';
  const outcome = shaped !== 'unknown' ? shaped : testValue(value, expectation.ok, false);
  if (!isSymbolic(value)) {
    return outcome === true
      ? pass(path, `${what} is ${show(value)}`)
      : fail(path, `${what} is ${show(value)} (${expect})`);
  }
  const allowed = (candidates(value) ?? []).map((v) => JSON.stringify(v)).join(', ');
  if (shaped === true) return pass(path, `${what} is ${value}`);
  if (shaped === false) return fail(path, `${what} is ${value} (${expect})`);
  if (outcome === true) return pass(path, `every value ${value} may take (${allowed}) complies`);
  if (outcome === false) return fail(path, `no value ${value} may take (${allowed}) complies (${expect})`);
  return unknownResult(path, value, `${what} is ${value}, not known yet (${expect})`);
}

/** `what` must be `true`; absent fails with `absentReason`. */
export function mustBeTrue(what: string, absentReason: string): FieldExpectation {
  return {
    what,
    expect: 'must be true',
    ok: (v) => v === true,
    absent: { verdict: 'fail', reason: absentReason },
  };
}

/** `what` must be one of `allowed`; absent fails with `absentReason`. */
export function mustBeOneOf(
  what: string,
  allowed: readonly (string | number | boolean)[],
  absentReason: string,
): FieldExpectation {
  return {
    what,
    expect: `must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}`,
    ok: (v) => allowed.some((a) => a === v),
    absent: { verdict: 'fail', reason: absentReason },
  };
}

/** `what` must be a non-empty string; absent fails with `absentReason`. */
export function mustBeNonEmpty(what: string, absentReason: string): FieldExpectation {
  return {
    what,
    expect: 'must not be empty',
    ok: (v) => typeof v === 'string' && v !== '',
    absent: { verdict: 'fail', reason: absentReason },
    symbolic: nonEmptyShape,
  };
}
