/**
 * The `admission.k8s.io/v1` AdmissionReview wire types, limited to the fields kro-guard reads or
 * writes. Field names and meanings follow the Kubernetes API reference for
 * `k8s.io/api/admission/v1` (AdmissionReview, AdmissionRequest, AdmissionResponse).
 */

/** The only AdmissionReview version kro-guard speaks (webhooks declare `admissionReviewVersions: [v1]`). */
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
/** The `kind` of every AdmissionReview. */
export const ADMISSION_KIND = 'AdmissionReview';

/** The operation being admitted. */
export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** The operations the API server sends (used to validate `request.operation`). */
export const ADMISSION_OPERATIONS: readonly AdmissionOperation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** `metav1.GroupVersionKind`. The core group is the empty string. */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** `metav1.GroupVersionResource`. The core group is the empty string. */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** The request part of an AdmissionReview, as the API server sends it. */
export interface AdmissionRequest {
  /** Identifies this admission call; the response must echo it. */
  uid: string;
  /** The type of the object being admitted. */
  kind: GroupVersionKind;
  /** The resource being admitted (`resourcegraphdefinitions`). */
  resource: GroupVersionResource;
  /** Subresource such as `status`; absent for the main resource. */
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  /** Object name; may be empty on CREATE with `generateName`. */
  name?: string;
  /** Namespace; empty for cluster-scoped objects such as RGDs. */
  namespace?: string;
  operation: AdmissionOperation;
  /** The user making the request. Not used by kro-guard's checks. */
  userInfo?: Record<string, unknown>;
  /** The new object (CREATE, UPDATE); null on DELETE. */
  object?: unknown;
  /** The stored object (UPDATE, DELETE). */
  oldObject?: unknown;
  /** True for `--dry-run=server`: nothing may be persisted, and no side effect may happen. */
  dryRun?: boolean;
  /** The operation's options (CreateOptions, UpdateOptions...). */
  options?: unknown;
}

/** `metav1.Status` as carried in a denial. `code` is an HTTP status code. */
export interface AdmissionStatus {
  code: number;
  /** A `metav1.StatusReason` (`Invalid`, `Forbidden`, `InternalError`, `Timeout`). kubectl prints it. */
  reason: string;
  /** Human text; the API server prefixes it with `admission webhook "<name>" denied the request: `. */
  message: string;
}

/** The response part of an AdmissionReview. */
export interface AdmissionResponse {
  /** Echo of `request.uid`. */
  uid: string;
  allowed: boolean;
  /** Present when the request is denied. */
  status?: AdmissionStatus;
  /** Shown by kubectl as `Warning: <text>`. Kept under 120 characters each. */
  warnings?: string[];
  /** Only `JSONPatch` exists; present exactly when `patch` is. */
  patchType?: 'JSONPatch';
  /** Base64 of a JSON Patch (RFC 6902) document. */
  patch?: string;
}

/** An `admission.k8s.io/v1` AdmissionReview, request or response. */
export interface AdmissionReview {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_KIND;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

/** An AdmissionReview known to carry a request (what {@link parseAdmissionReview} returns). */
export interface AdmissionReviewRequest extends AdmissionReview {
  request: AdmissionRequest;
}
