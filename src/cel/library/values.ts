/**
 * Helpers over cel-js runtime values: ints are `bigint`, uints `UnsignedInt`, doubles `number`,
 * bytes `Uint8Array`, lists arrays (or Sets), maps plain objects or `Map`s, timestamps `Date`,
 * durations cel-js `Duration`, optionals `Optional`, types cel-js `Type` objects.
 */

import { EvaluationError, Optional } from '@marcbachmann/cel-js';
import { Duration, UnsignedInt } from '@marcbachmann/cel-js/evaluator';

export { Duration, UnsignedInt };

/** The int64 range. */
export const MIN_INT = -(2n ** 63n);
export const MAX_INT = 2n ** 63n - 1n;

/** A CEL evaluation error with the given message (and code `evaluation_error` unless given). */
export function celError(message: string, code = 'evaluation_error'): EvaluationError {
  return new EvaluationError({ code, message });
}

/** Base class of the opaque Kubernetes values, so helpers can recognise them. */
export abstract class OpaqueValue {
  /** cel-go type name, e.g. `net.IP`. */
  abstract readonly celType: string;
  /** CEL equality with another value of the same type. */
  abstract equals(other: OpaqueValue): boolean;
  /** The value's string form (as `string(x)` or `%s` would print it where defined). */
  abstract toString(): string;
}

export function isList(v: unknown): v is unknown[] | Set<unknown> {
  return Array.isArray(v) || v instanceof Set;
}

export function isMap(v: unknown): v is Record<string, unknown> | Map<unknown, unknown> {
  if (v instanceof Map) return true;
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A list value as an array (Sets are copied). */
export function listItems(v: unknown[] | Set<unknown>): unknown[] {
  return Array.isArray(v) ? v : [...v];
}

/** A map value's entries. */
export function mapEntries(v: Record<string, unknown> | Map<unknown, unknown>): [unknown, unknown][] {
  return v instanceof Map ? [...v.entries()] : Object.entries(v);
}

/** cel-go's type name of a runtime value (`int`, `list`, `map`, `google.protobuf.Timestamp`, `net.IP`, ...). */
export function celTypeName(v: unknown): string {
  switch (typeof v) {
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
  }
  if (v === null) return 'null_type';
  if (v instanceof UnsignedInt) return 'uint';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Duration) return 'google.protobuf.Duration';
  if (v instanceof Optional) return 'optional_type';
  if (v instanceof OpaqueValue) return v.celType;
  if (isList(v)) return 'list';
  if (isMap(v)) return 'map';
  if (typeof v === 'object' && String(v).startsWith('Type<')) return 'type';
  return 'unknown';
}

/** Nanoseconds of a cel-js Duration (seconds and nanos carry the same sign). */
export function durationNanos(d: Duration): bigint {
  return d.seconds * 1_000_000_000n + BigInt(d.nanos);
}

/** A cel-js Duration from nanoseconds. */
export function durationFromNanos(n: bigint): Duration {
  const seconds = n / 1_000_000_000n;
  return new Duration(seconds, Number(n - seconds * 1_000_000_000n));
}

function numericValue(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (v instanceof UnsignedInt) return v.valueOf();
  return undefined;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'number' && Number.isNaN(a)) return NaN;
  if (typeof b === 'number' && Number.isNaN(b)) return NaN;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed int/double: compare exactly where the double is integral, else as doubles.
  const x = typeof a === 'number' ? a : Number(a);
  const y = typeof b === 'number' ? b : Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (typeof a === 'bigint' && Number.isInteger(y) && Number.isFinite(y)) {
    const by = BigInt(y);
    return a < by ? -1 : a > by ? 1 : 0;
  }
  if (typeof b === 'bigint' && Number.isInteger(x) && Number.isFinite(x)) {
    const bx = BigInt(x);
    return bx < b ? -1 : bx > b ? 1 : 0;
  }
  return 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Compares strings by code point (Go compares UTF-8 bytes, which orders the same way). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/**
 * CEL ordering of two values of a comparable type (int, uint, double across numeric kinds; bool,
 * string, bytes, timestamp, duration within their kind). Returns -1, 0, 1, or NaN when a double NaN
 * is involved.
 *
 * @throws EvaluationError `no such overload` for values that are not comparable with each other.
 */
export function compareValues(a: unknown, b: unknown): number {
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a instanceof Duration && b instanceof Duration) {
    const x = durationNanos(a);
    const y = durationNanos(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw celError(`no such overload: ${celTypeName(a)}.compare(${celTypeName(b)})`, 'no_such_overload');
}

/** Whether a value is one of the comparable kinds of {@link compareValues}. */
export function isComparable(v: unknown): boolean {
  return (
    numericValue(v) !== undefined ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    v instanceof Uint8Array ||
    v instanceof Date ||
    v instanceof Duration
  );
}

/**
 * CEL equality (`==`) as cel-go defines it: numbers compare across int/uint/double, lists and maps
 * element-wise, values of different kinds are unequal.
 */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || !Number.isNaN(a);
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined || nb !== undefined) {
    return na !== undefined && nb !== undefined && compareNumbers(na, nb) === 0;
  }
  if (a === null || b === null) return false;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && compareBytes(a, b) === 0;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Duration || b instanceof Duration) {
    return a instanceof Duration && b instanceof Duration && durationNanos(a) === durationNanos(b);
  }
  if (a instanceof OpaqueValue || b instanceof OpaqueValue) {
    return a instanceof OpaqueValue && b instanceof OpaqueValue && a.celType === b.celType && a.equals(b);
  }
  if (a instanceof Optional || b instanceof Optional) {
    if (!(a instanceof Optional && b instanceof Optional)) return false;
    if (a.hasValue() !== b.hasValue()) return false;
    return !a.hasValue() || celEquals(a.value(), b.value());
  }
  if (isList(a) || isList(b)) {
    if (!(isList(a) && isList(b))) return false;
    const x = listItems(a);
    const y = listItems(b);
    return x.length === y.length && x.every((v, i) => celEquals(v, y[i]));
  }
  if (isMap(a) && isMap(b)) {
    const x = mapEntries(a);
    const y = mapEntries(b);
    if (x.length !== y.length) return false;
    return x.every(([k, v]) => {
      const match = y.find(([k2]) => celEquals(k, k2));
      return match !== undefined && celEquals(v, match[1]);
    });
  }
  return String(a) === String(b) && celTypeName(a) === celTypeName(b) && celTypeName(a) === 'type';
}

/** A JS number for an int argument, or an error when it is outside the safe range. */
export function toIndex(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
    return v > 0n ? Infinity : -Infinity;
  return Number(v);
}

/** Checks an int result stays in int64. @throws EvaluationError `integer overflow`. */
export function checkedInt(v: bigint): bigint {
  if (v < MIN_INT || v > MAX_INT) throw celError('integer overflow', 'numeric_overflow');
  return v;
}

/** Splits a string into code points (Go runes for valid UTF-8 input). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Whether a value is the zero value of its type (cel-go `traits.Zeroer`). */
export function isZeroValue(v: unknown): boolean {
  if (v === null) return true;
  switch (typeof v) {
    case 'bigint':
      return v === 0n;
    case 'number':
      return v === 0;
    case 'string':
      return v === '';
    case 'boolean':
      return !v;
    default:
  }
  if (v instanceof UnsignedInt) return v.valueOf() === 0n;
  if (v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Date) return v.getTime() === 0;
  if (v instanceof Duration) return durationNanos(v) === 0n;
  if (isList(v)) return listItems(v).length === 0;
  if (isMap(v)) return mapEntries(v).length === 0;
  return false;
}
