/**
 * The `render` command: the children kro would create for an instance of an RGD, printed as YAML
 * (or JSON), with values not known before creation written as `${expression}`.
 *
 * Exit codes as `check`: 0 rendered, 1 the RGD is rejected or rendering meets errors (kro would
 * fail on this instance), 2 usage or I/O error.
 */
import type { CustomResourceDefinition } from '../crd/index.ts';
import { withRgdDefaults } from '../graph/defaults.ts';
import { checkRgd } from '../graph/index.ts';
import { isResourceGraphDefinition } from '../graph/identify.ts';
import {
  compileGraph,
  renderedToYaml,
  renderInstance,
  toPrintable,
  Unknown,
  type RenderedGraph,
} from '../graph/render/index.ts';
import { isRecord } from '../graph/util.ts';
import { compileInstanceSchema, type AdmitResult } from '../instance/admit.ts';
import { EXIT } from './check-command.ts';
import { checkDocument } from './check-documents.ts';
import { InputError, readDocuments, type SourceDocument } from './documents.ts';
import { formatText } from './format.ts';
import { checkSchemas, prepareSchemas, SchemaOptionError, type SchemaOptions } from './schema-sources.ts';

/** Options of the render command. */
export interface RenderOptions extends SchemaOptions {
  /** The file holding the RGD (`--rgd`); other RGDs in it serve as schema sources. */
  rgd: string;
  /** `-o yaml` (default) or `-o json`. */
  output: 'yaml' | 'json';
}

/** A usage or input problem: the message is printed and the exit code is 2. */
class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Renders the one instance in `instanceFile` with the RGD of its kind from `options.rgd`, writing
 * the children to `out` and problems to `err`.
 *
 * The instance is first admitted as the API server would store it (see `storedInstance`): kro
 * renders the stored object, with the CRD's defaults applied (kro-contract §7). An instance the API
 * server would reject gives exit code 1 and no output.
 *
 * @returns the process exit code.
 */
