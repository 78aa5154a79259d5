/**
 * `${…}` extraction from RGD string values, ported from kro's `pkg/graph/parser/cel.go`
 * (kro-contract §5.1), and the CEL program kro compiles for a string template.
 */

import { goQuote } from '../golang/strings.ts';

/** kro's error text when a `${` starts inside an expression outside a double-quoted string (§5.1). */
export const NESTED_EXPRESSION_ERROR = 'nested expressions are not allowed unless inside string literals';

/**
 * One `${…}` found in a string.
 *
 * - `expression`: the CEL text between `${` and the matching `}` (may be empty or blank: `${}`).
 * - `start`, `end`: the half-open span `[start, end)` of the whole `${…}` in the input string, in
 *   UTF-16 code units (JavaScript string indices). kro counts bytes; the markers are ASCII, so the
 *   same expressions are found.
 */
export interface ExtractedExpression {
  expression: string;
  start: number;
  end: number;
}

/**
 * The result of {@link extractExpressions}.
 *
 * - `ok: true`: `expressions` in order of appearance (empty when the string has none); `standalone`
 *   is true when there is exactly one expression and its span is the whole string (no text, whitespace
 *   or trailing newline around it).
 * - `ok: false`: `error` is kro's message ({@link NESTED_EXPRESSION_ERROR}); kro reports no expressions then.
 */
export type Extraction =
  { ok: true; expressions: ExtractedExpression[]; standalone: boolean } | { ok: false; error: string };

/**
 * Finds the end of the expression whose `${` is at `open`: the index of its closing `}`, `-1` when it
 * never closes (kro then keeps the `${` as literal text), or `'nested'` for the nested-expression error.
 * Only double quotes delimit strings here, exactly as in kro; single-quoted CEL strings are not seen.
 */
function findClose(text: string, open: number): number | 'nested' {
  let depth = 1;
  let inString = false;
  let escaped = false;
  for (let j = open + 2; j < text.length; j++) {
    const c = text[j];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (inString && c === '\\') {
      escaped = true;
      continue;
    }
    if (c === '"') {
      inString = !inString;
    } else if (!inString) {
      if (c === '{') {
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0) return j;
      } else if (c === '$' && text[j + 1] === '{' && text[j - 1] !== '"') {
        return 'nested';
      }
    }
  }
  return -1;
}

// Scanner states of findClose: outside a string, inside one, right after a backslash inside one.
const OUT = 0;
const IN = 1;
const ESC = 2;
const NEVER = 0x3fffffff;

/**
 * For every position `j` and scanner state `s` (index `j * 3 + s`), what findClose would meet from there
 * to the end of `text`: `low`, the lowest running brace balance (+1 per `{`, -1 per `}` outside strings;
 * {@link NEVER} at the end), and `nested`, whether a nested `${` lies ahead. A scan starting at `j` in
 * state OUT closes iff `low < 0` (or fails earlier on a nested `${`). Built in O(n) the first time a
 * `${` turns out unterminated, so a string full of unterminated `${` costs O(n) instead of O(n²).
 */
function summarize(text: string): { low: Int32Array; nested: Uint8Array } {
  const n = text.length;
  const low = new Int32Array((n + 1) * 3).fill(NEVER);
  const nested = new Uint8Array((n + 1) * 3);
  for (let j = n - 1; j >= 0; j--) {
    const c = text[j];
    for (let s = OUT; s <= ESC; s++) {
      let next = OUT;
      let step = 0;
      let here = 0;
      if (s === ESC) next = IN;
      else if (s === IN) next = c === '\\' ? ESC : c === '"' ? OUT : IN;
      else if (c === '"') next = IN;
      else if (c === '{') step = 1;
      else if (c === '}') step = -1;
      else if (c === '$' && text[j + 1] === '{' && text[j - 1] !== '"') here = 1;
      const k = (j + 1) * 3 + next;
      low[j * 3 + s] = step + Math.min(0, low[k]!);
      nested[j * 3 + s] = here | nested[k]!;
    }
  }
  return { low, nested };
}

/**
 * Extracts every `${…}` from `text` the way kro's `extractExpressions` does (kro-contract §5.1):
 * braces are counted outside double-quoted strings, backslash escapes are honoured inside them, a `${`
 * that never closes is literal text (the scan resumes after it), and a `${` met inside an expression,
 * outside a double-quoted string and not directly after a `"`, fails the whole string with
 * {@link NESTED_EXPRESSION_ERROR}. Known hazards reproduced on purpose: `${a == '}'}` ends at the `}`
 * inside the single-quoted string; a lone `"` inside single quotes can leave the expression unclosed.
 *
 * Pure; O(n) time (kro's own loop is quadratic on strings full of unterminated `${`).
 */
export function extractExpressions(text: string): Extraction {
  const expressions: ExtractedExpression[] = [];
  let summary: ReturnType<typeof summarize> | undefined;
  let from = 0;
  while (from < text.length) {
    const open = text.indexOf('${', from);
    if (open < 0) break;
    // kro advances its search start by one after an unterminated `${`; rescanning the same `${` gives
    // the same answer, so resuming right after it is equivalent.
    const k = (open + 2) * 3 + OUT;
    if (summary !== undefined && summary.low[k]! >= 0) {
      if (summary.nested[k]) return { ok: false, error: NESTED_EXPRESSION_ERROR };
      from = open + 1;
      continue;
    }
    const close = findClose(text, open);
    if (close === 'nested') return { ok: false, error: NESTED_EXPRESSION_ERROR };
    if (close < 0) {
      summary ??= summarize(text);
      from = open + 1;
      continue;
    }
    expressions.push({ expression: text.slice(open + 2, close), start: open, end: close + 1 });
    from = close + 1;
  }
  const only = expressions.length === 1 ? expressions[0] : undefined;
  const standalone = only !== undefined && only.start === 0 && only.end === text.length;
  return { ok: true, expressions, standalone };
}

/**
 * The CEL source kro compiles for a string template (kro-contract §5.1): literal parts quoted with Go's
 * `strconv.Quote`, each expression wrapped in parentheses, joined with ` + `; e.g. `a${x}b${y}` gives
 * `"a" + (x) + "b" + (y)`. Empty literal parts (between adjacent expressions, or at either end) are
 * left out, so `${x}-${y}` gives `(x) + "-" + (y)`. A string without expressions gives its quoted text.
 *
 * `expressions` must be the result of {@link extractExpressions} for `text` (ordered, non-overlapping
 * spans inside `text`); other input gives meaningless output but never throws.
 */
export function templateToCel(text: string, expressions: readonly ExtractedExpression[]): string {
  const parts: string[] = [];
  let last = 0;
  for (const e of expressions) {
    if (e.start > last) parts.push(goQuote(text.slice(last, e.start)));
    parts.push(`(${e.expression})`);
    last = Math.max(last, e.end);
  }
  if (last < text.length || parts.length === 0) parts.push(goQuote(text.slice(last)));
  return parts.join(' + ');
}
