export * from './types.ts';
export { parseAdmissionReview } from './parse.ts';
export type { ParseAdmissionReviewResult } from './parse.ts';
export { decideRgdReview, decisionReview, reviewValidate } from './validate.ts';
export type { RgdChecker } from './validate.ts';
export { reviewMutate, rgdDefaultsPatch } from './mutate.ts';
export { failurePolicyReview, FAILURE_POLICIES } from './failure.ts';
export type { FailurePolicy, InternalFailure } from './failure.ts';
export { allowReview, denyReview, reviewWith, INVALID_CODE, INVALID_REASON } from './respond.ts';
export type { AllowOptions } from './respond.ts';
export {
  formatDenialMessage,
  formatWarning,
  formatWarnings,
  truncateText,
  WARNING_MAX_LENGTH,
  MAX_WARNINGS,
  MAX_LISTED_ERRORS,
  MAX_PATH_LENGTH,
  MAX_MESSAGE_LENGTH,
} from './message.ts';
export { isRgdRequest, isSpecUnchanged, requiresRgdCheck, jsonEqual } from './rgd-request.ts';
