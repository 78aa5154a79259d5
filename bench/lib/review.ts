/** Builds the AdmissionReview the API server would send kro-guard for `kubectl create -f rgd.yaml`. */
import { randomUUID } from 'node:crypto';
import type { AdmissionReviewRequest } from '../../src/admission/types.ts';

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
