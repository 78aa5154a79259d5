/**
 * Rendered values as CEL input for custom rules, with every read of a symbolic value recorded.
 *
 * An {@link Unknown} or {@link SymbolicString} becomes an opaque {@link SymbolicMarker} (a type cel-js
 * does not know, so any operation on it is an evaluation error), stored behind a property getter
 * that records the read while a recorder is active ({@link recordSymbolicReads}). A custom rule's
 * verdict is then sound: if an evaluation read no symbolic value, its outcome cannot depend on one
 * (a value never read cannot change the result); if it read one, the verdict is `unknown`. This is
 * conservative: `has(object.spec.x)` or `"x" in object.spec` on a symbolic `x` also count as reads.
 *
 * Conversions are cached per rendered object, graph and parameter set (rendered values are never
 * mutated), so a graph is converted once for all the rules and objects that use it.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import {
  isRenderedObject,
  isSymbolic,
  type RenderedValue,
  type SymbolicString,
  type Unknown,
} from '../../graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import type { RuleParameters } from '../types.ts';
import { MAX_INT, MIN_INT } from '../../cel/library/values.ts';

/** Where a symbolic value sits: the rendered object (or graph) it belongs to and the path inside it. */
export interface SymbolicRead {
  value: Unknown | SymbolicString;
  /** The top-level rendered object (or the {@link RenderedGraph}, for `graph.instance`). */
  root: object;
  path: readonly PathSegment[];
}

/** The opaque stand-in for a symbolic value in CEL input. */
export class SymbolicMarker {
  readonly read: SymbolicRead;

  constructor(read: SymbolicRead) {
    this.read = read;
  }

  toString(): string {
    return this.read.value.toString();
  }
}

let reads: SymbolicRead[] | undefined;

/**
 * Runs `f` (an evaluation) and returns its result with the symbolic values read during it, in order
 * of first read, deduplicated. Not reentrant across threads (each thread has its own module state).
 */
export function recordSymbolicReads<R>(f: () => R): { result: R; reads: SymbolicRead[] } {
  const previous = reads;
  const mine: SymbolicRead[] = [];
  reads = mine;
  try {
    const result = f();
    return { result, reads: [...new Set(mine)] };
  } finally {
    reads = previous;
  }
}

function defineValue(target: object, key: string, value: unknown): void {
  if (value instanceof SymbolicMarker) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: false,
      get: () => {
        reads?.push(value.read);
        return value;
      },
    });
  } else if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: false, configurable: false });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

/** A JSON number as CEL sees it: an integer within int64 is an `int` (bigint), anything else a `double`. */
export function celNumber(n: number): bigint | number {
  if (!Number.isInteger(n)) return n;
  const b = BigInt(n);
  return b >= MIN_INT && b <= MAX_INT ? b : n;
}

function convert(v: RenderedValue, root: object, path: PathSegment[]): unknown {
  if (isSymbolic(v)) return new SymbolicMarker({ value: v, root, path: [...path] });
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return celNumber(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    v.forEach((x, i) => {
      const c = convert(x, root, [...path, i]);
      if (c instanceof SymbolicMarker) {
        out.push(undefined);
        defineValue(out, String(i), c);
      } else out.push(c);
    });
    return out;
  }
  const out: Record<string, unknown> = {};
  if (isRenderedObject(v))
    for (const [k, x] of Object.entries(v)) defineValue(out, k, convert(x, root, [...path, k]));
  return out;
}

const objects = new WeakMap<object, unknown>();

/** The CEL value of a rendered object (cached per object). Its symbolic reads have `root: obj`. */
export function celObject(obj: { [key: string]: RenderedValue }): unknown {
  let c = objects.get(obj);
  if (c === undefined) {
    c = convert(obj, obj, []);
    objects.set(obj, c);
  }
  return c;
}

const graphs = new WeakMap<RenderedGraph, unknown>();

function groupResources(resources: readonly RenderedResource[]): Map<string, RenderedResource[]> {
  const byId = new Map<string, RenderedResource[]>();
  for (const r of resources) {
    const list = byId.get(r.id);
    if (list === undefined) byId.set(r.id, [r]);
    else list.push(r);
  }
  return byId;
}

/**
 * The CEL value of `graph` (cached per graph): `{resources, instance, mode}` as documented in
 * environment.ts. A resource id with a collection index (or several resources) maps to a list.
 */
export function celGraph(graph: RenderedGraph): unknown {
  let c = graphs.get(graph);
  if (c === undefined) {
    const resources: Record<string, unknown> = {};
    for (const [id, list] of groupResources(graph.resources)) {
      const collection = list.length > 1 || list[0]!.collectionIndex !== undefined;
      defineValue(
        resources,
        id,
        collection ? list.map((r) => celObject(r.object)) : celObject(list[0]!.object),
      );
    }
    const instance: Record<string, unknown> = {};
    defineValue(instance, 'name', convert(graph.instance.name, graph, ['instance', 'name']));
    defineValue(instance, 'namespace', convert(graph.instance.namespace, graph, ['instance', 'namespace']));
    c = { resources, instance, mode: graph.mode };
    graphs.set(graph, c);
  }
  return c;
}

const parameterSets = new WeakMap<object, unknown>();

/** The CEL value of a parameter set (cached per object): lists as lists, integers as `int`. */
export function celParams(params: Required<RuleParameters>): unknown {
  let c = parameterSets.get(params);
  if (c === undefined) {
    c = convert(params as unknown as RenderedValue, params, []);
    parameterSets.set(params, c);
  }
  return c;
}
