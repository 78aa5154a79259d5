/**
 * The API server's structural pipeline for a custom resource body, in one copying pass
 * (apiextensions-apiserver `pkg/apiserver/schema/pruning` `Prune`/`skipPrune`, `schema/defaulting`
 * `Default` and `PruneNonNullableNullsWithoutDefaults`; kro-contract §7 steps 1–3):
 *
 * 1. Unknown fields are dropped: a key of an object is kept when the schema has it under `properties`,
 *    or the schema has `additionalProperties`. Under `x-kubernetes-preserve-unknown-fields` unknown
 *    keys are kept as they are (nulls too), while known properties are still pruned by their schema.
 *    Without any schema (`additionalProperties: true`, a list without `items`), objects lose all keys.
 *    `x-kubernetes-embedded-resource` objects keep `apiVersion`/`kind` (strings) and `metadata` (an
 *    object).
 * 2. A `null` where the schema is not `nullable` becomes the schema's `default` when it has one, and is
 *    dropped otherwise; list items cannot be dropped, so a `null` item without a default stays and
 *    fails validation.
 * 3. Absent properties that have a `default` get a deep copy of it, recursively: defaults inside
 *    defaults, list items and map values apply too, so `default: {}` parents materialise nested
 *    defaults.
 *
 * Pruning and defaulting commute here because the API server rejects CRDs whose defaults contain
 * pruned fields. Keys whose value is `undefined` (not JSON) are treated as absent, `undefined` list
 * items as `null`. The root object's `apiVersion`, `kind`, `metadata` and `status` are handled by the
 * caller (admit.ts). Pure: returns new values, never mutates its input.
 */
import { deepCopy, isObject, setOwn, type SchemaNode } from './schema-node.ts';

/** The value `v` as the API server stores it under `node` (undefined: no schema). */
export function structural(v: unknown, node: SchemaNode | undefined): unknown {
  if (node?.preserveUnknown === true) return preserving(v, node);
  if (Array.isArray(v)) {
    const items = node?.items;
    return v.map((x) => structuralItem(x, items));
  }
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  if (node === undefined) return out;
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    if (node.embedded && embeddedMetaField(k, x)) {
      setOwn(out, k, deepCopy(x));
      continue;
    }
    const prop = node.properties?.get(k);
    if (prop !== undefined) setChild(out, k, x, prop);
    else if (node.additional !== undefined) setChild(out, k, x, node.additional);
    else if (node.additionalAny) setOwn(out, k, structural(x, undefined));
  }
  addDefaults(out, v, node);
  return out;
}

/** `skipPrune`: unknown keys stay, known ones are pruned by their schema; list items likewise. */
function preserving(v: unknown, node: SchemaNode): unknown {
  if (Array.isArray(v)) {
    const items = node.items;
    if (items === undefined) return deepCopy(v);
    return v.map((x) =>
      x === null && !items.nullable && items.hasDefault
        ? preserving(deepCopy(items.defaultValue), items)
        : preserving(x, items),
    );
  }
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === undefined) continue;
    if (node.embedded && embeddedMetaField(k, x)) {
      setOwn(out, k, deepCopy(x));
      continue;
    }
    const prop = node.properties?.get(k);
    if (prop !== undefined) setChild(out, k, x, prop);
    else if (node.additional !== undefined) setChild(out, k, x, node.additional);
    else if (node.additionalAny) setOwn(out, k, structural(x, undefined));
    else setOwn(out, k, deepCopy(x));
  }
  addDefaults(out, v, node);
  return out;
}

function structuralItem(x: unknown, items: SchemaNode | undefined): unknown {
  if (x === undefined) return null;
  if (x === null && items !== undefined && !items.nullable) {
    return items.hasDefault ? structural(deepCopy(items.defaultValue), items) : null;
  }
  return structural(x, items);
}

/** Sets `out[k]` from `x` under `schema`: non-nullable nulls become the default or are dropped. */
function setChild(out: Record<string, unknown>, k: string, x: unknown, schema: SchemaNode): void {
  if (x === null && !schema.nullable) {
    if (schema.hasDefault) setOwn(out, k, structural(deepCopy(schema.defaultValue), schema));
    return;
  }
  setOwn(out, k, structural(x, schema));
}

function addDefaults(out: Record<string, unknown>, input: Record<string, unknown>, node: SchemaNode): void {
  for (const k of node.defaulted) {
    if (Object.hasOwn(input, k) && input[k] !== undefined) continue;
    const prop = node.properties!.get(k)!;
    setOwn(out, k, structural(deepCopy(prop.defaultValue), prop));
  }
}

function embeddedMetaField(k: string, x: unknown): boolean {
  return ((k === 'apiVersion' || k === 'kind') && typeof x === 'string') || (k === 'metadata' && isObject(x));
}
