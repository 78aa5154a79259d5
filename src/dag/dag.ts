/**
 * A small directed-graph analysis shared by kro's two dependency graphs: resources (kro-contract
 * §5.3) and SimpleSchema custom types (§3.3). An edge `a -> b` means "a depends on b, so b comes
 * first". The caller gives the vertices in priority order: that order breaks every tie, so results
 * are deterministic.
 */

/** A cycle, as the vertices along it with the first repeated at the end: `[a, b, a]`. */
export type Cycle = string[];

/** Result of {@link analyseDag}. */
export interface DagAnalysis {
  /**
   * Every vertex that is not on a cycle, each after all the vertices it depends on (Kahn's
   * algorithm; among ready vertices the one earliest in priority order goes first). Edges into
   * cycles are ignored for this order.
   */
  order: string[];
  /**
   * One cycle per strongly connected component of two or more vertices: it starts and ends at the
   * component's earliest vertex in priority order and is the shortest such cycle, following
   * dependencies in priority order. Sorted by their first vertex.
   */
  cycles: Cycle[];
  /** Every vertex that lies on a cycle. */
  inCycle: Set<string>;
}

/**
 * Analyses a dependency graph.
 *
 * @param vertices the vertex ids, unique, in priority order.
 * @param deps for each vertex, the vertices it depends on. Self edges and edges to ids that are not
 *   vertices are ignored: callers report those themselves.
 */
export function analyseDag(
  vertices: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
): DagAnalysis {
  const rank = new Map(vertices.map((v, i) => [v, i]));
  const byRank = (a: string, b: string): number => rank.get(a)! - rank.get(b)!;
  const edges = new Map<string, string[]>();
  for (const v of vertices) {
    const ds = [...new Set(deps.get(v) ?? [])].filter((d) => d !== v && rank.has(d));
    edges.set(v, ds.sort(byRank));
  }
  const inCycle = new Set<string>();
  const cycles: Cycle[] = [];
  for (const comp of stronglyConnected(vertices, edges)) {
    if (comp.length < 2) continue;
    comp.sort(byRank);
    comp.forEach((v) => inCycle.add(v));
    cycles.push(shortestCycle(comp, edges));
  }
  cycles.sort((a, b) => byRank(a[0]!, b[0]!));
  return { order: kahn(vertices, edges, inCycle, byRank), cycles, inCycle };
}

function kahn(
  vertices: readonly string[],
  edges: Map<string, string[]>,
  skip: Set<string>,
  byRank: (a: string, b: string) => number,
): string[] {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const v of vertices) {
    if (skip.has(v)) continue;
    const ds = edges.get(v)!.filter((d) => !skip.has(d));
    pending.set(v, ds.length);
    for (const d of ds) {
      const list = dependents.get(d);
      if (list) list.push(v);
      else dependents.set(d, [v]);
    }
  }
  const ready = vertices.filter((v) => pending.get(v) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const next = ready.shift()!;
    order.push(next);
    let added = false;
    for (const dep of dependents.get(next) ?? []) {
      const n = pending.get(dep)! - 1;
      pending.set(dep, n);
      if (n === 0) {
        ready.push(dep);
        added = true;
      }
    }
    if (added) ready.sort(byRank);
  }
  return order;
}

/** Tarjan's strongly connected components, iterative so that long chains cannot overflow the stack. */
function stronglyConnected(vertices: readonly string[], edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const num = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const open = (v: string): void => {
    num.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
  };
  for (const root of vertices) {
    if (num.has(root)) continue;
    open(root);
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const out = edges.get(frame.v)!;
      if (frame.i < out.length) {
        const w = out[frame.i++]!;
        if (!num.has(w)) {
          open(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v)!, num.get(w)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(frame.v)!));
      if (low.get(frame.v) === num.get(frame.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.v);
        components.push(comp);
      }
    }
  }
  return components;
}

/** Breadth-first search back to the component's first vertex: the shortest cycle through it. */
function shortestCycle(comp: readonly string[], edges: Map<string, string[]>): Cycle {
  const members = new Set(comp);
  const start = comp[0]!;
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of edges.get(v)!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [...path, start];
      }
      if (!parent.has(w) && w !== start) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start]; // unreachable: every vertex of a component of two or more is on a cycle
}
