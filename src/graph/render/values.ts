/**
 * Conversions between rendered values (plain JSON with symbolic unknowns, `symbolic.ts`) and the
 * runtime values of cel-js, and the placeholder tokens that let an expression run over unknown
 * values it only passes through (see `references.ts`).
 *
 * JSON numbers become CEL `int` (bigint) when integral and `double` otherwise, as Kubernetes'
 * unstructured decoding gives kro int64 and float64 values; results convert back to JSON numbers.
 */
import { Optional } from '@marcbachmann/cel-js';
import {
  Duration,
  OpaqueValue,
  UnsignedInt,
  isList,
  isMap,
  listItems,
  mapEntries,
} from '../../cel/library/values.ts';
import { SymbolicString, Unknown, isRenderedObject, symbolicString, type RenderedValue } from './symbolic.ts';

/** A rendered field whose expression returned `omit()`: the field is removed (kro-contract §5.10). */
export const OMIT: unique symbol = Symbol('omit');

/** The sentinel the `omit()` function of the rendering environment returns (`environment.ts`). */
export const OMIT_VALUE: object = Object.freeze({ omit: true });

/** A value that cannot be rendered as JSON (a NaN, a mangled placeholder): the expression falls back. */
export class Unrenderable extends Error {
  override name = 'Unrenderable';
}

const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';
const TOKEN = /\uE000(\d+)\uE001/g;
const MARKER = /[\uE000\uE001]/;

/**
 * The placeholder strings of one rendering: each {@link Unknown} gets a unique token
 * (`\uE000<n>\uE001`, private-use characters) that CEL string functions carry through unchanged.
 */
export class TokenTable {
  private readonly unknowns: Unknown[] = [];
  private readonly ids = new Map<Unknown, number>();

  /** The token of `u` (the same token for the same object). */
  token(u: Unknown): string {
    let id = this.ids.get(u);
    if (id === undefined) {
      id = this.unknowns.length;
      this.unknowns.push(u);
      this.ids.set(u, id);
    }
    return `${TOKEN_OPEN}${id}${TOKEN_CLOSE}`;
  }

  /**
   * Splits a string with tokens back into text and unknowns.
   * @throws Unrenderable when a token was cut or is not one of this table's.
   */
  parse(s: string): string | Unknown | SymbolicString {
    if (!MARKER.test(s)) return s;
    const parts: (string | Unknown)[] = [];
    let last = 0;
    for (const m of s.matchAll(TOKEN)) {
      const u = this.unknowns[Number(m[1])];
      if (u === undefined) throw new Unrenderable('an unknown placeholder was altered');
      parts.push(s.slice(last, m.index), u);
      last = m.index + m[0].length;
    }
    parts.push(s.slice(last));
    for (const p of parts)
      if (typeof p === 'string' && MARKER.test(p))
        throw new Unrenderable('an unknown placeholder was altered');
    return symbolicString(parts);
  }
}

/**
 * A rendered value as a cel-js value: objects become null-prototype maps, integral numbers bigint,
 * unknowns their token, symbolic strings their text with tokens. `cache` keeps the conversion of
 * each object and array (rendered values are not changed once built).
 */
export function toCel(v: RenderedValue, tokens: TokenTable, cache: WeakMap<object, unknown>): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (v instanceof Unknown) return tokens.token(v);
  if (v instanceof SymbolicString)
    return v.parts.map((p) => (typeof p === 'string' ? p : tokens.token(p))).join('');
  const cached = cache.get(v);
  if (cached !== undefined) return cached;
  let out: unknown;
  if (Array.isArray(v)) {
    out = v.map((x) => toCel(x, tokens, cache));
  } else {
    const m: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, x] of Object.entries(v)) m[k] = toCel(x, tokens, cache);
    out = m;
  }
  cache.set(v, out);
  return out;
}

