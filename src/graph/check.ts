/**
 * The static check of a ResourceGraphDefinition: kro's CRD rules (L1) and the parts of its graph
 * builder (L2) that need no OpenAPI schema of the templates' kinds (kro-contract §1-§5). Unlike kro,
 * which stops at the first error (in map order), every problem is reported.
 */
import { error, formatPath, sortDiagnostics, warning, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { toOpenAPISpec } from '../simpleschema/index.ts';
import { analyseDag } from '../dag/dag.ts';
import { withRgdDefaults } from './defaults.ts';
import { analyseNode } from './dependencies.ts';
import { checkIteratorNames, checkResourceIds } from './naming.ts';
import { ExpressionAnalyser } from './references.ts';
import { buildResourceNode, type ResourceNode } from './resources.ts';
import { checkRgdCrd } from './rgd-crd.ts';
import { checkStatus } from './status.ts';
import { checkTypedGraph } from './typed/check.ts';
import { checkTypedStatus } from './typed/status.ts';
import { generatedCrd } from './typed/crd.ts';
import type { CustomResourceDefinition } from '../crd/index.ts';
import type { OpenAPISchema } from '../schemas/prune.ts';
import type { RgdCheckOptions, RgdCheckResult } from './types.ts';
import { isRecord } from './util.ts';

/** Fields the v0.9.3 RGD CRD knows; others are pruned by the API server. */
const KNOWN_FIELDS: Record<string, readonly string[]> = {
  spec: ['schema', 'resources'],
  'spec.schema': [
    'apiVersion', 'kind', 'group', 'scope', 'spec', 'types', 'status', 'additionalPrinterColumns', 'metadata',
  ],
  resource: ['id', 'template', 'externalRef', 'readyWhen', 'includeWhen', 'forEach'],
}; // prettier-ignore

/**
 * Statically checks one RGD as kro's CRD (L1) and graph builder (L2) would, and reports all
 * problems with their field paths (kro-contract §1-§5, except the checks that need the OpenAPI
 * schemas of the templates' kinds: typed CEL, literal values, scope).
 *
 * The RGD CRD's defaults (`group`, `scope`) are applied first, as the API server does before any
 * validation. Never throws for any JSON input.
 *
 * @param rgd the RGD object (parsed JSON/YAML).
 * @param options `oldRgd` on UPDATE for the immutability rules.
 * @returns the sorted diagnostics, and when there are no errors the topological order and the
 *   instance `spec` schema.
 */
export function checkRgd(rgd: unknown, options: RgdCheckOptions = {}): RgdCheckResult {
  const obj = withRgdDefaults(rgd);
  const old = options.oldRgd === undefined ? undefined : withRgdDefaults(options.oldRgd);
  const diags: Diagnostic[] = checkRgdCrd(obj, old);
  if (!isRecord(obj) || !isRecord(obj.spec) || !isRecord(obj.spec.schema))
    return { diagnostics: sortDiagnostics(diags) };
  const spec = obj.spec;
  const schema = obj.spec.schema;

  diags.push(...unknownFieldWarnings(spec, schema));

  const rawResources = Array.isArray(spec.resources) ? spec.resources : [];
  const rawIds = rawResources.map((r) => (isRecord(r) && typeof r.id === 'string' ? r.id : undefined));
  diags.push(...checkResourceIds(rawIds));
  const ids = new Set(rawIds.filter((x): x is string => x !== undefined));

  const simple = toOpenAPISpec(schema.spec, schema.types);
  diags.push(...simple.diagnostics);

  const analyser = new ExpressionAnalyser();
  const nodes: ResourceNode[] = [];
  const seen = new Set<string>();
  rawResources.forEach((raw, i) => {
    const built = buildResourceNode(raw, i);
    diags.push(...built.diagnostics);
    const node = built.node;
    if (!node) return;
    diags.push(
      ...checkIteratorNames(
        i,
        node.id,
        node.forEach.map((d) => d.name),
        ids,
      ),
    );
    // A duplicate id is reported once; only its first definition joins the graph.
    if (seen.has(node.id)) return;
    seen.add(node.id);
    nodes.push(node);
  });

  const deps = new Map<string, string[]>();
  for (const node of nodes) {
    const r = analyseNode(node, { ids, analyser });
    diags.push(...r.diagnostics);
    deps.set(node.id, r.deps);
  }
  const graph = analyseDag(
    nodes.map((n) => n.id),
    deps,
  );
  // Self references never reach the analysis: analyseNode reports them at their field path.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const cycle of graph.cycles) {
    const first = byId.get(cycle[0]!)!;
    diags.push(
      error(
        'graph/cycle',
        formatPath(['spec', 'resources', first.index]),
        `failed to build dependency graph: graph contains a cycle: ${cycle.join(' -> ')}`,
        first.id,
      ),
    );
  }

  diags.push(...checkStatus(schema.status, ids, analyser));

  let statusSchema: OpenAPISchema | undefined;
  let crd: CustomResourceDefinition | undefined;
  if (options.schemas !== undefined) {
    const simpleOk = !simple.diagnostics.some((d) => d.severity === 'error');
    const typed = checkTypedGraph({
      nodes,
      analyser,
      schemas: options.schemas,
      clusterScoped: schema.scope === 'Cluster',
      specSchema: simpleOk ? (simple.schema as OpenAPISchema | undefined) : undefined,
    });
    diags.push(...typed.diagnostics);
    const status = checkTypedStatus(schema.status, typed.env, analyser);
    diags.push(...status.diagnostics);
    statusSchema = status.schema;
    if (simpleOk && simple.schema !== undefined && status.diagnostics.length === 0) {
      const c = generatedCrd(obj, simple.schema, statusSchema);
      diags.push(...c.diagnostics);
      crd = c.crd;
    }
  }

  const diagnostics = sortDiagnostics(diags);
  const result: RgdCheckResult = { diagnostics };
  if (!diagnostics.some((d) => d.severity === 'error')) {
    result.specSchema = simple.schema;
    result.topologicalOrder = graph.order;
    result.nodes = nodes;
    if (statusSchema !== undefined) result.statusSchema = statusSchema;
    if (crd !== undefined) result.crd = crd;
  }
  return result;
}

function unknownFieldWarnings(spec: Record<string, unknown>, schema: Record<string, unknown>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (path: (string | number)[], key: string): void => {
    const p = formatPath([...path, key]);
    out.push(
      warning(
        'rgd/unknown-field',
        p,
        `unknown field "${p}": kro v0.9.3's RGD CRD does not define it; the API server drops it`,
      ),
    );
  };
  for (const k of Object.keys(spec)) if (!KNOWN_FIELDS.spec!.includes(k)) warn(['spec'], k);
  for (const k of Object.keys(schema))
    if (!KNOWN_FIELDS['spec.schema']!.includes(k)) warn(['spec', 'schema'], k);
  if (Array.isArray(spec.resources)) {
    spec.resources.forEach((r, i) => {
      if (!isRecord(r)) return;
      for (const k of Object.keys(r))
        if (!KNOWN_FIELDS.resource!.includes(k)) warn(['spec', 'resources', i], k);
    });
  }
  return out;
}
