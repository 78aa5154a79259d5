import jsonPatch from 'fast-json-patch';
import { withRgdDefaults } from '../graph/defaults.ts';
import { allowReview } from './respond.ts';
import { isRgdRequest } from './rgd-request.ts';
import type { AdmissionReview, AdmissionReviewRequest } from './types.ts';

/**
 * The JSON Patch (RFC 6902) that fills in the RGD CRD's defaults (`spec.schema.group: kro.run`,
 * `spec.schema.scope: Namespaced`, kro-contract §1.2) on `object`; empty when nothing is missing.
 * Made by fast-json-patch's `compare`, which only walks the parts that differ, so it costs little
 * whatever the size or depth of the templates.
 */
export function rgdDefaultsPatch(object: object): jsonPatch.Operation[] {
  return jsonPatch.compare(object, withRgdDefaults(object) as object);
}

/**
 * The `/mutate` decision for one AdmissionReview (pure: no I/O). Never denies.
 *
 * For RGD CREATE/UPDATE on the main resource: allowed with `patchType: JSONPatch` and `patch` = base64
 * of {@link rgdDefaultsPatch}, omitted when the patch is empty. The patch is idempotent: applied to
 * the patched object, it comes out empty (safe for `reinvocationPolicy: IfNeeded`). Everything else
 * is allowed unchanged.
 *
 * @param review a review accepted by `parseAdmissionReview`.
 */
export function reviewMutate(review: AdmissionReviewRequest): AdmissionReview {
  const req = review.request;
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return allowReview(req.uid);
  if (!isRgdRequest(req) || (req.subResource ?? '') !== '') return allowReview(req.uid);
  if (typeof req.object !== 'object' || req.object === null) return allowReview(req.uid);
  const patch = rgdDefaultsPatch(req.object);
  if (patch.length === 0) return allowReview(req.uid);
  return allowReview(req.uid, { patch: Buffer.from(JSON.stringify(patch)).toString('base64') });
}
