/**
 * IAM-017 against the graph (compliance-catalogue §3.3): the EKS PodIdentityAssociations of the
 * graph that use a role. The binding of ServiceAccount to role lives in
 * `PodIdentityAssociation.spec.{namespace, serviceAccount, roleARN}`, not in the trust policy:
 * "exactly one ServiceAccount" means exactly one association uses the role, and it names a
 * ServiceAccount of the graph.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { Unknown, valueAt } from '../../graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import { fail, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import type { PolicyDocument } from './document.ts';
import { isKind, podIdentityAssociationsOfRole, serviceAccountIdentity, textAt } from './graph.ts';
import { POD_IDENTITY_SERVICE, analysePodIdentityTrust } from './pod-identity.ts';
import { anyTri, quoteText, symEquals, type SymText, type Tri } from './text.ts';

/** True when `t` is the unknown `${<id>.metadata.<field>}`: a direct reference to that resource's field. */
function refersTo(t: SymText, id: string, field: 'name' | 'namespace'): boolean {
  return t instanceof Unknown && t.expression.replace(/\s+/g, '') === `${id}.metadata.${field}`;
}

/** Whether the association's `spec.namespace`/`spec.serviceAccount` are those of graph ServiceAccount `sa`. */
function bindsServiceAccount(graph: RenderedGraph, sa: RenderedResource, ns: SymText, name: SymText): Tri {
  const id = serviceAccountIdentity(graph, sa);
  if (id.namespace === undefined || id.name === undefined) return 'unknown';
  const sameName = refersTo(name, sa.id, 'name') ? true : symEquals(id.name, name);
  const sameNs = refersTo(ns, sa.id, 'namespace') ? true : symEquals(id.namespace, ns);
  if (sameName === false || sameNs === false) return false;
  return sameName === true && sameNs === true ? true : 'unknown';
}

/** The association names a ServiceAccount of the graph (nothing to say when the graph has none). */
function associationTarget(graph: RenderedGraph, association: RenderedResource): RuleResult[] {
  const accounts = graph.resources.filter((r) => isKind(r, '', 'ServiceAccount'));
  const ns = textAt(association, ['spec', 'namespace']);
  const name = textAt(association, ['spec', 'serviceAccount']);
  if (accounts.length === 0 || ns === undefined || name === undefined) return [];
  const matches = anyTri(accounts.map((sa) => bindsServiceAccount(graph, sa, ns, name)));
  const who = `${quoteText(ns)}/${quoteText(name)}`;
  if (matches === true) return [];
  if (matches === false)
    return [
      fail(
        [],
        `PodIdentityAssociation "${association.id}" binds ${who}, which is no ServiceAccount of the graph`,
      ),
    ];
  const values = [ns, name, ...accounts.flatMap((sa) => Object.values(serviceAccountIdentity(graph, sa)))];
  return [
    unknownResult(
      [],
      values.filter((v) => v !== undefined),
      `PodIdentityAssociation "${association.id}" may bind ${who}, not a graph ServiceAccount`,
    ),
  ];
}

/**
 * IAM-017 for role `roleId` of `graph` with trust `doc` at `base`: the trust analysis
 * ({@link analysePodIdentityTrust}, `sts:TagSession` optional only when every association sets
 * `disableSessionTags: true`), plus, when associations of the graph use the role: the trust must
 * allow Pod Identity, exactly one association may use it, and it must bind a graph ServiceAccount.
 * `[]` for a role that neither has a Pod Identity trust nor is used by an association.
 */
export function analysePodIdentityRole(
  doc: PolicyDocument,
  base: PathSegment[],
  graph: RenderedGraph,
  roleId: string,
): RuleResult[] {
  const associations = podIdentityAssociationsOfRole(graph, roleId);
  const sessionTags = !(
    associations.length > 0 &&
    associations.every((a) => valueAt(a.object, ['spec', 'disableSessionTags']) === true)
  );
  const results = analysePodIdentityTrust(doc, base, sessionTags);
  const first = associations[0];
  if (first === undefined) return results;
  if (results.length === 0)
    return [
      fail(
        base,
        `PodIdentityAssociation "${first.id}" uses this role, but the trust lacks ${POD_IDENTITY_SERVICE}`,
      ),
    ];
  if (associations.length > 1) {
    const ids = associations.map((a) => a.id).join(', ');
    results.push(
      fail(base, `${associations.length} PodIdentityAssociations use this role (${ids}); one expected`),
    );
  }
  return [...results, ...associationTarget(graph, first)];
}
