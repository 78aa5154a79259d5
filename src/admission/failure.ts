/**
 * What the webhook answers when kro-guard itself fails (an exception, a crashed worker, a missed
 * deadline) while handling a well-formed AdmissionReview: the webhook's `failurePolicy` decides.
 * kro-guard answers itself instead of letting the API server time out, so the user sees why.
 */
import { truncateText } from './message.ts';
import { allowReview, denyReview } from './respond.ts';
import type { AdmissionReview } from './types.ts';

/** The webhook's failure policy, as in `ValidatingWebhookConfiguration.webhooks[].failurePolicy`. */
export type FailurePolicy = 'Fail' | 'Ignore';

/** The failure policies, for validating configuration. */
export const FAILURE_POLICIES: readonly FailurePolicy[] = ['Fail', 'Ignore'];

/** Why kro-guard could not decide. `message` names the error; `timeoutMs` is set for a missed deadline. */
export interface InternalFailure {
  message: string;
  timeoutMs?: number;
}

/**
 * The AdmissionReview answering request `uid` when kro-guard failed internally.
 *
 * - `Fail`: denied with status 500 `InternalError` (504 `Timeout` for a missed deadline) and the
 *   message `kro-guard failed internally: <error>; the request is denied because failurePolicy is
 *   Fail` (`kro-guard did not finish within <n> ms; …` for a deadline).
 * - `Ignore`: allowed, with one warning saying the object was not checked and why (under 120
 *   characters).
 */
export function failurePolicyReview(
  uid: string,
  policy: FailurePolicy,
  failure: InternalFailure,
): AdmissionReview {
  const what =
    failure.timeoutMs !== undefined
      ? `kro-guard did not finish within ${failure.timeoutMs} ms`
      : `kro-guard failed internally: ${failure.message}`;
  if (policy === 'Ignore') {
    return allowReview(uid, { warnings: [truncateText(`not checked (failurePolicy Ignore): ${what}`)] });
  }
  return denyReview(uid, {
    code: failure.timeoutMs !== undefined ? 504 : 500,
    reason: failure.timeoutMs !== undefined ? 'Timeout' : 'InternalError',
    message: `${what}; the request is denied because failurePolicy is Fail`,
  });
}
