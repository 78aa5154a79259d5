/**
 * Runtime of the list functions: cel-go `ext.Lists`, the plain functions of `cel.OptionalTypes`
 * (including `first`/`last`), k8s `library.Lists()`, kro's `lists.*` index functions and kro's
 * `map.merge`. Error messages are the upstream ones.
 */

import { Optional } from '@marcbachmann/cel-js';
import { charge, checkListSize } from './budget.ts';
import {
  Duration,
  MAX_INT,
  MIN_INT,
  UnsignedInt,
  celEquals,
  celError,
  celTypeName,
  compareValues,
  durationFromNanos,
  durationNanos,
  isComparable,
  isZeroValue,
  listItems,
  mapEntries,
  toIndex,
} from './values.ts';

type List = unknown[] | Set<unknown>;
type CelMap = Record<string, unknown> | Map<unknown, unknown>;
type Handler = (...args: never[]) => unknown;

function produce<T>(items: T[]): T[] {
  checkListSize(items.length);
  charge(items.length);
  return items;
}

/** `<list(T)>.slice(<int>, <int>)`. */
export function slice(list: List, start: bigint, end: bigint): unknown[] {
  const items = listItems(list);
  if (start < 0n || end < 0n)
    throw celError(`cannot slice(${start}, ${end}), negative indexes not supported`);
  if (start > end) {
    throw celError(`cannot slice(${start}, ${end}), start index must be less than or equal to end index`);
  }
  if (BigInt(items.length) < end) {
    throw celError(`cannot slice(${start}, ${end}), list is length ${items.length}`);
  }
  return produce(items.slice(Number(start), Number(end)));
}

/** `<list>.flatten([<int>])`: flattens nested lists `depth` levels (default 1). */
export function flatten(list: List, depth = 1n): unknown[] {
  if (depth < 0n) throw celError('level must be non-negative');
  const out: unknown[] = [];
  const walk = (items: unknown[], d: bigint): void => {
    for (const v of items) {
      charge(1);
      if (d > 0n && (Array.isArray(v) || v instanceof Set)) walk(listItems(v), d - 1n);
      else {
        out.push(v);
        checkListSize(out.length);
      }
    }
  };
  walk(listItems(list), depth);
  return out;
}

/** `<list(T)>.sort()` for comparable, homogeneous element types. */
export function sort(list: List): unknown[] {
  const items = listItems(list);
  if (items.length === 0) return items;
  const first = items[0];
  if (!isComparable(first)) throw celError('list elements must be comparable');
  const type = celTypeName(first);
  for (const v of items) if (celTypeName(v) !== type) throw celError('list elements must have the same type');
  charge(Math.ceil(items.length * Math.log2(items.length + 1)));
  return [...items].sort((a, b) => compareValues(a, b) || 0);
}

/** `lists.range(<int>)`: `[0, 1, ..., n-1]`. */
export function range(n: bigint): bigint[] {
  if (n < 0n) throw celError(`lists.range: invalid length ${n}`);
  checkListSize(toIndex(n));
  charge(toIndex(n));
  const out: bigint[] = [];
  for (let i = 0n; i < n; i++) out.push(i);
  return out;
}

/** `<list(T)>.reverse()`. */
export function reverseList(list: List): unknown[] {
  return produce([...listItems(list)].reverse());
}

/** `<list(T)>.distinct()`: first occurrences, by CEL equality. */
export function distinct(list: List): unknown[] {
  const out: unknown[] = [];
  for (const v of listItems(list)) {
    charge(1 + out.length / 16);
    if (!out.some((u) => celEquals(u, v))) out.push(v);
  }
  return out;
}

/** `<list(T)>.first()` / `.last()`: optional of the first/last element. */
export function first(list: List): Optional {
  const items = listItems(list);
  return items.length === 0 ? Optional.none() : Optional.of(items[0]);
}
export function last(list: List): Optional {
  const items = listItems(list);
  return items.length === 0 ? Optional.none() : Optional.of(items[items.length - 1]);
}

/** `optional.ofNonZeroValue(v)`: none for the zero value of v's type (null, 0, '', [], {}, ...). */
export function ofNonZeroValue(v: unknown): Optional {
  return isZeroValue(v) ? Optional.none() : Optional.of(v);
}

/** `optional.unwrap(l)` / `l.unwrapOpt()`: the values of the present optionals. */
export function unwrapOptionals(list: List): unknown[] {
  const out: unknown[] = [];
  for (const v of listItems(list)) {
    if (!(v instanceof Optional)) throw celError(`no such overload: optional.unwrap(${celTypeName(v)})`);
    if (v.hasValue()) out.push(v.value());
  }
  return produce(out);
}

// k8s library.Lists()

/** `<list(T)>.isSorted()`: no element is greater than its successor. */
export function isSorted(list: List): boolean {
  const items = listItems(list);
  charge(items.length);
  for (let i = 1; i < items.length; i++) if (compareValues(items[i - 1], items[i]) === 1) return false;
  return true;
}

