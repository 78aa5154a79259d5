/**
 * Kubernetes `resource.Quantity` (k8s.io/apimachinery) for the k8s `library.Quantity()` CEL
 * functions: parsing, the canonical string form, comparison and arithmetic. Values are exact
 * decimals `unscaled × 10^exp`, rounded up (away from zero) to nano precision as k8s does on parse.
 */

import { celError, MAX_INT, MIN_INT, OpaqueValue } from './values.ts';

/** How a quantity prints: the suffix family of the string it was parsed from. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIX: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIX).map(([k, v]) => [v, k]));
const BINARY_BY_EXP = new Map(Object.entries(BINARY_SUFFIX).map(([k, v]) => [v, k]));

/** kro-guard's own bound on decimal exponents, so canonical strings stay small (k8s has none). */
export const MAX_QUANTITY_EXPONENT = 1000;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Exact decimal `unscaled × 10^exp` normalised so `unscaled` has no trailing zeros (0 has exp 0). */
function normalize(unscaled: bigint, exp: number): [bigint, number] {
  if (unscaled === 0n) return [0n, 0];
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    exp++;
  }
  return [unscaled, exp];
}

/** Rounds up (away from zero) to 10^-9. */
function roundNano(unscaled: bigint, exp: number): [bigint, number] {
  if (exp >= -9) return normalize(unscaled, exp);
  const div = pow10(-9 - exp);
  let q = unscaled / div;
  if (q * div !== unscaled) q += unscaled < 0n ? -1n : 1n;
  return normalize(q, -9);
}

/** A parsed Kubernetes quantity (cel-go type `kubernetes.Quantity`). */
export class Quantity extends OpaqueValue {
  readonly celType = 'kubernetes.Quantity';
  /** The value is `unscaled × 10^exp`. */
  readonly unscaled: bigint;
  readonly exp: number;
  readonly format: QuantityFormat;

  constructor(unscaled: bigint, exp: number, format: QuantityFormat) {
    super();
    [this.unscaled, this.exp] = roundNano(unscaled, exp);
    this.format = format;
  }

  /** -1, 0 or 1 (k8s `Cmp`). */
  compare(other: Quantity): number {
    const e = Math.min(this.exp, other.exp);
    const a = this.unscaled * pow10(this.exp - e);
    const b = other.unscaled * pow10(other.exp - e);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: OpaqueValue): boolean {
    return other instanceof Quantity && this.compare(other) === 0;
  }

  sign(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** k8s `Add`/`Sub`: the receiver's format is kept unless the receiver is zero. */
  add(other: Quantity, negate = false): Quantity {
    const e = Math.min(this.exp, other.exp);
    const b = other.unscaled * pow10(other.exp - e) * (negate ? -1n : 1n);
    const format = this.unscaled === 0n ? other.format : this.format;
    return new Quantity(this.unscaled * pow10(this.exp - e) + b, e, format);
  }

  /** The value as int64 when it is integral and in range (k8s `AsInt64`). */
  asInt64(): bigint | undefined {
    if (this.exp < 0) return undefined;
    if (this.exp > 19) return undefined;
    const v = this.unscaled * pow10(this.exp);
    return v < MIN_INT || v > MAX_INT ? undefined : v;
  }

  /** A float64 approximation (k8s `AsApproximateFloat64`). */
  asApproximateFloat(): number {
    return Number(`${this.unscaled}e${this.exp}`);
  }

  /** The canonical form k8s prints (`Quantity.String()`), e.g. `1500m`, `1`, `2Ki`, `1e3`. */
  toString(): string {
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const small = this.unscaled * pow10(Math.max(this.exp, 0));
      if (this.exp < 0 || (small > -1024n && small < 1024n)) format = 'DecimalSI';
    }
    if (format === 'BinarySI') {
      let v = this.unscaled * pow10(this.exp);
      let e = 0;
      while (e < 60 && v % 1024n === 0n) {
        v /= 1024n;
        e += 10;
      }
      return `${v}${BINARY_BY_EXP.get(e) ?? ''}`;
    }
    // Lower the exponent to a multiple of 3, scaling the mantissa up.
    let e = this.exp;
    let m = this.unscaled;
    const r = ((e % 3) + 3) % 3;
    m *= pow10(r);
    e -= r;
    if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
    if (e > 18) {
      m *= pow10(e - 18);
      e = 18;
    }
    return `${m}${DECIMAL_BY_EXP.get(e) ?? ''}`;
  }
}

/**
 * k8s `resource.ParseQuantity`.
 *
 * @throws Error with k8s's messages: the regular-expression message for malformed numbers,
 *   `unable to parse quantity's suffix` for unknown suffixes.
 */
export function parseQuantity(s: string): Quantity {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(s);
  if (s === '' || !m) throw new Error(FORMAT_ERROR);
  const [, sign = '', whole = '', frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') throw new Error(FORMAT_ERROR);
  if (!/^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new Error(FORMAT_ERROR);
  let unscaled = BigInt((whole || '0') + frac);
  if (sign === '-') unscaled = -unscaled;
  let exp = -frac.length;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIX) {
    exp += DECIMAL_SUFFIX[suffix] ?? 0;
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIX) {
    unscaled *= 2n ** BigInt(BINARY_SUFFIX[suffix] ?? 0);
    format = 'BinarySI';
  } else {
    const em = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!em) throw new Error(SUFFIX_ERROR);
    const e = Number(em[1]);
    if (!Number.isSafeInteger(e) || Math.abs(e) > 2 ** 31 - 1) throw new Error(SUFFIX_ERROR);
    if (Math.abs(e) > MAX_QUANTITY_EXPONENT) {
      throw new Error(`quantity exponent ${e} is beyond kro-guard's limit of ${MAX_QUANTITY_EXPONENT}`);
    }
    exp += e;
    format = 'DecimalExponent';
  }
  return new Quantity(unscaled, exp, format);
}

type Handler = (...args: never[]) => unknown;

function toQuantity(s: string): Quantity {
  try {
    return parseQuantity(s);
  } catch (e) {
    throw celError((e as Error).message);
  }
}

/** Handlers by k8s overload id. */
export const QUANTITY_HANDLERS: Readonly<Record<string, Handler>> = {
  string_to_quantity: toQuantity,
  is_quantity_string: (s: string) => {
    try {
      parseQuantity(s);
      return true;
    } catch {
      return false;
    }
  },
  quantity_sign: (q: Quantity) => BigInt(q.sign()),
  quantity_is_greater_than: (a: Quantity, b: Quantity) => a.compare(b) === 1,
  quantity_is_less_than: (a: Quantity, b: Quantity) => a.compare(b) === -1,
  quantity_compare_to: (a: Quantity, b: Quantity) => BigInt(a.compare(b)),
  quantity_get_float: (q: Quantity) => q.asApproximateFloat(),
  quantity_get_int: (q: Quantity) => {
    const v = q.asInt64();
    if (v === undefined) throw celError('cannot convert value to integer');
    return v;
  },
  quantity_is_integer: (q: Quantity) => q.asInt64() !== undefined,
  quantity_add: (a: Quantity, b: Quantity) => a.add(b),
  quantity_add_int: (a: Quantity, b: bigint) => a.add(new Quantity(b, 0, 'DecimalExponent')),
  quantity_sub: (a: Quantity, b: Quantity) => a.add(b, true),
  quantity_sub_int: (a: Quantity, b: bigint) => a.add(new Quantity(b, 0, 'DecimalExponent'), true),
};
