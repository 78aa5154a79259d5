/**
 * A small CEL tokenizer following cel-go's lexical grammar (`parser/gen/CEL.g4`, cel-go v0.31 as used by
 * kro, kro-contract §8), used to spot syntax where cel-js and cel-go disagree:
 *
 * - constructs cel-go accepts but cel-js cannot parse (so a cel-js failure must not become a rejection);
 * - constructs cel-js accepts but cel-go rejects (so they must become errors).
 *
 * It never throws and never fails: unknown characters become `invalid` tokens, unterminated strings run
 * to the end of the text. Validity of escapes is left to the real parser.
 */

/** Token classes of the tokenizer. `op` covers punctuation and operators; `invalid` anything else. */
export type CelTokenKind = 'ident' | 'number' | 'string' | 'bytes' | 'op' | 'invalid';

/** One token: its class, exact source text and half-open span `[start, end)` in UTF-16 units. */
export interface CelToken {
  kind: CelTokenKind;
  text: string;
  start: number;
  end: number;
}

/** A cel-go-only construct (cel-js cannot parse it), with where it starts. */
export interface SyntaxFinding {
  /** Human description, e.g. `optional list or map entries ([?e], {?k: v})`. */
  construct: string;
  /** Offset (UTF-16 units) in the expression. */
  offset: number;
}

/** What {@link scanCelSyntax} found. */
export interface SyntaxScan {
  tokens: CelToken[];
  /** cel-go syntax cel-js cannot parse, in source order. */
  unsupported: SyntaxFinding[];
  /** cel-go syntax errors cel-js does not report, in source order (`construct` is the message). */
  errors: SyntaxFinding[];
}

const OPTIONAL_ENTRY = 'optional list or map entries ([?e], {?k: v})';
const MESSAGE_LITERAL = 'message construction (Name{field: value})';
const LEADING_DOT_IDENT = 'root-scoped identifiers (.name)';
const LEADING_DOT_FLOAT = 'floating-point literals without a leading digit (.5)';
const BYTES_RAW = 'raw bytes literals (br"…")';
const FORM_FEED = 'form feed characters as white space';
const JS_RESERVED = 'the identifiers __proto__ and prototype';
const RAW_BACKSLASH = 'backslashes in raw string literals';
const BIND_RECEIVER = 'a bind(…) method on a receiver other than cel';

const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = new Set([
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
]);

function code(c: string | undefined): number {
  return c === undefined ? -1 : c.charCodeAt(0);
}
const isDigit = (c: string | undefined): boolean => {
  const n = code(c);
  return n >= 48 && n <= 57;
};
const isHex = (c: string | undefined): boolean => {
  const n = code(c) | 0x20; // fold ASCII letters to lower case
  return isDigit(c) || (n >= 97 && n <= 102);
};
const isIdentStart = (c: string | undefined): boolean => {
  const n = code(c);
  return n === 95 || ((n | 0x20) >= 97 && (n | 0x20) <= 122);
};
const isIdentPart = (c: string | undefined): boolean => isIdentStart(c) || isDigit(c);

interface LexState {
  text: string;
  tokens: CelToken[];
  unsupported: SyntaxFinding[];
}

/** Reads a string literal whose opening quote is at `quoteAt`; returns the index after it. */
function readString(s: LexState, quoteAt: number, raw: boolean): number {
  const { text } = s;
  const q = text[quoteAt]!;
  const triple = text[quoteAt + 1] === q && text[quoteAt + 2] === q;
  let i = quoteAt + (triple ? 3 : 1);
  let sawBackslash = false;
  while (i < text.length) {
    const c = text[i];
    if (triple) {
      if (c === q && text[i + 1] === q && text[i + 2] === q)
        return finishString(s, i + 3, raw && sawBackslash);
    } else {
      if (c === q) return finishString(s, i + 1, raw && sawBackslash);
      if (c === '\n' || c === '\r') return i; // unterminated; the parser reports it
    }
    if (c === '\\') {
      sawBackslash = true;
      if (!raw) i++;
    }
    i++;
  }
  return text.length;
}

