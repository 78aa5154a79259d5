/**
 * The dependency graph of custom types (kro-contract §3.3): a type depends on every custom type its
 * definition names. kro builds types in a topological order of this graph and rejects cycles.
 */
import { analyseDag, type DagAnalysis } from '../dag/dag.ts';
import { compareGoStrings } from '../golang/strings.ts';

/** The outcome of {@link analyseTypeGraph}: see {@link DagAnalysis}; ties are broken in Go string order. */
export type TypeGraphAnalysis = DagAnalysis;

/**
 * Analyses `deps` (type → the types it depends on): a deterministic build order of the types outside
 * cycles, and every cycle, starting at its first type in Go string order. Self edges and edges to
 * names that are not keys of `deps` are ignored (the caller reports them).
 */
export function analyseTypeGraph(deps: ReadonlyMap<string, readonly string[]>): TypeGraphAnalysis {
  return analyseDag([...deps.keys()].sort(compareGoStrings), deps);
}
