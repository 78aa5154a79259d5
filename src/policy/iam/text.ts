/**
 * Text values of rendered IAM policy documents ({@link SymText}) and the comparisons the IAM
 * analyses need: symbolic equality, IAM wildcard matching (`*`, `?`), action matching.
 *
 * A policy value after kro rendering is a plain string, a {@link SymbolicString} (literal text with
 * unknown holes, `arn:aws:s3:::${bucket.spec.name}/*`), or an {@link Unknown} (the whole value is not
 * known). Wildcards and IAM policy variables are only ever recognised in literal text: a hole is a
 * value kro substitutes, never an IAM wildcard by itself, and a literal `${aws:username}` (kro's
 * escaping already undone by the renderer, compliance-catalogue §0.6) is an IAM policy variable.
 */
import { SymbolicString, Unknown, symbolicString } from '../../graph/render/symbolic.ts';

/** A text value of a policy document: known text, text with unknown holes, or wholly unknown. */
export type SymText = string | SymbolicString | Unknown;

/** Three-valued answer of a comparison: `'unknown'` when it depends on an unknown hole. */
export type Tri = boolean | 'unknown';

/** True when `v` is a {@link SymText}. */
export function isSymText(v: unknown): v is SymText {
  return typeof v === 'string' || v instanceof SymbolicString || v instanceof Unknown;
}

/** The literal and unknown parts of `t`, in order (`[]` for the empty string). */
export function textParts(t: SymText): readonly (string | Unknown)[] {
  if (typeof t === 'string') return t === '' ? [] : [t];
  if (t instanceof Unknown) return [t];
  return t.parts;
}

/** The unknown holes of `t`, in order. */
export function holesOf(t: SymText): Unknown[] {
  return textParts(t).filter((p): p is Unknown => p instanceof Unknown);
}

/** `t` as kro-guard prints it: holes written `${expression}`. */
export function printText(t: SymText): string {
  return typeof t === 'string' ? t : t.toString();
}

/** `t` printed and JSON-quoted, for reasons: `"arn:aws:s3:::${bucket.spec.name}/*"`. */
export function quoteText(t: SymText): string {
  return JSON.stringify(printText(t));
}

/** The literal parts of `t` concatenated (holes dropped). */
export function literalText(t: SymText): string {
  return textParts(t)
    .filter((p): p is string => typeof p === 'string')
    .join('');
}

/**
 * True when the literal text of `t` contains an IAM wildcard (`*` or `?`). Holes are not wildcards
 * (whether their value contains one is a question about the hole, see {@link isFixedText}).
 */
export function isWildcard(t: SymText): boolean {
  return /[*?]/.test(literalText(t));
}

/** True when the literal text of `t` contains an IAM policy variable (`${aws:username}`). */
export function hasPolicyVariable(t: SymText): boolean {
  return textParts(t).some((p) => typeof p === 'string' && p.includes('${'));
}

/**
 * True when the hole's value is a value AWS returned for a resource of the same graph
 * (provenance `status` only, such as `${bucket.status.ackResourceMetadata.arn}`): an ARN or an id,
 * which never contains an IAM wildcard or policy variable.
 */
export function isFixedHole(u: Unknown): boolean {
  return u.provenance.length > 0 && u.provenance.every((p) => p.kind === 'status');
}

/**
 * Whether `t` is a "fixed value" in the sense of AWS Config's `sqs-queue-no-public-access` and S3's
 * "meaning of public": no wildcard and no policy variable. `'unknown'` when a hole may still bring one
 * (an instance input, a run-time value); holes from graph resources' status are fixed.
 */
export function isFixedText(t: SymText): Tri {
  if (isWildcard(t) || hasPolicyVariable(t)) return false;
  return holesOf(t).every(isFixedHole) ? true : 'unknown';
}

/** Holes are the same value when their CEL expressions are the same text. */
function sameHole(a: Unknown, b: Unknown): boolean {
  return a.expression.trim() === b.expression.trim();
}