function finishString(s: LexState, end: number, rawWithBackslash: boolean): number {
  if (rawWithBackslash) s.unsupported.push({ construct: RAW_BACKSLASH, offset: end - 1 });
  return end;
}

/** Reads a number starting at `at` (a digit, or a `.` followed by a digit); returns the end index. */
function readNumber(text: string, at: number): number {
  let i = at;
  if (text[i] === '0' && text[i + 1] === 'x' && isHex(text[i + 2])) {
    i += 2;
    while (isHex(text[i])) i++;
    if (text[i] === 'u' || text[i] === 'U') i++;
    return i;
  }
  while (isDigit(text[i])) i++;
  let float = false;
  if (text[i] === '.' && isDigit(text[i + 1])) {
    float = true;
    i++;
    while (isDigit(text[i])) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    let j = i + 1;
    if (text[j] === '+' || text[j] === '-') j++;
    if (isDigit(text[j])) {
      float = true;
      while (isDigit(text[j])) j++;
      i = j;
    }
  }
  if (!float && (text[i] === 'u' || text[i] === 'U')) i++;
  return i;
}

function lex(text: string): LexState {
  const s: LexState = { text, tokens: [], unsupported: [] };
  const push = (kind: CelTokenKind, start: number, end: number): void => {
    s.tokens.push({ kind, text: text.slice(start, end), start, end });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      if (c === '\f') s.unsupported.push({ construct: FORM_FEED, offset: i });
      i++;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const end = readString(s, i, false);
      push('string', i, end);
      i = end;
    } else if ((c === 'r' || c === 'R') && (next === '"' || next === "'")) {
      const end = readString(s, i + 1, true);
      push('string', i, end);
      i = end;
    } else if ((c === 'b' || c === 'B') && (next === '"' || next === "'")) {
      const end = readString(s, i + 1, false);
      push('bytes', i, end);
      i = end;
    } else if ((c === 'b' || c === 'B') && (next === 'r' || next === 'R') && /["']/.test(text[i + 2] ?? '')) {
      s.unsupported.push({ construct: BYTES_RAW, offset: i });
      const end = readString(s, i + 2, true);
      push('bytes', i, end);
      i = end;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (isIdentPart(text[j])) j++;
      push('ident', i, j);
      i = j;
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const end = readNumber(text, i);
      push('number', i, end);
      i = end;
    } else if (next !== undefined && TWO_CHAR_OPS.has(c + next)) {
      push('op', i, i + 2);
      i += 2;
    } else if (ONE_CHAR_OPS.has(c)) {
      push('op', i, i + 1);
      i++;
    } else {
      const cp = text.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      push('invalid', i, i + width);
      i += width;
    }
  }
  return s;
}

type FrameKind = 'top' | 'paren' | 'index' | 'list' | 'map' | 'message';
interface Frame {
  kind: FrameKind;
  /** Conditionals at this nesting level whose `:` has not been seen yet. */
  pendingTernaries: number;
}

const KEYWORD_LITERALS = new Set(['true', 'false', 'null']);

/** True for a literal or an identifier other than the keyword `in`. */
function isOperandToken(t: CelToken | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === 'ident') return t.text !== 'in';
  return t.kind === 'number' || t.kind === 'string' || t.kind === 'bytes';
}

/** True when the token ends an operand, so a following `[` indexes and a following `(` calls. */
function endsOperand(t: CelToken | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === 'ident') return t.text !== 'in';
  if (t.kind === 'number' || t.kind === 'string' || t.kind === 'bytes') return true;
  return t.kind === 'op' && (t.text === ')' || t.text === ']' || t.text === '}');
}

