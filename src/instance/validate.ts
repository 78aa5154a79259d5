/**
 * OpenAPI validation of a custom resource body against its structural schema, with the API server's
 * texts (kube-openapi `pkg/validation/validate` through apiextensions-apiserver
 * `kubeOpenAPIResultToFieldErrors`; kro-contract §7 step 4), plus the `x-kubernetes-list-type`
 * invariants (`pkg/apiserver/schema/listtype`).
 *
 * Per node, as kube-openapi's validators run:
 * - type: `<name> in body must be of type <type>: "<actual type>"` (Invalid value: "<actual type>");
 *   `integer` is a JSON number without a fraction below 2^63; int-or-string prints `integer,string`;
 *   `null` is an error unless `nullable`. A string or list value under a checked `format` skips the
 *   type check (the format check runs instead), as in kube-openapi;
 * - strings (first failure only): `maxLength` (`Too long: may not be more than <n> bytes`, counted in
 *   runes), `minLength` (`should be at least <n> chars long`), `pattern` (`should match '<p>'`);
 *   `format` (`must be of type <format>: "<value>"`);
 * - numbers: `multipleOf`, `maximum`, `minimum` (exclusive variants `less than`/`greater than`). For a
 *   whole number the bound is truncated to an integer first (Go's `int64(max)`), as the API server does;
 * - lists: items, `minItems` (`should have at least <n> items`, the bad value is the length),
 *   `maxItems` (`Too many: <len>: must have at most <n> items`);
 * - `enum`: `Unsupported value: <v>: supported values: "a", "b"` (non-string values as JSON);
 * - objects: `minProperties` (`should have at least <n> properties`, the bad value is the count),
 *   `maxProperties` (`Too many: <count>: must have at most <n> items`), `additionalProperties`
 *   values, properties, `required` (`Required value`).
 * - list types: `set` items and `map` key tuples must be unique (`Duplicate value`, reported at the
 *   second occurrence of each value), `map` items must be objects.
 *
 * Field names in messages are kube-openapi's (`spec.ports[0].name`, map keys joined with `.`); list
 * type errors use `field.Path` (`spec.labels[k]`). On UPDATE, errors at unchanged correlated nodes are
 * dropped (ratcheting, correlation.ts); list type errors are reported only when the old object had
 * none (the API server's ratcheting for them).
 */
import { goFloatV, goNumber, jsonTypeName } from '../crd/gofmt.ts';
import { goQuote } from '../golang/strings.ts';
import {
  duplicate,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  type FieldError,
} from './field-errors.ts';
import { child, fieldPathString, openApiName, type FieldPath } from './field-path.ts';
import { itemCorrelations, keyCorrelation, unchanged, type Correlated } from './correlation.ts';
import { patternFailure } from './pattern.ts';
import { isObject, jsonEqual, setOwn, type SchemaNode } from './schema-node.ts';

/** Findings of one validation walk. */
export interface ValidationFindings {
  /** OpenAPI errors that survived ratcheting, in walk order. */
  readonly errors: FieldError[];
  /** List-type errors (ratcheted as a whole by the caller). */
  readonly listErrors: FieldError[];
}

interface Walk extends ValidationFindings {
  readonly schemaErrors: boolean;
}

/** Validates `value` (the root of an object) against `root`. `listsOnly` skips the OpenAPI checks. */
export function validateObject(
  value: unknown,
  root: SchemaNode,
  correlated: Correlated,
  listsOnly = false,
): ValidationFindings {
  const w: Walk = { errors: [], listErrors: [], schemaErrors: !listsOnly };
  validateNode(w, value, root, undefined, correlated, true);
  return { errors: w.errors, listErrors: w.listErrors };
}

function report(w: Walk, c: Correlated, e: FieldError): void {
  if (!unchanged(c.corr)) w.errors.push(e);
}

function runeLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      n++;
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/** swag.IsFloat64AJSONInteger. */
function isJsonInteger(f: number): boolean {
  return Number.isFinite(f) && Math.abs(f) <= 2 ** 53 && f === Math.trunc(f);
}

function validateNode(
  w: Walk,
  v: unknown,
  node: SchemaNode,
  path: FieldPath | undefined,
  c: Correlated,
  root: boolean,
): void {
  if (w.schemaErrors) checkType(w, v, node, path, c);
  if (v === null) {
    if (w.schemaErrors) checkEnum(w, v, node, path, c);
    return;
  }
  if (typeof v === 'string') {
    if (w.schemaErrors) checkString(w, v, node, path, c);
  } else if (typeof v === 'number') {
    if (w.schemaErrors) checkNumber(w, v, node, path, c);
  } else if (Array.isArray(v)) {
    checkList(w, v, node, path, c);
  }
  if (w.schemaErrors) checkEnum(w, v, node, path, c);
  if (isObject(v)) checkObject(w, v, node, path, c, root);
}

