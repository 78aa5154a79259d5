/**
 * Old/new correlation on UPDATE, for validation ratcheting and transition rules (apiserver
 * `pkg/cel/common` `CorrelatedObject`; KEP-4008, GA in Kubernetes 1.33).
 *
 * A node of the new object is correlated with a node of the old one when it is reached from the root
 * through object properties, map keys, and items of `x-kubernetes-list-type: map` lists matched by
 * their key fields. Items of `set` and atomic lists are not correlated: they inherit the correlation
 * of their nearest correlated ancestor. An error at a node is ratcheted (dropped) when that
 * correlation is unchanged (deep-equal old and new values). `apiVersion` and `kind` are never
 * correlated.
 */
import { isObject, jsonEqual, type SchemaNode } from './schema-node.ts';

/** The correlation of one node. `hasOld` is false when the old object has no value there. */
export interface Correlation {
  readonly value: unknown;
  readonly old: unknown;
  readonly hasOld: boolean;
  /** Memo of {@link unchanged}. */
  equal?: boolean;
}

/** Where a walk stands: the nearest correlation, and whether it is this node's own. */
export interface Correlated {
  readonly corr: Correlation | undefined;
  readonly exact: boolean;
}

/** No old object (CREATE). */
export const UNCORRELATED: Correlated = { corr: undefined, exact: false };

/** The root of an UPDATE. */
export function rootCorrelation(value: unknown, old: unknown): Correlated {
  return { corr: { value, old, hasOld: true }, exact: true };
}

/** True when errors under this correlation are ratcheted. */
export function unchanged(c: Correlation | undefined): boolean {
  if (c === undefined) return false;
  c.equal ??= c.hasOld && jsonEqual(c.value, c.old);
  return c.equal;
}

/** The correlation of `value`, found at key `key` of an object (property or map key). */
export function keyCorrelation(parent: Correlated, key: string, value: unknown, root: boolean): Correlated {
  if (!parent.exact || parent.corr === undefined) return parent;
  if (root && (key === 'apiVersion' || key === 'kind')) return UNCORRELATED;
  const old = parent.corr.old;
  const hasOld = parent.corr.hasOld && isObject(old) && Object.hasOwn(old, key);
  return { corr: { value, old: hasOld ? old[key] : undefined, hasOld }, exact: true };
}

/**
 * The correlations of the items of list `list` under `node`: for `map` lists, each item is matched to
 * the old item with the same key fields; other lists give every item the parent's correlation, inexact.
 */
export function itemCorrelations(
  parent: Correlated,
  node: SchemaNode,
  list: readonly unknown[],
): Correlated[] {
  const inexact: Correlated = { corr: parent.corr, exact: false };
  if (!parent.exact || parent.corr === undefined || node.listType !== 'map' || node.listMapKeys.length === 0)
    return list.map(() => inexact);
  const old = parent.corr.hasOld && Array.isArray(parent.corr.old) ? parent.corr.old : [];
  const byKey = new Map<string, unknown>();
  for (const item of old) {
    const k = mapListKey(item, node.listMapKeys);
    if (k !== undefined && !byKey.has(k)) byKey.set(k, item);
  }
  return list.map((item) => {
    const k = mapListKey(item, node.listMapKeys);
    const hasOld = k !== undefined && byKey.has(k);
    return { corr: { value: item, old: hasOld ? byKey.get(k!) : undefined, hasOld }, exact: true };
  });
}

function mapListKey(item: unknown, keys: readonly string[]): string | undefined {
  if (!isObject(item)) return undefined;
  return JSON.stringify(keys.map((k) => (Object.hasOwn(item, k) ? item[k] : null)));
}
