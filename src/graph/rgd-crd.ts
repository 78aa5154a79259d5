/**
 * Layer 1 of kro's verdict (kro-contract §0, §1): the OpenAPI and CEL rules of kro's own
 * ResourceGraphDefinition CRD (`kro.run_resourcegraphdefinitions.yaml`, kro v0.9.3), which the API
 * server enforces synchronously at `kubectl apply`. Messages follow the API server's field-error
 * wording (`Required value`, `Invalid value: ...`, `Unsupported value: ...`) without the field
 * prefix the API server puts in front: the diagnostic path is that prefix.
 *
 * A test compares the patterns, enums and required lists here with the CRD file in
 * `../shared/crds/kro/`, so drift is caught.
 */
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { isRecord, jsonTypeName } from './util.ts';

/** `spec.schema.apiVersion` pattern (kro-contract §1.2). */
export const SCHEMA_API_VERSION_PATTERN = /^v[0-9]+(alpha[0-9]+|beta[0-9]+)?$/;
/** `spec.schema.kind` pattern (kro-contract §1.2). */
export const SCHEMA_KIND_PATTERN = /^[A-Z][a-zA-Z0-9]{0,62}$/;
/** Allowed `spec.schema.scope` values (kro-contract §1.2). */
export const SCHEMA_SCOPES = ['Namespaced', 'Cluster'] as const;
/** Fields of `spec.schema` whose transition rule is `self == oldSelf` (kro-contract §1.2). */
export const IMMUTABLE_SCHEMA_FIELDS = ['apiVersion', 'kind', 'group', 'scope'] as const;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

class L1 {
  readonly out: Diagnostic[] = [];

  required(path: PathSegment[]): void {
    this.out.push(error('rgd/required', formatPath(path), 'Required value'));
  }

  /** Checks the JSON type; returns false (and reports) when it does not match. */
  type(path: PathSegment[], v: unknown, want: 'string' | 'object' | 'array' | 'integer'): boolean {
    const got = jsonTypeName(v);
    if (got === want) return true;
    const p = formatPath(path);
    this.out.push(
      error('rgd/invalid-type', p, `Invalid value: "${got}": ${p} in body must be of type ${want}: "${got}"`),
    );
    return false;
  }

  invalid(code: string, path: PathSegment[], value: string, detail: string): void {
    const p = formatPath(path);
    this.out.push(error(code, p, `Invalid value: ${value}: ${detail}`));
  }
}

/**
 * Checks an RGD against the RGD CRD's structural schema and `x-kubernetes-validations`
 * (kro-contract §1.1-§1.3) and, when `old` is given (UPDATE), the immutability rules of
 * `spec.schema.{apiVersion,kind,group,scope}`. Expects the CRD defaults already applied
 * (see `withRgdDefaults`). Never throws.
 *
 * @param rgd the object as the API server would store it (defaulted).
 * @param old the stored object on UPDATE, or undefined on CREATE.
 * @returns one diagnostic per violated rule; codes `rgd/required`, `rgd/invalid-type`,
 *   `rgd/invalid-name`, `rgd/pattern`, `rgd/unsupported-value`, `rgd/template-xor-externalref`,
 *   `rgd/externalref-name-xor-selector`, `rgd/foreach-entry`, `rgd/immutable`.
 */
export function checkRgdCrd(rgd: unknown, old?: unknown): Diagnostic[] {
  const l1 = new L1();
  if (!isRecord(rgd)) {
    l1.type([], rgd, 'object');
    return l1.out;
  }
  checkMetadataName(l1, rgd.metadata);
  if (rgd.spec === undefined) {
    l1.required(['spec']);
    return l1.out;
  }
  if (!l1.type(['spec'], rgd.spec, 'object')) return l1.out;
  const spec = rgd.spec as Record<string, unknown>;
  if (spec.schema === undefined) l1.required(['spec', 'schema']);
  else if (l1.type(['spec', 'schema'], spec.schema, 'object'))
    checkSchema(l1, spec.schema as Record<string, unknown>);
  if (spec.resources !== undefined && l1.type(['spec', 'resources'], spec.resources, 'array')) {
    (spec.resources as unknown[]).forEach((r, i) => checkResource(l1, ['spec', 'resources', i], r));
  }
  if (old !== undefined) checkImmutable(l1, rgd, old);
  return l1.out;
}

