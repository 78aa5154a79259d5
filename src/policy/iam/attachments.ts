/**
 * Checks of IAM fields that are not policy documents (compliance-catalogue §1.2, §2.2): managed
 * policies attached by ARN (IAM-006), users with policies (IAM-010), permissions boundaries
 * (IAM-011), inline policies (IAM-012), and the audiences of an OIDC provider (IAM-018).
 *
 * Every function reads the rendered object and returns results with paths inside it.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import {
  isRenderedObject,
  isSymbolic,
  valueAt,
  type RenderedObject,
  type RenderedValue,
} from '../../graph/render/symbolic.ts';
import type { RenderedGraph } from '../../graph/render/types.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { isKind, resourcesWithId, statusArnResourceId } from './graph.ts';
import { DEFAULT_AUDIENCE } from './irsa.ts';
import { passWhenClean } from './statements.ts';
import { anyTri, quoteText, symEquals, type SymText } from './text.ts';

/** A managed policy ARN (AWS-managed `arn:aws:iam::aws:policy/...` or customer `...::<account>:policy/...`). */
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/\S+$/;
const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'];

/** `arn` written in every partition (deny-lists name the `aws` partition). */
function inEveryPartition(arn: string): string[] {
  const m = /^arn:[^:]*:(.*)$/.exec(arn);
  return m === null ? [arn] : PARTITIONS.map((p) => `arn:${p}:${m[1]}`);
}

/** Whether `v` is the status ARN of a graph `Policy` (a customer policy analysed on its own). */
function isGraphPolicyArn(v: RenderedValue, graph: RenderedGraph | undefined): boolean {
  const id = statusArnResourceId(v);
  return (
    id !== undefined &&
    graph !== undefined &&
    resourcesWithId(graph, id).some((r) => isKind(r, 'iam.services.k8s.aws', 'Policy'))
  );
}

/**
 * IAM-006 (CIS 1.15/2.15/2.14, checkov CKV_AWS_274): no `spec.policies[]` entry of a Role, User or
 * Group is in `denied` (any partition), and every entry is a managed-policy ARN (an empty string
 * or other text is `invalid ARN`, compliance-catalogue S12). Graph `Policy` ARNs pass.
 */
export function analyseManagedPolicies(
  obj: RenderedObject,
  denied: readonly string[],
  graph: RenderedGraph | undefined,
): RuleResult[] {
  const base: PathSegment[] = ['spec', 'policies'];
  const list = valueAt(obj, base);
  if (list === undefined || list === null) return [pass(base, 'no managed policy is attached')];
  if (isSymbolic(list)) return [unknownResult(base, list, 'the attached managed policies are not known yet')];
  if (!Array.isArray(list)) return [fail(base, 'spec.policies must be a list of policy ARNs')];
  const deniedArns = denied.flatMap(inEveryPartition);
  const results: RuleResult[] = [];
  list.forEach((entry, i) => {
    const path = [...base, i];
    if (typeof entry === 'string') {
      if (deniedArns.includes(entry))
        results.push(fail(path, `attaches denied managed policy ${JSON.stringify(entry)}`));
      else if (!POLICY_ARN.test(entry))
        results.push(fail(path, `invalid ARN ${JSON.stringify(entry)}: not a managed policy ARN`));
      return;
    }
    if (!isSymbolic(entry)) {
      results.push(fail(path, 'a policy ARN must be a string'));
      return;
    }
    if (isGraphPolicyArn(entry, graph)) return;
    const text = entry as SymText;
    const isDenied = anyTri(deniedArns.map((d) => symEquals(text, d)));
    if (isDenied === true) results.push(fail(path, `attaches denied managed policy ${quoteText(text)}`));
    else
      results.push(
        unknownResult(
          path,
          entry,
          `policy ARN ${quoteText(text)} is not known yet (checked against deniedManagedPolicies)`,
        ),
      );
  });
  return passWhenClean(results, base, 'no denied or invalid managed policy is attached');
}

/** Number of entries of a list or map field, `undefined` when absent, the value when symbolic. */
function countOf(v: RenderedValue | undefined): number | 'symbolic' | undefined {
  if (v === undefined || v === null) return undefined;
  if (isSymbolic(v)) return 'symbolic';
  if (Array.isArray(v)) return v.length;
  if (isRenderedObject(v)) return Object.keys(v).length;
  return 1;
}

/** IAM-010 (FSBP IAM.2, Config iam-user-no-policies-check): a `User` has no policies of any kind. */
export function analyseUserPolicies(obj: RenderedObject): RuleResult[] {
  const results: RuleResult[] = [];
  for (const field of ['policies', 'policyRefs', 'inlinePolicies']) {
    const path = ['spec', field];
    const v = valueAt(obj, path);
    const n = countOf(v);
    if (n === 'symbolic')
      results.push(unknownResult(path, v!, `spec.${field} is not known yet (users should have no policies)`));
    else if (n !== undefined && n > 0)
      results.push(fail(path, `the user has ${n} ${field}; grant permissions through roles or groups`));
  }
  return passWhenClean(results, [], 'the user has no policies');
}

