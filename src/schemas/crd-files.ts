/**
 * Kind schemas from CustomResourceDefinition files (`kro-guard check --crds`, `KRO_GUARD_CRDS`): each
 * served version of an `apiextensions.k8s.io/v1` CRD gives one GVK whose schema is what the API
 * server would publish for it in OpenAPI v3 (`crd-schema.ts`), so the typed checks see the same
 * schema offline as against a cluster with the CRD installed.
 */
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { publishedSchemaSet, type PublishedKind } from './crd-schema.ts';
import type { GroupVersionKind } from './prune.ts';
import type { SchemaSource } from './source.ts';

/** A CRD file, directory or document that cannot be used; the message names file and document. */
export class CrdFileError extends Error {
  override name = 'CrdFileError';
}

/** One parsed input document (what {@link crdSourceFromDocuments} reads). */
export interface CrdInputDocument {
  /** The file it comes from, for messages. */
  file: string;
  /** Zero-based index of the document in its file. */
  document: number;
  /** The decoded YAML/JSON value. */
  value: unknown;
}

/** A kind found in the CRDs. */
export interface CrdKind {
  gvk: GroupVersionKind;
  /** From `spec.scope`: true for `Namespaced`. */
  namespaced: boolean;
  /** `metadata.name` of the CRD (`buckets.s3.services.k8s.aws`), or `''` when absent. */
  crdName: string;
  file: string;
  document: number;
  /** The index in `items` when the CRD came from a `List` document. */
  item?: number;
}

/** A document (or List item) that gave no kind, and why. */
export interface SkippedCrdDocument {
  file: string;
  document: number;
  item?: number;
  /** `not a CustomResourceDefinition (v1 ConfigMap)`, `apiextensions.k8s.io/v1beta1 is not served…`, … */
  reason: string;
}

/** A {@link SchemaSource} over CRD files, with what it found. */
export interface CrdFileSource extends SchemaSource {
  /** Every kind, in input order (files sorted within directories, documents, versions). */
  readonly kinds: readonly CrdKind[];
  /** Documents that are not v1 CRDs, and CRD versions that repeat an earlier GVK. */
  readonly skipped: readonly SkippedCrdDocument[];
}

const CRD_FILE = /\.(ya?ml|json)$/i;
const CRD_API_VERSION = 'apiextensions.k8s.io/v1';
const CRD_KIND = 'CustomResourceDefinition';

/**
 * Expands `paths` into files: a directory is walked recursively (entries sorted by name; hidden
 * entries skipped) for `*.yaml`, `*.yml` and `*.json`; a file is taken whatever its name.
 *
 * @throws CrdFileError `cannot read <path>: ENOENT` when a path does not exist or cannot be read.
 */
export function expandCrdPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    } catch (e) {
      throw new CrdFileError(`cannot read ${dir}: ${errorCode(e)}`, { cause: e });
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      const st = statOf(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && CRD_FILE.test(name)) out.push(p);
    }
  };
  for (const path of paths) {
    if (statOf(path).isDirectory()) walk(path);
    else out.push(path);
  }
  return out;
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new CrdFileError(`cannot read ${path}: ${errorCode(e)}`, { cause: e });
  }
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Reads the documents of one file: YAML (several documents separated by `---`) or JSON. Empty
 * documents are dropped; indexes count every document, as `kubectl` and the CLI do.
 *
 * @throws CrdFileError when the file cannot be read or a document has a YAML syntax error
 *   (`<file>: document 2: YAML syntax error at line 14, column 3: …`).
 */
export function readCrdFile(file: string): CrdInputDocument[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CrdFileError(`cannot read ${file}: ${errorCode(e)}`, { cause: e });
  }
  const out: CrdInputDocument[] = [];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, lineCounter });
  const list = Array.isArray(docs) ? docs : [docs];
  let index = 0;
  for (const doc of list) {
    if (doc.contents === null && doc.errors.length === 0) continue;
    const err = doc.errors[0];
    if (err !== undefined) {
      const pos = lineCounter.linePos(err.pos[0]);
      const where = ` at line ${pos.line}, column ${pos.col}`;
      throw new CrdFileError(
        `${file}: document ${index}: YAML syntax error${where}: ${err.message.split('\n')[0]!}`,
      );
    }
    out.push({ file, document: index, value: doc.toJS({ maxAliasCount: 100 }) as unknown });
    index++;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (!isObject(v)) return Array.isArray(v) ? 'an array' : `a ${v === null ? 'null' : typeof v}`;
  const kind = typeof v.kind === 'string' ? v.kind : undefined;
  const apiVersion = typeof v.apiVersion === 'string' ? v.apiVersion : '?';
  return kind === undefined ? 'no kind' : `${apiVersion} ${kind}`;
}

