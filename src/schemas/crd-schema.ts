/**
 * What the API server publishes in OpenAPI v3 (`/openapi/v3/apis/<group>/<version>`) for a
 * CustomResourceDefinition version, rebuilt offline from the CRD's `openAPIV3Schema`, so that a kind read
 * from a CRD file (or generated from an RGD) has the same schema as the one kro reads from the cluster
 * (kro-contract §4.3). Pure, apart from {@link objectMetaComponents} reading the embedded schema file
 * once.
 *
 * Measured on kube-apiserver v1.35.4 (the e2e control plane, ACK CRDs and synthetic CRDs; asserted by
 * `test/e2e/schema-sources.test.ts`), the published component differs from `openAPIV3Schema` only in:
 * - the root's `apiVersion` and `kind` properties are replaced by `{description, type: string}` and its
 *   `metadata` property by `{description, allOf: [{$ref: ObjectMeta}]}`, whatever the CRD declared
 *   there (a `metadata.name` `maxLength` is dropped too); the root's `required` is left alone;
 * - every `x-kubernetes-embedded-resource: true` object gets the same three properties (with the
 *   lower-case descriptions of embedded objects) and `kind`, `apiVersion` appended to its `required`;
 * - every `x-kubernetes-int-or-string: true` schema gets `anyOf: [{type: integer}, {type: string}]`;
 * - the root gets `x-kubernetes-group-version-kind: [{group, kind, version}]`;
 * - object keys come out sorted (Go marshals maps sorted), which only affects iteration order.
 * The component is named after the reversed group (`aws.k8s.services.s3.v1alpha1.Bucket`); the
 * document also carries `ObjectMeta` and the meta types it references. Versions with `served: false`
 * are not published at all.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EMBEDDED_SCHEMAS_URL, createSchemaSet, type EmbeddedSchemaSet } from './embedded.ts';
import {
  SCHEMA_REF_PREFIX,
  forEachSubSchema,
  groupVersionKey,
  refName,
  type GroupVersionKind,
  type OpenAPISchema,
} from './prune.ts';

/** Component name of `metav1.ObjectMeta` in every Kubernetes OpenAPI v3 document. */
export const OBJECT_META_NAME = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const API_VERSION_ROOT =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_ROOT =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const API_VERSION_EMBEDDED =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_EMBEDDED =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/**
 * The component name the API server gives a custom kind: the group's dot-separated labels reversed,
 * then version and kind (`s3.services.k8s.aws`, `v1alpha1`, `Bucket` →
 * `aws.k8s.services.s3.v1alpha1.Bucket`).
 */
export function crdComponentName(gvk: GroupVersionKind): string {
  const group = gvk.group.split('.').reverse().join('.');
  return `${group === '' ? '' : `${group}.`}${gvk.version}.${gvk.kind}`;
}

function typeMeta(apiVersionText: string, kindText: string): Record<string, OpenAPISchema> {
  return {
    apiVersion: { description: apiVersionText, type: 'string' },
    kind: { description: kindText, type: 'string' },
    metadata: { description: METADATA, allOf: [{ $ref: `${SCHEMA_REF_PREFIX}${OBJECT_META_NAME}` }] },
  };
}

const SCHEMA_VALUED = new Set(['additionalProperties', 'items', 'not']);
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A copy of a plain JSON value with object keys sorted (no schema rewriting). */
function copyValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyValue);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(v)) out[k] = copyValue(v[k]);
  return out;
}

/** Rewrites one schema (not the root) as the API server publishes it. */
function publishSchema(raw: Record<string, unknown>): OpenAPISchema {
  const out: OpenAPISchema = {};
  for (const key of sortedKeys(raw)) {
    const value = raw[key];
    if (SCHEMA_VALUED.has(key) && isObject(value)) out[key] = publishSchema(value);
    else if (SCHEMA_ARRAYS.has(key) && Array.isArray(value))
      out[key] = value.map((s: unknown) => (isObject(s) ? publishSchema(s) : s));
    else if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: Record<string, OpenAPISchema> = {};
      for (const name of sortedKeys(value)) {
        const s = value[name];
        map[name] = isObject(s) ? publishSchema(s) : (s as OpenAPISchema);
      }
      out[key] = map;
    } else out[key] = copyValue(value);
  }
  if (out['x-kubernetes-int-or-string'] === true) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (out['x-kubernetes-embedded-resource'] === true) {
    out.properties = sortProperties({
      ...out.properties,
      ...typeMeta(API_VERSION_EMBEDDED, KIND_EMBEDDED),
    });
    const required = Array.isArray(out.required) ? [...out.required] : [];
    for (const name of ['kind', 'apiVersion']) if (!required.includes(name)) required.push(name);
    out.required = required;
  }
  return out;
}