/** Parts of `t` with literal parts lower-cased when `ignoreCase`, as a mutable list. */
function comparable(t: SymText, ignoreCase: boolean): (string | Unknown)[] {
  return textParts(t).map((p) => (typeof p === 'string' && ignoreCase ? p.toLowerCase() : p));
}

/** Removes the longest common leading part of `a` and `b` in place; false when they provably differ. */
function stripCommon(a: (string | Unknown)[], b: (string | Unknown)[], fromEnd: boolean): boolean {
  const first = (xs: (string | Unknown)[]) => (fromEnd ? xs[xs.length - 1] : xs[0]);
  const drop = (xs: (string | Unknown)[]) => (fromEnd ? xs.pop() : xs.shift());
  const replace = (xs: (string | Unknown)[], v: string) => {
    if (fromEnd) xs[xs.length - 1] = v;
    else xs[0] = v;
  };
  for (;;) {
    const x = first(a);
    const y = first(b);
    if (x === undefined || y === undefined) return true;
    if (typeof x === 'string' && typeof y === 'string') {
      const n = Math.min(x.length, y.length);
      let k = 0;
      while (k < n && (fromEnd ? x[x.length - 1 - k] === y[y.length - 1 - k] : x[k] === y[k])) k++;
      if (k === 0) return false;
      const rx = fromEnd ? x.slice(0, x.length - k) : x.slice(k);
      const ry = fromEnd ? y.slice(0, y.length - k) : y.slice(k);
      if (rx === '') drop(a);
      else replace(a, rx);
      if (ry === '') drop(b);
      else replace(b, ry);
    } else if (x instanceof Unknown && y instanceof Unknown && sameHole(x, y)) {
      drop(a);
      drop(b);
    } else return true;
  }
}

/** True when the literal pieces of `parts` can occur in order inside `text`. */
function piecesFit(parts: readonly (string | Unknown)[], text: string): boolean {
  let at = 0;
  for (const p of parts) {
    if (typeof p !== 'string') continue;
    const i = text.indexOf(p, at);
    if (i < 0) return false;
    at = i + p.length;
  }
  return true;
}

/**
 * Whether `a` and `b` are the same text: `true` when they are provably equal (same literal text and
 * the same holes, a hole being equal to a hole with the same expression text), `false` when they
 * provably differ (a literal character differs at the same position, or a literal piece cannot fit),
 * `'unknown'` otherwise. Wildcards are ordinary characters here. `ignoreCase` compares literal text
 * case-insensitively (IAM condition keys and service prefixes are case-insensitive).
 */
export function symEquals(a: SymText, b: SymText, ignoreCase = false): Tri {
  const x = comparable(a, ignoreCase);
  const y = comparable(b, ignoreCase);
  if (!stripCommon(x, y, false) || !stripCommon(x, y, true)) return false;
  if (x.length === 0 && y.length === 0) return true;
  const hasLiteral = (xs: (string | Unknown)[]) => xs.some((p) => typeof p === 'string');
  if (x.length === 0) return hasLiteral(y) ? false : 'unknown';
  if (y.length === 0) return hasLiteral(x) ? false : 'unknown';
  if (x.length === 1 && typeof x[0] === 'string') return piecesFit(y, x[0]) ? 'unknown' : false;
  if (y.length === 1 && typeof y[0] === 'string') return piecesFit(x, y[0]) ? 'unknown' : false;
  return 'unknown';
}

/**
 * IAM wildcard matching of a literal `pattern` against a literal `value`: `*` matches any sequence
 * (including `:` and `/`), `?` any one character (IAM "Resource" and "StringLike" semantics).
 * Linear in practice; O(|pattern|·|value|) in the worst case.
 */
export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < v.length) {
    if (i < p.length && (p[i] === '?' || (p[i] !== '*' && p[i] === v[j]))) {
      i++;
      j++;
    } else if (i < p.length && p[i] === '*') {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === '*') i++;
  return i === p.length;
}

/**
 * Whether the IAM pattern `pattern` (literal `*`/`?` are wildcards) matches the literal `value`.
 * A hole may be any text, so it is matched as `*`: `false` is then certain, a match is `'unknown'`.
 */
