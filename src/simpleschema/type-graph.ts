/**
 * The dependency graph of custom types (kro-contract §3.3): a type depends on every custom type its
 * definition names. kro builds types in a topological order of this graph and rejects cycles; this
 * module gives a deterministic order and every cycle.
 */
import { compareGoStrings } from './go-strings.ts';

/** The outcome of {@link analyseTypeGraph}. */
export interface TypeGraphAnalysis {
  /**
   * Types outside any cycle, each after every type it depends on; among types that are ready at the
   * same time, Go string order. Edges to types inside a cycle are ignored for the ordering.
   */
  order: string[];
  /**
   * One cycle per strongly connected component of two or more types, written `[A, B, …, A]`: it
   * starts and ends at the component's first type in Go string order and is the shortest such cycle,
   * following dependencies in Go string order. Sorted by their first type.
   */
  cycles: string[][];
  /** Every type that lies on a cycle. */
  inCycle: Set<string>;
}

/**
 * Analyses `deps` (type → the types it depends on). Self edges and edges to names that are not keys
 * of `deps` are ignored (the caller reports them).
 */
export function analyseTypeGraph(deps: ReadonlyMap<string, readonly string[]>): TypeGraphAnalysis {
  const names = [...deps.keys()].sort(compareGoStrings);
  const edges = new Map<string, string[]>();
  for (const n of names) {
    const out = [...new Set(deps.get(n) ?? [])].filter((d) => d !== n && deps.has(d)).sort(compareGoStrings);
    edges.set(n, out);
  }
  const components = stronglyConnected(names, edges);
  const inCycle = new Set<string>();
  const cycles: string[][] = [];
  for (const comp of components) {
    if (comp.length < 2) continue;
    comp.forEach((n) => inCycle.add(n));
    cycles.push(shortestCycle(comp, edges));
  }
  cycles.sort((a, b) => compareGoStrings(a[0]!, b[0]!));
  return { order: topologicalOrder(names, edges, inCycle), cycles, inCycle };
}

function stronglyConnected(names: string[], edges: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative over the sorted vertex list.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp.sort(compareGoStrings));
    }
  };
  for (const n of names) if (!index.has(n)) visit(n);
  return out;
}

function shortestCycle(comp: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(comp);
  const start = comp[0]!;
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable for a strongly connected component of two or more
}

function topologicalOrder(names: string[], edges: Map<string, string[]>, skip: Set<string>): string[] {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const n of names) {
    if (skip.has(n)) continue;
    const ds = (edges.get(n) ?? []).filter((d) => !skip.has(d));
    pending.set(n, ds.length);
    for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), n]);
  }
  const ready = names.filter((n) => pending.get(n) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n);
    for (const m of dependents.get(n) ?? []) {
      const left = pending.get(m)! - 1;
      pending.set(m, left);
      if (left === 0) {
        ready.push(m);
        ready.sort(compareGoStrings);
      }
    }
  }
  return order;
}
