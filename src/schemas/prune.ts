/**
 * Turning one Kubernetes OpenAPI v3 document (`GET /openapi/v3/apis/<group>/<version>`) into the part
 * kro-guard embeds: the component schemas reachable from the group-version's kinds, without
 * `description`s, and the scope of each kind. Pure (no I/O); used by `scripts/dump-schemas.ts`.
 */

/**
 * One OpenAPI v3 schema as the Kubernetes API server publishes it (`$ref`s are
 * `#/components/schemas/<name>`; a field with a default is `{default, allOf: [{$ref}]}`).
 */
export interface OpenAPISchema {
  type?: string;
  format?: string;
  properties?: Record<string, OpenAPISchema>;
  additionalProperties?: OpenAPISchema | boolean;
  items?: OpenAPISchema;
  allOf?: OpenAPISchema[];
  anyOf?: OpenAPISchema[];
  oneOf?: OpenAPISchema[];
  not?: OpenAPISchema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  $ref?: string;
  description?: string;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  [keyword: string]: unknown;
}

/** A group/version/kind; `group` is `''` for the core (legacy) group. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** The parts of an OpenAPI v3 document this module reads. */
export interface OpenAPIDocument {
  components?: { schemas?: Record<string, OpenAPISchema> };
  paths?: Record<string, Record<string, unknown>>;
}

/** What is kept of one group-version. */
export interface PrunedGroupVersion {
  /** Component schemas reachable from the group-version's kinds, by name, sorted by name. */
  schemas: Record<string, OpenAPISchema>;
  /**
   * Kind → true (namespaced) or false (cluster-scoped), from the document's paths: a kind is
   * namespaced when one of its operations is under `/namespaces/{namespace}/`. Kinds without any
   * operation in the document (e.g. `Scale`, list kinds) are absent.
   */
  namespaced: Record<string, boolean>;
}

/** Prefix of every `$ref` in a Kubernetes OpenAPI v3 document. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = ['additionalProperties', 'items', 'not'] as const;
/** Keywords whose value is an array of schemas. */
const SCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties'] as const;

/**
 * The key of a group-version in the embedded set and in `/openapi/v3`: `v1` for the core group,
 * `<group>/<version>` otherwise.
 */