function sortProperties(map: Record<string, OpenAPISchema>): Record<string, OpenAPISchema> {
  const out: Record<string, OpenAPISchema> = {};
  for (const k of sortedKeys(map)) out[k] = map[k]!;
  return out;
}

/**
 * The OpenAPI v3 component the API server publishes for a CRD version whose `openAPIV3Schema` is
 * `schema` (rules in the module comment). Returns a new plain object; `$ref`s point to
 * `#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`, so resolve it together
 * with {@link objectMetaComponents}. A `schema` that is not an object is treated as `{}`.
 */
export function publishedCrdSchema(schema: unknown, gvk: GroupVersionKind): OpenAPISchema {
  const root = publishSchema(isObject(schema) ? schema : {});
  root.properties = sortProperties({ ...root.properties, ...typeMeta(API_VERSION_ROOT, KIND_ROOT) });
  root['x-kubernetes-group-version-kind'] = [{ group: gvk.group, kind: gvk.kind, version: gvk.version }];
  return root;
}

let metaComponents: Record<string, OpenAPISchema> | undefined;

/**
 * `ObjectMeta` and every component it references (`ManagedFieldsEntry`, `OwnerReference`,
 * `FieldsV1`, `Time`), without descriptions, as in the embedded Kubernetes v1.35.4 document of `v1`:
 * what every published CRD document carries next to its kinds. Read from the embedded schema file
 * on first use (a few milliseconds) and cached; the result is shared, so never modify it.
 *
 * @throws Error when the embedded schema file cannot be read or lacks ObjectMeta.
 */
export function objectMetaComponents(): Record<string, OpenAPISchema> {
  if (metaComponents !== undefined) return metaComponents;
  const path = fileURLToPath(EMBEDDED_SCHEMAS_URL);
  const file = JSON.parse(readFileSync(path, 'utf8')) as {
    groupVersions?: Record<string, Record<string, OpenAPISchema>>;
  };
  const all = file.groupVersions?.['v1'];
  if (all?.[OBJECT_META_NAME] === undefined) throw new Error(`${path}: no ${OBJECT_META_NAME} in v1`);
  const out: Record<string, OpenAPISchema> = {};
  const queue = [OBJECT_META_NAME];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (out[name] !== undefined) continue;
    const schema = all[name];
    if (schema === undefined) throw new Error(`${path}: $ref to missing schema ${name}`);
    out[name] = schema;
    const visit = (s: OpenAPISchema): void => {
      const target = typeof s.$ref === 'string' ? refName(s.$ref) : undefined;
      if (target !== undefined && out[target] === undefined) queue.push(target);
      forEachSubSchema(s, visit);
    };
    visit(schema);
  }
  metaComponents = out;
  return out;
}

/** One kind to put in a {@link publishedSchemaSet}. */
export interface PublishedKind {
  gvk: GroupVersionKind;
  /** The CRD version's `openAPIV3Schema` (or the CRD kro would generate for an RGD). */
  openAPIV3Schema: unknown;
  /** From the CRD's `spec.scope`. */
  namespaced: boolean;
}

/**
 * A lazily resolved schema set (the embedded resolver, `createSchemaSet`) over the documents the API
 * server would publish for `kinds`: one group-version document per group-version, holding each
 * kind's {@link publishedCrdSchema} and {@link objectMetaComponents}. The first of two kinds with
 * the same GVK wins.
 */
export function publishedSchemaSet(kinds: readonly PublishedKind[]): EmbeddedSchemaSet {
  const groupVersions: Record<string, Record<string, OpenAPISchema>> = {};
  const namespaced: Record<string, Record<string, boolean>> = {};
  for (const k of kinds) {
    const gv = groupVersionKey(k.gvk.group, k.gvk.version);
    const components = (groupVersions[gv] ??= { ...objectMetaComponents() });
    const scopes = (namespaced[gv] ??= {});
    if (k.gvk.kind in scopes) continue;
    components[crdComponentName(k.gvk)] = publishedCrdSchema(k.openAPIV3Schema, k.gvk);
    scopes[k.gvk.kind] = k.namespaced;
  }
  return createSchemaSet({
    kubernetesVersion: 'custom',
    generatedBy: 'publishedSchemaSet',
    descriptions: 'omitted',
    version: {},
    groupVersions,
    namespaced,
  });
}
