/**
 * Builders of AdmissionReview responses. Every response echoes `request.uid` and carries
 * `apiVersion: admission.k8s.io/v1`, `kind: AdmissionReview`, as the API server requires.
 */
import {
  ADMISSION_API_VERSION,
  ADMISSION_KIND,
  type AdmissionResponse,
  type AdmissionReview,
  type AdmissionStatus,
} from './types.ts';

/**
 * HTTP code of a denial for an invalid object: 422 with reason `Invalid`.
 *
 * Why 422 and not 403: kro's own synchronous layer (the RGD CRD's OpenAPI and CEL rules, kro-contract
 * §0 L1) answers 422 Invalid, so a denial by kro-guard looks like the denial users already know.
 * kubectl then prints `The request is invalid: … admission webhook "…" denied the request: <our
 * message>`; 403 would print `Error from server (Forbidden)`, which reads as an RBAC problem, and
 * controllers and GitOps tools treat 403 as a permission error rather than a bad manifest. No
 * `details` are sent: kubectl replaces the message by the details' causes when there are any, which
 * would hide the webhook's name.
 */
export const INVALID_CODE = 422;
/** `metav1.StatusReasonInvalid`. */
export const INVALID_REASON = 'Invalid';

/** Extra fields of an allowing response. Empty `warnings` are omitted. */
export interface AllowOptions {
  warnings?: string[];
  /** Base64 JSON Patch; sets `patchType: JSONPatch` when given. */
  patch?: string;
}

/** A response wrapped in an AdmissionReview. */
export function reviewWith(response: AdmissionResponse): AdmissionReview {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response };
}

/** An AdmissionReview allowing the request `uid`, with optional warnings and JSON Patch. */
export function allowReview(uid: string, options: AllowOptions = {}): AdmissionReview {
  const response: AdmissionResponse = { uid, allowed: true };
  if (options.warnings !== undefined && options.warnings.length > 0) response.warnings = options.warnings;
  if (options.patch !== undefined) {
    response.patchType = 'JSONPatch';
    response.patch = options.patch;
  }
  return reviewWith(response);
}

/** An AdmissionReview denying the request `uid` with `status`, and optional warnings. */
export function denyReview(uid: string, status: AdmissionStatus, warnings: string[] = []): AdmissionReview {
  const response: AdmissionResponse = { uid, allowed: false, status };
  if (warnings.length > 0) response.warnings = warnings;
  return reviewWith(response);
}
