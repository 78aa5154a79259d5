/**
 * Reading untyped objects (decoded YAML or JSON) field by field, collecting every problem as a
 * {@link Diagnostic} with a kubectl path, in the API server's wording (`Required value`,
 * `Unsupported value: "x": supported values: …`, `Duplicate value: "x"`). Shared by the policy and
 * exception parsers; nothing here throws.
 */
import {
  error,
  formatPath,
  warning,
  type Diagnostic,
  type PathSegment,
} from '../../diagnostics/diagnostic.ts';

/** A field path under construction. */
export type Path = readonly PathSegment[];

/** The diagnostics of one parse. */
export class Findings {
  readonly list: Diagnostic[] = [];

  /** Adds an error at `path`. */
  error(code: string, path: Path, message: string): void {
    this.list.push(error(code, formatPath(path), message));
  }

  /** Adds a warning at `path`. */
  warning(code: string, path: Path, message: string): void {
    this.list.push(warning(code, formatPath(path), message));
  }

  /** True when an error was recorded since `mark` (an earlier `list.length`). */
  errorsSince(mark: number): boolean {
    return this.list.slice(mark).some((d) => d.severity === 'error');
  }
}

/** The OpenAPI type name of a JSON value: `string`, `integer`, `number`, `boolean`, `array`, `object`, `null`. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** True for a plain object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Constraints on a string value. */
export interface StringRule {
  minLength?: number;
  maxLength?: number;
  /** The value must match (the whole string; anchor it). */
  pattern?: RegExp;
  /** What `pattern` accepts, for the message: `a DNS-1123 label`. */
  describe?: string;
  /** The value must be one of these. */
  enum?: readonly string[];
}

/** Checks a string against `rule`, reporting at `path`. Returns false when it is invalid. */
export function checkString(f: Findings, v: string, path: Path, rule: StringRule): boolean {
  const mark = f.list.length;
  if (rule.enum !== undefined && !rule.enum.includes(v)) {
    f.error(
      'policy/unsupported-value',
      path,
      `Unsupported value: ${quote(v)}: supported values: ${rule.enum.map(quote).join(', ')}`,
    );
  }
  const length = [...v].length;
  if (rule.minLength !== undefined && length < rule.minLength) {
    f.error(
      'policy/invalid-value',
      path,
      rule.minLength === 1
        ? `Required value: must not be empty`
        : `Invalid value: ${quote(v)}: must be at least ${rule.minLength} characters`,
    );
  } else if (rule.maxLength !== undefined && length > rule.maxLength) {
    f.error('policy/too-long', path, `Too long: may not be more than ${rule.maxLength} characters`);
  } else if (rule.pattern !== undefined && !rule.pattern.test(v)) {
    f.error(
      'policy/invalid-value',
      path,
      `Invalid value: ${quote(v)}: must be ${rule.describe ?? `a string matching ${rule.pattern.source}`}`,
    );
  }
  return !f.errorsSince(mark);
}

/** An object at `path`: undefined (no diagnostic) when absent or null, undefined with an error when not an object. */
export function readObject(f: Findings, v: unknown, path: Path): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) {
    f.error('policy/invalid-type', path, `Invalid value: ${quote(jsonType(v))}: must be of type object`);
    return undefined;
  }
  return v;
}

/** A list item that must be an object: null or another type is an error. */
export function readItemObject(f: Findings, v: unknown, path: Path): Record<string, unknown> | undefined {
  if (!isRecord(v)) {
    f.error('policy/invalid-type', path, `Invalid value: ${quote(jsonType(v))}: must be of type object`);
    return undefined;
  }
  return v;
}

/** Reports every key of `o` not in `allowed` (`unknown field "x"`, as strict field validation does). */
export function checkKnownFields(
  f: Findings,
  o: Record<string, unknown>,
  path: Path,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(o).sort()) {
    if (!allowed.includes(key))
      f.error('policy/unknown-field', [...path, key], `unknown field ${quote(key)}`);
  }
}

/** Reports a missing required field. */
export function required(f: Findings, path: Path): void {
  f.error('policy/required', path, 'Required value');
}

/** `o[key]` as a string; absent or null gives undefined (an error when `isRequired`). */
export function readString(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  rule: StringRule & { required?: boolean } = {},
): string | undefined {
  const v = o[key];
  const at = [...path, key];
  if (v === undefined || v === null) {
    if (rule.required) required(f, at);
    return undefined;
  }
  if (typeof v !== 'string') {
    f.error('policy/invalid-type', at, `Invalid value: ${quote(jsonType(v))}: must be of type string`);
    return undefined;
  }
  return checkString(f, v, at, rule) ? v : undefined;
}