/** `<list(T)>.sum()` with the zero value of the overload's element type for empty lists. */
export function sumOf(zero: 'int' | 'uint' | 'double' | 'duration'): (list: List) => unknown {
  return (list) => {
    const items = listItems(list);
    charge(items.length);
    if (zero === 'double') return items.reduce<number>((a, v) => a + Number(v), 0);
    if (zero === 'duration') {
      const total = items.reduce<bigint>((a, v) => a + durationNanos(v as Duration), 0n);
      return durationFromNanos(total);
    }
    let total = 0n;
    for (const v of items) {
      total += v instanceof UnsignedInt ? v.valueOf() : (v as bigint);
      if (zero === 'int' && (total > MAX_INT || total < MIN_INT))
        throw celError('integer overflow', 'numeric_overflow');
    }
    if (zero === 'uint') {
      try {
        return new UnsignedInt(total);
      } catch {
        throw celError('unsigned integer overflow', 'numeric_overflow');
      }
    }
    return total;
  };
}

function extreme(name: 'min' | 'max', prefer: number): (list: List) => unknown {
  return (list) => {
    const items = listItems(list);
    charge(items.length);
    if (items.length === 0) throw celError(`${name} called on empty list`);
    let result = items[0];
    for (const v of items.slice(1)) if (compareValues(result, v) === prefer) result = v;
    return result;
  };
}

/** `<list(T)>.min()` / `.max()`; error `min called on empty list` / `max called on empty list`. */
export const listMin = extreme('min', 1);
export const listMax = extreme('max', -1);

/** `<list(A)>.indexOf(A)` / `.lastIndexOf(A)` by CEL equality; -1 when absent. */
export function listIndexOf(list: List, item: unknown): bigint {
  const items = listItems(list);
  charge(items.length);
  return BigInt(items.findIndex((v) => celEquals(v, item)));
}
export function listLastIndexOf(list: List, item: unknown): bigint {
  const items = listItems(list);
  charge(items.length);
  for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i], item)) return BigInt(i);
  return -1n;
}

// kro lists.*

/** `lists.setAtIndex(l, i, v)`: index in [0, size). */
export function setAtIndex(list: List, index: bigint, value: unknown): unknown[] {
  const items = listItems(list);
  if (index < 0n || index >= BigInt(items.length)) {
    throw celError(`lists.setAtIndex: index ${index} out of bounds [0, ${items.length})`);
  }
  const out = [...items];
  out[Number(index)] = value;
  return produce(out);
}

/** `lists.insertAtIndex(l, i, v)`: index in [0, size]; size appends. */
export function insertAtIndex(list: List, index: bigint, value: unknown): unknown[] {
  const items = listItems(list);
  if (index < 0n || index > BigInt(items.length)) {
    throw celError(`lists.insertAtIndex: index ${index} out of bounds [0, ${items.length}]`);
  }
  const out = [...items];
  out.splice(Number(index), 0, value);
  return produce(out);
}

/** `lists.removeAtIndex(l, i)`: index in [0, size). */
export function removeAtIndex(list: List, index: bigint): unknown[] {
  const items = listItems(list);
  if (index < 0n || index >= BigInt(items.length)) {
    throw celError(`lists.removeAtIndex: index ${index} out of bounds [0, ${items.length})`);
  }
  const out = [...items];
  out.splice(Number(index), 1);
  return produce(out);
}

/**
 * kro `<map(K, V)>.merge(<map(K, V)>)`: the union of both maps; on a shared key the argument's value
 * wins. Keys keep the receiver's order, then the argument's new keys.
 */
export function merge(self: CelMap, other: CelMap): CelMap {
  const a = mapEntries(self);
  const b = mapEntries(other);
  charge(a.length + b.length);
  checkListSize(a.length + b.length);
  const allStrings = [...a, ...b].every(([k]) => typeof k === 'string');
  const result = new Map<unknown, unknown>();
  const lookup = (entries: [unknown, unknown][], k: unknown): [unknown, unknown] | undefined =>
    entries.find(([k2]) => celEquals(k, k2));
  for (const [k, v] of a) {
    const override = lookup(b, k);
    result.set(k, override ? override[1] : v);
  }
  for (const [k, v] of b) if (!lookup(a, k)) result.set(k, v);
  if (!allStrings) return result;
  return Object.fromEntries(result as Map<string, unknown>);
}

/** Handlers by overload id (member handlers take the receiver first). */
export const LIST_HANDLERS: Readonly<Record<string, Handler>> = {
  list_slice: slice,
  list_flatten: (l: List) => flatten(l),
  list_flatten_int: flatten,
  lists_range: range,
  list_reverse: reverseList,
  list_distinct: distinct,
  list_first: first,
  list_last: last,
  optional_ofNonZeroValue: ofNonZeroValue,
  optional_unwrap: unwrapOptionals,
  optional_unwrapOpt: unwrapOptionals,
  list_a_index_of_int: listIndexOf,
  list_a_last_index_of_int: listLastIndexOf,
  'lists.setAtIndex_list_int_T': setAtIndex,
  'lists.insertAtIndex_list_int_T': insertAtIndex,
  'lists.removeAtIndex_list_int': removeAtIndex,
  map_merge: merge,
};

/** Handlers of the per-type overloads (`list_int_sort`, `list_int_is_sorted_bool`, `list_int_sum_int`, ...). */
export function typedListHandler(id: string): Handler | undefined {
  if (/^list_.+_sort$/.test(id)) return sort;
  if (/^list_.+_is_sorted_bool$/.test(id)) return isSorted;
  const sum = /^list_(int|uint|double|duration)_sum_/.exec(id);
  if (sum) return sumOf(sum[1] as 'int' | 'uint' | 'double' | 'duration');
  if (/^list_.+_max_/.test(id)) return listMax;
  if (/^list_.+_min_/.test(id)) return listMin;
  return undefined;
}
