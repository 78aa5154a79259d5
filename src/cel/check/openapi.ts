/**
 * OpenAPI v3 schema → CEL type, as kro maps template and instance schemas for its typed environment
 * (kro-contract §5.8, which mirrors k8s.io/apiserver `SchemaDeclType`), and the Kubernetes escaping of
 * property names into CEL field names.
 */
import type { OpenAPISchema } from '../../schemas/prune.ts';
import {
  BOOL,
  BYTES,
  DOUBLE,
  DURATION,
  DYN,
  INT,
  LENIENT_DYN,
  STRING,
  TIMESTAMP,
  listOf,
  mapOf,
  type CelType,
  type StructType,
} from './types.ts';

/** CEL's reserved words; as property names they are escaped to `__word__` (k8s `Escape`). */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]); // prettier-ignore

/**
 * The CEL field name of an OpenAPI property, escaped the Kubernetes way: a reserved word `w` becomes
 * `__w__`; otherwise `__` → `__underscores__`, `.` → `__dot__`, `-` → `__dash__`, `/` → `__slash__`.
 * Returns undefined for names CEL cannot select at all (a leading digit, other characters).
 *
 * Source: k8s.io/apiserver/pkg/cel `Escape` (kro-contract §5.8).
 */
export function escapeFieldName(name: string): string | undefined {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(name)) return undefined;
  return name
    .replaceAll('__', '__underscores__')
    .replaceAll('.', '__dot__')
    .replaceAll('-', '__dash__')
    .replaceAll('/', '__slash__');
}

/** True for `x-kubernetes-preserve-unknown-fields: true`. */
export function preservesUnknownFields(s: OpenAPISchema): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

/** True for int-or-string fields: the CRD extension or the `int-or-string` format of built-in types. */
export function isIntOrString(s: OpenAPISchema): boolean {
  return s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
}

const structCache = new WeakMap<OpenAPISchema, Map<string, StructType>>();

/**
 * The CEL type of values of `schema`; `name` is the type name for object types
 * (`__type_<var>` plus the path, `@idx` for list items, `@elem` for map values).
 *
 * Mapping (kro-contract §5.8): int-or-string → `dyn`; `array` → `list(T)`; `object` with an
 * `additionalProperties` schema → `map(string, T)` (without a schema → `map(string, dyn)`); `object`
 * with properties → a struct, open (unknown fields `dyn`) with preserve-unknown-fields; `string` →
 * `string`, or `bytes` (`format: byte`), `google.protobuf.Timestamp` (`date`, `date-time`),
 * `google.protobuf.Duration` (`duration`); `boolean` → `bool`; `integer` → `int`; `number` → `double`.
 *
 * Deliberately more lenient than Kubernetes where its rule would turn a field kro-guard cannot type
 * with certainty into a missing one (which would reject valid RGDs): schemas without a `type`
 * (`oneOf`/`anyOf` such as Quantity, or none at all) and objects with neither properties nor
 * additionalProperties (RawExtension, FieldsV1) type as `dyn` / open structs.
 *
 * Pure; struct types are cached per schema object and name, and resolve fields on first selection.
 */
export function schemaToCelType(schema: OpenAPISchema, name: string): CelType {
  if (isIntOrString(schema)) return DYN;
  switch (schema.type) {
    case 'array':
      return schema.items === undefined ? listOf(DYN) : listOf(schemaToCelType(schema.items, `${name}.@idx`));
    case 'object': {
      const ap = schema.additionalProperties;
      if (typeof ap === 'object') return mapOf(STRING, schemaToCelType(ap, `${name}.@elem`));
      const props = schema.properties ?? {};
      if (ap === true && Object.keys(props).length === 0) return mapOf(STRING, DYN);
      return structType(schema, name);
    }
    case 'string':
      switch (schema.format) {
        case 'byte':
          return BYTES;
        case 'date':
        case 'date-time':
          return TIMESTAMP;
        case 'duration':
          return DURATION;
        default:
          return STRING;
      }
    case 'boolean':
      return BOOL;
    case 'integer':
      return INT;
    case 'number':
      return DOUBLE;
    default:
      if (schema.properties !== undefined) return structType(schema, name);
      return LENIENT_DYN;
  }
}

function structType(schema: OpenAPISchema, name: string): StructType {
  let byName = structCache.get(schema);
  if (byName === undefined) {
    byName = new Map();
    structCache.set(schema, byName);
  }
  const cached = byName.get(name);
  if (cached !== undefined) return cached;

  const props = schema.properties ?? {};
  const open = preservesUnknownFields(schema) || Object.keys(props).length === 0;
  let index: Map<string, string> | undefined;
  const fieldIndex = (): Map<string, string> => {
    if (index === undefined) {
      index = new Map();
      for (const prop of Object.keys(props)) {
        const escaped = escapeFieldName(prop);
        if (escaped === undefined) continue;
        index.set(escaped, prop);
        // kro enables recognizeKeywordAsFieldName: `x.namespace` selects the property `namespace`.
        if (CEL_RESERVED.has(prop)) index.set(prop, prop);
      }
    }
    return index;
  };
  const fieldTypes = new Map<string, CelType>();
  const t: StructType = {
    kind: 'struct',
    name,
    open,
    field(f) {
      const known = fieldTypes.get(f);
      if (known !== undefined) return known;
      const prop = fieldIndex().get(f);
      if (prop === undefined) return open ? DYN : undefined;
      const ft = schemaToCelType(props[prop]!, `${name}.${prop}`);
      fieldTypes.set(f, ft);
      return ft;
    },
    fieldNames: () => [...new Set(fieldIndex().values())].map((p) => escapeFieldName(p)!),
  };
  byName.set(name, t);
  return t;
}

/**
 * The sub-schema at a template path (kro-contract §5.7's expected-type walk): each step goes through
 * `properties`, then `additionalProperties`, then (for an index) `items`. Returns undefined when the
 * path leaves the schema (unknown field, or under a preserve-unknown subtree: the expected type is then
 * `dyn`).
 */
export function schemaAtPath(
  schema: OpenAPISchema,
  path: readonly (string | number)[],
): OpenAPISchema | undefined {
  let s: OpenAPISchema | undefined = schema;
  for (const step of path) {
    if (s === undefined) return undefined;
    if (typeof step === 'number') {
      s = s.items;
      continue;
    }
    const next: OpenAPISchema | undefined = s.properties?.[step];
    if (next !== undefined) {
      s = next;
      continue;
    }
    s = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  }
  return s;
}
