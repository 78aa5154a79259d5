/**
 * A JSON parser for rendered text with unknown holes: the text of an ACK policy document after kro
 * rendering (compliance-catalogue §0.1), where a `${...}` hole may sit inside a JSON string
 * (`"${bucket.status.ackResourceMetadata.arn}/*"`, `"${oidc}:sub"`) or stand for a whole JSON value
 * (`"Resource": ${schema.spec.resources}`).
 *
 * Grammar: RFC 8259, exactly as `JSON.parse` accepts it, plus holes. A hole inside a string becomes
 * part of that string (a {@link SymbolicString}); a hole where a value or an object key starts is an
 * unknown value or key. Anything else a hole touches (`1${x}`, `${a}${b}` outside a string, a hole
 * after `\`) cannot be decided before the hole is known, and is reported as caused by that hole.
 * Object keys are kept in order and duplicates are rejected (`JSON.parse` silently keeps the last
 * one, which would let a reviewer and AWS read two different policies).
 */
import { Unknown, symbolicString } from '../../graph/render/symbolic.ts';
import type { SymText } from './text.ts';

/** A parsed JSON value whose strings and keys may hold unknown holes. */
export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; text: SymText }
  | { kind: 'number'; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'hole'; value: Unknown };

/** One member of a JSON object, in document order. */
export interface JsonEntry {
  key: SymText;
  value: JsonNode;
}

/**
 * The result of {@link parseSymbolicJson}: the value, or why the text is not JSON. `hole` is set
 * when the failure is caused by a hole (the text may be valid JSON once the hole is known).
 */
export type JsonParse = { ok: true; value: JsonNode } | { ok: false; reason: string; hole?: Unknown };

/** Deepest nesting accepted (IAM documents nest 4 levels; deeper input is refused, not recursed). */
export const MAX_JSON_DEPTH = 64;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

/** Internal: unwinds the recursive descent to {@link parseSymbolicJson}, which returns it as data. */
class JsonFailure {
  readonly reason: string;
  readonly hole: Unknown | undefined;
  constructor(reason: string, hole?: Unknown) {
    this.reason = reason;
    this.hole = hole;
  }
}

/**
 * Parses `parts` (literal text and holes, in order) as one JSON value. Never throws.
 * Reasons name the position as `line L, column C` of the printed text (holes printed `${expr}`).
 */
export function parseSymbolicJson(parts: readonly (string | Unknown)[]): JsonParse {
  // One placeholder character per hole; `holes` tells a hole from the same character in literal text.
  let text = '';
  const holes = new Map<number, Unknown>();
  for (const p of parts) {
    if (typeof p === 'string') text += p;
    else {
      holes.set(text.length, p);
      text += '\u0000';
    }
  }
  let pos = 0;

  const where = (at: number): string => {
    let line = 1;
    let column = 1;
    for (let i = 0; i < at && i < text.length; i++) {
      const hole = holes.get(i);
      if (hole !== undefined) column += hole.toString().length;
      else if (text[i] === '\n') {
        line++;
        column = 1;
      } else column++;
    }
    return `line ${line}, column ${column}`;
  };
  const failAt = (at: number, what: string): never => {
    const hole = holes.get(at);
    if (hole !== undefined) throw new JsonFailure(`${hole.toString()} at ${where(at)} (${what})`, hole);
    if (at >= text.length) throw new JsonFailure(`unexpected end of text (${what})`);
    throw new JsonFailure(`unexpected ${JSON.stringify(text[at])} at ${where(at)} (${what})`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && !holes.has(pos) && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const expectChar = (c: string, what: string): void => {
    skipSpace();
    if (text[pos] === c && !holes.has(pos)) pos++;
    else failAt(pos, what);
  };

  const parseString = (): SymText => {
    // At the opening quote.
    pos++;
    const out: (string | Unknown)[] = [];
    let literal = '';
    for (;;) {
      if (pos >= text.length) failAt(pos, 'unterminated string');
      const hole = holes.get(pos);
      if (hole !== undefined) {
        if (literal !== '') out.push(literal);
        literal = '';
        out.push(hole);
        pos++;
        continue;
      }
      const c = text[pos]!;
      if (c === '"') {
        pos++;
        break;
      }
      if (c.charCodeAt(0) < 0x20) failAt(pos, 'control character in string');
      if (c !== '\\') {
        literal += c;
        pos++;
        continue;
      }
      const e = text[pos + 1];
      if (holes.has(pos + 1)) failAt(pos + 1, 'after a backslash in a string');
      const escaped = e === undefined ? undefined : ESCAPES.get(e);
      if (escaped !== undefined) {
        literal += escaped;
        pos += 2;
      } else if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        for (let k = 0; k < 4; k++) if (holes.has(pos + 2 + k)) failAt(pos + 2 + k, 'inside a \\u escape');
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) failAt(pos, 'bad \\u escape');
        literal += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else failAt(pos, 'bad escape in string');
    }
    if (literal !== '') out.push(literal);
    return symbolicString(out);
  };

  const parseValue = (depth: number): JsonNode => {
    if (depth > MAX_JSON_DEPTH) throw new JsonFailure(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    skipSpace();
    const hole = holes.get(pos);
    if (hole !== undefined) {
      pos++;
      return { kind: 'hole', value: hole };
    }
    const c = text[pos];
    if (c === '{') return parseObject(depth);
    if (c === '[') return parseArray(depth);
    if (c === '"') return { kind: 'string', text: parseString() };
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return node;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m !== null) {
      pos += m[0].length;
      return { kind: 'number', raw: m[0] };
    }
    return failAt(pos, 'expected a JSON value');
  };

  const parseObject = (depth: number): JsonNode => {
    pos++;
    const entries: JsonEntry[] = [];
    const seen = new Set<string>();
    skipSpace();
    if (text[pos] === '}' && !holes.has(pos)) {
      pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      skipSpace();
      const keyAt = pos;
      let key: SymText;
      const hole = holes.get(pos);
      if (hole !== undefined) {
        key = hole;
        pos++;
      } else if (text[pos] === '"') key = parseString();
      else return failAt(pos, 'expected an object key');
      const printed = typeof key === 'string' ? key : key.toString();
      if (seen.has(printed))
        throw new JsonFailure(`duplicate key ${JSON.stringify(printed)} at ${where(keyAt)}`);
      seen.add(printed);
      expectChar(':', 'expected ":" after an object key');
      entries.push({ key, value: parseValue(depth + 1) });
      skipSpace();
      if (text[pos] === ',' && !holes.has(pos)) {
        pos++;
        continue;
      }
      expectChar('}', 'expected "," or "}" in an object');
      return { kind: 'object', entries };
    }
  };

  const parseArray = (depth: number): JsonNode => {
    pos++;
    const items: JsonNode[] = [];
    skipSpace();
    if (text[pos] === ']' && !holes.has(pos)) {
      pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ',' && !holes.has(pos)) {
        pos++;
        continue;
      }
      expectChar(']', 'expected "," or "]" in an array');
      return { kind: 'array', items };
    }
  };

  try {
    const value = parseValue(0);
    skipSpace();
    if (pos < text.length) failAt(pos, 'text after the JSON value');
    return { ok: true, value };
  } catch (e) {
    if (e instanceof JsonFailure)
      return e.hole === undefined
        ? { ok: false, reason: e.reason }
        : { ok: false, reason: e.reason, hole: e.hole };
    throw e;
  }
}
