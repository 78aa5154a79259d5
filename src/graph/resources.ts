/**
 * Per-resource structure checks (kro-contract §2 step 4-5.1, §4.2, §4.5 metadata rules that need
 * no schema) and the collection of each resource's expressions.
 */
import { error, formatPath, warning, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { scanExpressions, unwrapStandalone, type ExpressionField } from './expressions.ts';
import { isRecord } from './util.ts';

/** One forEach dimension of a resource. */
export interface ForEachDimension {
  name: string;
  /** The CEL text inside `${...}`, or undefined when the entry is not a standalone expression. */
  expression: string | undefined;
  path: PathSegment[];
}

/** A standalone-only expression list entry (readyWhen / includeWhen). */
export interface ConditionEntry {
  expression: string | undefined;
  path: PathSegment[];
}

/** A resource of the RGD, ready for reference analysis. */
export interface ResourceNode {
  index: number;
  id: string;
  /** The template, or the externalRef converted to `{apiVersion, kind, metadata}` (§4.3). */
  object: Record<string, unknown>;
  /** `spec.resources[i].template` or `spec.resources[i].externalRef`. */
  objectPath: PathSegment[];
  forEach: ForEachDimension[];
  includeWhen: ConditionEntry[];
  readyWhen: ConditionEntry[];
  /** Template fields holding expressions. */
  fields: ExpressionField[];
}

/** Label and annotation prefixes kro reserves (kro-contract §4.5). */
export const RESERVED_METADATA_PREFIXES = ['kro.run/', 'internal.kro.run/'] as const;

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CRD_API_VERSION = 'apiextensions.k8s.io/v1';

/**
 * Builds the node of `spec.resources[index]` and reports its structural problems. Returns no node
 * when the resource is too broken to analyse further (missing id, neither template nor
 * externalRef); those problems are the CRD check's to report.
 */
export function buildResourceNode(
  raw: unknown,
  index: number,
): { node?: ResourceNode; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!isRecord(raw) || typeof raw.id !== 'string') return { diagnostics };
  const id = raw.id;
  const base: PathSegment[] = ['spec', 'resources', index];
  const hasTemplate = raw.template !== undefined;
  const hasExternal = raw.externalRef !== undefined;
  const forEachRaw = Array.isArray(raw.forEach) ? raw.forEach : [];

  if (hasExternal && forEachRaw.length > 0) {
    diagnostics.push(
      error(
        'graph/externalref-with-foreach',
        formatPath([...base, 'forEach']),
        `invalid combination of resource fields: resource "${id}": cannot use externalRef with forEach`,
        id,
      ),
    );
  }
  let object: Record<string, unknown>;
  let objectPath: PathSegment[];
  let source: 'template' | 'externalRef';
  if (hasTemplate && !hasExternal && isRecord(raw.template)) {
    object = raw.template;
    objectPath = [...base, 'template'];
    source = 'template';
  } else if (hasExternal && !hasTemplate && isRecord(raw.externalRef)) {
    object = externalRefObject(raw.externalRef);
    objectPath = [...base, 'externalRef'];
    source = 'externalRef';
  } else {
    return { diagnostics }; // exactly-one-of is the CRD check's error
  }

  if (source === 'template') diagnostics.push(...checkObjectStructure(object, objectPath, id));
  diagnostics.push(...checkGvk(object, objectPath, id));
  diagnostics.push(...checkMetadata(object, objectPath, id));

  const scan = scanExpressions(object, objectPath, id);
  diagnostics.push(...scan.diagnostics);
  const fields = scan.fields;
  if (object.apiVersion === CRD_API_VERSION && object.kind === 'CustomResourceDefinition') {
    for (const f of fields) {
      if (f.relPath[0] !== 'metadata') {
        diagnostics.push(
          error(
            'graph/crd-template-expression',
            formatPath(f.path),
            `CEL expressions in CRDs are only supported for metadata fields, found in path "${formatPath(f.relPath)}", resource ${id}`,
            id,
          ),
        );
      }
    }
  }

  const forEach: ForEachDimension[] = [];
  forEachRaw.forEach((entry, i) => {
    if (!isRecord(entry)) return;
    for (const [name, value] of Object.entries(entry)) {
      const path = [...base, 'forEach', i, name];
      const un = unwrapStandalone(
        [{ path, text: value }],
        'graph/foreach-not-standalone',
        `failed to parse forEach dimensions: invalid forEach expression for dimension "${name}": `,
        id,
      );
      diagnostics.push(...un.diagnostics);
      forEach.push({ name, expression: un.expressions[0], path });
    }
  });
  const includeWhen = conditionList(
    raw.includeWhen,
    [...base, 'includeWhen'],
    'includeWhen',
    id,
    diagnostics,
  );
  const readyWhen = conditionList(raw.readyWhen, [...base, 'readyWhen'], 'readyWhen', id, diagnostics);
  const node: ResourceNode = {
    index,
    id,
    object,
    objectPath,
    forEach,
    includeWhen,
    readyWhen,
    fields,
  };
  return { node, diagnostics };
}

function conditionList(
  raw: unknown,
  path: PathSegment[],
  what: 'includeWhen' | 'readyWhen',
  id: string,
  out: Diagnostic[],
): ConditionEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries = raw.map((text, i) => ({ path: [...path, i], text }));
  const un = unwrapStandalone(
    entries,
    `graph/${what.toLowerCase()}-not-standalone`,
    `failed to parse ${what} expressions: `,
    id,
  );
  out.push(...un.diagnostics);
  return entries.map((e, i) => ({ path: e.path, expression: un.expressions[i] }));
}