function typeError(
  w: Walk,
  path: FieldPath | undefined,
  c: Correlated,
  typeText: string,
  actual: string,
): void {
  const name = openApiName(path);
  const detail = `${name} in body must be of type ${typeText}: ${goQuote(actual)}`;
  report(w, c, invalid('instance/invalid-type', path, name, actual, detail));
}

const INT_OR_STRING = ['integer', 'string'];
const NO_TYPES: string[] = [];

function checkType(w: Walk, v: unknown, node: SchemaNode, path: FieldPath | undefined, c: Correlated): void {
  const types = node.intOrString ? INT_OR_STRING : node.type !== '' ? [node.type] : NO_TYPES;
  if (types.length === 0 && node.format === undefined) return;
  if (v === null) {
    if (types.length > 0 && !node.nullable) typeError(w, path, c, node.typeNames, 'null');
    return;
  }
  const kind = jsonTypeName(v);
  const intFloat = kind === 'integer' && types.includes('number');
  const format = node.format?.name;
  if (kind !== 'string' && kind !== 'array' && format !== undefined && !(types.includes(kind) || intFloat)) {
    typeError(w, path, c, format, kind === 'integer' ? 'int64' : kind === 'number' ? 'float64' : '');
    return;
  }
  if (!types.includes('number') && !types.includes('integer') && format !== undefined) {
    if (kind === 'string' || kind === 'array') return;
  }
  if (!(types.includes(kind) || intFloat)) typeError(w, path, c, node.typeNames, kind);
}

function checkString(w: Walk, v: string, node: SchemaNode, path: FieldPath | undefined, c: Correlated): void {
  if (node.maxLength !== undefined || node.minLength !== undefined) {
    const len = runeLength(v);
    if (node.maxLength !== undefined && len > node.maxLength) {
      report(w, c, tooLong('instance/too-long', path, openApiName(path), node.maxLength));
    } else if (node.minLength !== undefined && len < node.minLength) {
      const name = openApiName(path);
      report(
        w,
        c,
        invalid(
          'instance/too-short',
          path,
          name,
          v,
          `${name} in body should be at least ${node.minLength} chars long`,
        ),
      );
    } else {
      checkPattern(w, v, node, path, c);
    }
  } else {
    checkPattern(w, v, node, path, c);
  }
  if (node.format !== undefined && !node.format.test(v)) {
    const name = openApiName(path);
    report(
      w,
      c,
      invalid(
        'instance/invalid-format',
        path,
        name,
        v,
        `${name} in body must be of type ${node.format.name}: ${goQuote(v)}`,
      ),
    );
  }
}

function checkPattern(
  w: Walk,
  v: string,
  node: SchemaNode,
  path: FieldPath | undefined,
  c: Correlated,
): void {
  if (node.pattern === undefined) return;
  const name = openApiName(path);
  const detail = patternFailure(node.pattern, name, v);
  if (detail !== undefined) report(w, c, invalid('instance/pattern', path, name, v, detail));
}

function numberError(
  w: Walk,
  v: number,
  path: FieldPath | undefined,
  c: Correlated,
  code: string,
  detail: string,
): void {
  const name = openApiName(path);
  report(w, c, invalid(code, path, name, v, `${name} in body ${detail}`));
}

/** A bound as kube-openapi prints it: truncated to int64 for whole values, Go `%v` of a float64 else. */
function boundText(x: number, whole: boolean): string {
  return whole ? goNumber(Math.trunc(x)) : goFloatV(x);
}

function checkNumber(w: Walk, v: number, node: SchemaNode, path: FieldPath | undefined, c: Correlated): void {
  const whole = jsonTypeName(v) === 'integer';
  if (node.multipleOf !== undefined) {
    const f = node.multipleOf;
    const intFactor = Math.trunc(f);
    if (f < 0) {
      const name = openApiName(path);
      const detail = `factor MultipleOf declared for ${name} must be positive: ${boundText(f, whole)}`;
      report(w, c, invalid('instance/multiple-of', path, name, f, detail));
    } else if (whole && intFactor !== 0) {
      if (v % intFactor !== 0)
        numberError(w, v, path, c, 'instance/multiple-of', `should be a multiple of ${goNumber(intFactor)}`);
    } else if (!isJsonInteger(f < 1 ? (1 / f) * v : v / f)) {
      numberError(w, v, path, c, 'instance/multiple-of', `should be a multiple of ${goFloatV(f)}`);
    }
  }
  if (node.maximum !== undefined) {
    const max = whole ? Math.trunc(node.maximum) : node.maximum;
    if (node.exclusiveMaximum ? v >= max : v > max) {
      const op = node.exclusiveMaximum ? 'less than' : 'less than or equal to';
      numberError(w, v, path, c, 'instance/maximum', `should be ${op} ${boundText(node.maximum, whole)}`);
    }
  }
  if (node.minimum !== undefined) {
    const min = whole ? Math.trunc(node.minimum) : node.minimum;
    if (node.exclusiveMinimum ? v <= min : v < min) {
      const op = node.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      numberError(w, v, path, c, 'instance/minimum', `should be ${op} ${boundText(node.minimum, whole)}`);
    }
  }
}

