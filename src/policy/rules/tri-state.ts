/**
 * Three-valued evaluation shared by the built-in rules (compliance-catalogue §6.1): a rendered value
 * is absent, known, or symbolic (an {@link Unknown} or {@link SymbolicString}); a test on it is
 * `true`, `false` or `'unknown'`. A symbolic value never passes or fails by guess, except when its
 * SimpleSchema bounds it (an `enum`, `minimum`/`maximum`) and every allowed value agrees.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import {
  SymbolicString,
  Unknown,
  isSymbolic,
  provenanceOf,
  toPrintable,
  type Provenance,
  type RenderedValue,
} from '../../graph/render/symbolic.ts';
import { fail, notApplicable, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';

/** A three-valued truth: `true`, `false`, or `'unknown'` (depends on a value not known yet). */
export type Tri = boolean | 'unknown';

/** A rendered value that is neither symbolic nor null. */
export type KnownValue = Exclude<RenderedValue, Unknown | SymbolicString | null>;

/** Kleene conjunction. */
export function and(...values: readonly Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes('unknown') ? 'unknown' : true;
}

/** Kleene disjunction. */
export function or(...values: readonly Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes('unknown') ? 'unknown' : false;
}

/** Kleene negation. */
export function not(value: Tri): Tri {
  return value === 'unknown' ? 'unknown' : !value;
}

/**
 * The unknown a symbolic value is when it stands for exactly one SimpleSchema field: a single
 * `input` provenance and a `constraint` (the renderer attaches the field's constraint only to
 * unknowns that are the field itself, `${schema.spec.encryption}` or a forEach element's
 * `${b.encryption}`, never to values computed from it such as `${!schema.spec.allowPublic}`).
 */
function bareInput(v: Unknown | SymbolicString): Unknown | undefined {
  if (!(v instanceof Unknown) || v.constraint === undefined) return undefined;
  const [p, ...rest] = v.provenance;
  return p !== undefined && rest.length === 0 && p.kind === 'input' ? v : undefined;
}

/**
 * The values a symbolic value can take when its SimpleSchema gives an `enum` (S2: `encryption:
 * string | enum="aws:kms,aws:kms:dsse"`); `undefined` when it is not bounded that way.
 */
export function candidates(v: Unknown | SymbolicString): readonly KnownValue[] | undefined {
  const values = bareInput(v)?.constraint?.enum;
  if (values === undefined || values.length === 0) return undefined;
  const known = values.filter(
    (x): x is string | number | boolean =>
      typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)),
  );
  return known.length === values.length ? known : undefined;
}

/** The SimpleSchema `minimum`/`maximum` of a bare numeric input (see {@link candidates}). */
export function bounds(v: Unknown | SymbolicString): { minimum?: number; maximum?: number } {
  const c = bareInput(v)?.constraint;
  return { minimum: c?.minimum, maximum: c?.maximum };
}

/**
 * Applies `test` to a value: `absent` when the value is undefined or null, `test(value)` when it is
 * known, and for a symbolic value `test` on every {@link candidates} value when they all agree,
 * `'unknown'` otherwise.
 */
export function testValue(
  value: RenderedValue | undefined,
  test: (v: KnownValue) => boolean,
  absent: Tri,
): Tri {
  if (value === undefined || value === null) return absent;
  if (!isSymbolic(value)) return test(value);
  const values = candidates(value);
  if (values === undefined) return 'unknown';
  const outcomes = values.map(test);
  if (outcomes.every((o) => o)) return true;
  if (outcomes.every((o) => !o)) return false;
  return 'unknown';
}

/**
 * Whether a symbolic string is non-empty by its shape: `true` when a literal part has text
 * (`${schema.spec.name}-logs`), `'unknown'` otherwise.
 */
export function nonEmptyShape(value: Unknown | SymbolicString): Tri {
  return value instanceof SymbolicString && value.parts.some((p) => typeof p === 'string' && p !== '')
    ? true
    : 'unknown';
}

/** Whether a value is a non-empty string: by shape for a template, by candidates for an input. */
export function nonEmptyString(value: RenderedValue | undefined): Tri {
  if (isSymbolic(value) && nonEmptyShape(value) === true) return true;
  return testValue(value, (v) => typeof v === 'string' && v !== '', false);
}

/** The JSON text of a known value for reasons, the `${expression}` text of a symbolic one. */
export function show(value: RenderedValue | undefined): string {
  if (value === undefined) return 'unset';
  if (isSymbolic(value)) return value.toString();
  return JSON.stringify(toPrintable(value));
}

