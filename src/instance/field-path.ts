/**
 * Field paths of an instance while it is walked, and the three ways they are printed:
 *
 * - kubectl notation for {@link Diagnostic.path} (`spec.ports[0].name`, `spec.labels["a.b"]`), via
 *   {@link formatPath};
 * - kube-openapi's validator name (`spec.ports[0].name`, map keys joined with `.`:
 *   `spec.labels.a.b`), which the API server prints for OpenAPI schema errors
 *   (`k8s.io/kube-openapi/pkg/validation/validate`, `SubPropertyValidator`/`SubIndexValidator`);
 * - apimachinery's `field.Path` (`spec.labels[a.b]`, index `[0]`), which the API server prints for
 *   list-type, `x-kubernetes-validations` and metadata errors (`<nil>` for the root).
 *
 * Paths are linked lists built one node per visited value; strings are made only when an error is
 * reported, so walking a valid object allocates no text.
 */
import { formatPath, type PathSegment } from '../diagnostics/diagnostic.ts';

/** How a segment was reached: an object property, a key of a map (`additionalProperties`), a list index. */
export type SegmentKind = 'property' | 'key' | 'index';

/** One step of a field path; `undefined` is the object's root. */
export interface FieldPath {
  readonly up: FieldPath | undefined;
  readonly segment: string | number;
  readonly kind: SegmentKind;
}

/** The path of `segment` below `up`. */
export function child(up: FieldPath | undefined, segment: string | number, kind: SegmentKind): FieldPath {
  return { up, segment, kind };
}

function steps(path: FieldPath | undefined): FieldPath[] {
  const out: FieldPath[] = [];
  for (let p = path; p !== undefined; p = p.up) out.push(p);
  return out.reverse();
}

/** The segments of `path` (for {@link formatPath}). */
export function segmentsOf(path: FieldPath | undefined): PathSegment[] {
  return steps(path).map((s) => s.segment);
}

/** `path` in kubectl notation: the {@link Diagnostic.path} of a finding. */
export function diagnosticPath(path: FieldPath | undefined): string {
  return formatPath(segmentsOf(path));
}

/** kube-openapi's name of the value at `path` (`''` for the root). */
export function openApiName(path: FieldPath | undefined): string {
  let out = '';
  for (const s of steps(path)) {
    if (s.kind === 'index') out += `[${s.segment}]`;
    else out = out === '' ? String(s.segment) : `${out}.${s.segment}`;
  }
  return out;
}

/** apimachinery `field.Path.String()` of `path` (`<nil>` for the root). */
export function fieldPathString(path: FieldPath | undefined): string {
  if (path === undefined) return '<nil>';
  let out = '';
  for (const s of steps(path)) {
    if (s.kind === 'property') out = out === '' ? String(s.segment) : `${out}.${s.segment}`;
    else out += `[${s.segment}]`;
  }
  return out;
}
