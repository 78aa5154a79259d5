/**
 * `metadata` of a custom resource (kro-contract §7 step 6).
 *
 * Coercion: the API server decodes `metadata` into a typed `ObjectMeta` and writes it back
 * (apiextensions-apiserver `schema/objectmeta`), so unknown keys disappear and empty values (`""`,
 * `{}`, `[]`, `generation: 0`, `null` timestamps) are omitted. A field of the wrong JSON type is a
 * decoding error there (HTTP 400, `cannot unmarshal …`); kro-guard reports it as
 * `instance/invalid-metadata` in its own words and drops the field.
 *
 * Validation (apimachinery `ValidateObjectMetaAccessor`, `ValidateObjectMetaAccessorUpdate`):
 * `name` is a DNS-1123 subdomain, required unless `generateName` is set (the API server then generates
 * it; kro-guard checks `generateName` only); `generateName` is checked with its trailing `-` masked;
 * label keys are qualified names and label values label values; annotation keys are qualified names
 * (case-insensitive) and all annotations together at most 256 KiB; `namespace` is forbidden on
 * cluster-scoped kinds and a DNS-1123 label otherwise (when the scope is given); on UPDATE, `name` and
 * `namespace` are immutable. Texts are those of kube-apiserver 1.35 (observed).
 *
 * Server-assigned fields (`uid`, `resourceVersion`, `creationTimestamp`, `generation`, `managedFields`)
 * are neither added nor checked.
 */
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from '../crd/names.ts';
import { forbidden, invalid, required, tooLong, type FieldError } from './field-errors.ts';
import { child, type FieldPath } from './field-path.ts';
import { deepCopy, isObject, setOwn } from './schema-node.ts';

type MetaFieldKind =
  'string' | 'integer' | 'nullableInteger' | 'time' | 'stringMap' | 'stringList' | 'objectList';

/** `ObjectMeta`'s JSON fields and the JSON shape Go's decoder accepts for each. */
const OBJECT_META_FIELDS: Readonly<Record<string, MetaFieldKind>> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'integer',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'nullableInteger',
  labels: 'stringMap',
  annotations: 'stringMap',
  ownerReferences: 'objectList',
  finalizers: 'stringList',
  managedFields: 'objectList',
};

const META = child(undefined, 'metadata', 'property');
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function shapeOk(kind: MetaFieldKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'nullableInteger':
      return v === null || (typeof v === 'number' && Number.isInteger(v));
    case 'time':
      return v === null || typeof v === 'string';
    case 'stringMap':
      return v === null || (isObject(v) && Object.values(v).every((x) => typeof x === 'string'));
    case 'stringList':
      return v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    case 'objectList':
      return v === null || (Array.isArray(v) && v.every(isObject));
  }
}

function omitted(v: unknown): boolean {
  if (v === null || v === '' || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.keys(v).length === 0;
}

/** `metadata` as the API server keeps it, and the decoding problems found. */
export function coerceObjectMeta(raw: unknown): { meta: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const meta: Record<string, unknown> = {};
  if (!isObject(raw)) {
    if (raw !== null && raw !== undefined)
      errors.push(invalid('instance/invalid-metadata', META, 'metadata', raw, 'must be an object'));
    return { meta, errors };
  }
  for (const k of Object.keys(raw)) {
    if (!Object.hasOwn(OBJECT_META_FIELDS, k)) continue;
    const v = raw[k];
    const kind = OBJECT_META_FIELDS[k]!;
    if (!shapeOk(kind, v)) {
      errors.push(
        invalid(
          'instance/invalid-metadata',
          child(META, k, 'property'),
          `metadata.${k}`,
          v,
          `cannot be decoded as ${kind}`,
        ),
      );
      continue;
    }
    if (kind === 'nullableInteger' ? v === null : omitted(v)) continue;
    setOwn(meta, k, deepCopy(v));
  }
  return { meta, errors };
}

/** `maskTrailingDash`: a generateName prefix may end in `-`. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

function metaField(k: string): FieldPath {
  return child(META, k, 'property');
}

function str(meta: Record<string, unknown>, k: string): string {
  const v = meta[k];
  return typeof v === 'string' ? v : '';
}

function stringMap(meta: Record<string, unknown>, k: string): [string, string][] {
  const v = meta[k];
  if (!isObject(v)) return [];
  return Object.keys(v)
    .sort()
    .map((key) => [key, v[key] as string]);
}

/** Options of {@link validateObjectMeta}. */
export interface ObjectMetaOptions {
  /** The old object's coerced metadata, on UPDATE. */
  oldMeta?: Record<string, unknown>;
  /** The kind's scope, when known; the namespace is not checked otherwise. */
  scope?: 'Namespaced' | 'Cluster';
}

/** The API server's field errors for a coerced `metadata` (see the module docs). */
export function validateObjectMeta(
  meta: Record<string, unknown>,
  options: ObjectMetaOptions = {},
): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(meta, 'name');
  const generateName = str(meta, 'generateName');
  if (generateName !== '') {
    for (const msg of dns1123SubdomainErrors(maskTrailingDash(generateName)))
      errs.push(
        invalid(
          'instance/invalid-name',
          metaField('generateName'),
          'metadata.generateName',
          generateName,
          msg,
        ),
      );
  }
  if (name === '') {
    if (generateName === '')
      errs.push(
        required(
          'instance/invalid-name',
          metaField('name'),
          'metadata.name',
          'name or generateName is required',
        ),
      );
  } else {
    for (const msg of dns1123SubdomainErrors(name))
      errs.push(invalid('instance/invalid-name', metaField('name'), 'metadata.name', name, msg));
  }
  const namespace = str(meta, 'namespace');
  if (options.scope === 'Cluster' && namespace !== '') {
    errs.push(
      forbidden(
        'instance/invalid-namespace',
        metaField('namespace'),
        'metadata.namespace',
        'not allowed on this type',
      ),
    );
  } else if (options.scope === 'Namespaced' && namespace !== '') {
    for (const msg of dns1123LabelErrors(namespace))
      errs.push(
        invalid('instance/invalid-namespace', metaField('namespace'), 'metadata.namespace', namespace, msg),
      );
  }
  for (const [k, v] of stringMap(meta, 'labels')) {
    const p = child(metaField('labels'), k, 'key');
    for (const msg of qualifiedNameErrors(k))
      errs.push(invalid('instance/invalid-label', p, 'metadata.labels', k, msg));
    for (const msg of labelValueErrors(v))
      errs.push(invalid('instance/invalid-label', p, 'metadata.labels', v, msg));
  }
  let annotationBytes = 0;
  for (const [k, v] of stringMap(meta, 'annotations')) {
    annotationBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
    const p = child(metaField('annotations'), k, 'key');
    for (const msg of qualifiedNameErrors(k.toLowerCase()))
      errs.push(invalid('instance/invalid-annotation', p, 'metadata.annotations', k, msg));
  }
  if (annotationBytes > TOTAL_ANNOTATION_SIZE_LIMIT)
    errs.push(
      tooLong(
        'instance/invalid-annotation',
        metaField('annotations'),
        'metadata.annotations',
        TOTAL_ANNOTATION_SIZE_LIMIT,
      ),
    );
  const old = options.oldMeta;
  if (old !== undefined) {
    for (const k of ['name', 'namespace']) {
      const now = str(meta, k);
      if (now !== str(old, k))
        errs.push(
          invalid('instance/immutable-metadata', metaField(k), `metadata.${k}`, now, 'field is immutable'),
        );
    }
  }
  return errs;
}
