/**
 * Runtime of cel-go `ext.Strings` (latest version) for cel-js values. Indexes count Unicode code
 * points (cel-go counts runes); error messages are cel-go's.
 */

import { EvaluationError, Optional } from '@marcbachmann/cel-js';
import { checkListSize, checkStringLength, charge } from './budget.ts';
import {
  Duration,
  UnsignedInt,
  celError,
  celTypeName,
  codePoints,
  isList,
  isMap,
  listItems,
  mapEntries,
  toIndex,
} from './values.ts';

type Handler = (...args: never[]) => unknown;

const outOfRange = (i: bigint | number): Error => celError(`index out of range: ${i}`, 'index_out_of_range');

/** `<string>.charAt(<int>)`: the code point at `i`; `''` at `i == size`. */
export function charAt(s: string, i: bigint): string {
  const runes = codePoints(s);
  const n = toIndex(i);
  if (n < 0 || n > runes.length) throw outOfRange(i);
  return runes[n] ?? '';
}

function findRunes(runes: string[], sub: string[], from: number): number {
  charge(Math.ceil(runes.length / 16));
  outer: for (let i = from; i <= runes.length - sub.length; i++) {
    for (let j = 0; j < sub.length; j++) if (runes[i + j] !== sub[j]) continue outer;
    return i;
  }
  return -1;
}

/** `<string>.indexOf(<string>[, <int>])` in code points (cel-go `indexOfOffset`). */
export function indexOf(s: string, sub: string, offset = 0n): bigint {
  if (sub === '') return offset;
  const runes = codePoints(s);
  const off = toIndex(offset);
  if (off < 0 || off >= runes.length) throw outOfRange(offset);
  return BigInt(findRunes(runes, codePoints(sub), off));
}

/** `<string>.lastIndexOf(<string>[, <int>])` in code points (cel-go `lastIndexOfOffset`). */
export function lastIndexOf(s: string, sub: string, offset?: bigint): bigint {
  const runes = codePoints(s);
  if (offset === undefined) {
    if (sub === '') return BigInt(runes.length);
    if (codePoints(sub).length > runes.length) return -1n;
    offset = BigInt(runes.length - 1);
  }
  if (sub === '') return offset;
  let off = toIndex(offset);
  if (off < 0 || off >= runes.length) throw outOfRange(offset);
  const subRunes = codePoints(sub);
  if (off > runes.length - subRunes.length) off = runes.length - subRunes.length;
  charge(Math.ceil(runes.length / 16));
  outer: for (let i = off; i >= 0; i--) {
    for (let j = 0; j < subRunes.length; j++) if (runes[i + j] !== subRunes[j]) continue outer;
    return BigInt(i);
  }
  return -1n;
}

/** ASCII-only lower/upper casing (cel-go leaves other characters alone). */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/** Go `strings.Replace(s, old, new, n)`: `n < 0` replaces all; an empty `old` matches between runes. */
export function replace(s: string, old: string, repl: string, n = -1n): string {
  if (n === 0n || old === repl) return s;
  const parts = old === '' ? ['', ...codePoints(s)] : s.split(old);
  // An empty `old` matches before every rune and at the end: parts are the runes.
  const matches = old === '' ? codePoints(s).length + 1 : parts.length - 1;
  const count = n < 0n || BigInt(matches) < n ? matches : toIndex(n);
  if (count === 0) return s;
  checkStringLength(s.length + count * (repl.length - old.length));
  charge(Math.ceil(s.length / 16) + count);
  if (old === '') {
    const runes = codePoints(s);
    let out = '';
    for (let i = 0; i < runes.length; i++) out += (i < count ? repl : '') + (runes[i] ?? '');
    return count > runes.length ? out + repl : out;
  }
  return (
    parts.slice(0, count + 1).join(repl) +
    (count + 1 < parts.length ? old + parts.slice(count + 1).join(old) : '')
  );
}

/** Go `strings.SplitN(s, sep, n)` (`n < 0`: all; `n == 0`: empty list; empty `sep` splits runes). */
export function split(s: string, sep: string, n = -1n): string[] {
  if (n === 0n) return [];
  charge(Math.ceil(s.length / 16));
  const all = sep === '' ? codePoints(s) : s.split(sep);
  const limit = n < 0n ? Infinity : toIndex(n);
  let out: string[];
  if (all.length <= limit) out = all;
  else {
    out = all.slice(0, limit - 1);
    out.push(all.slice(limit - 1).join(sep));
  }
  checkListSize(out.length);
  return out;
}

/** `<string>.substring(<int>[, <int>])` in code points. */
export function substring(s: string, start: bigint, end?: bigint): string {
  const runes = codePoints(s);
  if (end !== undefined && start > end) {
    throw celError(`invalid substring range. start: ${start}, end: ${end}`, 'index_out_of_range');
  }
  const a = toIndex(start);
  if (a < 0 || a > runes.length) throw outOfRange(start);
  if (end === undefined) return runes.slice(a).join('');
  const b = toIndex(end);
  if (b < 0 || b > runes.length) throw outOfRange(end);
  return runes.slice(a, b).join('');
}

