/**
 * Lookups in a rendered graph for the identity rules (compliance-catalogue §3): which graph
 * resource an ARN value points to, the ServiceAccounts that carry a role's ARN in
 * `eks.amazonaws.com/role-arn` (IRSA), the PodIdentityAssociations that use a role, and a
 * ServiceAccount's namespace and name as texts.
 */
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import { Unknown, isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { SymText } from './text.ts';

/** The annotation that binds a ServiceAccount to an IAM role for IRSA. */
export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** The annotation that overrides the projected token's audience (default `sts.amazonaws.com`). */
export const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';

/** True when `r` is of `group`/`kind` (versions are not compared). */
export function isKind(r: RenderedResource, group: string, kind: string): boolean {
  return r.gvk.group === group && r.gvk.kind === kind;
}

const STATUS_ARN = /^([A-Za-z_][A-Za-z0-9_]*)\.status\.ackResourceMetadata\.arn$/;

/**
 * The id of the graph resource whose ARN `v` is: `v` is the unknown
 * `${<id>.status.ackResourceMetadata.arn}` (by its expression, or by a single `status` provenance
 * with that path). `undefined` for anything else, including text around the hole.
 */
export function statusArnResourceId(v: RenderedValue | undefined): string | undefined {
  if (!(v instanceof Unknown)) return undefined;
  const m = STATUS_ARN.exec(v.expression.replace(/\s+/g, ''));
  if (m !== null) return m[1];
  const [p, ...more] = v.provenance;
  if (
    p?.kind === 'status' &&
    more.length === 0 &&
    p.path === `${p.resourceId}.status.ackResourceMetadata.arn`
  )
    return p.resourceId;
  return undefined;
}

/** A text value at `path` of `r`'s object, or `undefined` when absent or not text. */
export function textAt(r: RenderedResource, path: readonly (string | number)[]): SymText | undefined {
  const v = valueAt(r.object, path);
  return typeof v === 'string' || isSymbolic(v) ? (v as SymText) : undefined;
}

/** The ServiceAccounts (core group) of the graph whose role-arn annotation is `roleId`'s ARN. */
export function serviceAccountsOfRole(graph: RenderedGraph, roleId: string): RenderedResource[] {
  return graph.resources.filter(
    (r) =>
      isKind(r, '', 'ServiceAccount') &&
      statusArnResourceId(valueAt(r.object, ['metadata', 'annotations', ROLE_ARN_ANNOTATION])) === roleId,
  );
}

/** The EKS PodIdentityAssociations of the graph whose `spec.roleARN` is `roleId`'s ARN. */
export function podIdentityAssociationsOfRole(graph: RenderedGraph, roleId: string): RenderedResource[] {
  return graph.resources.filter(
    (r) =>
      isKind(r, 'eks.services.k8s.aws', 'PodIdentityAssociation') &&
      statusArnResourceId(valueAt(r.object, ['spec', 'roleARN'])) === roleId,
  );
}

/**
 * A ServiceAccount's namespace and name as texts. A namespaced child without `metadata.namespace`
 * is created in the instance's namespace (kro-contract §4.5), which is `schema.metadata.namespace`
 * (an unknown) when the graph is rendered without an instance.
 */
export function serviceAccountIdentity(
  graph: RenderedGraph,
  sa: RenderedResource,
): { namespace: SymText | undefined; name: SymText | undefined } {
  return {
    namespace: textAt(sa, ['metadata', 'namespace']) ?? graph.instance.namespace,
    name: textAt(sa, ['metadata', 'name']),
  };
}

/** The graph resources with `id` (several for a forEach collection). */
export function resourcesWithId(graph: RenderedGraph, id: string): RenderedResource[] {
  return graph.resources.filter((r) => r.id === id);
}