export function matchesLiteral(pattern: SymText, value: string, ignoreCase = false): Tri {
  const parts = textParts(pattern);
  const glob = parts.map((p) => (typeof p === 'string' ? p : '*')).join('');
  if (!globMatch(glob, value, ignoreCase)) return false;
  return parts.some((p) => p instanceof Unknown) ? 'unknown' : true;
}

/**
 * Whether the statement action `pattern` (`s3:Get*`, `*`, `iam:${x}`) covers the action `action`
 * (`s3:GetObject`). IAM compares service prefixes and action names case-insensitively.
 */
export function actionMatches(pattern: SymText, action: string): Tri {
  return matchesLiteral(pattern, action, true);
}

/**
 * Splits `t` at every literal occurrence of `separator` (holes are never split). `a:${x}:b` with
 * `:` gives `['a', ${x}, 'b']`.
 */
export function splitText(t: SymText, separator: string): SymText[] {
  const out: SymText[] = [];
  let current: (string | Unknown)[] = [];
  for (const p of textParts(t)) {
    if (p instanceof Unknown) {
      current.push(p);
      continue;
    }
    const pieces = p.split(separator);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        out.push(symbolicString(current));
        current = [];
      }
      current.push(piece);
    });
  }
  out.push(symbolicString(current));
  return out;
}

/** Joins texts with a literal separator. */
export function joinText(texts: readonly SymText[], separator: string): SymText {
  const parts: (string | Unknown | SymbolicString)[] = [];
  texts.forEach((t, i) => {
    if (i > 0) parts.push(separator);
    parts.push(t);
  });
  return symbolicString(parts);
}

/**
 * `t` without its last `count` characters when they are literal, else `undefined`
 * (`${host}:sub` minus 4 gives `${host}`).
 */
export function dropLiteralSuffix(t: SymText, count: number): SymText | undefined {
  const parts = [...textParts(t)];
  const last = parts[parts.length - 1];
  if (typeof last !== 'string' || last.length < count) return undefined;
  parts[parts.length - 1] = last.slice(0, last.length - count);
  return symbolicString(parts);
}

/**
 * `t` without its first `count` characters when they are literal, else `undefined`
 * (`oidc-provider/${host}` minus 14 gives `${host}`).
 */
export function dropLiteralPrefix(t: SymText, count: number): SymText | undefined {
  const parts = [...textParts(t)];
  const first = parts[0];
  if (typeof first !== 'string' || first.length < count) return undefined;
  parts[0] = first.slice(count);
  return symbolicString(parts);
}

/** Whether the literal text ends with `suffix` (`'unknown'` when `t` ends with a hole). */
export function endsWithLiteral(t: SymText, suffix: string, ignoreCase = false): Tri {
  const parts = textParts(t);
  const last = parts[parts.length - 1];
  if (last === undefined) return suffix === '';
  if (last instanceof Unknown) return 'unknown';
  const tail = ignoreCase ? last.toLowerCase() : last;
  const want = ignoreCase ? suffix.toLowerCase() : suffix;
  if (tail.endsWith(want)) return true;
  // A hole before a short literal tail may supply the rest of the suffix.
  return parts.length > 1 && want.endsWith(tail) ? 'unknown' : false;
}

/** Whether the literal text starts with `prefix` (`'unknown'` when a hole comes first). */
export function startsWithLiteral(t: SymText, prefix: string, ignoreCase = false): Tri {
  const parts = textParts(t);
  const first = parts[0];
  if (first === undefined) return prefix === '';
  if (first instanceof Unknown) return 'unknown';
  const head = ignoreCase ? first.toLowerCase() : first;
  const want = ignoreCase ? prefix.toLowerCase() : prefix;
  if (head.startsWith(want)) return true;
  return parts.length > 1 && want.startsWith(head) ? 'unknown' : false;
}

/** `true` if any is true, else `'unknown'` if any is unknown, else false (three-valued OR). */
export function anyTri(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/** `false` if any is false, else `'unknown'` if any is unknown, else true (three-valued AND). */
export function allTri(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === false) return false;
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}