/**
 * A cel-js result as a rendered value: bigint and uint become numbers, bytes base64 text (as Go's
 * JSON encoding writes `[]byte`), timestamps RFC 3339 text, durations their CEL text, optionals
 * their value (none: null), opaque Kubernetes values their text; tokens become unknowns again.
 * `omit()` gives {@link OMIT} at the top; map entries and list elements holding it are dropped.
 *
 * @throws Unrenderable for a non-finite double, a map key that is not text or holds a token, or
 *   an altered token.
 */
export function fromCel(v: unknown, tokens: TokenTable): RenderedValue | typeof OMIT {
  if (v === OMIT_VALUE) return OMIT;
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return tokens.parse(v);
    case 'boolean':
      return v;
    case 'bigint':
      return Number(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Unrenderable(`the value ${v} is not a JSON number`);
      return v;
    default:
  }
  if (v instanceof UnsignedInt) return Number(v.valueOf());
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
  if (v instanceof Date) return v.toISOString().replace(/\.000Z$/, 'Z');
  if (v instanceof Duration) return v.toString();
  if (v instanceof Optional) return v.hasValue() ? fromCel(v.value(), tokens) : null;
  if (v instanceof OpaqueValue) return v.toString();
  if (isList(v)) {
    const out: RenderedValue[] = [];
    for (const x of listItems(v)) {
      const r = fromCel(x, tokens);
      if (r !== OMIT) out.push(r);
    }
    return out;
  }
  if (isMap(v)) {
    const out: Record<string, RenderedValue> = {};
    for (const [k, x] of mapEntries(v)) {
      if (typeof k !== 'string') throw new Unrenderable(`the map key ${String(k)} is not a string`);
      if (MARKER.test(k)) throw new Unrenderable('a map key holds an unknown value');
      const r = fromCel(x, tokens);
      if (r !== OMIT) setEntry(out, k, r);
    }
    return out;
  }
  return String(v);
}

/** True when `v` (deep) holds an {@link Unknown} or a {@link SymbolicString}. Cached per object. */
export function hasUnknown(v: RenderedValue | undefined, cache: WeakMap<object, boolean>): boolean {
  if (v === null || v === undefined || typeof v !== 'object') return false;
  if (v instanceof Unknown || v instanceof SymbolicString) return true;
  const cached = cache.get(v);
  if (cached !== undefined) return cached;
  let found = false;
  if (Array.isArray(v)) found = v.some((x) => hasUnknown(x, cache));
  else if (isRenderedObject(v)) found = Object.values(v).some((x) => hasUnknown(x, cache));
  cache.set(v, found);
  return found;
}

/** A deep copy of a rendered value (unknowns and symbolic strings are immutable and shared). */
export function copyRendered<T extends RenderedValue>(v: T): T {
  if (v === null || typeof v !== 'object' || v instanceof Unknown || v instanceof SymbolicString) return v;
  if (Array.isArray(v)) return v.map((x) => copyRendered(x)) as T;
  const out: Record<string, RenderedValue> = {};
  for (const [k, x] of Object.entries(v)) setEntry(out, k, copyRendered(x));
  return out as T;
}

/**
 * A plain JSON value (a template, an instance) as a rendered value: bigint (an exact SimpleSchema
 * default) becomes a number, `undefined` entries are dropped; anything else non-JSON becomes text.
 */
export function fromJson(v: unknown): RenderedValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return Number(v);
    default:
  }
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === 'object') {
    const out: Record<string, RenderedValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      if (x !== undefined) setEntry(out, k, fromJson(x));
    return out;
  }
  return String(v);
}

/** Sets an own entry of a plain object, also for the key `__proto__` (which `o[k] = v` would not). */
export function setEntry(o: Record<string, RenderedValue>, key: string, value: RenderedValue): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** The CEL type name of a rendered value, for messages. */
export function typeName(v: RenderedValue | typeof OMIT): string {
  if (v === OMIT) return 'omit()';
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'double';
    case 'string':
      return 'string';
    default:
      return v instanceof SymbolicString ? 'string' : 'map';
  }
}