export async function runRender(
  instanceFile: string,
  options: RenderOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let rgdDocs: SourceDocument[];
  let instance: Record<string, unknown>;
  let rgdDoc: SourceDocument;
  try {
    rgdDocs = await readValidDocuments(options.rgd);
    const instanceDocs = await readValidDocuments(instanceFile);
    [rgdDoc, instance] = pick(rgdDocs, instanceDocs, options.rgd, instanceFile);
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) {
      err(`kro-guard render: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const rgds = rgdDocs.map((d) => d.value).filter(isResourceGraphDefinition);
  let schemas;
  try {
    schemas = await checkSchemas(options, rgds);
  } catch (e) {
    if (e instanceof SchemaOptionError) {
      err(`kro-guard render: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    const failures = await prepareSchemas(schemas, [rgdDoc.value]);
    if (failures.length > 0) {
      for (const f of failures) err(`kro-guard render: cluster ${schemas.cluster?.server ?? ''}: ${f}\n`);
      return EXIT.usage;
    }
    const check = checkRgd(rgdDoc.value, { schemas: schemas.source });
    if (check.diagnostics.some((d) => d.severity === 'error')) {
      err(`kro-guard render: the RGD is rejected, nothing to render\n`);
      err(formatText(checkDocument(rgdDoc, { schemas: schemas.source })));
      return EXIT.rejected;
    }
    const compiled = compileGraph(rgdDoc.value, check, { schemas: schemas.source });
    const stored = storedInstance(instance, check.crd, compiled.clusterScoped);
    if (stored.diagnostics.some((d) => d.severity === 'error')) {
      err(`kro-guard render: the API server would reject the instance, nothing to render\n`);
      for (const d of stored.diagnostics) err(`${instanceFile}: ${d.severity}: ${d.message} [${d.code}]\n`);
      return EXIT.rejected;
    }
    const graph = renderInstance(compiled, stored.object);
    out(options.output === 'json' ? formatRenderedJson(graph) : renderedToYaml(graph));
    for (const d of graph.diagnostics) {
      const at = d.path === '' ? '' : `${d.path}: `;
      err(`${instanceFile}: ${d.severity}: ${at}${d.message} [${d.code}]\n`);
    }
    return graph.diagnostics.some((d) => d.severity === 'error') ? EXIT.rejected : EXIT.ok;
  } finally {
    await schemas.close();
  }
}

/**
 * The instance as the API server would store it on CREATE (kro-contract §7): kubectl's default
 * namespace `default` when a namespaced instance has none, then the generated CRD's pruning,
 * defaulting and validation (`src/instance`). Without a CRD (the check could not generate it) the
 * instance is taken as given.
 */
function storedInstance(
  instance: Record<string, unknown>,
  crd: CustomResourceDefinition | undefined,
  clusterScoped: boolean,
): AdmitResult {
  const md = isRecord(instance.metadata) ? instance.metadata : {};
  const object =
    clusterScoped || typeof md.namespace === 'string'
      ? instance
      : { ...instance, metadata: { ...md, namespace: 'default' } };
  const schema = crd?.spec.versions[0]?.schema?.openAPIV3Schema;
  if (schema === undefined) return { object, diagnostics: [] };
  const scope = clusterScoped ? 'Cluster' : 'Namespaced';
  return compileInstanceSchema(schema, { scope }).admit(object, { operation: 'CREATE' });
}

async function readValidDocuments(file: string): Promise<SourceDocument[]> {
  const docs = await readDocuments(file);
  for (const d of docs) {
    const e = d.syntaxErrors[0];
    if (e !== undefined) throw new UsageError(`${d.file}:${e.line}:${e.column}: ${e.message}`);
  }
  return docs;
}

/** The instance's GVK as `<group>/<version> <Kind>` for an RGD. */
function instanceType(rgd: unknown): string | undefined {
  const o = withRgdDefaults(rgd);
  if (!isRecord(o) || !isRecord(o.spec) || !isRecord(o.spec.schema)) return undefined;
  const { group, apiVersion, kind } = o.spec.schema;
  if (typeof group !== 'string' || typeof apiVersion !== 'string' || typeof kind !== 'string')
    return undefined;
  return `${group}/${apiVersion} ${kind}`;
}

/** The RGD and the one instance of its kind. @throws UsageError when there is not exactly one. */
function pick(
  rgdDocs: readonly SourceDocument[],
  instanceDocs: readonly SourceDocument[],
  rgdFile: string,
  instanceFile: string,
): [SourceDocument, Record<string, unknown>] {
  const byType = new Map<string, SourceDocument>();
  for (const d of rgdDocs) {
    if (!isResourceGraphDefinition(d.value)) continue;
    const t = instanceType(d.value);
    if (t !== undefined && !byType.has(t)) byType.set(t, d);
  }
  if (byType.size === 0) throw new UsageError(`${rgdFile}: no ResourceGraphDefinition found`);
  const matches: [SourceDocument, Record<string, unknown>][] = [];
  for (const d of instanceDocs) {
    if (!isRecord(d.value)) continue;
    const rgd = byType.get(`${String(d.value.apiVersion)} ${String(d.value.kind)}`);
    if (rgd !== undefined) matches.push([rgd, d.value]);
  }
  if (matches.length !== 1) {
    const kinds = [...byType.keys()].join(', ');
    throw new UsageError(
      matches.length === 0
        ? `${instanceFile}: no instance of ${kinds}`
        : `${instanceFile}: ${matches.length} instances of ${kinds}; give one`,
    );
  }
  return matches[0]!;
}

/** JSON output: the instance, the children (unknowns as `${expression}` text), exclusions, diagnostics. */
function formatRenderedJson(graph: RenderedGraph): string {
  const resources = graph.resources.map((r) => ({
    id: r.id,
    ...(r.collectionIndex === undefined ? {} : { collectionIndex: r.collectionIndex }),
    included: r.included instanceof Unknown ? r.included.toString() : true,
    external: r.external,
    object: toPrintable(r.object),
  }));
  const instance = {
    name: toPrintable(graph.instance.name),
    namespace: toPrintable(graph.instance.namespace),
  };
  return (
    JSON.stringify(
      { instance, resources, excluded: graph.excluded, diagnostics: graph.diagnostics },
      null,
      2,
    ) + '\n'
  );
}
