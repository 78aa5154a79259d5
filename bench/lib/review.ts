/** Builds the AdmissionReview the API server would send kro-guard for `kubectl create -f rgd.yaml`. */
import { randomUUID } from 'node:crypto';
import type { AdmissionReviewRequest, GroupVersionKind } from '../../src/admission/types.ts';

/**
 * An `admission.k8s.io/v1` AdmissionReview CREATE request for the cluster-scoped RGD `object`,
 * with a fresh uid (or `uid`), the kro.run/v1alpha1 kind and resource, an admin userInfo and
 * `dryRun: false`.
 */
export function rgdCreateReview(
  object: Record<string, unknown>,
  name: string,
  uid = randomUUID(),
): AdmissionReviewRequest {
  const kind = { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition' };
  const resource = { group: 'kro.run', version: 'v1alpha1', resource: 'resourcegraphdefinitions' };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource,
      requestKind: kind,
      requestResource: resource,
      name,
      operation: 'CREATE',
      userInfo: {
        username: 'kubernetes-admin',
        groups: ['kubeadm:cluster-admins', 'system:authenticated'],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'kubectl-create' },
    },
  };
}

/**
 * An `admission.k8s.io/v1` AdmissionReview CREATE request for the namespaced instance `object` of the
 * kind `gvk` an RGD generates, as the API server sends it for `kubectl create -f instance.yaml`:
 * `name` and `namespace` from `object.metadata`, resource `plural` (kro's generated CRD names it by
 * the lower-cased plural of the kind), a fresh uid (or `uid`), an admin userInfo and `dryRun: false`.
 */
export function instanceCreateReview(
  object: Record<string, unknown>,
  gvk: GroupVersionKind,
  plural: string,
  uid = randomUUID(),
): AdmissionReviewRequest {
  const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const resource = { group: gvk.group, version: gvk.version, resource: plural };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: gvk,
      resource,
      requestKind: gvk,
      requestResource: resource,
      name: typeof metadata.name === 'string' ? metadata.name : '',
      namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default',
      operation: 'CREATE',
      userInfo: {
        username: 'kubernetes-admin',
        groups: ['kubeadm:cluster-admins', 'system:authenticated'],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'kubectl-create' },
    },
  };
}

/**
 * Why `body` is not an `admission.k8s.io/v1` AdmissionReview response to the request `uid`
 * (with a boolean `allowed`), or undefined when it is one.
 */
export function reviewResponseProblem(body: string, uid: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return `response is not JSON (${(e as Error).message}): ${body.slice(0, 200)}`;
  }
  const review = parsed as {
    apiVersion?: unknown;
    kind?: unknown;
    response?: { uid?: unknown; allowed?: unknown };
  };
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    return `response is not an admission.k8s.io/v1 AdmissionReview: ${body.slice(0, 200)}`;
  }
  if (review.response?.uid !== uid) {
    return `response uid ${JSON.stringify(review.response?.uid)} is not the request uid ${uid}`;
  }
  if (typeof review.response.allowed !== 'boolean') return 'response.allowed is not a boolean';
  return undefined;
}
