/**
 * Locations inside a generated CRD schema, written two ways:
 * - the API server's field path (`spec.validation.openAPIV3Schema.properties[spec].properties[x].items`),
 *   which it prints in its validation messages;
 * - the RGD field the schema node comes from (`spec.schema.spec.x`, or `spec.schema.types.T.y` when the
 *   node was built from a SimpleSchema custom type), used as the diagnostic path.
 */
import { formatPath, type PathSegment } from '../diagnostics/diagnostic.ts';
import { parseFieldDefinition, parseType, type TypeExpr } from '../simpleschema/type-grammar.ts';

/** One step from a schema node to a child schema node. */
export type SchemaStep = { prop: string } | 'items' | 'additionalProperties';

/**
 * The raw SimpleSchema of the RGD (`spec.schema.spec` and `spec.schema.types`, as decoded from YAML),
 * used to trace a spec schema node back to the field or custom type that defined it.
 */
export interface RgdSchemaSource {
  spec?: unknown;
  types?: unknown;
}

/** Prefix of every schema location in the API server's messages for a single-version CRD. */
export const API_SCHEMA_ROOT = 'spec.validation.openAPIV3Schema';

/**
 * The API server's field path of a schema node, e.g. `properties[spec].properties[x].items` under
 * {@link API_SCHEMA_ROOT}. Keys are written as-is inside brackets, like Go's `field.Path.Key`.
 */
export function apiSchemaPath(steps: readonly SchemaStep[]): string {
  let out = API_SCHEMA_ROOT;
  for (const s of steps) out += typeof s === 'string' ? `.${s}` : `.properties[${s.prop}]`;
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Cursor =
  | { kind: 'struct'; raw: Record<string, unknown>; path: PathSegment[] }
  | { kind: 'type'; type: TypeExpr; path: PathSegment[] }
  | { kind: 'leaf'; path: PathSegment[] };

/**
 * The RGD field path a CRD schema node comes from (kro-contract §3: the spec schema is built from
 * `spec.schema.spec` and `spec.schema.types`; §5.9: the status schema from `spec.schema.status`).
 *
 * `steps` start at the CRD root (`openAPIV3Schema`). Under `spec`, each property is followed through the
 * raw SimpleSchema: nested maps are structs, a string is a field definition whose type is followed into
 * `spec.schema.types.<Name>` for custom types, `[]T` for `items` and `map[string]T` for
 * `additionalProperties`. Where the raw source ends (or is not given) the deepest RGD path reached is
 * returned. Under `status`, properties map to `spec.schema.status.<...>` and `items`/`additionalProperties`
 * stop. Any other root location maps to `spec.schema`.
 */
export function rgdPathForSchema(steps: readonly SchemaStep[], source?: RgdSchemaSource): string {
  const first = steps[0];
  if (first === undefined || typeof first === 'string') return 'spec.schema';
  if (first.prop === 'status') {
    const path: PathSegment[] = ['spec', 'schema', 'status'];
    for (const s of steps.slice(1)) {
      if (typeof s === 'string') break;
      path.push(s.prop);
    }
    return formatPath(path);
  }
  if (first.prop !== 'spec') return 'spec.schema';
  if (source === undefined) {
    const path: PathSegment[] = ['spec', 'schema', 'spec'];
    for (const s of steps.slice(1)) {
      if (typeof s === 'string') break;
      path.push(s.prop);
    }
    return formatPath(path);
  }
  const types = isMap(source.types) ? source.types : {};
  let cursor: Cursor = {
    kind: 'struct',
    raw: isMap(source.spec) ? source.spec : {},
    path: ['spec', 'schema', 'spec'],
  };
  for (const step of steps.slice(1)) {
    cursor = resolveCustom(cursor, types);
    const next = advance(cursor, step);
    if (next === undefined) break;
    cursor = next;
  }
  return formatPath(cursor.path);
}

/** Follows custom type names (and aliases) to their definition in `types`, at most 32 hops. */
function resolveCustom(cursor: Cursor, types: Record<string, unknown>): Cursor {
  let c = cursor;
  for (let hops = 0; hops < 32 && c.kind === 'type' && c.type.kind === 'custom'; hops++) {
    const name: string = c.type.name;
    if (!Object.hasOwn(types, name)) return c;
    c = fromRaw(types[name], ['spec', 'schema', 'types', name]);
  }
  return c;
}

function fromRaw(raw: unknown, path: PathSegment[]): Cursor {
  if (isMap(raw)) return { kind: 'struct', raw, path };
  if (typeof raw !== 'string') return { kind: 'leaf', path };
  const parsed = parseType(parseFieldDefinition(raw).typeText);
  return parsed.ok ? { kind: 'type', type: parsed.type, path } : { kind: 'leaf', path };
}

function advance(cursor: Cursor, step: SchemaStep): Cursor | undefined {
  if (cursor.kind === 'struct') {
    if (typeof step === 'string' || !Object.hasOwn(cursor.raw, step.prop)) return undefined;
    return fromRaw(cursor.raw[step.prop], [...cursor.path, step.prop]);
  }
  if (cursor.kind !== 'type') return undefined;
  const t = cursor.type;
  if (step === 'items' && t.kind === 'slice') return { kind: 'type', type: t.elem, path: cursor.path };
  if (step === 'additionalProperties' && t.kind === 'map')
    return { kind: 'type', type: t.value, path: cursor.path };
  return undefined;
}
