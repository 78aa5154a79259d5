/**
 * Go string semantics that kro's SimpleSchema depends on: `unicode.IsSpace`, `strings.TrimSpace`,
 * `strconv.Quote` (the `%q` verb) and `sort.Strings` order. Written to match Go, not JavaScript, where
 * they differ (JS `trim()` also strips U+FEFF and keeps U+0085; JS `sort()` compares UTF-16 units).
 */

const GO_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Go `unicode.IsSpace` for one code point given as a one-character (or surrogate pair) string. */
export function goIsSpace(ch: string): boolean {
  return GO_SPACE.has(ch.codePointAt(0) ?? -1);
}

/** Go `strings.TrimSpace`: removes leading and trailing {@link goIsSpace} code points. */
export function goTrimSpace(s: string): string {
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && goIsSpace(chars[start]!)) start++;
  while (end > start && goIsSpace(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

/**
 * Go `strconv.Quote` (what `%q` prints for a string): double quotes, `\"` and `\\`, printable runes
 * as they are, `\a \b \f \n \r \t \v`, other control bytes as `\xNN`, other non-printable runes as
 * `\uNNNN` / `\UNNNNNNNN`. A lone UTF-16 surrogate (invalid UTF-8 in Go) is written `\ufffd`.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE.test(ch)) out += ch;
    else if (NAMED_ESCAPES[ch] !== undefined) out += NAMED_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Go string order (byte-wise over UTF-8, as `sort.Strings` uses). Differs from JS `<` only when a
 * string holds code points above U+FFFF next to U+E000–U+FFFF. Returns <0, 0 or >0.
 */
export function compareGoStrings(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
