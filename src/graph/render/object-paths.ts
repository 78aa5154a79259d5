/**
 * Editing a rendered template in place at the field paths of its expressions (`CompiledField.relPath`):
 * setting a field's value, removing the fields whose expression returned `omit()`.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { isRenderedObject, type RenderedObject, type RenderedValue } from './symbolic.ts';
import { setEntry } from './values.ts';

/** The container holding the last segment of `path`, or undefined when the path is not there. */
function parentAt(root: RenderedObject, path: readonly PathSegment[]): RenderedValue | undefined {
  let cur: RenderedValue | undefined = root;
  for (let i = 0; i < path.length - 1 && cur !== undefined; i++) {
    const seg = path[i]!;
    if (Array.isArray(cur)) cur = typeof seg === 'number' ? cur[seg] : undefined;
    else
      cur =
        isRenderedObject(cur) && typeof seg === 'string' && Object.hasOwn(cur, seg) ? cur[seg] : undefined;
  }
  return cur;
}

/** Sets the field at `path` (which exists in the template) to `value`; a missing path is ignored. */
export function setAt(root: RenderedObject, path: readonly PathSegment[], value: RenderedValue): void {
  const parent = parentAt(root, path);
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isRenderedObject(parent) && typeof last === 'string') setEntry(parent, last, value);
}

/**
 * Removes the fields at `paths`: map entries are deleted, list elements spliced out (kro's
 * `cleanOmitSentinels`). Later paths go first so that earlier list indexes stay valid.
 */
export function removeAll(root: RenderedObject, paths: readonly (readonly PathSegment[])[]): void {
  for (const path of [...paths].sort(comparePathsDescending)) {
    const parent = parentAt(root, path);
    const last = path[path.length - 1];
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else if (isRenderedObject(parent) && typeof last === 'string') Reflect.deleteProperty(parent, last);
  }
}

/** Later paths first (list indexes from the highest, deeper fields before their parents). */
function comparePathsDescending(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(y) < String(x) ? -1 : 1;
  }
  return b.length - a.length;
}