const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu;

/** Go `strings.TrimSpace` (Unicode White_Space; unlike JS `trim`, keeps U+FEFF and trims U+0085). */
export function trim(s: string): string {
  return s.replace(GO_SPACE, '');
}

/** `<string>.reverse()`: code points in reverse order. */
export function reverse(s: string): string {
  return codePoints(s).reverse().join('');
}

/** Replaces lone surrogates (invalid UTF-8 after encoding) by U+FFFD, as Go's rune iteration does. */
function sanitize(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const QUOTE_ESCAPES: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** `strings.quote(<string>)`: double-quoted with CEL escapes for `\a\b\f\n\r\t\v\\"`. */
export function quote(s: string): string {
  let out = '"';
  for (const c of sanitize(s)) out += QUOTE_ESCAPES[c] ?? c;
  return out + '"';
}

// ---------------------------------------------------------------------------------------------
// string.format (cel-go formatting v2)

function floatBits(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (e === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = e - 1075;
  }
  return { neg, mant, exp };
}

/** round(|x| * 10^p) half-to-even, exactly. */
function scaledRound(mant: bigint, exp: number, p: number): bigint {
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (p >= 0) num *= 10n ** BigInt(p);
  else den *= 10n ** BigInt(-p);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) return q + 1n;
  return q;
}

/** Go `%.<p>f` of a finite double (exact decimal, ties to even). */
export function formatFixed(x: number, p: number): string {
  const { neg, mant, exp } = floatBits(x);
  const digits = scaledRound(mant, exp, p)
    .toString()
    .padStart(p + 1, '0');
  const intPart = digits.slice(0, digits.length - p);
  const frac = digits.slice(digits.length - p);
  return (neg ? '-' : '') + intPart + (p > 0 ? '.' + frac : '');
}

/** Go `%1.<p>e` of a finite double. */
export function formatScientific(x: number, p: number): string {
  const { neg, mant, exp } = floatBits(x);
  const sign = neg ? '-' : '';
  if (mant === 0n) return `${sign}${(0).toFixed(p)}e+00`;
  let e10 = Math.floor(Math.log10(Math.abs(x)));
  let n = scaledRound(mant, exp, p - e10);
  const limit = 10n ** BigInt(p + 1);
  if (n >= limit) {
    e10++;
    n = scaledRound(mant, exp, p - e10);
  } else if (n < limit / 10n) {
    e10--;
    n = scaledRound(mant, exp, p - e10);
  }
  const d = n.toString();
  const body = p > 0 ? `${d[0] ?? '0'}.${d.slice(1)}` : d;
  const es = Math.abs(e10).toString().padStart(2, '0');
  return `${sign}${body}e${e10 < 0 ? '-' : '+'}${es}`;
}

/** Go `strconv.FormatFloat(x, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatShortest(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const neg = x < 0 || Object.is(x, -0);
  const s = Math.abs(x).toString();
  const m = /^(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return (neg ? '-' : '') + s;
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const point = (m[1] ?? '').length + Number(m[3]);
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function typeValueName(v: unknown): string {
  const name = (v as { name?: string }).name ?? '';
  return name === 'null' ? 'null_type' : name;
}

function timestampString(d: Date): string {
  return d
    .toISOString()
    .replace(/\.?0+Z$/, 'Z')
    .replace(/\.Z$/, 'Z');
}

function durationString(d: Duration): string {
  const seconds = Number(d.seconds) + d.nanos / 1e9;
  return formatShortest(seconds) + 's';
}

class FormatError extends Error {}

const STRING_CLAUSE_TYPES =
  'string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps';

/** The `%s` rendering of a value (cel-go `formatStringV2`). */
export function formatString(v: unknown): string {
  charge(1);
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'number':
      return formatShortest(v);
    case 'string':
      return v;
    default:
  }
  if (v === null) return 'null';
  if (v instanceof UnsignedInt) return v.toString();
  if (v instanceof Uint8Array) return utf8Decoder.decode(v);
  if (v instanceof Date) return timestampString(v);
  if (v instanceof Duration) return durationString(v);
  if (isList(v)) return '[' + listItems(v).map(formatString).join(', ') + ']';
  if (isMap(v)) {
    const entries = mapEntries(v).map(([k, x]) => [formatString(k), formatString(x)] as const);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return '{' + entries.map(([k, x]) => `${k}: ${x}`).join(', ') + '}';
  }
  const name = celTypeName(v);
  if (name === 'type') return typeValueName(v);
  throw new FormatError(
    `${STRING_CLAUSE_TYPES}, was given ${v instanceof Optional ? 'optional_type' : name}`,
  );
}

function numberOf(v: unknown, clause: string): number | bigint {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  throw new FormatError(`${clause}, was given ${celTypeName(v)}`);
}

function nonFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return undefined;
}

