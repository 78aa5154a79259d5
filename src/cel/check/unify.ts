/**
 * Type-parameter binding for overload resolution: whether an argument type can be passed where a
 * declared parameter type is expected, in the spirit of cel-go's checker (`dyn` is compatible with
 * everything; `null_type` is assignable to `dyn`, structs, optionals, timestamps, durations and
 * opaque types), and substitution of the bound parameters into a result type.
 */
import { DYN, isDynOrError, listOf, mapOf, optionalOf, typeOf, type CelType } from './types.ts';

/** Type parameter name → bound type. */
export type Bindings = Map<string, CelType>;

/** True when `t` contains a type parameter. */
function hasParams(t: CelType): boolean {
  switch (t.kind) {
    case 'param':
      return true;
    case 'list':
    case 'optional':
      return hasParams(t.elem);
    case 'map':
      return hasParams(t.key) || hasParams(t.value);
    case 'type':
      return t.of !== undefined && hasParams(t.of);
    default:
      return false;
  }
}

/** Exact structural equality (structs by name). */
export function sameType(a: CelType, b: CelType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'primitive':
    case 'opaque':
    case 'struct':
    case 'param':
      return a.name === (b as { name: string }).name;
    case 'list':
    case 'optional':
      return sameType(a.elem, (b as { elem: CelType }).elem);
    case 'map': {
      const m = b as { key: CelType; value: CelType };
      return sameType(a.key, m.key) && sameType(a.value, m.value);
    }
    case 'type': {
      const o = (b as { of: CelType | undefined }).of;
      return a.of === undefined || o === undefined ? a.of === o : sameType(a.of, o);
    }
    default:
      return true;
  }
}

function nullable(t: CelType): boolean {
  return (
    t.kind === 'struct' ||
    t.kind === 'optional' ||
    t.kind === 'opaque' ||
    (t.kind === 'primitive' &&
      (t.name === 'google.protobuf.Timestamp' ||
        t.name === 'google.protobuf.Duration' ||
        t.name === 'null_type'))
  );
}

/**
 * Tries to accept `actual` where `declared` is expected, binding type parameters in `bindings`
 * (mutated only on success). Returns false on a mismatch.
 */
export function accept(declared: CelType, actual: CelType, bindings: Bindings): boolean {
  const trial = new Map(bindings);
  if (!acceptInto(declared, actual, trial)) return false;
  for (const [k, v] of trial) bindings.set(k, v);
  return true;
}

function acceptInto(declared: CelType, actual: CelType, b: Bindings): boolean {
  if (isDynOrError(actual) || declared.kind === 'dyn') return true;
  if (declared.kind === 'param') {
    const bound = b.get(declared.name);
    if (bound === undefined) {
      b.set(declared.name, actual);
      return true;
    }
    if (isDynOrError(bound)) return true;
    if (sameType(bound, actual)) return true;
    if (actual.kind === 'primitive' && actual.name === 'null_type' && nullable(bound)) return true;
    if (bound.kind === 'primitive' && bound.name === 'null_type' && nullable(actual)) {
      b.set(declared.name, actual);
      return true;
    }
    // Structural: a bound aggregate with dyn parts accepts a more specific one (and vice versa).
    if (looseEqual(bound, actual)) return true;
    return false;
  }
  if (actual.kind === 'primitive' && actual.name === 'null_type') return nullable(declared);
  switch (declared.kind) {
    case 'list':
    case 'optional':
      return actual.kind === declared.kind && acceptInto(declared.elem, actual.elem, b);
    case 'map':
      return (
        actual.kind === 'map' &&
        acceptInto(declared.key, actual.key, b) &&
        acceptInto(declared.value, actual.value, b)
      );
    case 'type':
      return (
        actual.kind === 'type' &&
        (declared.of === undefined || actual.of === undefined || acceptInto(declared.of, actual.of, b))
      );
    default:
      return sameType(declared, actual);
  }
}

/** Equality where `dyn` (or an error) on either side matches anything. */
export function looseEqual(a: CelType, b: CelType): boolean {
  if (isDynOrError(a) || isDynOrError(b)) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list':
    case 'optional':
      return looseEqual(a.elem, (b as { elem: CelType }).elem);
    case 'map': {
      const m = b as { key: CelType; value: CelType };
      return looseEqual(a.key, m.key) && looseEqual(a.value, m.value);
    }
    default:
      return sameType(a, b);
  }
}

/** `t` with bound parameters replaced; unbound parameters become `dyn`. */
export function substitute(t: CelType, b: Bindings): CelType {
  if (!hasParams(t)) return t;
  switch (t.kind) {
    case 'param':
      return b.get(t.name) ?? DYN;
    case 'list':
      return listOf(substitute(t.elem, b));
    case 'optional':
      return optionalOf(substitute(t.elem, b));
    case 'map':
      return mapOf(substitute(t.key, b), substitute(t.value, b));
    case 'type':
      return typeOf(t.of === undefined ? undefined : substitute(t.of, b));
    default:
      return t;
  }
}

/**
 * The common type of several values (list elements, map keys or values, `?:` branches): their
 * shared type when they agree (ignoring `dyn` parts), else `dyn`, as cel-go does without
 * homogeneous aggregate literals (kro-contract §8).
 */
export function joinTypes(types: readonly CelType[]): CelType {
  let out: CelType | undefined;
  for (const t of types) {
    if (t.kind === 'primitive' && t.name === 'null_type') continue;
    if (out === undefined) out = t;
    else if (!sameType(out, t)) {
      if (!looseEqual(out, t)) return DYN;
      if (isDynOrError(out)) out = t;
    }
  }
  if (out === undefined) return types.length > 0 ? types[0]! : DYN;
  if (types.some((t) => t.kind === 'primitive' && t.name === 'null_type') && !nullable(out)) return DYN;
  return out;
}
