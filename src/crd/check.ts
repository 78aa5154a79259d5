/**
 * The checks the Kubernetes API server applies when kro creates the instance CRD (kro-contract §6.2, layer
 * L3): a failure makes kro set `KindReady=False` and the RGD `Inactive`. Rules and wordings follow
 * `k8s.io/apiextensions-apiserver` `pkg/apis/apiextensions/validation/validation.go` (names, group,
 * versions, printer columns, OpenAPI schema, list types, `x-kubernetes-validations`),
 * `pkg/apiserver/schema/validation.go` (structural schema), `pkg/apiserver/schema/defaulting/validation.go`
 * (defaults) and `k8s.io/apimachinery` name/label validation.
 *
 * Message format: each diagnostic message is one API server field error,
 * `<field path>: <error>` (`spec.validation.openAPIV3Schema.properties[spec].properties[x].default:
 * Invalid value: …`): the API server reports a single-version CRD's schema under `spec.validation`. The
 * diagnostic `path` is the RGD field the problem comes from (see {@link ./paths.ts rgdPathForSchema}).
 *
 * Like the API server, later stages only run when earlier ones pass: defaults are validated only when the
 * structural checks pass, and CEL rules compile only when defaults are valid and the node and its
 * children have no schema error.
 *
 * Not checked (cannot be decided here): CEL cost budgets, evaluation of CEL rules against default
 * values, `format` validation of defaults, RE2-exact pattern matching of defaults (JavaScript's `u`
 * RegExp is used; a pattern JavaScript cannot compile is not applied).
 */