function hexOf(v: unknown, upper: boolean): string {
  let out: string;
  if (typeof v === 'bigint') out = v < 0n ? '-' + (-v).toString(16) : v.toString(16);
  else if (v instanceof UnsignedInt) out = v.valueOf().toString(16);
  else if (typeof v === 'string' || v instanceof Uint8Array) {
    const bytes = typeof v === 'string' ? utf8.encode(v) : v;
    out = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  } else {
    throw new FormatError(
      `only ints, uints, bytes, and strings can be formatted as hex, was given ${celTypeName(v)}`,
    );
  }
  return upper ? out.toUpperCase() : out;
}

function formatClause(clause: string, precision: number, v: unknown): string {
  switch (clause) {
    case 's':
      return formatString(v);
    case 'd': {
      const n = numberOf(v, 'decimal clause can only be used on ints, uints, and doubles');
      return typeof n === 'number' ? formatShortest(n) : n.toString();
    }
    case 'f': {
      const n = numberOf(v, 'fixed-point clause can only be used on ints, uints, and doubles');
      const x = Number(n);
      return (typeof n === 'number' ? nonFinite(x) : undefined) ?? formatFixed(x, precision);
    }
    case 'e': {
      const n = numberOf(v, 'scientific clause can only be used on ints, uints, and doubles');
      const x = Number(n);
      return (typeof n === 'number' ? nonFinite(x) : undefined) ?? formatScientific(x, precision);
    }
    case 'b': {
      if (typeof v === 'boolean') return v ? '1' : '0';
      if (typeof v === 'bigint') return v < 0n ? '-' + (-v).toString(2) : v.toString(2);
      if (v instanceof UnsignedInt) return v.valueOf().toString(2);
      throw new FormatError(
        `only ints, uints, and bools can be formatted as binary, was given ${celTypeName(v)}`,
      );
    }
    case 'x':
    case 'X':
      return hexOf(v, clause === 'X');
    case 'o': {
      if (typeof v === 'bigint') return v < 0n ? '-' + (-v).toString(8) : v.toString(8);
      if (v instanceof UnsignedInt) return v.valueOf().toString(8);
      throw new FormatError(`octal clause can only be used on ints and uints, was given ${celTypeName(v)}`);
    }
    default:
      throw new Error(`could not parse formatting clause: unrecognized formatting clause "${clause}"`);
  }
}

/**
 * `<string>.format(<list>)` (cel-go formatting v2): `%s %d %f %e %b %x %X %o`, `%%`, optional
 * `.<precision>` for `%f`/`%e` (default 6).
 *
 * @throws EvaluationError with cel-go's messages, e.g. `index 1 out of range`,
 *   `error during formatting: decimal clause can only be used on ints, uints, and doubles, was given string`.
 */
export function format(fmt: string, args: unknown[] | Set<unknown>): string {
  const list = listItems(args);
  let out = '';
  let argIndex = 0;
  let i = 0;
  try {
    while (i < fmt.length) {
      const c = fmt[i] ?? '';
      if (c !== '%') {
        out += c;
        i++;
        continue;
      }
      if (fmt[i + 1] === '%') {
        out += '%';
        i += 2;
        continue;
      }
      if (argIndex >= list.length) throw new Error(`index ${argIndex} out of range`);
      if (i + 1 >= fmt.length) throw new Error('unexpected end of string');
      let j = i + 1;
      let precision = 6;
      if (fmt[j] === '.') {
        j++;
        const start = j;
        while (j < fmt.length && /[0-9]/.test(fmt[j] ?? '')) j++;
        if (j >= fmt.length) {
          throw new Error(
            'could not parse formatting clause: error while parsing precision: could not find end of precision specifier',
          );
        }
        precision = Number(fmt.slice(start, j) || 'NaN');
        if (!Number.isFinite(precision)) {
          throw new Error(
            'could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax',
          );
        }
      }
      const clause = fmt[j] ?? '';
      let value: string;
      try {
        value = formatClause(clause, precision, list[argIndex]);
      } catch (e) {
        if (e instanceof FormatError) throw new Error(`error during formatting: ${e.message}`, { cause: e });
        throw e;
      }
      checkStringLength(out.length + value.length);
      out += value;
      i = j + 1;
      argIndex++;
    }
  } catch (e) {
    if (e instanceof EvaluationError || !(e instanceof Error)) throw e;
    throw celError(e.message);
  }
  return out;
}

/** Handlers by cel-go overload id. Member handlers take the receiver first. */
export const STRING_HANDLERS: Readonly<Record<string, Handler>> = {
  string_char_at_int: charAt,
  string_index_of_string: (s: string, sub: string) => indexOf(s, sub),
  string_index_of_string_int: indexOf,
  string_last_index_of_string: (s: string, sub: string) => lastIndexOf(s, sub),
  string_last_index_of_string_int: lastIndexOf,
  string_lower_ascii: lowerAscii,
  string_upper_ascii: upperAscii,
  string_replace_string_string: (s: string, a: string, b: string) => replace(s, a, b),
  string_replace_string_string_int: replace,
  string_split_string: (s: string, sep: string) => split(s, sep),
  string_split_string_int: split,
  string_substring_int: (s: string, a: bigint) => substring(s, a),
  string_substring_int_int: substring,
  string_trim: trim,
  string_format: format,
  strings_quote: quote,
  string_reverse: reverse,
};
