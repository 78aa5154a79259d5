/**
 * Runs one review decision under a deadline and turns every failure into the failurePolicy answer,
 * so the webhook always answers, in time, with an AdmissionReview.
 */
import { failurePolicyReview, type FailurePolicy } from '../admission/failure.ts';
import type { AdmissionReview } from '../admission/types.ts';

/** How a decision ended: by the handler, by an exception (`failed`), or by the deadline (`timeout`). */
export type DecisionOutcome = 'decided' | 'failed' | 'timeout';

/** The answer to send and how it was reached; `error` names the failure for the log. */
export interface Decision {
  review: AdmissionReview;
  outcome: DecisionOutcome;
  error?: string;
}

/** A review decision; it should stop work when `signal` aborts (the deadline passed). */
export type DecideFn = (signal: AbortSignal) => AdmissionReview | Promise<AdmissionReview>;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Options of {@link decideWithin}. */
export interface DeadlineOptions {
  /** How long to wait for `decide`, in ms (what is left of the review's deadline). */
  timeoutMs: number;
  failurePolicy: FailurePolicy;
  /** The deadline to name in the timeout message, in ms; default `timeoutMs`. */
  deadlineMs?: number;
}

/**
 * Runs `decide` and waits at most `options.timeoutMs` milliseconds for it.
 *
 * - It returns an AdmissionReview whose `response.uid` is `uid`: `{outcome: 'decided'}` with it.
 * - It throws, rejects, or returns something that is not a response for `uid`: the failurePolicy
 *   answer (`failurePolicyReview`), `outcome: 'failed'`.
 * - The deadline passes first: `signal` is aborted and the failurePolicy answer for a timeout is
 *   returned at once, `outcome: 'timeout'`. (A synchronous `decide` cannot be interrupted; the
 *   server runs RGD checks in worker threads for that reason.)
 *
 * Never rejects.
 */
export async function decideWithin(
  uid: string,
  options: DeadlineOptions,
  decide: DecideFn,
): Promise<Decision> {
  const { timeoutMs, failurePolicy } = options;
  const deadlineMs = Math.round(options.deadlineMs ?? timeoutMs);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs));
  });
  try {
    const work = new Promise<AdmissionReview>((resolve) => resolve(decide(controller.signal)));
    const result = await Promise.race([work, deadline]);
    if (result === 'timeout') {
      controller.abort();
      work.catch(() => undefined); // its late failure is expected and already answered
      return {
        review: failurePolicyReview(uid, failurePolicy, {
          message: 'deadline exceeded',
          timeoutMs: deadlineMs,
        }),
        outcome: 'timeout',
        error: `deadline of ${deadlineMs} ms exceeded`,
      };
    }
    if (result.response?.uid !== uid || typeof result.response.allowed !== 'boolean') {
      throw new Error('the review handler returned no response for this request');
    }
    return { review: result, outcome: 'decided' };
  } catch (e) {
    const message = errorText(e);
    return {
      review: failurePolicyReview(uid, failurePolicy, { message }),
      outcome: 'failed',
      error: message,
    };
  } finally {
    clearTimeout(timer);
  }
}
