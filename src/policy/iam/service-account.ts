/**
 * K8S-011 (compliance-catalogue §2.6, §3.1 step 5): a ServiceAccount bound to an IAM role by
 * `eks.amazonaws.com/role-arn` must point at a Role of the same graph
 * (`${<role>.status.ackResourceMetadata.arn}`) whose IRSA trust names this ServiceAccount in its
 * `sub`; an `eks.amazonaws.com/audience` annotation must equal the trust's `aud`.
 */
import { symbolicString, valueAt } from '../../graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { parsePolicyDocument } from './document.ts';
import {
  AUDIENCE_ANNOTATION,
  ROLE_ARN_ANNOTATION,
  isKind,
  resourcesWithId,
  serviceAccountIdentity,
  statusArnResourceId,
  textAt,
} from './graph.ts';
import { irsaBindings, type IrsaBinding } from './irsa.ts';
import { anyTri, quoteText, symEquals, type SymText } from './text.ts';

const ROLE_ARN_PATH = ['metadata', 'annotations', ROLE_ARN_ANNOTATION];
const AUDIENCE_PATH = ['metadata', 'annotations', AUDIENCE_ANNOTATION];

/** The audience annotation, when set, equals some `aud` of the trust. */
function audienceAgrees(sa: RenderedResource, bindings: readonly IrsaBinding[]): RuleResult[] {
  const audience = textAt(sa, AUDIENCE_PATH);
  if (audience === undefined) return [];
  const auds = bindings.flatMap((b) => b.aud.map((a) => a.value));
  const agrees = anyTri(auds.map((a) => symEquals(a, audience)));
  if (agrees === false) {
    const shown = auds.map(quoteText).join(', ') || 'none';
    return [fail(AUDIENCE_PATH, `audience ${quoteText(audience)} is not the trust's aud (${shown})`)];
  }
  if (agrees === 'unknown')
    return [
      unknownResult(
        AUDIENCE_PATH,
        [audience, ...auds],
        `audience ${quoteText(audience)} may differ from the trust's aud`,
      ),
    ];
  return [];
}

/**
 * K8S-011 on ServiceAccount `sa` of `graph`. `[]` when it has no role-arn annotation; `unknown`
 * when the role is not a graph resource (its trust cannot be seen).
 *
 * @param oidcProviders as in IAM-016, to recognise IRSA statements.
 */
export function analyseServiceAccountRole(
  graph: RenderedGraph,
  sa: RenderedResource,
  oidcProviders: readonly string[],
): RuleResult[] {
  const arn = valueAt(sa.object, ROLE_ARN_PATH);
  if (arn === undefined || arn === null) return [];
  const roleId = statusArnResourceId(arn);
  if (roleId === undefined) {
    const shown = typeof arn === 'string' ? JSON.stringify(arn) : quoteText(arn as SymText);
    return [
      unknownResult(
        ROLE_ARN_PATH,
        arn,
        `role ${shown} is not a Role of the graph; its trust cannot be checked here`,
      ),
    ];
  }
  const role = resourcesWithId(graph, roleId).find((r) => isKind(r, 'iam.services.k8s.aws', 'Role'));
  if (role === undefined) return [fail(ROLE_ARN_PATH, `"${roleId}" is not an IAM Role of the graph`)];
  const trust = parsePolicyDocument(valueAt(role.object, ['spec', 'assumeRolePolicyDocument']));
  if (trust.state === 'invalid')
    return [fail(ROLE_ARN_PATH, `the trust policy of role "${roleId}" is invalid: ${trust.reason}`)];
  if (trust.state === 'unknown')
    return [
      unknownResult(ROLE_ARN_PATH, trust.value, `the trust policy of role "${roleId}" is not known yet`),
    ];
  if (trust.state === 'absent') return [fail(ROLE_ARN_PATH, `role "${roleId}" has no trust policy`)];
  const bindings = irsaBindings(trust.document, oidcProviders);
  if (bindings.length === 0)
    return [
      fail(ROLE_ARN_PATH, `the trust of role "${roleId}" has no sts:AssumeRoleWithWebIdentity statement`),
    ];
  const { namespace, name } = serviceAccountIdentity(graph, sa);
  if (namespace === undefined || name === undefined)
    return [fail(['metadata'], 'the ServiceAccount has no readable namespace and name')];
  const expected = symbolicString(['system:serviceaccount:', namespace, ':', name]);
  const subs = bindings.map((b) => b.sub?.value).filter((s) => s !== undefined);
  const same = anyTri(subs.map((s) => symEquals(s, expected)));
  let result: RuleResult;
  if (same === true) result = pass(ROLE_ARN_PATH, `role "${roleId}" trusts ${quoteText(expected)}`);
  else if (same === false) {
    const shown = subs.map(quoteText).join(', ') || 'no sub';
    result = fail(ROLE_ARN_PATH, `role "${roleId}" trusts ${shown}, not ${quoteText(expected)}`);
  } else
    result = unknownResult(
      ROLE_ARN_PATH,
      [...subs, expected],
      `role "${roleId}" may not trust ${quoteText(expected)}`,
    );
  return [result, ...audienceAgrees(sa, bindings)];
}
