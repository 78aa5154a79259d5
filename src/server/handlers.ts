/**
 * The review handlers the server calls for `/validate` and `/mutate`, and the production ones:
 * RGD checks in the worker pool, everything cheap inline.
 */
import { allowReview } from '../admission/respond.ts';
import { needsDecision } from '../admission/targets.ts';
import type { AdmissionReview, AdmissionReviewRequest } from '../admission/types.ts';
import type { ReviewPool } from './review-pool.ts';

/** What a handler gets besides the parsed review: the raw JSON body and the deadline's signal. */
export interface ReviewContext {
  /** The request body as received (JSON text of `review`). */
  body: string;
  /** Aborted when the review's deadline passes; the answer has then already been sent. */
  signal: AbortSignal;
}

/** Decides one review; may be synchronous or asynchronous, and may throw. */
export type ReviewHandler = (
  review: AdmissionReviewRequest,
  context: ReviewContext,
) => AdmissionReview | Promise<AdmissionReview>;

/** One handler per webhook route. */
export interface ReviewHandlers {
  validate: ReviewHandler;
  mutate: ReviewHandler;
}

/**
 * The production handlers: reviews that need the engine (`needsDecision`: CREATE and UPDATE of main
 * resources, except RGD updates that leave `spec` unchanged) go to `pool`, where `decideValidate` /
 * `decideMutate` run; the others are allowed inline. The graph engine is never loaded in this thread.
 */
export function poolHandlers(pool: ReviewPool): ReviewHandlers {
  return {
    validate: (review, { body, signal }) =>
      needsDecision(review.request) ? pool.run('validate', body, signal) : allowReview(review.request.uid),
    mutate: (review, { body, signal }) =>
      needsDecision(review.request) ? pool.run('mutate', body, signal) : allowReview(review.request.uid),
  };
}