function checkMetadataName(l1: L1, metadata: unknown): void {
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') return; // generateName or API-server-filled
  const name = metadata.name;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    l1.invalid(
      'rgd/invalid-name',
      ['metadata', 'name'],
      JSON.stringify(name),
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    );
  }
}

function checkSchema(l1: L1, schema: Record<string, unknown>): void {
  const base: PathSegment[] = ['spec', 'schema'];
  for (const [field, pattern] of [
    ['apiVersion', SCHEMA_API_VERSION_PATTERN],
    ['kind', SCHEMA_KIND_PATTERN],
  ] as const) {
    const v = schema[field];
    const path = [...base, field];
    if (v === undefined) l1.required(path);
    else if (l1.type(path, v, 'string') && !pattern.test(v as string)) {
      const p = formatPath(path);
      l1.invalid('rgd/pattern', path, JSON.stringify(v), `${p} in body should match '${pattern.source}'`);
    }
  }
  if (schema.group !== undefined) l1.type([...base, 'group'], schema.group, 'string');
  if (schema.scope === undefined) l1.required([...base, 'scope']);
  else if (
    l1.type([...base, 'scope'], schema.scope, 'string') &&
    !(SCHEMA_SCOPES as readonly unknown[]).includes(schema.scope)
  ) {
    const p = formatPath([...base, 'scope']);
    l1.out.push(
      error(
        'rgd/unsupported-value',
        p,
        `Unsupported value: ${JSON.stringify(schema.scope)}: supported values: ${SCHEMA_SCOPES.map((s) => JSON.stringify(s)).join(', ')}`,
      ),
    );
  }
  for (const field of ['spec', 'types', 'status', 'metadata']) {
    if (schema[field] !== undefined && schema[field] !== null)
      l1.type([...base, field], schema[field], 'object');
  }
  if (isRecord(schema.metadata)) {
    for (const m of ['labels', 'annotations']) {
      const map = schema.metadata[m];
      if (map === undefined) continue;
      if (!l1.type([...base, 'metadata', m], map, 'object')) continue;
      for (const [k, v] of Object.entries(map as Record<string, unknown>))
        l1.type([...base, 'metadata', m, k], v, 'string');
    }
  }
  const columns = schema.additionalPrinterColumns;
  if (columns !== undefined && l1.type([...base, 'additionalPrinterColumns'], columns, 'array')) {
    (columns as unknown[]).forEach((c, i) => {
      const path = [...base, 'additionalPrinterColumns', i];
      if (!l1.type(path, c, 'object')) return;
      const col = c as Record<string, unknown>;
      for (const f of ['jsonPath', 'name', 'type']) {
        if (col[f] === undefined) l1.required([...path, f]);
        else l1.type([...path, f], col[f], 'string');
      }
      if (col.format !== undefined) l1.type([...path, 'format'], col.format, 'string');
      if (col.priority !== undefined) l1.type([...path, 'priority'], col.priority, 'integer');
    });
  }
}

function checkStringList(l1: L1, path: PathSegment[], v: unknown): void {
  if (v === undefined || !l1.type(path, v, 'array')) return;
  (v as unknown[]).forEach((s, i) => l1.type([...path, i], s, 'string'));
}

