/**
 * Small shared pieces of the IAM analyses: a statement's effect in three values, result paths
 * inside the checked object, and the "pass when nothing was found" convention.
 *
 * Result paths are the policy field's path in the object followed by the path inside the document:
 * `['spec', 'policyDocument', 'Statement', 0, 'Action', 1]`, printed
 * `spec.policyDocument.Statement[0].Action[1]`.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { RenderedValue } from '../../graph/render/symbolic.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import type { PolicyDocument, Statement } from './document.ts';
import { quoteText, symEquals, type SymText, type Tri } from './text.ts';

/** Whether the statement's Effect is `effect` (`'unknown'` while it has holes). */
export function effectIs(stmt: Statement, effect: 'Allow' | 'Deny'): Tri {
  return symEquals(stmt.effect.value, effect);
}

/** `base` followed by a path inside the document. */
export function within(base: readonly PathSegment[], path: readonly PathSegment[]): PathSegment[] {
  return [...base, ...path];
}

/**
 * `results` when it has findings, else one `pass` at `base` with `reason`: every analysis answers
 * at least once per document.
 */
export function passWhenClean(
  results: RuleResult[],
  base: readonly PathSegment[],
  reason: string,
): RuleResult[] {
  return results.length > 0 ? results : [pass([...base], reason)];
}

/**
 * A `fail` when `verdict` is true, an `unknown` (depending on `values`) when it is `'unknown'`,
 * nothing when false. `reason` is used for both; `unknownReason` overrides it for unknowns.
 */
export function finding(
  verdict: Tri,
  path: PathSegment[],
  reason: string,
  values: readonly SymText[],
  unknownReason?: string,
): RuleResult[] {
  if (verdict === true) return [fail(path, reason)];
  if (verdict === 'unknown')
    return [unknownResult(path, values as RenderedValue[], unknownReason ?? `possibly: ${reason}`)];
  return [];
}

/**
 * Findings for statements that are wholly unknown (`"Statement": [${x}]`): each may contain
 * anything, so each is an `unknown`.
 */
export function unknownStatementFindings(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  what: string,
): RuleResult[] {
  return doc.unknownStatements.map((s) =>
    unknownResult(within(base, s.path), s.value, `statement not known yet: ${what}`),
  );
}

/** Up to `max` texts quoted and joined with commas, with `and N more` when there are more. */
export function listTexts(texts: readonly SymText[], max = 3): string {
  const shown = texts.slice(0, max).map(quoteText).join(', ');
  return texts.length > max ? `${shown} and ${texts.length - max} more` : shown;
}