/**
 * Collects the violations (`fail`) and the undecided checks (`unknown`) of one rule on one object,
 * then concludes with {@link Findings.conclude}.
 */
export class Findings {
  readonly results: RuleResult[] = [];

  /** Records a violation at `path`. */
  fail(path: PathSegment[], reason: string): void {
    this.results.push(fail(path, reason));
  }

  /** Records a check that depends on `values` (their provenance becomes `dependsOn`). */
  unknown(path: PathSegment[], values: RenderedValue | readonly RenderedValue[], reason: string): void {
    this.results.push(unknownResult(path, values, reason));
  }

  /**
   * Records a three-valued violation: `violated` true gives a fail with `failReason`, `'unknown'`
   * an unknown with `unknownReason` depending on `values`, false nothing.
   */
  record(
    violated: Tri,
    path: PathSegment[],
    values: RenderedValue | undefined | readonly (RenderedValue | undefined)[],
    failReason: string,
    unknownReason: string,
  ): void {
    if (violated === true) this.fail(path, failReason);
    else if (violated === 'unknown') {
      const list = (Array.isArray(values) ? values : [values]) as readonly (RenderedValue | undefined)[];
      this.unknown(
        path,
        list.filter((v): v is RenderedValue => v !== undefined),
        unknownReason,
      );
    }
  }

  /** True when nothing was recorded. */
  get clean(): boolean {
    return this.results.length === 0;
  }

  /**
   * The rule's results: every fail when there is one, else every unknown, else one pass at
   * `passPath` with `passReason`.
   */
  conclude(passPath: PathSegment[], passReason: string): RuleResult[] {
    return conclude(this.results, passPath, passReason);
  }
}

/** See {@link Findings.conclude}; `na` and `pass` entries of `results` are ignored. */
export function conclude(
  results: readonly RuleResult[],
  passPath: PathSegment[],
  passReason: string,
): RuleResult[] {
  const fails = results.filter((r) => r.verdict === 'fail');
  if (fails.length > 0) return fails;
  const unknowns = results.filter((r) => r.verdict === 'unknown');
  if (unknowns.length > 0) return unknowns;
  return [pass(passPath, passReason)];
}

/**
 * A condition that takes an object out of a rule: Aurora membership (`dbClusterIdentifier` set) for
 * instance-level RDS rules, `hostUsers: false` for PSS `runAsNonRoot`, `spec.os.name: windows` for
 * the Linux-only PSS checks.
 */
export interface Exemption {
  /** Whether the condition holds. */
  holds: Tri;
  /** Where the condition is read. */
  path: PathSegment[];
  /** The value it is read from (for `dependsOn` when unknown). */
  value: RenderedValue | undefined;
  /** The condition in words: `hostUsers is false`. */
  condition: string;
  /** The verdict when it holds: `pass` (PSA allows the pod) or `na` (the rule does not apply). */
  verdict: 'pass' | 'na';
}

/**
 * Applies an {@link Exemption} to a rule's results (Kleene "exempt or compliant"): when it holds,
 * one `pass`/`na`; when it does not, `results`; when it is unknown, `results` if they already pass,
 * else every fail and unknown becomes an unknown that also depends on the exemption's value.
 */
export function unlessExempt(ex: Exemption, results: readonly RuleResult[]): RuleResult[] {
  if (ex.holds === true) {
    const reason = `not checked: ${ex.condition}`;
    return [ex.verdict === 'na' ? notApplicable(ex.path, reason) : pass(ex.path, reason)];
  }
  const open = results.filter((r) => r.verdict === 'fail' || r.verdict === 'unknown');
  if (ex.holds === false || open.length === 0) return [...results];
  const extra = provenanceOf(ex.value);
  return open.map((r) => ({
    verdict: 'unknown' as const,
    path: r.path,
    reason: `${r.reason}, unless ${ex.condition}`,
    dependsOn: mergeProvenance(r.dependsOn ?? [], extra),
  }));
}

/** `a` then the entries of `b` not in `a` (by kind and path). */
export function mergeProvenance(a: readonly Provenance[], b: readonly Provenance[]): Provenance[] {
  const seen = new Set(a.map((p) => `${p.kind}:${p.path}`));
  return [...a, ...b.filter((p) => !seen.has(`${p.kind}:${p.path}`))];
}