function checkEnum(w: Walk, v: unknown, node: SchemaNode, path: FieldPath | undefined, c: Correlated): void {
  const values = node.enumValues;
  if (values === undefined) return;
  if (v !== null && values.some((e) => jsonEqual(v, e))) return;
  report(w, c, notSupported('instance/unsupported-value', path, openApiName(path), v, node.enumTexts));
}

function checkList(
  w: Walk,
  v: readonly unknown[],
  node: SchemaNode,
  path: FieldPath | undefined,
  c: Correlated,
): void {
  const items = node.items;
  if (items !== undefined && (w.schemaErrors || items.subtreeHasListTypes)) {
    const corrs = c.corr === undefined ? undefined : itemCorrelations(c, node, v);
    for (let i = 0; i < v.length; i++)
      validateNode(w, v[i], items, child(path, i, 'index'), corrs?.[i] ?? c, false);
  }
  if (w.schemaErrors) {
    if (node.minItems !== undefined && v.length < node.minItems) {
      const name = openApiName(path);
      report(
        w,
        c,
        invalid(
          'instance/too-few-items',
          path,
          name,
          v.length,
          `${name} in body should have at least ${node.minItems} items`,
        ),
      );
    }
    if (node.maxItems !== undefined && v.length > node.maxItems)
      report(w, c, tooMany('instance/too-many-items', path, openApiName(path), v.length, node.maxItems));
  }
  if (node.listType === 'set') checkSet(w, v, path);
  else if (node.listType === 'map') checkMapList(w, v, node, path);
}

function checkObject(
  w: Walk,
  v: Record<string, unknown>,
  node: SchemaNode,
  path: FieldPath | undefined,
  c: Correlated,
  root: boolean,
): void {
  const keys = Object.keys(v);
  if (w.schemaErrors) {
    if (node.minProperties !== undefined && keys.length < node.minProperties) {
      const name = openApiName(path);
      report(
        w,
        c,
        invalid(
          'instance/too-few-properties',
          path,
          name,
          keys.length,
          `${name} in body should have at least ${node.minProperties} properties`,
        ),
      );
    }
    if (node.maxProperties !== undefined && keys.length > node.maxProperties)
      report(
        w,
        c,
        tooMany('instance/too-many-properties', path, openApiName(path), keys.length, node.maxProperties),
      );
  }
  for (const k of keys) {
    const prop = node.properties?.get(k);
    const schema = prop ?? node.additional;
    if (schema === undefined || (!w.schemaErrors && !schema.subtreeHasListTypes)) continue;
    const kc = c.corr === undefined ? c : keyCorrelation(c, k, v[k], root);
    validateNode(w, v[k], schema, child(path, k, prop !== undefined ? 'property' : 'key'), kc, false);
  }
  if (w.schemaErrors) {
    for (const r of node.required) {
      if (!Object.hasOwn(v, r)) {
        const rp = child(path, r, 'property');
        report(w, c, required('instance/required', rp, openApiName(rp)));
      }
    }
  }
}

function checkSet(w: Walk, v: readonly unknown[], path: FieldPath | undefined): void {
  for (const i of secondOccurrences(v)) {
    const ip = child(path, i, 'index');
    w.listErrors.push(duplicate('instance/duplicate', ip, fieldPathString(ip), v[i]));
  }
}

function checkMapList(w: Walk, v: readonly unknown[], node: SchemaNode, path: FieldPath | undefined): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== null && !isObject(x)) {
      const ip = child(path, i, 'index');
      w.listErrors.push(
        invalid(
          'instance/invalid-map-list-item',
          ip,
          fieldPathString(ip),
          x,
          'must be an object for an array of list-type map',
        ),
      );
      return;
    }
  }
  const keys = v.map((x) => {
    const key: Record<string, unknown> = {};
    if (isObject(x)) for (const k of node.listMapKeys) if (Object.hasOwn(x, k)) key[k] = x[k];
    return key;
  });
  for (const i of secondOccurrences(keys)) {
    const ip = child(path, i, 'index');
    w.listErrors.push(duplicate('instance/duplicate', ip, fieldPathString(ip), keys[i]));
  }
}

/** Indexes of the second occurrence of each repeated value (Go `validateListSet`). */
function secondOccurrences(v: readonly unknown[]): number[] {
  const seen = new Map<string, number>();
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const key = setKey(v[i]);
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    if (times === 1) out.push(i);
  }
  return out;
}

function setKey(x: unknown): string {
  if (typeof x === 'number') return `n${jsonTypeName(x)}:${x}`;
  if (x === null || typeof x !== 'object') return `${typeof x}:${String(x)}`;
  return `j:${JSON.stringify(sortKeys(x))}`;
}

function sortKeys(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(sortKeys);
  if (!isObject(x)) return x;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x).sort()) setOwn(out, k, sortKeys(x[k]));
  return out;
}