/**
 * IAM-011 (EKS Best Practices): a `Role` has a permissions boundary, one of `allowed` when it is
 * not empty (compared as text; a `permissionsBoundaryRef` cannot be compared and is unknown then).
 */
export function analysePermissionsBoundary(
  obj: RenderedObject,
  allowed: readonly string[],
  graph: RenderedGraph | undefined,
): RuleResult[] {
  const arnPath = ['spec', 'permissionsBoundary'];
  const refPath = ['spec', 'permissionsBoundaryRef'];
  const arn = valueAt(obj, arnPath);
  const ref = valueAt(obj, refPath);
  if ((arn === undefined || arn === null) && (ref === undefined || ref === null))
    return [fail([], 'no permissions boundary (spec.permissionsBoundary or permissionsBoundaryRef)')];
  if (arn === undefined || arn === null) {
    if (allowed.length === 0) return [pass(refPath, 'a permissions boundary is set by reference')];
    return [
      unknownResult(refPath, ref!, 'permissionsBoundaryRef cannot be compared with permissionsBoundaries'),
    ];
  }
  if (allowed.length === 0) return [pass(arnPath, 'a permissions boundary is set')];
  if (typeof arn === 'string')
    return allowed.includes(arn)
      ? [pass(arnPath, `permissions boundary ${JSON.stringify(arn)} is approved`)]
      : [fail(arnPath, `permissions boundary ${JSON.stringify(arn)} is not in permissionsBoundaries`)];
  if (!isSymbolic(arn)) return [fail(arnPath, 'spec.permissionsBoundary must be an ARN string')];
  const ok = anyTri(allowed.map((a) => symEquals(arn as SymText, a)));
  if (ok === true) return [pass(arnPath, `permissions boundary ${quoteText(arn as SymText)} is approved`)];
  const reason = isGraphPolicyArn(arn, graph)
    ? 'the boundary is a graph Policy whose ARN is not known before creation'
    : `permissions boundary ${quoteText(arn as SymText)} is not known yet`;
  return [unknownResult(arnPath, arn, reason)];
}

/** IAM-012 (Config iam-no-inline-policy-check): no `spec.inlinePolicies` on a Role, User or Group. */
export function analyseInlinePolicies(obj: RenderedObject): RuleResult[] {
  const path = ['spec', 'inlinePolicies'];
  const v = valueAt(obj, path);
  const n = countOf(v);
  if (n === 'symbolic') return [unknownResult(path, v!, 'spec.inlinePolicies is not known yet')];
  if (n === undefined || n === 0) return [pass(path, 'no inline policies')];
  const names = isRenderedObject(v)
    ? Object.keys(v)
        .map((k) => JSON.stringify(k))
        .join(', ')
    : String(n);
  return [fail(path, `inline policies ${names}: use managed policies instead`)];
}

/**
 * IAM-018: an `OpenIDConnectProvider` for EKS IRSA has `spec.clientIDs == ["sts.amazonaws.com"]`
 * (compliance-catalogue §1.2): other audiences let tokens minted for other clients assume roles.
 */
export function analyseOidcClientIds(obj: RenderedObject): RuleResult[] {
  const path = ['spec', 'clientIDs'];
  const v = valueAt(obj, path);
  const want = JSON.stringify([DEFAULT_AUDIENCE]);
  if (v === undefined || v === null) return [fail(path, `clientIDs is not set (must be ${want})`)];
  if (isSymbolic(v)) return [unknownResult(path, v, `clientIDs is not known yet (must be ${want})`)];
  if (!Array.isArray(v)) return [fail(path, `clientIDs must be a list (${want})`)];
  const results: RuleResult[] = [];
  v.forEach((id, i) => {
    if (typeof id === 'string' || isSymbolic(id)) {
      const same = symEquals(id as SymText, DEFAULT_AUDIENCE);
      if (same === false)
        results.push(fail([...path, i], `client ID ${quoteText(id as SymText)} is not ${DEFAULT_AUDIENCE}`));
      else if (same === 'unknown')
        results.push(
          unknownResult([...path, i], id, `client ID ${quoteText(id as SymText)} is not known yet`),
        );
    } else results.push(fail([...path, i], 'a client ID must be a string'));
  });
  if (v.length === 0) results.push(fail(path, `clientIDs is empty (must be ${want})`));
  return passWhenClean(results, path, `clientIDs is ${want}`);
}
