/**
 * The walk plan of a CRD's structural schema (`openAPIV3Schema`), built once per schema: every node's
 * keywords read and type-checked, patterns and formats compiled, defaults made JSON-safe, and flags
 * that let the per-object walks skip subtrees with nothing to do.
 *
 * The input is untrusted JSON (a CRD from a cluster, a file, or kro-guard's own synthesis): keywords of
 * the wrong JSON type are ignored, as Go's decoder would have refused the CRD anyway. Never throws.
 * `allOf`/`anyOf`/`oneOf`/`not` are not read (kro's SimpleSchema never writes them; structural
 * schemas only allow them for value validation).
 */
import { formatCheck, type FormatCheck } from './formats.ts';
import { compilePattern, type CompiledPattern } from './pattern.ts';
import type { RawValidationRule } from './rules.ts';

/** Whether a value is a JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One compiled schema node. Fields absent in the schema are `undefined`. */
export interface SchemaNode {
  /** `type`, `''` when absent. */
  readonly type: string;
  /** The type list kube-openapi prints: `integer,string` for int-or-string, else `type`. */
  readonly typeNames: string;
  readonly nullable: boolean;
  readonly intOrString: boolean;
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly properties: ReadonlyMap<string, SchemaNode> | undefined;
  /** Properties that have a `default`, in schema order. */
  readonly defaulted: readonly string[];
  /** `additionalProperties` as a schema. */
  readonly additional: SchemaNode | undefined;
  /** `additionalProperties: true` without a schema. */
  readonly additionalAny: boolean;
  readonly items: SchemaNode | undefined;
  readonly hasDefault: boolean;
  /** The `default`, JSON-safe (bigints outside ±2^53 become the nearest number). Deep-copy before use. */
  readonly defaultValue: unknown;
  readonly required: readonly string[];
  readonly enumValues: readonly unknown[] | undefined;
  /** `enum` as the API server prints it: strings as is, other values as JSON. */
  readonly enumTexts: readonly string[];
  readonly maximum: number | undefined;
  readonly exclusiveMaximum: boolean;
  readonly minimum: number | undefined;
  readonly exclusiveMinimum: boolean;
  readonly multipleOf: number | undefined;
  readonly maxLength: number | undefined;
  readonly minLength: number | undefined;
  readonly pattern: CompiledPattern | undefined;
  /** A format the API server checks (see formats.ts); undefined for stripped or absent formats. */
  readonly format: FormatCheck | undefined;
  readonly maxItems: number | undefined;
  readonly minItems: number | undefined;
  readonly maxProperties: number | undefined;
  readonly minProperties: number | undefined;
  /** `x-kubernetes-list-type` when `set` or `map`. */
  readonly listType: 'set' | 'map' | undefined;
  readonly listMapKeys: readonly string[];
  /** `x-kubernetes-validations`, uncompiled (see rules.ts). */
  readonly rawRules: readonly RawValidationRule[];
  /** True when this node or a descendant has validation rules. */
  readonly subtreeHasRules: boolean;
  /** True when this node or a descendant is a `set` or `map` list. */
  readonly subtreeHasListTypes: boolean;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function count(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A copy of a decoded JSON value with bigints as numbers (the shape JSON.parse gives). */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, jsonSafe(v[k]));
    return out;
  }
  return v;
}

/** Sets `obj[key]` as an own data property, also for `__proto__`. */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

function enumText(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(jsonSafe(v)) ?? 'null');
}

function rawRules(v: unknown): RawValidationRule[] {
  if (!Array.isArray(v)) return [];
  const out: RawValidationRule[] = [];
  for (const r of v) {
    if (!isObject(r) || typeof r.rule !== 'string') continue;
    out.push({
      rule: r.rule,
      message: typeof r.message === 'string' ? r.message : '',
      messageExpression: typeof r.messageExpression === 'string' ? r.messageExpression : '',
      reason: typeof r.reason === 'string' ? r.reason : '',
      fieldPath: typeof r.fieldPath === 'string' ? r.fieldPath : '',
      optionalOldSelf: r.optionalOldSelf === true,
    });
  }
  return out;
}

/**
 * Compiles one schema node and its descendants. `depth` bounds recursion on hostile input (CRD
 * schemas from the API server are trees; a cyclic object graph would otherwise never end): nodes
 * deeper than 200 levels are treated as schemaless.
 */
export function compileSchemaNode(raw: unknown, depth = 0): SchemaNode {
  const s = isObject(raw) && depth < 200 ? raw : {};
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const type = typeof s.type === 'string' ? s.type : '';
  let properties: Map<string, SchemaNode> | undefined;
  const defaulted: string[] = [];
  if (isObject(s.properties)) {
    properties = new Map();
    for (const k of Object.keys(s.properties)) {
      const child = compileSchemaNode(s.properties[k], depth + 1);
      properties.set(k, child);
      if (child.hasDefault) defaulted.push(k);
    }
  }
  const additional = isObject(s.additionalProperties)
    ? compileSchemaNode(s.additionalProperties, depth + 1)
    : undefined;
  const items = isObject(s.items) ? compileSchemaNode(s.items, depth + 1) : undefined;
  const listType = s['x-kubernetes-list-type'];
  const rules = rawRules(s['x-kubernetes-validations']);
  const children = [...(properties?.values() ?? []), additional, items].filter(
    (c): c is SchemaNode => c !== undefined,
  );
  const enumValues = Array.isArray(s.enum) && s.enum.length > 0 ? s.enum.map(jsonSafe) : undefined;
  const format = typeof s.format === 'string' && s.format !== '' ? formatCheck(s.format) : undefined;
  return {
    type,
    typeNames: intOrString ? 'integer,string' : type,
    nullable: s.nullable === true,
    intOrString,
    preserveUnknown: s['x-kubernetes-preserve-unknown-fields'] === true,
    embedded: s['x-kubernetes-embedded-resource'] === true,
    properties,
    defaulted,
    additional,
    additionalAny: s.additionalProperties === true,
    items,
    hasDefault: Object.hasOwn(s, 'default') && s.default !== undefined,
    defaultValue: jsonSafe(s.default),
    required: stringList(s.required),
    enumValues,
    enumTexts: enumValues?.map(enumText) ?? [],
    maximum: num(s.maximum),
    exclusiveMaximum: s.exclusiveMaximum === true,
    minimum: num(s.minimum),
    exclusiveMinimum: s.exclusiveMinimum === true,
    multipleOf: num(s.multipleOf),
    maxLength: count(s.maxLength),
    minLength: count(s.minLength),
    pattern: typeof s.pattern === 'string' && s.pattern !== '' ? compilePattern(s.pattern) : undefined,
    format,
    maxItems: count(s.maxItems),
    minItems: count(s.minItems),
    maxProperties: count(s.maxProperties),
    minProperties: count(s.minProperties),
    listType: listType === 'set' || listType === 'map' ? listType : undefined,
    listMapKeys: stringList(s['x-kubernetes-list-map-keys']),
    rawRules: rules,
    subtreeHasRules: rules.length > 0 || children.some((c) => c.subtreeHasRules),
    subtreeHasListTypes:
      listType === 'set' || listType === 'map' || children.some((c) => c.subtreeHasListTypes),
  };
}

/** A deep copy of a decoded JSON value (`undefined` keys dropped, `undefined` items `null`, as JSON). */
export function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : deepCopy(x)));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) if (v[k] !== undefined) setOwn(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}

/** Deep equality of decoded JSON values (Go `reflect.DeepEqual` on unstructured data). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}