import { error, sortDiagnostics, warning, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { goQuote, goTrimSpace } from '../golang/strings.ts';
import { re2Error } from '../simpleschema/re2.ts';
import type { JSONSchemaProps, ValidationRule } from '../simpleschema/types.ts';
import { goFieldValue, goFloatV, jsonTypeName } from './gofmt.ts';
import { apiSchemaPath, rgdPathForSchema, type RgdSchemaSource, type SchemaStep } from './paths.ts';
import { KRO_LABELS } from './synthesize.ts';
import {
  dns1035LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from './names.ts';
import type { CustomResourceDefinition, PrinterColumn } from './types.ts';

/** Options of {@link checkGeneratedCrd}. */
export interface CheckCrdOptions {
  /**
   * Compiles one `x-kubernetes-validations` rule with the Kubernetes CEL environment for `schema` (the
   * node the rule is on; `self` has its type). `path` is the API server's field path of the rule
   * (`…x-kubernetes-validations[0].rule`). Returns the compiler's error text (e.g.
   * `ERROR: <input>:1:6: Syntax error: …`), or `undefined` when the rule compiles. Without it, rules are
   * not compiled.
   */
  compileRule?: (rule: string, schema: JSONSchemaProps, path: string) => string | undefined;
  /** CRDs already in the cluster: their names in the same group must not collide with the new CRD's. */
  existingCrds?: readonly CustomResourceDefinition[];
  /** Raw `spec.schema.spec` / `spec.schema.types`, to map schema problems to the RGD field. */
  rgdSchemaSource?: RgdSchemaSource;
}

const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];

function fieldInvalid(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${goFieldValue(value)}: ${detail}`;
}

function fieldRequired(path: string, detail = ''): string {
  return detail === '' ? `${path}: Required value` : `${path}: Required value: ${detail}`;
}

function fieldForbidden(path: string, detail: string): string {
  return `${path}: Forbidden: ${detail}`;
}

function fieldNotSupported(path: string, value: unknown, supported: readonly string[]): string {
  return `${path}: Unsupported value: ${goFieldValue(value)}: supported values: ${supported.map((s) => goQuote(s)).join(', ')}`;
}

/** Go `%#v` of an `apiextensions.ValidationRule` (the bad value of rule compilation errors). */
function goValidationRule(r: ValidationRule): string {
  return `apiextensions.ValidationRule{Rule:${goQuote(r.rule)}, Message:${goQuote(r.message ?? '')}, MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}`;
}

/** True when a CEL rule text refers to `oldSelf` outside string literals (a transition rule). */
export function usesOldSelf(rule: string): boolean {
  const withoutStrings = rule.replace(/(['"])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  return /(^|[^\w.])oldSelf\b/.test(withoutStrings);
}

class Checker {
  readonly out: Diagnostic[] = [];
  private readonly source: RgdSchemaSource | undefined;
  private readonly compileRule: CheckCrdOptions['compileRule'];

  constructor(options: CheckCrdOptions) {
    this.source = options.rgdSchemaSource;
    this.compileRule = options.compileRule;
  }

  push(code: string, path: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.out.push(severity === 'error' ? error(code, path, message) : warning(code, path, message));
  }

  rgdPath(steps: readonly SchemaStep[]): string {
    return rgdPathForSchema(steps, this.source);
  }

  // ---- structural schema (pkg/apiserver/schema/validation.go) --------------------------------------

  /** Returns the number of problems found. */
  structural(s: JSONSchemaProps, steps: SchemaStep[], level: 'root' | 'items' | 'field'): number {
    let n = 0;
    const api = apiSchemaPath(steps);
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if ((s.type ?? '') === '' && !preserve && s['x-kubernetes-int-or-string'] !== true) {
      const detail =
        level === 'root'
          ? 'must not be empty at the root'
          : level === 'items'
            ? 'must not be empty for specified array items'
            : 'must not be empty for specified object fields';
      this.push('crd/structural-schema', this.rgdPath(steps), fieldRequired(`${api}.type`, detail));
      n++;
    }
    if (s.type === 'array' && s.items === undefined) {
      this.push(
        'crd/structural-schema',
        this.rgdPath(steps),
        fieldRequired(`${api}.items`, 'must be specified'),
      );
      n++;
    }
    for (const [k, p] of Object.entries(s.properties ?? {}))
      n += this.structural(p, [...steps, { prop: k }], 'field');
    if (s.items) n += this.structural(s.items, [...steps, 'items'], 'items');
    if (typeof s.additionalProperties === 'object') {
      n += this.structural(s.additionalProperties, [...steps, 'additionalProperties'], 'field');
    }
    return n;
  }

  // ---- defaults (pkg/apiserver/schema/defaulting/validation.go) ------------------------------------

  /** Returns the number of problems found. */
  defaults(s: JSONSchemaProps, steps: SchemaStep[]): number {
    let n = 0;
    if (s.default !== undefined && s.default !== null) {
      const api = `${apiSchemaPath(steps)}.default`;
      const where = this.rgdPath(steps);
      if (!isPruned(s.default, s)) {
        this.push(
          'crd/default-unknown-fields',
          where,
          fieldInvalid(api, s.default, 'must not have unknown fields'),
        );
        n++;
      }
      const problems: string[] = [];
      validateValue(s.default, s, api, '', problems);
      for (const p of problems) this.push('crd/invalid-default', where, p);
      n += problems.length;
    }
    // Defaults under additionalProperties are not followed (the API server does not either).
    if (s.items) n += this.defaults(s.items, [...steps, 'items']);
    for (const [k, p] of Object.entries(s.properties ?? {})) n += this.defaults(p, [...steps, { prop: k }]);
    return n;
  }

  // ---- OpenAPI schema rules (ValidateCustomResourceDefinitionOpenAPISchema) -------------------------

  /**
   * Checks one node and its children. `uncorrelatable` is the API path of the nearest ancestor below
   * which `oldSelf` cannot be used. Returns the number of schema (non-CEL) problems at or below the node.
   */
  openAPI(
    s: JSONSchemaProps,
    steps: SchemaStep[],
    uncorrelatable: string | undefined,
    celAllowed: boolean,
  ): number {
    let n = 0;
    const api = apiSchemaPath(steps);
    const where = this.rgdPath(steps);
    const bad = (code: string, message: string): void => {
      this.push(code, where, message);
      n++;
    };
    if (s.type !== undefined && s.type !== '' && !OPENAPI_TYPES.includes(s.type)) {
      bad('crd/invalid-schema', fieldNotSupported(`${api}.type`, s.type, OPENAPI_TYPES));
    }
    const props = s.properties ?? {};
    if (s.additionalProperties !== undefined && Object.keys(props).length > 0) {
      if (s.additionalProperties === false || typeof s.additionalProperties === 'object') {
        bad(
          'crd/invalid-schema',
          fieldForbidden(
            `${api}.additionalProperties`,
            'additionalProperties and properties are mutual exclusive',
          ),
        );
      }
    }
    if (typeof s.additionalProperties === 'object') {
      n += this.openAPI(
        s.additionalProperties,
        [...steps, 'additionalProperties'],
        uncorrelatable,
        celAllowed,
      );
    }
    for (const [k, p] of Object.entries(props)) {
      n += this.openAPI(p, [...steps, { prop: k }], uncorrelatable, celAllowed);
    }
    if (s.items) {
      const lt = s['x-kubernetes-list-type'];
      const childUncorrelatable = uncorrelatable ?? (lt === 'map' ? undefined : api);
      n += this.openAPI(s.items, [...steps, 'items'], childUncorrelatable, celAllowed);
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === false) {
      bad(
        'crd/invalid-schema',
        fieldInvalid(`${api}.x-kubernetes-preserve-unknown-fields`, false, 'must be true or undefined'),
      );
    }
    n += this.listTypes(s, api, bad);
    if (s.pattern !== undefined && s.pattern !== '') {
      const err = re2Error(s.pattern);
      if (err !== undefined) {
        this.push(
          'crd/invalid-pattern',
          where,
          `${api}.pattern: ${goQuote(s.pattern)} is not a valid RE2 expression (${err}): the API server rejects every instance that sets this field`,
          'warning',
        );
      }
    }
    n += this.rules(s, api, where, n === 0 && celAllowed, uncorrelatable);
    return n;
  }

  private listTypes(s: JSONSchemaProps, api: string, bad: (code: string, message: string) => void): number {
    let n = 0;
    const count = (code: string, message: string): void => {
      bad(code, message);
      n++;
    };
    const lt = s['x-kubernetes-list-type'];
    const keys = s['x-kubernetes-list-map-keys'] ?? [];
    if (lt !== undefined && s.type !== 'array') {
      if ((s.type ?? '') === '')
        count(
          'crd/list-type',
          fieldRequired(`${api}.type`, 'must be array if x-kubernetes-list-type is specified'),
        );
      else
        count(
          'crd/list-type',
          fieldInvalid(`${api}.type`, s.type, 'must be array if x-kubernetes-list-type is specified'),
        );
    } else if (lt === 'set' && s.items) {
      const is = s.items;
      if (
        is.type === 'array' &&
        is['x-kubernetes-list-type'] !== undefined &&
        is['x-kubernetes-list-type'] !== 'atomic'
      ) {
        count(
          'crd/list-type',
          fieldInvalid(
            `${api}.items.x-kubernetes-list-type`,
            is['x-kubernetes-list-type'],
            'must be atomic as item of a list with x-kubernetes-list-type=set',
          ),
        );
      }
      if (is.type === 'object') {
        // SimpleSchema never sets x-kubernetes-map-type, so object items of a set are never atomic.
        count(
          'crd/list-type',
          fieldInvalid(
            `${api}.items.x-kubernetes-map-type`,
            lt,
            'must be atomic as item of a list with x-kubernetes-list-type=set',
          ),
        );
      }
    }
    if (lt !== undefined && !['atomic', 'set', 'map'].includes(lt)) {
      count(
        'crd/list-type',
        fieldNotSupported(`${api}.x-kubernetes-list-type`, lt, ['atomic', 'set', 'map']),
      );
    }
    if (keys.length > 0) {
      if (lt === undefined)
        count(
          'crd/list-type',
          fieldRequired(
            `${api}.x-kubernetes-list-type`,
            'must be map if x-kubernetes-list-map-keys is non-empty',
          ),
        );
      else if (lt !== 'map')
        count(
          'crd/list-type',
          fieldInvalid(
            `${api}.x-kubernetes-list-type`,
            lt,
            'must be map if x-kubernetes-list-map-keys is non-empty',
          ),
        );
    }
    if (lt === 'map') {
      if (keys.length === 0)
        count(
          'crd/list-type',
          fieldRequired(
            `${api}.x-kubernetes-list-map-keys`,
            'must not be empty if x-kubernetes-list-type is map',
          ),
        );
      if (s.items === undefined) {
        count(
          'crd/list-type',
          fieldRequired(`${api}.items`, 'must have a schema if x-kubernetes-list-type is map'),
        );
      } else if (s.items.type !== 'object') {
        count(
          'crd/list-type',
          fieldInvalid(
            `${api}.items.type`,
            s.items.type ?? '',
            "must be object if parent array's x-kubernetes-list-type is map",
          ),
        );
      } else {
        const itemProps = s.items.properties ?? {};
        const seen = new Set<string>();
        const keysValue = `[]string{${keys.map((k) => goQuote(k)).join(', ')}}`;
        for (const k of keys) {
          const p = Object.hasOwn(itemProps, k) ? itemProps[k] : undefined;
          if (p === undefined) {
            count(
              'crd/list-map-key',
              `${api}.x-kubernetes-list-map-keys: Invalid value: ${keysValue}: entries must all be names of item properties`,
            );
          } else if (p.type === 'array' || p.type === 'object') {
            count(
              'crd/list-map-key',
              fieldInvalid(
                `${api}.items.properties[${k}].type`,
                s.items.type,
                "must be a scalar type if parent array's x-kubernetes-list-type is map",
              ),
            );
          }
          if (seen.has(k))
            count(
              'crd/list-map-key',
              `${api}.x-kubernetes-list-map-keys: Invalid value: ${keysValue}: must not contain duplicate entries`,
            );
          seen.add(k);
        }
        const required = new Set(s.items.required ?? []);
        for (const k of keys) {
          const p = Object.hasOwn(itemProps, k) ? itemProps[k] : undefined;
          if (p !== undefined && !required.has(k) && p.default === undefined) {
            count(
              'crd/list-map-key',
              fieldRequired(
                `${api}.items.properties[${k}].default`,
                'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
              ),
            );
          }
        }
      }
    }
    return n;
  }

  private rules(
    s: JSONSchemaProps,
    api: string,
    where: string,
    compile: boolean,
    uncorrelatable: string | undefined,
  ): number {
    const rules = s['x-kubernetes-validations'] ?? [];
    let n = 0;
    rules.forEach((r, i) => {
      const base = `${api}.x-kubernetes-validations[${i}]`;
      const rule = goTrimSpace(r.rule ?? '');
      const message = r.message ?? '';
      const trimmedMessage = goTrimSpace(message);
      if (rule === '') {
        this.push('crd/validation-rule', where, fieldRequired(`${base}.rule`, 'rule is not specified'));
        n++;
      } else if (message.length > 0 && trimmedMessage === '') {
        this.push(
          'crd/validation-rule',
          where,
          fieldInvalid(`${base}.message`, message, 'message must be non-empty if specified'),
        );
        n++;
      } else if (/[\n\r]/.test(trimmedMessage)) {
        this.push(
          'crd/validation-rule',
          where,
          fieldInvalid(`${base}.message`, message, 'message must not contain line breaks'),
        );
        n++;
      } else if (/[\n\r]/.test(rule) && trimmedMessage === '') {
        this.push(
          'crd/validation-rule',
          where,
          fieldRequired(`${base}.message`, 'message must be specified if rule contains line breaks'),
        );
        n++;
      }
    });
    if (!compile || n > 0) return n;
    rules.forEach((r, i) => {
      const rulePath = `${api}.x-kubernetes-validations[${i}].rule`;
      const err = this.compileRule?.(r.rule, s, rulePath);
      if (err !== undefined) {
        const detail = err.startsWith('compilation failed') ? err : `compilation failed: ${err}`;
        this.push('crd/rule-compile', where, `${rulePath}: Invalid value: ${goValidationRule(r)}: ${detail}`);
      } else if (uncorrelatable !== undefined && usesOldSelf(r.rule)) {
        this.push(
          'crd/transition-rule',
          where,
          fieldInvalid(
            rulePath,
            r.rule,
            `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}`,
          ),
        );
      }
    });
    return n;
  }
}

/** True when pruning `value` with `schema` would remove nothing (the API server's pruning rules). */
function isPruned(value: unknown, s: JSONSchemaProps): boolean {
  if (Array.isArray(value)) return s.items === undefined || value.every((v) => isPruned(v, s.items!));
  if (typeof value !== 'object' || value === null) return true;
  const obj = value as Record<string, unknown>;
  const props = s.properties ?? {};
  const extra = s.additionalProperties;
  for (const [k, v] of Object.entries(obj)) {
    if (Object.hasOwn(props, k)) {
      if (!isPruned(v, props[k]!)) return false;
    } else if (typeof extra === 'object') {
      if (!isPruned(v, extra)) return false;
    } else if (extra !== true && s['x-kubernetes-preserve-unknown-fields'] !== true) {
      return false;
    }
  }
  return true;
}

function joinName(name: string, key: string): string {
  return name === '' ? key : `${name}.${key}`;
}

function childPath(api: string, name: string): string {
  return name === '' ? api : `${api}.${name}`;
}

function runeLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function typeMatches(v: unknown, type: string): boolean {
  const got = jsonTypeName(v);
  if (type === 'number') return got === 'number' || got === 'integer';
  return got === type;
}

/**
 * Validates a decoded JSON value against a schema as kube-openapi does, writing API server field errors
 * (`api` is the field path of the value's root, `name` the value-relative path kube-openapi prints).
 */
export function validateValue(
  v: unknown,
  s: JSONSchemaProps,
  api: string,
  name: string,
  out: string[],
): void {
  const path = childPath(api, name);
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (!typeMatches(v, 'integer') && !typeMatches(v, 'string')) {
      out.push(
        fieldInvalid(
          path,
          jsonTypeName(v),
          `${name} in body must be of type integer,string: ${goQuote(jsonTypeName(v))}`,
        ),
      );
      return;
    }
  } else if (s.type !== undefined && s.type !== '' && !typeMatches(v, s.type)) {
    out.push(
      fieldInvalid(
        path,
        jsonTypeName(v),
        `${name} in body must be of type ${s.type}: ${goQuote(jsonTypeName(v))}`,
      ),
    );
    return;
  }
  if (s.enum !== undefined && s.enum.length > 0) {
    const key = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
    const allowed = s.enum.map((e) =>
      JSON.stringify(e, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)),
    );
    if (!allowed.includes(key)) {
      const values = s.enum.map((e) => (typeof e === 'string' ? e : (allowed[s.enum!.indexOf(e)] ?? '')));
      out.push(
        `${path}: Unsupported value: ${goFieldValue(v)}: supported values: ${values.map((x) => goQuote(x)).join(', ')}`,
      );
    }
  }
  if (typeof v === 'string') {
    const len = runeLength(v);
    if (s.maxLength !== undefined && len > s.maxLength) {
      out.push(
        `${path}: Too long: may not be more than ${s.maxLength} ${s.maxLength === 1 ? 'byte' : 'bytes'}`,
      );
    }
    if (s.minLength !== undefined && len < s.minLength) {
      out.push(fieldInvalid(path, v, `${name} in body should be at least ${s.minLength} chars long`));
    }
    if (s.pattern !== undefined && s.pattern !== '') {
      const err = re2Error(s.pattern);
      if (err !== undefined) {
        out.push(
          fieldInvalid(
            path,
            v,
            `${name} in body should match '${s.pattern}, but pattern is invalid: ${err}'`,
          ),
        );
      } else {
        let re: RegExp | undefined;
        try {
          re = new RegExp(s.pattern, 'u');
        } catch {
          re = undefined;
        }
        if (re !== undefined && !re.test(v))
          out.push(fieldInvalid(path, v, `${name} in body should match '${s.pattern}'`));
      }
    }
  }
  if (typeof v === 'number' || typeof v === 'bigint') {
    const x = Number(v);
    if (s.maximum !== undefined && x > s.maximum) {
      out.push(
        fieldInvalid(path, v, `${name} in body should be less than or equal to ${goFloatV(s.maximum)}`),
      );
    }
    if (s.minimum !== undefined && x < s.minimum) {
      out.push(
        fieldInvalid(path, v, `${name} in body should be greater than or equal to ${goFloatV(s.minimum)}`),
      );
    }
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      out.push(`${path}: Too many: ${v.length}: must have at most ${s.maxItems} items`);
    }
    if (s.minItems !== undefined && v.length < s.minItems) {
      out.push(fieldInvalid(path, v, `${name} in body should have at least ${s.minItems} items`));
    }
    if (s.items) v.forEach((item, i) => validateValue(item, s.items!, api, `${name}[${i}]`, out));
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const obj = v as Record<string, unknown>;
    for (const r of s.required ?? []) {
      if (!Object.hasOwn(obj, r)) out.push(fieldRequired(childPath(api, joinName(name, r))));
    }
    const props = s.properties ?? {};
    for (const [k, child] of Object.entries(obj)) {
      if (Object.hasOwn(props, k)) validateValue(child, props[k]!, api, joinName(name, k), out);
      else if (typeof s.additionalProperties === 'object')
        validateValue(child, s.additionalProperties, api, joinName(name, k), out);
    }
  }
}

function checkMetadata(c: Checker, crd: CustomResourceDefinition): void {
  const name = crd.metadata.name;
  const required = `${crd.spec.names.plural}.${crd.spec.group}`;
  const nameErrs = dns1123SubdomainErrors(name);
  if (name !== required) nameErrs.push('must be spec.names.plural+"."+spec.group');
  for (const e of nameErrs)
    c.push('crd/invalid-name', 'spec.schema.kind', fieldInvalid('metadata.name', name, e));
  const labels = crd.metadata.labels ?? {};
  for (const [k, v] of Object.entries(labels)) {
    const rgdPath =
      k === KRO_LABELS.rgdName
        ? 'metadata.name'
        : k === KRO_LABELS.rgdId
          ? 'metadata.uid'
          : k.startsWith('kro.run/')
            ? 'spec.schema'
            : formatLabelPath('labels', k);
    for (const e of qualifiedNameErrors(k))
      c.push('crd/invalid-label', rgdPath, fieldInvalid('metadata.labels', k, e));
    for (const e of labelValueErrors(v))
      c.push('crd/invalid-label', rgdPath, fieldInvalid('metadata.labels', v, e));
  }
  let total = 0;
  for (const [k, v] of Object.entries(crd.metadata.annotations ?? {})) {
    total += Buffer.byteLength(k) + Buffer.byteLength(v);
    for (const e of qualifiedNameErrors(k.toLowerCase())) {
      c.push(
        'crd/invalid-annotation',
        formatLabelPath('annotations', k),
        fieldInvalid('metadata.annotations', k, e),
      );
    }
  }
  if (total > 256 * 1024) {
    c.push(
      'crd/invalid-annotation',
      'spec.schema.metadata.annotations',
      `metadata.annotations: Too long: may not be more than ${256 * 1024} bytes`,
    );
  }
}

function formatLabelPath(kind: 'labels' | 'annotations', key: string): string {
  return /^[^.[\]"]+$/.test(key)
    ? `spec.schema.metadata.${kind}.${key}`
    : `spec.schema.metadata.${kind}[${JSON.stringify(key)}]`;
}

function checkSpec(c: Checker, crd: CustomResourceDefinition): void {
  const { group, scope, names, versions } = crd.spec;
  if (group === '') c.push('crd/invalid-group', 'spec.schema.group', fieldRequired('spec.group'));
  else {
    const errs = dns1123SubdomainErrors(group);
    if (errs.length > 0)
      c.push('crd/invalid-group', 'spec.schema.group', fieldInvalid('spec.group', group, errs.join(',')));
    else if (group.split('.').length < 2) {
      c.push(
        'crd/invalid-group',
        'spec.schema.group',
        fieldInvalid('spec.group', group, 'should be a domain with at least one dot'),
      );
    }
  }
  if (scope === '') c.push('crd/invalid-scope', 'spec.schema.scope', fieldRequired('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') {
    c.push(
      'crd/invalid-scope',
      'spec.schema.scope',
      fieldNotSupported('spec.scope', scope, ['Cluster', 'Namespaced']),
    );
  }
  versions.forEach((v, i) => {
    const errs = dns1035LabelErrors(v.name);
    if (errs.length > 0) {
      c.push(
        'crd/invalid-version',
        'spec.schema.apiVersion',
        fieldInvalid(`spec.versions[${i}].name`, v.name, errs.join(',')),
      );
    }
  });
  const kindPath = 'spec.schema.kind';
  for (const [key, value] of [
    ['plural', names.plural],
    ['singular', names.singular],
  ] as const) {
    if (value === '') c.push('crd/invalid-names', kindPath, fieldRequired(`spec.names.${key}`));
    else {
      const errs = dns1035LabelErrors(value);
      if (errs.length > 0)
        c.push('crd/invalid-names', kindPath, fieldInvalid(`spec.names.${key}`, value, errs.join(',')));
    }
  }
  for (const [key, value] of [
    ['kind', names.kind],
    ['listKind', names.listKind],
  ] as const) {
    if (value === '') c.push('crd/invalid-names', kindPath, fieldRequired(`spec.names.${key}`));
    else {
      const errs = dns1035LabelErrors(value.toLowerCase());
      if (errs.length > 0) {
        c.push(
          'crd/invalid-names',
          kindPath,
          fieldInvalid(
            `spec.names.${key}`,
            value,
            `may have mixed case, but should otherwise match: ${errs.join(',')}`,
          ),
        );
      }
    }
  }
  if (names.kind !== '' && names.kind === names.listKind) {
    c.push(
      'crd/invalid-names',
      kindPath,
      fieldInvalid('spec.names.listKind', names.listKind, 'kind and listKind may not be the same'),
    );
  }
}

function checkColumns(c: Checker, columns: readonly PrinterColumn[]): void {
  columns.forEach((col, i) => {
    const api = `spec.additionalPrinterColumns[${i}]`;
    const rgd = `spec.schema.additionalPrinterColumns[${i}]`;
    if (col.name === '') c.push('crd/printer-column', `${rgd}.name`, fieldRequired(`${api}.name`));
    const typeDetail = `must be one of ${PRINTER_TYPES.join(',')}`;
    if (col.type === '')
      c.push('crd/printer-column', `${rgd}.type`, fieldRequired(`${api}.type`, typeDetail));
    else if (!PRINTER_TYPES.includes(col.type))
      c.push('crd/printer-column', `${rgd}.type`, fieldInvalid(`${api}.type`, col.type, typeDetail));
    if (col.format !== undefined && col.format !== '' && !PRINTER_FORMATS.includes(col.format)) {
      c.push(
        'crd/printer-column',
        `${rgd}.format`,
        fieldInvalid(`${api}.format`, col.format, `must be one of ${PRINTER_FORMATS.join(',')}`),
      );
    }
    const jp = col.jsonPath;
    if (jp === '') c.push('crd/printer-column', `${rgd}.jsonPath`, fieldRequired(`${api}.JSONPath`));
    else if (!jp.startsWith('.')) {
      c.push(
        'crd/printer-column',
        `${rgd}.jsonPath`,
        fieldInvalid(`${api}.JSONPath`, jp, 'must be a simple json path starting with .'),
      );
    } else {
      const err = jsonPathError(`{${jp}}`);
      if (err !== undefined) {
        c.push(
          'crd/printer-column',
          `${rgd}.jsonPath`,
          `${api}.JSONPath: ${goQuote(jp)} is not a valid JSONPath (${err}): the API server accepts the CRD but cannot serve tables for it ("unrecognized column definition")`,
          'warning',
        );
      }
    }
  });
}

function checkCollisions(
  c: Checker,
  crd: CustomResourceDefinition,
  existing: readonly CustomResourceDefinition[],
): void {
  const mine = crd.spec.names;
  for (const other of existing) {
    if (other.metadata.name === crd.metadata.name || other.spec.group !== crd.spec.group) continue;
    const taken = new Set([
      other.spec.names.plural,
      other.spec.names.singular,
      ...(other.spec.names.shortNames ?? []),
    ]);
    for (const value of [mine.plural, mine.singular]) {
      if (taken.has(value)) {
        c.push(
          'crd/name-conflict',
          'spec.schema.kind',
          `${goQuote(value)} is already in use (by CustomResourceDefinition ${other.metadata.name}): the CRD is created but never established (NamesAccepted=False)`,
        );
      }
    }
    const kinds = new Set([other.spec.names.kind, other.spec.names.listKind]);
    for (const value of [mine.kind, mine.listKind]) {
      if (kinds.has(value)) {
        c.push(
          'crd/name-conflict',
          'spec.schema.kind',
          `${goQuote(value)} is already in use (by CustomResourceDefinition ${other.metadata.name}): the CRD is created but never established (NamesAccepted=False)`,
        );
      }
    }
  }
}

/**
 * Checks a CRD built by {@link ./synthesize.ts buildInstanceCrd} the way the API server does on CREATE
 * (kro-contract §6.2), so problems kro would only see as `KindReady=False` are reported at admission.
 *
 * Diagnostic codes (severity error unless noted):
 * - `crd/invalid-name`, `crd/invalid-label`, `crd/invalid-annotation`: object metadata (CRD name length,
 *   label keys/values ≤ 63 characters, e.g. an RGD name longer than 63 in the
 *   `kro.run/resource-graph-definition-name` label, which maps to the RGD `metadata.name`)
 * - `crd/invalid-group` (DNS-1123 subdomain with at least one dot), `crd/invalid-scope`,
 *   `crd/invalid-version`, `crd/invalid-names` (plural/singular DNS-1035 labels, kind/listKind)
 * - `crd/structural-schema`: missing `type`, arrays without `items`
 * - `crd/default-unknown-fields`, `crd/invalid-default`: defaults not pruned, or invalid against their own
 *   schema (type, enum, pattern, minimum/maximum, minLength/maxLength in runes, minItems/maxItems,
 *   required and nested properties of object defaults)
 * - `crd/invalid-schema`, `crd/list-type`, `crd/list-map-key` (list-map keys must exist, be scalar, and
 *   be required or defaulted)
 * - `crd/validation-rule` (rule/message presence and line breaks), `crd/rule-compile` (via
 *   `options.compileRule`), `crd/transition-rule` (`oldSelf` under a list that is not `listType=map`)
 * - `crd/printer-column`: name, type and format enums, JSONPath must start with `.`; a JSONPath that
 *   client-go's parser rejects is a warning (the API server accepts the CRD but cannot print tables)
 * - `crd/invalid-pattern` (warning): a pattern that is not RE2 (the CRD is accepted; instances fail)
 * - `crd/name-conflict`: plural/singular/kind/listKind already used by another CRD of the group
 *
 * Returns diagnostics sorted with `sortDiagnostics`. Pure; never throws.
 */
export function checkGeneratedCrd(
  crd: CustomResourceDefinition,
  options: CheckCrdOptions = {},
): Diagnostic[] {
  const c = new Checker(options);
  checkMetadata(c, crd);
  checkSpec(c, crd);
  for (const version of crd.spec.versions) {
    const schema = version.schema?.openAPIV3Schema;
    if (schema !== undefined) {
      const structuralProblems = c.structural(schema, [], 'root');
      const defaultProblems = structuralProblems === 0 ? c.defaults(schema, []) : 1;
      c.openAPI(schema, [], undefined, defaultProblems === 0);
    }
    checkColumns(c, version.additionalPrinterColumns ?? []);
  }
  if (options.existingCrds) checkCollisions(c, crd, options.existingCrds);
  return sortDiagnostics(c.out);
}

/**
 * Syntax check of a Kubernetes JSONPath template (`k8s.io/client-go/util/jsonpath` parser), as the
 * table convertor parses printer columns (`{` + jsonPath + `}`). Returns the parser's error text or
 * `undefined`. Supported syntax: `.field`, `..field`, `['key']`, `[n]`, `[a:b:c]`, `[*]`, `[?(@.x == "y")]`
 * filters with `==`, `!=`, `<`, `<=`, `>`, `>=`, `@`, string/number literals, `[a,b]` unions, and
 * `{range}{end}` blocks.
 */
export function jsonPathError(template: string): string | undefined {
  let depth = 0;
  let i = 0;
  const n = template.length;
  while (i < n) {
    const ch = template[i]!;
    if (ch === '{') {
      depth++;
      const close = findClose(template, i + 1, '{', '}');
      if (close < 0) return `unclosed action`;
      const inner = template.slice(i + 1, close);
      const err = actionError(inner);
      if (err !== undefined) return err;
      depth--;
      i = close + 1;
    } else if (ch === '}') {
      return `unexpected right delimiter`;
    } else i++;
  }
  return depth === 0 ? undefined : 'unclosed action';
}

/** Index of the matching closing delimiter, skipping quoted strings; -1 when missing. */
function findClose(s: string, from: number, open: string, close: string): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"' || ch === "'") {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (ch === open) depth++;
    else if (ch === close && --depth === 0) return i;
  }
  return -1;
}

function actionError(action: string): string | undefined {
  const a = action.trim();
  if (a === 'end' || a === '') return undefined;
  if (a.startsWith('range ')) return pathError(a.slice(6).trim());
  if (a.startsWith('"') || a.startsWith("'")) {
    return a.length >= 2 && a.endsWith(a[0]!) ? undefined : 'unterminated quoted string';
  }
  return pathError(a);
}

function pathError(p: string): string | undefined {
  let i = 0;
  const n = p.length;
  if (p.startsWith('$')) i = 1;
  else if (p.startsWith('@')) i = 1;
  if (i === n && n > 0) return undefined;
  while (i < n) {
    const ch = p[i]!;
    if (ch === '.') {
      if (p[i + 1] === '.') i++;
      i++;
      const m = /^[A-Za-z0-9_\-/*]*/.exec(p.slice(i))![0];
      if (m === '' && p[i] !== '[' && i < n) return `invalid character ${goQuote(p[i]!)} after '.'`;
      i += m.length;
    } else if (ch === '[') {
      const close = findClose(p, i + 1, '[', ']');
      if (close < 0) return 'unterminated array';
      const err = bracketError(p.slice(i + 1, close));
      if (err !== undefined) return err;
      i = close + 1;
    } else if (/[A-Za-z_]/.test(ch) && i === 0) {
      const m = /^[A-Za-z0-9_-]*/.exec(p.slice(i))![0];
      i += m.length;
    } else if (ch === ' ') {
      i++;
    } else {
      return `unrecognized character in action: ${goQuote(ch)}`;
    }
  }
  return undefined;
}

function bracketError(inner: string): string | undefined {
  const t = inner.trim();
  if (t === '') return 'invalid array index';
  if (t === '*') return undefined;
  if (t.startsWith('?')) {
    const body = t.slice(1).trim();
    if (!body.startsWith('(') || !body.endsWith(')')) return 'unclosed filter';
    const expr = body.slice(1, -1).trim();
    if (expr === '') return 'filter expression is empty';
    const m = /^(.+?)\s*(==|!=|<=|>=|<|>|=~)\s*(.+)$/.exec(expr);
    const operands = m ? [m[1]!, m[3]!] : [expr];
    for (const o of operands) {
      const op = o.trim();
      if (/^'.*'$|^".*"$|^-?\d+(\.\d+)?$|^(true|false)$/.test(op)) continue;
      if (!op.startsWith('@') && !op.startsWith('$')) return `unrecognized filter operand ${goQuote(op)}`;
      const err = pathError(op);
      if (err !== undefined) return err;
    }
    return undefined;
  }
  if (/^'.*'$|^".*"$/.test(t)) return undefined;
  if (/^-?\d*(:-?\d*){0,2}$/.test(t)) return undefined;
  if (t.includes(',')) {
    for (const part of t.split(',')) {
      const err = bracketError(part);
      if (err !== undefined) return err;
    }
    return undefined;
  }
  return `invalid array index ${t}`;
}
