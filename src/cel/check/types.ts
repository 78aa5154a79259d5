/**
 * kro-guard's model of CEL types, as cel-go's type checker sees them (kro-contract §5.7, §5.8). Object
 * types built from OpenAPI schemas are {@link StructType}s whose fields are resolved lazily, so a large
 * or recursive schema costs only what an expression actually selects.
 */

/** The primitive CEL types, by cel-go's names. */
export type PrimitiveName =
  | 'int'
  | 'uint'
  | 'double'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'null_type'
  | 'google.protobuf.Timestamp'
  | 'google.protobuf.Duration';

/**
 * A struct (object) type: an OpenAPI object with properties, or a kro type such as `kro.run.Condition`.
 * `field` returns the type of a field selected by its CEL name (escaped, see `escapeFieldName`), or
 * undefined when the struct has no such field; for `open` structs (preserve-unknown-fields) an unknown
 * name is `dyn` instead.
 */
export interface StructType {
  readonly kind: 'struct';
  /** The type's name as cel-go prints it, e.g. `__type_deployment.spec.template`. */
  readonly name: string;
  /** True when unknown field names select `dyn` (x-kubernetes-preserve-unknown-fields). */
  readonly open: boolean;
  /** The type of field `name`, undefined when there is none (and the struct is closed). */
  field(name: string): CelType | undefined;
  /** The declared field names (CEL names), in schema order. */
  fieldNames(): readonly string[];
}

/** A CEL type. `error` marks an expression whose type could not be determined after an error. */
export type CelType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'dyn'; readonly lenient?: true }
  | { readonly kind: 'error' }
  | { readonly kind: 'list'; readonly elem: CelType }
  | { readonly kind: 'map'; readonly key: CelType; readonly value: CelType }
  | { readonly kind: 'optional'; readonly elem: CelType }
  | { readonly kind: 'type'; readonly of: CelType | undefined }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'opaque'; readonly name: string }
  | StructType;

const primitives = new Map<PrimitiveName, CelType>();

/** The primitive type `name` (one shared object per name). */
export function primitive(name: PrimitiveName): CelType {
  let t = primitives.get(name);
  if (t === undefined) {
    t = { kind: 'primitive', name };
    primitives.set(name, t);
  }
  return t;
}

export const INT = primitive('int');
export const UINT = primitive('uint');
export const DOUBLE = primitive('double');
export const BOOL = primitive('bool');
export const STRING = primitive('string');
export const BYTES = primitive('bytes');
export const NULL = primitive('null_type');
export const TIMESTAMP = primitive('google.protobuf.Timestamp');
export const DURATION = primitive('google.protobuf.Duration');
export const DYN: CelType = { kind: 'dyn' };
/**
 * `dyn` where kro-guard is unsure of cel-go's type (a schema it maps leniently, a kind it has no
 * schema for): never the cause of an error that needs a definite type (§5.4-§5.6 reject `dyn`).
 */
export const LENIENT_DYN: CelType = { kind: 'dyn', lenient: true };
export const ERROR: CelType = { kind: 'error' };

/** `list(elem)`. */
export function listOf(elem: CelType): CelType {
  return { kind: 'list', elem };
}

/** `map(key, value)`. */
export function mapOf(key: CelType, value: CelType): CelType {
  return { kind: 'map', key, value };
}

/** `optional_type(elem)`. */
export function optionalOf(elem: CelType): CelType {
  return { kind: 'optional', elem };
}

/** `type(of)`, the type of a type value. */
export function typeOf(of: CelType | undefined): CelType {
  return { kind: 'type', of };
}

/** A struct with a fixed field table (used for kro's own types such as `kro.run.Condition`). */
export function fixedStruct(
  name: string,
  fields: Readonly<Record<string, CelType>>,
  open = false,
): StructType {
  const names = Object.keys(fields);
  return {
    kind: 'struct',
    name,
    open,
    field: (f) => (Object.hasOwn(fields, f) ? fields[f] : open ? DYN : undefined),
    fieldNames: () => names,
  };
}

/**
 * The type as cel-go formats it in messages: `int`, `list(string)`, `map(string, int)`,
 * `optional_type(bool)`, `google.protobuf.Timestamp`, a struct's name, `dyn`, `type(int)`.
 */
export function formatType(t: CelType): string {
  switch (t.kind) {
    case 'primitive':
      return t.name;
    case 'dyn':
      return 'dyn';
    case 'error':
      return '*error*';
    case 'list':
      return `list(${formatType(t.elem)})`;
    case 'map':
      return `map(${formatType(t.key)}, ${formatType(t.value)})`;
    case 'optional':
      return `optional_type(${formatType(t.elem)})`;
    case 'type':
      return t.of === undefined ? 'type' : `type(${formatType(t.of)})`;
    case 'param':
      return t.name;
    case 'opaque':
    case 'struct':
      return t.name;
  }
}

/** True when `t` is `dyn` or `error` (an error already reported must not cause more). */
export function isDynOrError(t: CelType): boolean {
  return t.kind === 'dyn' || t.kind === 'error';
}
