/**
 * What an admission request is about, for kro-guard: an RGD, one of kro-guard's own resources, an
 * instance of a kind an RGD generates, a child kind the rules cover (the backstop), or something
 * kro-guard does not check. Dependency-free, so the server's main thread can use it.
 */
import { isRgdRequest, isSpecUnchanged } from './rgd-request.ts';
import type { AdmissionRequest, GroupVersionKind } from './types.ts';

/** The API group of kro-guard's CompliancePolicy and ComplianceException. */
export const KRO_GUARD_API_GROUP = 'kro-guard.io';

/** The kinds of the core groups the built-in rules check at child admission (compliance-catalogue §2.6). */
export const CORE_CHILD_KINDS: ReadonlySet<string> = new Set([
  '/Pod',
  '/ServiceAccount',
  '/Service',
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
  'batch/CronJob',
  'networking.k8s.io/Ingress',
]);

/** True for kinds the child backstop checks: every ACK service group, and {@link CORE_CHILD_KINDS}. */
export function isChildKind(gvk: GroupVersionKind): boolean {
  return gvk.group.endsWith('.services.k8s.aws') || CORE_CHILD_KINDS.has(`${gvk.group}/${gvk.kind}`);
}

/** What a request is, for kro-guard. */
export type ReviewTarget = 'rgd' | 'policy' | 'exception' | 'instance' | 'child' | 'ignore';

/**
 * Classifies a request. Only CREATE and UPDATE of a main resource (no subresource) are checked;
 * `isInstanceKind` tells whether an RGD generates the request's kind (the RGD store).
 */
export function reviewTarget(
  request: AdmissionRequest,
  isInstanceKind: (gvk: GroupVersionKind) => boolean,
): ReviewTarget {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return 'ignore';
  if ((request.subResource ?? '') !== '') return 'ignore';
  if (isRgdRequest(request)) return 'rgd';
  if (request.kind.group === KRO_GUARD_API_GROUP) {
    if (request.kind.kind === 'CompliancePolicy') return 'policy';
    if (request.kind.kind === 'ComplianceException') return 'exception';
    return 'ignore';
  }
  if (isInstanceKind(request.kind)) return 'instance';
  if (isChildKind(request.kind)) return 'child';
  return 'ignore';
}

/**
 * True when a request needs the engine (a review worker): a CREATE or UPDATE of a main resource,
 * except an RGD UPDATE that leaves `spec` unchanged. Everything else is allowed at once. The server's
 * main thread uses it, without knowing which kinds are instances (the worker decides that).
 */
export function needsDecision(request: AdmissionRequest): boolean {
  if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return false;
  if ((request.subResource ?? '') !== '') return false;
  return !(isRgdRequest(request) && isSpecUnchanged(request));
}
