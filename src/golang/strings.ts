/**
 * Go string semantics that kro's SimpleSchema and CEL handling depend on: `unicode.IsSpace`, `strings.TrimSpace`,
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

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const NAMED_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isGoPrintable(codePoint: number, char: string): boolean {
  return codePoint === 0x20 || PRINTABLE.test(char);
}

/**
 * Quotes `text` exactly as Go's `strconv.Quote` (and `fmt.Sprintf("%q", s)`) does: wraps it in double
 * quotes, backslash-escapes `"` and `\`, writes `\a \b \f \n \r \t \v` by name, other control
 * characters below U+0020 and U+007F as `\xHH`, other non-printable characters as `\uHHHH` or
 * `\UHHHHHHHH` (lower-case hex), and keeps printable Unicode as is.
 *
 * A lone UTF-16 surrogate (which cannot come from Go's decoders) is written as U+FFFD, the character Go's
 * JSON/YAML decoders substitute for it. Never throws.
 *
 * Source: Go `strconv.Quote`; used by kro for string templates (kro-contract §5.1) and `%q` messages (§5.9).
 */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    let cp = char.codePointAt(0)!;
    let ch = char;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
      ch = '\ufffd';
    }
    if (ch === '"' || ch === '\\') {
      out += `\\${ch}`;
    } else if (isGoPrintable(cp, ch)) {
      out += ch;
    } else {
      const named = NAMED_ESCAPES[cp];
      if (named !== undefined) out += named;
      else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
      else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
      else out += `\\U${hex(cp, 8)}`;
    }
  }
  return `${out}"`;
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
