/**
 * Go `strconv.ParseBool`, `ParseInt(s, 10, 64)` and `ParseFloat(s, 64)`, reproduced exactly, with
 * Go's error texts (`strconv.ParseInt: parsing "abc": invalid syntax`). kro parses every marker value
 * with these (kro-contract §3.4), so what they accept decides what kro accepts.
 */
import { goQuote } from '../golang/strings.ts';

/** The outcome of a Go parse: the value, or Go's `*strconv.NumError` text. */
export type GoParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function syntaxError<T>(fn: string, s: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: invalid syntax` };
}

function rangeError<T>(fn: string, s: string): GoParseResult<T> {
  return { ok: false, error: `strconv.${fn}: parsing ${goQuote(s)}: value out of range` };
}

/** Go `strconv.ParseBool`: exactly `1 t T TRUE true True` and `0 f F FALSE false False`. */
export function parseGoBool(s: string): GoParseResult<boolean> {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return { ok: true, value: true };
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return { ok: true, value: false };
  return syntaxError('ParseBool', s);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Go `strconv.ParseInt(s, 10, 64)`: an optional `+`/`-` then ASCII digits only (no spaces, no
 * underscores, no base prefix); leading zeros are allowed. Values outside int64 give `value out of
 * range`. The value is a `bigint` so that it stays exact.
 */
export function parseGoInt(s: string): GoParseResult<bigint> {
  if (!/^[+-]?[0-9]+$/.test(s)) return syntaxError('ParseInt', s);
  const v = BigInt(s.startsWith('+') ? s.slice(1) : s);
  if (v < INT64_MIN || v > INT64_MAX) return rangeError('ParseInt', s);
  return { ok: true, value: v };
}

/**
 * Go `strconv.ParseFloat(s, 64)`. Accepts, besides plain decimals (`1`, `.5`, `5.`, `1e3`, `-2.5E-3`):
 * `inf`/`infinity` with an optional sign and `nan` without one (any letter case); hexadecimal
 * mantissas with a mandatory binary exponent (`0x1p-2`, `0X1.8P3`); and `_` between digits (or right
 * after a `0x` prefix), as in Go literals (`1_000.5`). Overflow to ±Inf gives `value out of range`;
 * underflow rounds to 0 without error. Rounding is to nearest, ties to even, as in Go.
 */
export function parseGoFloat(s: string): GoParseResult<number> {
  const special = parseSpecial(s);
  if (special !== undefined) return { ok: true, value: special };
  const m =
    /^([+-]?)(?:(0[xX])([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9][0-9_]*)|([0-9_]*)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9][0-9_]*))?)$/.exec(
      s,
    );
  if (!m) return syntaxError('ParseFloat', s);
  const [, sign = '', hexPrefix, hexInt = '', hexFrac = '', hexExp = '', decInt = '', decFrac = '', decExp] =
    m;
  const digits = hexPrefix ? hexInt + hexFrac : decInt + decFrac;
  if (!/[0-9a-fA-F]/.test(digits)) return syntaxError('ParseFloat', s);
  if (s.includes('_') && !underscoreOK(s)) return syntaxError('ParseFloat', s);
  const strip = (t: string): string => t.replaceAll('_', '');
  let value: number;
  if (hexPrefix) {
    value = hexToFloat(strip(hexInt), strip(hexFrac), Number(strip(hexExp)));
  } else {
    const exp = decExp === undefined ? '' : `e${strip(decExp)}`;
    value = Number(`${strip(decInt) || '0'}.${strip(decFrac) || '0'}${exp}`);
  }
  if (sign === '-') value = -value;
  if (!Number.isFinite(value)) return rangeError('ParseFloat', s);
  return { ok: true, value };
}

function parseSpecial(s: string): number | undefined {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  const unsigned = lower.startsWith('+') || lower.startsWith('-') ? lower.slice(1) : lower;
  if (unsigned === 'inf' || unsigned === 'infinity') return lower.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/** Go's rule for `_` in number literals: only between digits, or between a base prefix and a digit. */
function underscoreOK(s: string): boolean {
  let t = s.startsWith('+') || s.startsWith('-') ? s.slice(1) : s;
  let saw = '^';
  let hexDigits = false;
  if (/^0[xXbBoO]/.test(t)) {
    saw = '0';
    hexDigits = /^0[xX]/.test(t);
    t = t.slice(2);
  }
  for (const c of t) {
    if (/[0-9]/.test(c) || (hexDigits && /[a-fA-F]/.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/** Exact value of 0x<int>.<frac>p<exp>, correctly rounded to float64 (may be ±Infinity on overflow). */
function hexToFloat(intPart: string, fracPart: string, exp: number): number {
  const mantissa = BigInt(`0x0${intPart}${fracPart}`);
  if (mantissa === 0n) return 0;
  // value = mantissa * 2^e2
  const e2 = Math.max(-100000, Math.min(100000, exp)) - 4 * fracPart.length;
  const bits = mantissa.toString(2).length;
  const top = bits - 1 + e2; // exponent of the leading bit
  if (top > 1023) return Infinity;
  // Keep 53 significant bits, fewer for subnormals (lowest bit 2^-1074).
  const shift = Math.max(bits - 53, -1074 - e2);
  let q = mantissa;
  if (shift > 0) {
    const big = BigInt(shift);
    q = mantissa >> big;
    const rem = mantissa - (q << big);
    const half = 1n << (big - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const k = shift > 0 ? e2 + shift : e2;
  const base = shift > 0 ? Number(q) : Number(mantissa);
  // base * 2^k is exactly representable (or overflows); split the scaling to avoid early under/overflow.
  if (k < -1000) return base * 2 ** -1000 * 2 ** (k + 1000);
  if (k > 1000) return base * 2 ** 1000 * 2 ** (k - 1000);
  return base * 2 ** k;
}