/**
 * A source over already parsed documents (pure). Documents are read in order; a `List` (any
 * `kind` ending in `List` with an `items` array, e.g. `v1 List` or `CustomResourceDefinitionList`)
 * is read item by item. For each `apiextensions.k8s.io/v1` CustomResourceDefinition, every version
 * with `served: true` and an `openAPIV3Schema` gives the GVK `spec.group`/`name`, Kind=`spec.names.kind`,
 * namespaced when `spec.scope` is `Namespaced` (versions that are not served are not published by the
 * API server, so kro cannot see them either). Other documents are skipped and listed in `skipped`
 * (not an error: CRD directories often hold other manifests); so is a GVK already defined by an
 * earlier document (the first wins).
 *
 * @param name the source's name for messages (default `crds`).
 * @throws CrdFileError naming file and document when a v1 CRD lacks `spec.group`, `spec.names.kind`,
 *   a valid `spec.scope` or a `spec.versions` list (the API server would reject it).
 */
export function crdSourceFromDocuments(documents: Iterable<CrdInputDocument>, name = 'crds'): CrdFileSource {
  const kinds: CrdKind[] = [];
  const skipped: SkippedCrdDocument[] = [];
  const seen = new Map<string, CrdKind>();
  const published: PublishedKind[] = [];
  const readOne = (value: unknown, where: { file: string; document: number; item?: number }): void => {
    const at = `${where.file}: document ${where.document}${where.item === undefined ? '' : ` item ${where.item}`}`;
    if (!isObject(value) || value.kind !== CRD_KIND || value.apiVersion !== CRD_API_VERSION) {
      const reason =
        isObject(value) && value.kind === CRD_KIND && typeof value.apiVersion === 'string'
          ? `${value.apiVersion} CustomResourceDefinitions are not served by Kubernetes since 1.22; convert to ${CRD_API_VERSION}`
          : `not a CustomResourceDefinition (${describe(value)})`;
      skipped.push({ ...where, reason });
      return;
    }
    const meta = isObject(value.metadata) ? value.metadata : {};
    const crdName = typeof meta.name === 'string' ? meta.name : '';
    const spec = isObject(value.spec) ? value.spec : undefined;
    const names = spec && isObject(spec.names) ? spec.names : undefined;
    const bad = (what: string): CrdFileError =>
      new CrdFileError(`${at}: CustomResourceDefinition ${JSON.stringify(crdName)}: ${what}`);
    if (typeof spec?.group !== 'string' || spec.group === '') throw bad('spec.group must be a string');
    if (typeof names?.kind !== 'string' || names.kind === '') throw bad('spec.names.kind must be a string');
    if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
      throw bad('spec.scope must be Namespaced or Cluster');
    if (!Array.isArray(spec.versions)) throw bad('spec.versions must be a list');
    for (const version of spec.versions as unknown[]) {
      if (!isObject(version) || typeof version.name !== 'string') throw bad('spec.versions[].name missing');
      if (version.served !== true) continue;
      const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : undefined;
      if (!isObject(schema)) continue;
      const gvk = { group: spec.group, version: version.name, kind: names.kind };
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
      const first = seen.get(key);
      if (first !== undefined) {
        skipped.push({
          ...where,
          reason: `${key} is already defined by ${first.file}: document ${first.document}`,
        });
        continue;
      }
      const kind: CrdKind = { gvk, namespaced: spec.scope === 'Namespaced', crdName, ...where };
      seen.set(key, kind);
      kinds.push(kind);
      published.push({ gvk, openAPIV3Schema: schema, namespaced: kind.namespaced });
    }
  };
  for (const doc of documents) {
    const v = doc.value;
    const where = { file: doc.file, document: doc.document };
    if (isObject(v) && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
      (v.items as unknown[]).forEach((item, i) => readOne(item, { ...where, item: i }));
    } else {
      readOne(v, where);
    }
  }
  const set = publishedSchemaSet(published);
  const sources = new Map(kinds.map((k) => [`${k.gvk.group}/${k.gvk.version}/${k.gvk.kind}`, k.file]));
  return {
    name,
    authoritative: false,
    kinds,
    skipped,
    lookup(gvk) {
      const file = sources.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
      if (file === undefined) return undefined;
      const found = set.lookup(gvk);
      return found === undefined
        ? undefined
        : { schema: found.schema, namespaced: found.namespaced, source: file };
    },
  };
}

/**
 * The CRDs in `paths` (files and directories, see {@link expandCrdPaths}) as a non-authoritative
 * {@link SchemaSource} named `crds:<paths joined by ,>`. Reads every file synchronously, at once
 * (the ACK CRDs of `../shared/crds/ack`, 72 files and 1.6 MB, take well under a second); schemas
 * are resolved lazily on lookup. `ResolvedKind.source` is the CRD's file.
 *
 * @throws CrdFileError for a path that cannot be read, a YAML syntax error, or a malformed v1 CRD;
 *   the message names the file and the document index. Documents that are not CRDs are skipped
 *   (see `skipped`).
 */
export function crdFileSource(paths: readonly string[]): CrdFileSource {
  const documents = expandCrdPaths(paths).flatMap((file) => readCrdFile(file));
  return crdSourceFromDocuments(documents, `crds:${paths.join(',')}`);
}