/** `o[key]` as one of `values`. */
export function readEnum<T extends string>(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  values: readonly T[],
  isRequired = false,
): T | undefined {
  return readString(f, o, key, path, { enum: values, required: isRequired }) as T | undefined;
}

/** `o[key]` as a set of `values`. */
export function readEnumList<T extends string>(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  values: readonly T[],
  rule: ListRule = {},
): T[] | undefined {
  return readStringList(f, o, key, path, { ...rule, enum: values, unique: true }) as T[] | undefined;
}

/** `o[key]` as a boolean. */
export function readBoolean(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') {
    f.error(
      'policy/invalid-type',
      [...path, key],
      `Invalid value: ${quote(jsonType(v))}: must be of type boolean`,
    );
    return undefined;
  }
  return v;
}

/** Bounds of an integer. */
export interface IntegerRule {
  minimum?: number;
  maximum?: number;
}

function checkInteger(f: Findings, v: unknown, path: Path, rule: IntegerRule): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    f.error('policy/invalid-type', path, `Invalid value: ${quote(jsonType(v))}: must be of type integer`);
    return undefined;
  }
  if (rule.minimum !== undefined && v < rule.minimum) {
    f.error(
      'policy/invalid-value',
      path,
      `Invalid value: ${v}: must be greater than or equal to ${rule.minimum}`,
    );
    return undefined;
  }
  if (rule.maximum !== undefined && v > rule.maximum) {
    f.error(
      'policy/invalid-value',
      path,
      `Invalid value: ${v}: must be less than or equal to ${rule.maximum}`,
    );
    return undefined;
  }
  return v;
}

/** `o[key]` as an integer within bounds. */
export function readInteger(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  rule: IntegerRule = {},
): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return checkInteger(f, v, [...path, key], rule);
}

/** Constraints on a list. */
export interface ListRule {
  minItems?: number;
  maxItems?: number;
  /** Items must be distinct (`x-kubernetes-list-type: set`). */
  unique?: boolean;
  required?: boolean;
}

/**
 * `o[key]` as a list whose items are read by `item` (which returns undefined for a bad item, after
 * reporting it). Returns the good items, or undefined when the field is absent or not a list.
 */
export function readList<T>(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  rule: ListRule,
  item: (v: unknown, path: Path) => T | undefined,
): T[] | undefined {
  const v = o[key];
  const at = [...path, key];
  if (v === undefined || v === null) {
    if (rule.required) required(f, at);
    return undefined;
  }
  if (!Array.isArray(v)) {
    f.error('policy/invalid-type', at, `Invalid value: ${quote(jsonType(v))}: must be of type array`);
    return undefined;
  }
  if (rule.minItems !== undefined && v.length < rule.minItems) {
    f.error(
      'policy/invalid-value',
      at,
      rule.minItems === 1
        ? 'Required value: must have at least one item'
        : `must have at least ${rule.minItems} items`,
    );
  }
  if (rule.maxItems !== undefined && v.length > rule.maxItems) {
    f.error('policy/too-many', at, `Too many: ${v.length}: must have at most ${rule.maxItems} items`);
    return undefined;
  }
  const out: T[] = [];
  const seen = new Set<string>();
  v.forEach((x, i) => {
    const r = item(x, [...at, i]);
    if (r === undefined) return;
    if (rule.unique) {
      const k = JSON.stringify(r);
      if (seen.has(k)) {
        f.error('policy/duplicate', [...at, i], `Duplicate value: ${k}`);
        return;
      }
      seen.add(k);
    }
    out.push(r);
  });
  return out;
}

/** A list of strings, each checked against `rule`. */
export function readStringList(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  rule: StringRule & ListRule = {},
): string[] | undefined {
  return readList(f, o, key, path, rule, (v, p) => {
    if (typeof v !== 'string') {
      f.error('policy/invalid-type', p, `Invalid value: ${quote(jsonType(v))}: must be of type string`);
      return undefined;
    }
    return checkString(f, v, p, rule) ? v : undefined;
  });
}

/** A list of integers within bounds. */
export function readIntegerList(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
  rule: IntegerRule & ListRule = {},
): number[] | undefined {
  return readList(f, o, key, path, rule, (v, p) => checkInteger(f, v, p, rule));
}
