/**
 * The resource dependency graph (kro-contract §5.3): vertices are resource ids in
 * `spec.resources` order, an edge `a -> b` means "a uses b, so b is created first".
 */

/** A cycle, as the list of ids along it with the first repeated at the end: `[a, b, a]`. */
export type Cycle = string[];

/** Result of {@link analyseGraph}. */
export interface GraphAnalysis {
  /** Creation order (kro's `status.topologicalOrder`); undefined when there is a cycle. */
  order?: string[];
  /** One cycle per strongly connected component that has one, deterministic. */
  cycles: Cycle[];
}

/**
 * Computes kro's topological order and the graph's cycles.
 *
 * Order: Kahn's algorithm; among the ready vertices the one with the lowest original index goes
 * first (kro-contract §5.3). Cycles: for every strongly connected component with a cycle (or a
 * self-edge), the cycle found by walking from its lowest-index vertex along the lowest-index
 * dependency that stays in the component.
 *
 * @param ids vertex ids in original order (unique).
 * @param deps for each id, the ids it depends on (unknown ids are ignored).
 */
export function analyseGraph(
  ids: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
): GraphAnalysis {
  const index = new Map(ids.map((id, i) => [id, i]));
  const edges = new Map<string, string[]>();
  for (const id of ids) {
    const ds = [...new Set(deps.get(id) ?? [])].filter((d) => index.has(d));
    ds.sort((a, b) => index.get(a)! - index.get(b)!);
    edges.set(id, ds);
  }
  const cycles = findCycles(ids, edges, index);
  if (cycles.length > 0) return { cycles };
  return { order: kahn(ids, edges, index), cycles };
}

function kahn(ids: readonly string[], edges: Map<string, string[]>, index: Map<string, number>): string[] {
  const remaining = new Map(ids.map((id) => [id, edges.get(id)!.length]));
  const dependents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) for (const d of edges.get(id)!) dependents.get(d)!.push(id);
  const ready = ids.filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const next = ready.shift()!;
    order.push(next);
    for (const dep of dependents.get(next)!) {
      const n = remaining.get(dep)! - 1;
      remaining.set(dep, n);
      if (n === 0) ready.push(dep);
    }
  }
  return order;
}

/** Tarjan's strongly connected components, then one representative cycle per cyclic component. */
function findCycles(
  ids: readonly string[],
  edges: Map<string, string[]>,
  index: Map<string, number>,
): Cycle[] {
  let counter = 0;
  const num = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  // Iterative Tarjan so that a long chain of resources cannot overflow the call stack.
  for (const root of ids) {
    if (num.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    num.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const out = edges.get(frame.v)!;
      if (frame.i < out.length) {
        const w = out[frame.i++]!;
        if (!num.has(w)) {
          num.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
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
  const cycles: Cycle[] = [];
  for (const comp of components) {
    const members = new Set(comp);
    const start = [...comp].sort((a, b) => index.get(a)! - index.get(b)!)[0]!;
    if (comp.length === 1 && !edges.get(start)!.includes(start)) continue;
    cycles.push(walkCycle(start, members, edges));
  }
  cycles.sort((a, b) => index.get(a[0]!)! - index.get(b[0]!)!);
  return cycles;
}

function walkCycle(start: string, members: Set<string>, edges: Map<string, string[]>): Cycle {
  // Breadth-first search for the shortest way back to `start` inside the component, preferring
  // lower-index dependencies, gives a short, stable cycle text.
  const prev = new Map<string, string>();
  const queue = [start];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v)!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0]!)!);
        return [...path, start];
      }
      if (!seen.has(w)) {
        seen.add(w);
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
