/**
 * Walking lists of rendered objects (`encryption.rules`, `ingressRules`, `containers`, `volumes`)
 * when the list itself, or an element, may be symbolic.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';

/**
 * One element of a rendered list, or the stand-in for a list that is not known yet: then `value`
 * is the symbolic list itself, `symbolic` is true, and every field read below it is unknown.
 */
export interface Element {
  /** Path of the element (`[...listPath, i]`), or of the list when `symbolic`. */
  path: PathSegment[];
  value: RenderedValue;
  /** Index in the list; undefined for the stand-in of a symbolic list. */
  index: number | undefined;
  /** True for the stand-in of a symbolic list. */
  symbolic: boolean;
}

/**
 * The elements of the list at `rel` below `root` (whose own path is `base`): none when absent,
 * null or not a list; one stand-in when the list is symbolic (or below a symbolic value); else one
 * entry per non-null element (a symbolic element is returned as is).
 */
export function elementsAt(
  root: RenderedValue | undefined,
  base: readonly PathSegment[],
  rel: readonly PathSegment[],
): Element[] {
  const list = valueAt(root, rel);
  const path = [...base, ...rel];
  if (list === undefined || list === null) return [];
  if (isSymbolic(list)) return [{ path, value: list, index: undefined, symbolic: true }];
  if (!Array.isArray(list)) return [];
  const out: Element[] = [];
  list.forEach((value, index) => {
    if (value !== null) out.push({ path: [...path, index], value, index, symbolic: false });
  });
  return out;
}

/**
 * Whether the field at `rel` below `root` is present (any non-null value, symbolic or not):
 * `'unknown'` when an ancestor of it is symbolic (then the field may or may not exist).
 */
export function presence(root: RenderedValue | undefined, rel: readonly PathSegment[]): boolean | 'unknown' {
  const parent = valueAt(root, rel.slice(0, -1));
  if (isSymbolic(parent)) return 'unknown';
  const v = valueAt(parent, rel.slice(-1));
  return v !== undefined && v !== null;
}

/** {@link elementsAt} for a list at `path` of a whole object (paths are the object's own). */
export function listAt(object: RenderedValue | undefined, path: readonly PathSegment[]): Element[] {
  return elementsAt(object, [], path);
}
