/**
 * Graph context for rules (compliance-catalogue §4 "gap" item 3, §6.1): whether a value is a
 * graph-owned resource's status field (`${key.status.ackResourceMetadata.arn}` is the ARN of the
 * graph's KMS `Key` "key"), and which graph resource an ACK `*Ref.from.name` names.
 */
import {
  SymbolicString,
  Unknown,
  isRenderedObject,
  valueAt,
  type RenderedValue,
} from '../../graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import type { KindSelector } from '../types.ts';
import { isKind } from './kinds.ts';

/**
 * The graph resource whose status field `value` is, exactly: `value` is an {@link Unknown} whose
 * only provenance is `status` of resource `<id>`, whose expression is `<id>.<field>` for one of
 * `fields` (`status.ackResourceMetadata.arn`), and resource `<id>` of `graph` has kind `selector`.
 * Undefined otherwise (a literal, an input, a derived expression, another kind).
 */
export function statusSource(
  value: RenderedValue | undefined,
  graph: RenderedGraph,
  selector: KindSelector,
  fields: readonly string[],
): RenderedResource | undefined {
  if (!(value instanceof Unknown) || value.provenance.length !== 1) return undefined;
  const p = value.provenance[0]!;
  if (p.kind !== 'status') return undefined;
  const expression = value.expression.replace(/\s+/g, '');
  if (!fields.some((f) => expression === `${p.resourceId}.${f}` && p.path === expression)) return undefined;
  return graph.resources.find((r) => r.id === p.resourceId && isKind(r, selector));
}

/** Structural equality of rendered values; unknowns are equal when their expressions are. */
export function sameValue(a: RenderedValue | undefined, b: RenderedValue | undefined): boolean {
  if (a instanceof Unknown || b instanceof Unknown) {
    return a instanceof Unknown && b instanceof Unknown && a.expression === b.expression;
  }
  if (a instanceof SymbolicString || b instanceof SymbolicString) {
    if (!(a instanceof SymbolicString && b instanceof SymbolicString)) return false;
    return a.parts.length === b.parts.length && a.parts.every((p, i) => sameValue(p, b.parts[i]));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (isRenderedObject(a) || isRenderedObject(b)) {
    if (!isRenderedObject(a) || !isRenderedObject(b)) return false;
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameValue(a[k], b[k]))
    );
  }
  return a === b;
}

/**
 * The graph resource of kind `selector` an ACK reference (`{from: {name, namespace?}}`) names: same
 * `metadata.name` (structurally, so `${schema.spec.name}-key` matches itself), and the same
 * namespace when both sides give one. Undefined when the reference points outside the graph.
 */
export function referencedResource(
  ref: RenderedValue | undefined,
  graph: RenderedGraph,
  selector: KindSelector,
): RenderedResource | undefined {
  const name = valueAt(ref, ['from', 'name']);
  if (name === undefined || name === null) return undefined;
  const namespace = valueAt(ref, ['from', 'namespace']);
  return graph.resources.find((r) => {
    if (!isKind(r, selector) || !sameValue(valueAt(r.object, ['metadata', 'name']), name)) return false;
    const theirs = valueAt(r.object, ['metadata', 'namespace']);
    return (
      namespace === undefined || namespace === null || theirs === undefined || sameValue(theirs, namespace)
    );
  });
}
