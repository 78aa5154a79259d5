/**
 * kro's rule for whether an expression's type may fill a field (kro-contract §5.7): cel-go's
 * assignability, then kro's structural compatibility (`AreTypesStructurallyCompatible`).
 */
import { formatType, sameType, type CelType } from '../../cel/check/index.ts';

/** Why a type is not compatible, in kro's words (`type kind mismatch: got "string", expected "int"`). */
export type Incompatibility = string;

/**
 * Undefined when a value of type `output` may fill a field of type `expected`, else the reason.
 *
 * Rules, in kro's order: `dyn` on either side is compatible; an optional output is unwrapped; a
 * struct expected from a map output needs `string` keys and a value type compatible with every
 * field; a map expected from a struct output needs every field compatible with the value type;
 * lists and maps compare element, key and value types; struct from struct has subset semantics
 * (every output field must exist in the expected struct, unless it preserves unknown fields);
 * otherwise the kinds must match exactly (`int` ≠ `double`, `string` ≠ `timestamp` and `bytes`).
 * Where kro v0.9.3's code is more permissive than that description (a struct expected from a
 * non-struct output below the top level, or from a string or list anywhere), kro-guard follows the
 * code, as the parity harness observed it.
 * kro-guard additionally accepts `null_type` outputs (cel-go treats null as assignable to many kinds).
 */
export function incompatibility(output: CelType, expected: CelType): Incompatibility | undefined {
  return check(output, expected, 0);
}

const MAX_DEPTH = 32;

function check(out: CelType, exp: CelType, depth: number): Incompatibility | undefined {
  if (depth > MAX_DEPTH) return undefined; // recursive schemas: permissive, as kro is for unresolvable types
  if (out.kind === 'dyn' || out.kind === 'error' || exp.kind === 'dyn' || exp.kind === 'error')
    return undefined;
  if (out.kind === 'optional') return check(out.elem, exp, depth + 1);
  if (out.kind === 'primitive' && out.name === 'null_type') return undefined;
  if (sameType(out, exp)) return undefined;
  // kro v0.9.3's areStructTypesCompatible accepts any output that does not resolve to a struct (a
  // string, a list, a nested map); only a top-level map is compared field by field (parity harness:
  // typing/string-into-struct, typing/list-into-struct, t-env-map-literal-list).
  if (exp.kind === 'struct' && out.kind !== 'struct' && !(out.kind === 'map' && depth === 0))
    return undefined;
  if (exp.kind === 'struct' && out.kind === 'map') {
    if (!(out.key.kind === 'dyn' || (out.key.kind === 'primitive' && out.key.name === 'string')))
      return `map key type must be string, got "${formatType(out.key)}"`;
    if (exp.open) return undefined;
    // kro v0.9.3 does not compare a map-typed value with the struct's fields (parity harness:
    // t-map-literal-into-struct accepted, map-into-struct-incompatible rejected).
    if (out.value.kind === 'map') return undefined;
    for (const f of exp.fieldNames()) {
      const ft = exp.field(f);
      if (ft === undefined) continue;
      const why = check(out.value, ft, depth + 1);
      if (why !== undefined) return `map value type incompatible with field "${f}": ${why}`;
    }
    return undefined;
  }
  if (exp.kind === 'map' && out.kind === 'struct') {
    for (const f of out.fieldNames()) {
      const ft = out.field(f);
      if (ft === undefined) continue;
      const why = check(ft, exp.value, depth + 1);
      if (why !== undefined) return `struct field "${f}" incompatible with map value type: ${why}`;
    }
    return undefined;
  }
  if (exp.kind === 'list' && out.kind === 'list') {
    const why = check(out.elem, exp.elem, depth + 1);
    return why === undefined ? undefined : `list element type incompatible: ${why}`;
  }
  if (exp.kind === 'map' && out.kind === 'map') {
    const k = check(out.key, exp.key, depth + 1);
    if (k !== undefined) return `map key type incompatible: ${k}`;
    const v = check(out.value, exp.value, depth + 1);
    return v === undefined ? undefined : `map value type incompatible: ${v}`;
  }
  if (exp.kind === 'struct' && out.kind === 'struct') {
    if (exp.open) return undefined;
    for (const f of out.fieldNames()) {
      const et = exp.field(f);
      if (et === undefined) return `field "${f}" exists in output but not in expected type`;
      const ot = out.field(f);
      if (ot === undefined) continue;
      const why = check(ot, et, depth + 1);
      if (why !== undefined) return `field "${f}": ${why}`;
    }
    return undefined;
  }
  return `type kind mismatch: got "${kindName(out)}", expected "${kindName(exp)}"`;
}

function kindName(t: CelType): string {
  return t.kind === 'primitive' ? t.name : t.kind === 'struct' ? 'struct' : t.kind;
}