/**
 * Tokenizes `expression` with cel-go's lexical rules and reports, with their offsets:
 *
 * - `unsupported`: cel-go syntax that cel-js cannot parse: optional entries in list/map/message
 *   literals (`[?e]`, `{?k: v}`), message construction (`Name{f: v}`), root-scoped identifiers (`.x`),
 *   floats like `.5`, `br"…"` literals, form feeds, `__proto__`/`prototype` identifiers (reserved by
 *   cel-js only), backslashes in raw strings (cel-js treats them as escapes), and `bind` calls on a
 *   receiver other than `cel` (a macro only for `cel` in cel-go, for any receiver in cel-js).
 * - `errors`: cel-go syntax errors cel-js accepts: an unparenthesised conditional in the middle operand
 *   of another (`a ? b ? c : d : e`), a trailing comma in a call (`f(a,)`), and two operands side by
 *   side in cel-go's tokens (`0X1F`: cel-js reads upper-case hex, cel-go reads `0` then `X1F`).
 *
 * Strings and comments are tokenized, so their contents (e.g. `"[?"`) never count. Never throws.
 * Source: cel-go `parser/gen/CEL.g4` (lexer and grammar), cel-js 8 `lib/parser.js`.
 */
export function scanCelSyntax(expression: string): SyntaxScan {
  const { tokens, unsupported } = lex(expression);
  const errors: SyntaxFinding[] = [];
  const frames: Frame[] = [{ kind: 'top', pendingTernaries: 0 }];
  const top = (): Frame => frames[frames.length - 1]!;

  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (t.kind === 'number' && t.text.startsWith('.') && !endsOperand(prev)) {
      unsupported.push({ construct: LEADING_DOT_FLOAT, offset: t.start });
    }
    if (t.kind === 'ident' && (t.text === '__proto__' || t.text === 'prototype') && prev?.text !== '.') {
      unsupported.push({ construct: JS_RESERVED, offset: t.start });
    }
    if (isOperandToken(t) && isOperandToken(prev)) {
      // cel-go's grammar never puts two operands side by side; cel-js lexes some pairs as one token
      // (`0X1F` is hex to cel-js, `0` then `X1F` to cel-go).
      errors.push({
        construct: `Syntax error: unexpected ${JSON.stringify(t.text.slice(0, 40))}`,
        offset: t.start,
      });
    }
    if (t.kind !== 'op') continue;
    switch (t.text) {
      case '(':
        frames.push({ kind: 'paren', pendingTernaries: 0 });
        break;
      case '[':
        frames.push({ kind: endsOperand(prev) ? 'index' : 'list', pendingTernaries: 0 });
        break;
      case '{': {
        const message = prev?.kind === 'ident' && prev.text !== 'in' && !KEYWORD_LITERALS.has(prev.text);
        if (message) unsupported.push({ construct: MESSAGE_LITERAL, offset: prev.start });
        frames.push({ kind: message ? 'message' : 'map', pendingTernaries: 0 });
        break;
      }
      case ')':
      case ']':
      case '}':
        if (frames.length > 1) frames.pop();
        break;
      case ',':
        if (next?.text === ')')
          errors.push({ construct: "Syntax error: unexpected ')' after ','", offset: next.start });
        break;
      case '.':
        if (next?.kind === 'ident' && !endsOperand(prev)) {
          unsupported.push({ construct: LEADING_DOT_IDENT, offset: t.start });
        }
        if (next?.text === 'bind' && tokens[k + 2]?.text === '(') {
          const onCel = prev?.kind === 'ident' && prev.text === 'cel' && tokens[k - 2]?.text !== '.';
          if (!onCel) unsupported.push({ construct: BIND_RECEIVER, offset: next.start });
        }
        break;
      case '?': {
        const frame = top();
        const afterOpen = prev?.text === '[' || prev?.text === '{';
        if (prev?.text === '.') break; // optional field selection x.?f
        if (afterOpen && frame.kind === 'index') break; // optional index x[?i]
        if (afterOpen || (prev?.text === ',' && ['list', 'map', 'message'].includes(frame.kind))) {
          unsupported.push({ construct: OPTIONAL_ENTRY, offset: t.start });
          break;
        }
        if (frame.pendingTernaries > 0) {
          errors.push({
            construct:
              "Syntax error: unexpected '?': a conditional inside the middle operand of another must be parenthesized",
            offset: t.start,
          });
        }
        frame.pendingTernaries++;
        break;
      }
      case ':': {
        const frame = top();
        if (frame.pendingTernaries > 0) frame.pendingTernaries--;
        break;
      }
    }
  }
  return { tokens, unsupported, errors };
}
