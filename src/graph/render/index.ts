/**
 * Graph expansion ("rendering"): what kro's instance controller would create for an instance of an
 * RGD, with values that are not known before creation kept as symbolic unknowns (`symbolic.ts`).
 *
 * Use: `compileGraph` once per RGD generation, then `renderInstance` per instance (admission of an
 * instance, `kro-guard render`) or `renderSymbolic` without an instance (admission of the RGD).
 */
import { sortDiagnostics } from '../../diagnostics/diagnostic.ts';
import type { CompiledGraph } from './compiled.ts';
import { renderEnvironment } from './environment.ts';
import { Evaluator, RENDER_STEP_BUDGET, type StepBudget } from './evaluate.ts';
import { expand } from './expand.ts';
import { constraintAt, finiteInputs, instanceValue, symbolicInstance, type FiniteInput } from './inputs.ts';
import { isRenderedObject, Unknown, type RenderedValue } from './symbolic.ts';
import type { RenderedGraph, SymbolicRendering } from './types.ts';

export { compileGraph, type CompileOptions } from './compile.ts';
export type { CompiledGraph, CompiledNode, CompiledField, CompiledExpression } from './compiled.ts';
export { MAX_COLLECTION_SIZE } from './expand.ts';
export { renderedToYaml } from './yaml.ts';
export * from './symbolic.ts';
export type * from './types.ts';

/** Options of {@link renderSymbolic}. */
export interface SymbolicOptions {
  /** Most worlds to enumerate (default 64); finite-domain inputs beyond it stay unknown. */
  maxWorlds?: number;
}

/**
 * Renders the children of one instance (mode `instance`).
 *
 * @param compiled from `compileGraph`; when it is not `ok` the graph is empty and carries its
 *   diagnostics.
 * @param instance the instance object as the API server stores it, defaults applied (kro applies
 *   none itself, kro-contract §7). Its `status` is not visible to expressions.
 * @returns the rendered graph: children and externalRefs in topological order (collections
 *   expanded), the ids left out by includeWhen, and the evaluation errors kro would meet for this
 *   instance (paths `resources[<id>][<index>].<field>`). Never throws.
 */
export function renderInstance(compiled: CompiledGraph, instance: Record<string, unknown>): RenderedGraph {
  const md = isRenderedObject(instance.metadata) ? instance.metadata : {};
  const identity = {
    name: typeof md.name === 'string' ? md.name : '',
    namespace: !compiled.clusterScoped && typeof md.namespace === 'string' ? md.namespace : '',
  };
  if (!compiled.ok) return emptyGraph('instance', identity, compiled);
  const evaluator = new Evaluator(renderEnvironment(), (p) => constraintAt(compiled.specSchema, p));
  const graph = expand(
    compiled,
    {
      mode: 'instance',
      schema: instanceValue(instance),
      schemaMissing: { kind: 'instance' },
      instance: identity,
      assignment: {},
    },
    evaluator,
  );
  graph.diagnostics = sortDiagnostics([...compiled.diagnostics, ...graph.diagnostics]);
  return graph;
}

/**
 * Renders an RGD without an instance (mode `symbolic`, for RGD admission). Inputs are unknown
 * (`input` provenance, with their SimpleSchema constraint), except the booleans and enums that
 * expressions read, which are enumerated into worlds: the cartesian product of their domains
 * (default first), inputs taken in schema order while the number of worlds stays within
 * `maxWorlds`; the first world uses every default. Diagnostic paths are RGD paths.
 *
 * @returns the worlds, the enumerated and the free inputs, and every world's diagnostics
 *   (deduplicated). Never throws.
 */
export function renderSymbolic(compiled: CompiledGraph, options: SymbolicOptions = {}): SymbolicRendering {
  if (!compiled.ok) return { worlds: [], enumerated: [], free: [], diagnostics: [...compiled.diagnostics] };
  const maxWorlds = Math.max(1, Math.floor(options.maxWorlds ?? 64));
  const enumerated: FiniteInput[] = [];
  let count = 1;
  for (const input of finiteInputs(compiled)) {
    if (count * input.values.length > maxWorlds) continue;
    count *= input.values.length;
    enumerated.push(input);
  }
  const worlds: RenderedGraph[] = [];
  let free: string[] = [];
  const budget: StepBudget = { left: RENDER_STEP_BUDGET };
  for (const assignment of combinations(enumerated)) {
    const evaluator = new Evaluator(renderEnvironment(), (p) => constraintAt(compiled.specSchema, p), budget);
    const built = symbolicInstance(compiled, assignment, (u) => evaluator.locate(u));
    if (worlds.length === 0) free = built.free;
    const md = built.value.metadata as Record<string, RenderedValue>;
    const graph = expand(
      compiled,
      {
        mode: 'symbolic',
        schema: built.value,
        schemaMissing: { kind: 'input' },
        instance: {
          name: md.name as Unknown,
          namespace: compiled.clusterScoped ? '' : (md.namespace as Unknown),
        },
        assignment: Object.fromEntries(assignment),
      },
      evaluator,
    );
    graph.diagnostics = sortDiagnostics([...compiled.diagnostics, ...graph.diagnostics]);
    worlds.push(graph);
  }
  return {
    worlds,
    enumerated: enumerated.map((e) => ({ path: e.path, values: [...e.values] })),
    free,
    diagnostics: sortDiagnostics(worlds.flatMap((w) => w.diagnostics)),
  };
}

/** Every assignment of the inputs' values, the first input varying slowest; one empty one for none. */
function* combinations(inputs: readonly FiniteInput[]): Generator<Map<string, RenderedValue>> {
  const indices = inputs.map(() => 0);
  for (;;) {
    yield new Map(inputs.map((input, i) => [input.path, input.values[indices[i]!]!]));
    let i = inputs.length - 1;
    for (; i >= 0; i--) {
      indices[i]!++;
      if (indices[i]! < inputs[i]!.values.length) break;
      indices[i] = 0;
    }
    if (i < 0) return;
  }
}

function emptyGraph(
  mode: RenderedGraph['mode'],
  instance: RenderedGraph['instance'],
  compiled: CompiledGraph,
): RenderedGraph {
  return {
    mode,
    instance,
    resources: [],
    excluded: [],
    assignment: {},
    diagnostics: [...compiled.diagnostics],
  };
}