/** kro converts an externalRef to a template-shaped object before treating it like one (§4.3). */
function externalRefObject(ref: Record<string, unknown>): Record<string, unknown> {
  const md = isRecord(ref.metadata) ? ref.metadata : {};
  const metadata: Record<string, unknown> = {};
  for (const k of ['name', 'namespace', 'selector']) if (md[k] !== undefined) metadata[k] = md[k];
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}

/** §2 step 5.1.1: apiVersion, kind (strings) and metadata (a map) must be present. */
function checkObjectStructure(obj: Record<string, unknown>, path: PathSegment[], id: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const bad = (field: string, problem: string): void => {
    out.push(
      error(
        'graph/invalid-object',
        formatPath(obj[field] === undefined ? path : [...path, field]),
        `resource ${id} is not a valid Kubernetes object: ${field} field ${problem}`,
        id,
      ),
    );
  };
  for (const f of ['apiVersion', 'kind']) {
    if (obj[f] === undefined) bad(f, 'not found');
    else if (typeof obj[f] !== 'string') bad(f, 'is not a string');
  }
  if (obj.metadata === undefined) bad('metadata', 'not found');
  else if (!isRecord(obj.metadata)) bad('metadata', 'is not a map');
  return out;
}

/** §2 step 5.1.2 and §4.2: the group/version and the kind must be literal and well formed. */
function checkGvk(obj: Record<string, unknown>, path: PathSegment[], id: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const prefix = `failed to extract GVK from resource ${id}: `;
  const { apiVersion, kind } = obj;
  if (typeof apiVersion === 'string') {
    const p = formatPath([...path, 'apiVersion']);
    if (apiVersion.includes('${')) {
      out.push(
        error('graph/expression-in-gvk', p, `${prefix}apiVersion must be a literal, not an expression`, id),
      );
    } else if (apiVersion.split('/').length > 2) {
      out.push(
        error(
          'graph/invalid-api-version',
          p,
          `${prefix}invalid apiVersion format "${apiVersion}": unexpected GroupVersion string: ${apiVersion}`,
          id,
        ),
      );
    } else if (apiVersion === '' || apiVersion.endsWith('/')) {
      out.push(
        error(
          'graph/invalid-api-version',
          p,
          `failed to get schema for resource ${id}: empty version in apiVersion "${apiVersion}"`,
          id,
        ),
      );
    }
  }
  if (typeof kind === 'string') {
    const p = formatPath([...path, 'kind']);
    if (kind.includes('${')) {
      out.push(error('graph/expression-in-gvk', p, `${prefix}kind must be a literal, not an expression`, id));
    } else {
      const lower = kind.toLowerCase();
      if (lower.length > 63 || !DNS1035_LABEL.test(lower)) {
        const why =
          lower.length > 63
            ? 'must be no more than 63 characters'
            : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
        out.push(
          error(
            'graph/invalid-kind',
            p,
            `${prefix}invalid kind "${kind}": [${why}] (must be a valid DNS-1035 label when lowercased)`,
            id,
          ),
        );
      }
    }
  }
  return out;
}

/** §4.5: metadata.namespace must be a string; `kro.run/` labels (and, in newer kro, annotations) are reserved. */
function checkMetadata(obj: Record<string, unknown>, path: PathSegment[], id: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const md = obj.metadata;
  if (!isRecord(md)) return out;
  if (md.namespace !== undefined && typeof md.namespace !== 'string') {
    out.push(
      error(
        'graph/invalid-namespace',
        formatPath([...path, 'metadata', 'namespace']),
        `resource "${id}" has invalid metadata.namespace: must be a string`,
        id,
      ),
    );
  }
  const reserved = (key: string): string | undefined =>
    RESERVED_METADATA_PREFIXES.find((p) => key.startsWith(p));
  if (isRecord(md.labels)) {
    for (const key of Object.keys(md.labels)) {
      const prefix = reserved(key);
      if (prefix === undefined) continue;
      const p = formatPath([...path, 'metadata', 'labels', key]);
      // kro v0.9.3 reserves only `kro.run/` labels (parity harness: scope/reserved-label-internal);
      // newer kro also reserves `internal.kro.run/`.
      out.push(
        prefix === 'kro.run/'
          ? error(
              'graph/reserved-label',
              p,
              `invalid label for resource "${id}". labels with prefix "kro.run/" are reserved for internal use`,
              id,
            )
          : warning(
              'graph/reserved-label',
              p,
              `labels with prefix "${prefix}" are reserved for kro's internal use; newer kro rejects them`,
              id,
            ),
      );
    }
  }
  if (isRecord(md.annotations)) {
    for (const key of Object.keys(md.annotations)) {
      const prefix = reserved(key);
      if (prefix === undefined) continue;
      // kro v0.9.3 accepts these; newer kro rejects them (kro-contract §4.5, "HEAD only").
      out.push(
        warning(
          'graph/reserved-annotation',
          formatPath([...path, 'metadata', 'annotations', key]),
          `annotations with prefix "${prefix}" are reserved for kro's internal use; newer kro rejects them`,
          id,
        ),
      );
    }
  }
  return out;
}
