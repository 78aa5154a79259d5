/**
 * Go-compatible string quoting. kro builds CEL source and error messages with Go's `strconv.Quote` and
 * `fmt`'s `%q` verb (kro-contract §5.1, §5.9); this reproduces their output so our texts match kro's.
 */

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
