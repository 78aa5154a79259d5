/**
 * `pattern` keywords of a CRD schema, compiled once per schema. The API server compiles them with Go's
 * `regexp` (RE2) and reports a value that does not match as
 * `<name> in body should match '<pattern>'`, or, for a pattern Go cannot compile,
 * `<name> in body should match '<pattern>, but pattern is invalid: <Go error>'` (kube-openapi
 * `validate.Pattern`).
 *
 * Validity comes from kro-guard's RE2 checker (`re2Error`, src/simpleschema/re2.ts); matching uses the
 * RE2→JavaScript translation of the CEL regex library (`compileRegex`, src/cel/library/k8s-misc.ts:
 * leading `(?i)`-style flags, `(?P<n>`, `\A`, `\z`), run without the `g` flag. Differences from RE2
 * that remain: JavaScript's `\s` also matches Unicode spaces, and JavaScript backtracks, so a pattern
 * with nested quantifiers can take exponential time on a hostile string (RE2 is linear).
 */
import { compileRegex } from '../cel/library/k8s-misc.ts';
import { re2Error } from '../simpleschema/re2.ts';

/** A compiled `pattern`: a matcher, or the reason Go would not compile it. */
export type CompiledPattern =
  | { readonly pattern: string; readonly regex: RegExp; readonly invalid?: undefined }
  | { readonly pattern: string; readonly regex?: undefined; readonly invalid: string };

/** Compiles one `pattern` keyword. Never throws. */
export function compilePattern(pattern: string): CompiledPattern {
  const err = re2Error(pattern);
  if (err !== undefined) return { pattern, invalid: err };
  try {
    const re = compileRegex(pattern);
    return { pattern, regex: new RegExp(re.source, re.flags.replace('g', '')) };
  } catch (e) {
    return { pattern, invalid: e instanceof Error ? e.message : String(e) };
  }
}

/** The kube-openapi detail for `value` against `p`, or undefined when it matches. */
export function patternFailure(p: CompiledPattern, name: string, value: string): string | undefined {
  if (p.invalid !== undefined)
    return `${name} in body should match '${p.pattern}, but pattern is invalid: ${p.invalid}'`;
  return p.regex.test(value) ? undefined : `${name} in body should match '${p.pattern}'`;
}
