import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { checkRgd, type RgdCheckOptions, type RgdCheckResult } from '../graph/index.ts';
import { formatDenialMessage, formatWarnings } from './message.ts';
import { INVALID_CODE, INVALID_REASON, allowReview, denyReview } from './respond.ts';
import { requiresRgdCheck } from './rgd-request.ts';
import type { AdmissionReview, AdmissionReviewRequest } from './types.ts';

function metadataName(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta = (obj as Record<string, unknown>).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const name = (meta as Record<string, unknown>).name;
  return typeof name === 'string' ? name : undefined;
}

/** The RGD check `reviewValidate` runs: `checkRgd` unless another is given (tests, embedders). */
export type RgdChecker = (rgd: unknown, options: RgdCheckOptions) => RgdCheckResult;

/**
 * The `/validate` decision for one AdmissionReview (pure: no I/O; dry-run requests are decided the
 * same way, since nothing here has side effects).
 *
 * - DELETE and CONNECT, objects that are not RGDs, subresources (`status`) and UPDATEs that leave
 *   `spec` unchanged: allowed, no warnings.
 * - RGD CREATE/UPDATE: `checkRgd(object, {oldRgd: oldObject})` (kro-contract §1-§5; the RGD CRD's
 *   immutability rules on UPDATE). Any error → denied with status 422 `Invalid` and the message of
 *   {@link formatDenialMessage}; warnings → `response.warnings` (see {@link formatWarnings}), on
 *   denials too.
 *
 * @param review a review accepted by `parseAdmissionReview`.
 * @param check the RGD check to run; default `checkRgd`.
 * @returns the response AdmissionReview echoing `request.uid`.
 * @throws whatever the check throws; the server turns that into the failurePolicy answer.
 */
export function reviewValidate(
  review: AdmissionReviewRequest,
  check: RgdChecker = checkRgd,
): AdmissionReview {
  if (!requiresRgdCheck(review.request)) return allowReview(review.request.uid);
  return decideRgdReview(review, check);
}

/**
 * The part of {@link reviewValidate} after its routing: runs the RGD check on a review that
 * `requiresRgdCheck` selected (the webhook's worker threads get only those, so the routing, which
 * compares `spec` with `oldObject.spec` on UPDATE, is not done twice).
 */
export function decideRgdReview(
  review: AdmissionReviewRequest,
  check: RgdChecker = checkRgd,
): AdmissionReview {
  const req = review.request;
  const result = check(req.object, req.operation === 'UPDATE' ? { oldRgd: req.oldObject } : {});
  return decisionReview(review, result.diagnostics);
}

/**
 * The response for `diagnostics` (any order; sorted here): allowed with the warnings, or denied
 * with status 422 `Invalid`, the message of {@link formatDenialMessage} listing the errors, and the
 * warnings. Every decision of kro-guard (RGDs, instances, children, policies) answers this way.
 */
export function decisionReview(
  review: AdmissionReviewRequest,
  diagnostics: readonly Diagnostic[],
  patch?: string,
): AdmissionReview {
  const req = review.request;
  const sorted = sortDiagnostics(diagnostics);
  const errors = sorted.filter((d) => d.severity === 'error');
  const warnings = formatWarnings(sorted);
  if (errors.length === 0)
    return allowReview(req.uid, { warnings, ...(patch === undefined ? {} : { patch }) });
  const name = req.name || metadataName(req.object);
  return denyReview(
    req.uid,
    { code: INVALID_CODE, reason: INVALID_REASON, message: formatDenialMessage(req.kind.kind, name, errors) },
    warnings,
  );
}