function checkResource(l1: L1, path: PathSegment[], r: unknown): void {
  if (!l1.type(path, r, 'object')) return;
  const res = r as Record<string, unknown>;
  if (res.id === undefined) l1.required([...path, 'id']);
  else l1.type([...path, 'id'], res.id, 'string');
  if (res.template !== undefined) l1.type([...path, 'template'], res.template, 'object');
  const hasTemplate = res.template !== undefined;
  const hasExternal = res.externalRef !== undefined;
  if (hasTemplate === hasExternal) {
    l1.invalid(
      'rgd/template-xor-externalref',
      path,
      '"object"',
      'exactly one of template or externalRef must be provided',
    );
  }
  if (hasExternal) checkExternalRef(l1, [...path, 'externalRef'], res.externalRef);
  checkStringList(l1, [...path, 'readyWhen'], res.readyWhen);
  checkStringList(l1, [...path, 'includeWhen'], res.includeWhen);
  if (res.forEach !== undefined && l1.type([...path, 'forEach'], res.forEach, 'array')) {
    (res.forEach as unknown[]).forEach((entry, i) => {
      const p = [...path, 'forEach', i];
      if (!l1.type(p, entry, 'object')) return;
      const keys = Object.keys(entry as object);
      if (keys.length !== 1) {
        const fp = formatPath(p);
        l1.out.push(
          error(
            'rgd/foreach-entry',
            fp,
            keys.length === 0
              ? `Invalid value: 0: ${fp} in body should have at least 1 properties`
              : `Too many: ${keys.length}: must have at most 1 items`,
          ),
        );
      }
      for (const k of keys) l1.type([...p, k], (entry as Record<string, unknown>)[k], 'string');
    });
  }
}

function checkExternalRef(l1: L1, path: PathSegment[], ref: unknown): void {
  if (!l1.type(path, ref, 'object')) return;
  const e = ref as Record<string, unknown>;
  for (const f of ['apiVersion', 'kind']) {
    if (e[f] === undefined) l1.required([...path, f]);
    else l1.type([...path, f], e[f], 'string');
  }
  if (e.metadata === undefined) {
    l1.required([...path, 'metadata']);
    return;
  }
  if (!l1.type([...path, 'metadata'], e.metadata, 'object')) return;
  const md = e.metadata as Record<string, unknown>;
  if (md.name !== undefined && l1.type([...path, 'metadata', 'name'], md.name, 'string') && md.name === '') {
    const p = formatPath([...path, 'metadata', 'name']);
    l1.invalid(
      'rgd/invalid-type',
      [...path, 'metadata', 'name'],
      '""',
      `${p} in body should be at least 1 chars long`,
    );
  }
  if (md.namespace !== undefined) l1.type([...path, 'metadata', 'namespace'], md.namespace, 'string');
  if (md.selector !== undefined) l1.type([...path, 'metadata', 'selector'], md.selector, 'object');
  if ((md.name !== undefined) === (md.selector !== undefined)) {
    l1.invalid(
      'rgd/externalref-name-xor-selector',
      [...path, 'metadata'],
      '"object"',
      'exactly one of name or selector must be provided',
    );
  }
}

function checkImmutable(l1: L1, rgd: Record<string, unknown>, old: unknown): void {
  const now = schemaOf(rgd);
  const before = schemaOf(old);
  if (!now || !before) return;
  for (const field of IMMUTABLE_SCHEMA_FIELDS) {
    // A transition rule only runs when the field exists in both objects.
    if (now[field] === undefined || before[field] === undefined) continue;
    if (JSON.stringify(now[field]) !== JSON.stringify(before[field])) {
      // kube-apiserver 1.35 prints the new value of a scalar (seen in the e2e tier).
      const value =
        typeof now[field] === 'string' ? JSON.stringify(now[field]) : `"${jsonTypeName(now[field])}"`;
      l1.invalid('rgd/immutable', ['spec', 'schema', field], value, `${field} is immutable`);
    }
  }
}

function schemaOf(o: unknown): Record<string, unknown> | undefined {
  if (!isRecord(o) || !isRecord(o.spec) || !isRecord(o.spec.schema)) return undefined;
  return o.spec.schema;
}