export function groupVersionKey(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** The schema name a `$ref` points to, or undefined when it is not a local component reference. */
export function refName(ref: string): string | undefined {
  if (!ref.startsWith(SCHEMA_REF_PREFIX)) return undefined;
  return ref.slice(SCHEMA_REF_PREFIX.length).replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Calls `visit` for each direct sub-schema of `schema` (properties, items, allOf, ...). */
export function forEachSubSchema(schema: OpenAPISchema, visit: (sub: OpenAPISchema) => void): void {
  for (const k of SCHEMA_KEYWORDS) {
    const v = schema[k];
    if (typeof v === 'object' && v !== null) visit(v as OpenAPISchema);
  }
  for (const k of SCHEMA_ARRAY_KEYWORDS) {
    const v = schema[k];
    if (Array.isArray(v))
      for (const s of v) if (typeof s === 'object' && s !== null) visit(s as OpenAPISchema);
  }
  for (const k of SCHEMA_MAP_KEYWORDS) {
    const v = schema[k];
    if (typeof v === 'object' && v !== null) {
      for (const s of Object.values(v)) if (typeof s === 'object' && s !== null) visit(s as OpenAPISchema);
    }
  }
}

/**
 * A copy of `schema` without the `description` keyword at any schema level. Only keywords are
 * dropped: a property *named* `description` (PriorityClass has one) stays, and values such as
 * `default` or `enum` are copied untouched.
 */
export function withoutDescriptions(schema: OpenAPISchema): OpenAPISchema {
  const out: OpenAPISchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if ((SCHEMA_KEYWORDS as readonly string[]).includes(key) && typeof value === 'object' && value !== null) {
      out[key] = withoutDescriptions(value as OpenAPISchema);
    } else if ((SCHEMA_ARRAY_KEYWORDS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map((s: unknown) =>
        typeof s === 'object' && s !== null ? withoutDescriptions(s as OpenAPISchema) : s,
      );
    } else if (
      (SCHEMA_MAP_KEYWORDS as readonly string[]).includes(key) &&
      typeof value === 'object' &&
      value !== null
    ) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, s]) => [
          name,
          typeof s === 'object' && s !== null ? withoutDescriptions(s as OpenAPISchema) : s,
        ]),
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** True when `schema` is declared as a kind of `group`/`version` (x-kubernetes-group-version-kind). */
function isKindOf(schema: OpenAPISchema, group: string, version: string): boolean {
  const gvks = schema['x-kubernetes-group-version-kind'];
  return Array.isArray(gvks) && gvks.some((g) => g.group === group && g.version === version);
}

/**
 * Prunes the OpenAPI v3 document of `group`/`version` (group `''` for core `v1`): keeps the component
 * schemas declared as kinds of this group-version (their `x-kubernetes-group-version-kind` lists it)
 * and every schema they reach through `$ref`, drops `description`s, keeps `$ref`s as they are, trims
 * each `x-kubernetes-group-version-kind` to this group-version's entries (removing it when none is
 * left), and reads each kind's scope from the paths.
 *
 * @throws Error when the document has no `components.schemas`, no schema is a kind of the
 *   group-version, or a reachable `$ref` points to a schema the document does not have.
 */
export function pruneGroupVersion(doc: OpenAPIDocument, group: string, version: string): PrunedGroupVersion {
  const all = doc.components?.schemas;
  const gv = groupVersionKey(group, version);
  if (all === undefined) throw new Error(`${gv}: the OpenAPI document has no components.schemas`);
  const roots = Object.keys(all).filter((name) => isKindOf(all[name]!, group, version));
  if (roots.length === 0) throw new Error(`${gv}: no schema has x-kubernetes-group-version-kind ${gv}`);

  const kept = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (kept.has(name)) continue;
    const schema = all[name];
    if (schema === undefined) throw new Error(`${gv}: $ref to missing schema ${name}`);
    kept.add(name);
    const visit = (s: OpenAPISchema): void => {
      if (typeof s.$ref === 'string') {
        const target = refName(s.$ref);
        if (target === undefined) throw new Error(`${gv}: unsupported $ref ${s.$ref} in ${name}`);
        if (!kept.has(target)) queue.push(target);
      }
      forEachSubSchema(s, visit);
    };
    visit(schema);
  }

  const schemas: Record<string, OpenAPISchema> = {};
  for (const name of [...kept].sort()) {
    const schema = withoutDescriptions(all[name]!);
    // Shared meta types (DeleteOptions, WatchEvent) list every group-version of the cluster; only
    // this group-version's entries matter here.
    const gvks = schema['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvks)) {
      const own = gvks.filter((g) => g.group === group && g.version === version);
      if (own.length > 0) schema['x-kubernetes-group-version-kind'] = own;
      else delete schema['x-kubernetes-group-version-kind'];
    }
    schemas[name] = schema;
  }
  return { schemas, namespaced: kindScopes(doc, group, version) };
}

/** Kind → namespaced, from the operations of `doc.paths` whose GVK is of `group`/`version`. */
function kindScopes(doc: OpenAPIDocument, group: string, version: string): Record<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(item)) {
      if (typeof operation !== 'object' || operation === null) continue;
      const gvk = (operation as { 'x-kubernetes-group-version-kind'?: Partial<GroupVersionKind> })[
        'x-kubernetes-group-version-kind'
      ];
      if (gvk?.group !== group || gvk.version !== version || typeof gvk.kind !== 'string') continue;
      const namespaced = path.includes('/namespaces/{namespace}/');
      scopes.set(gvk.kind, (scopes.get(gvk.kind) ?? false) || namespaced);
    }
  }
  return Object.fromEntries([...scopes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
