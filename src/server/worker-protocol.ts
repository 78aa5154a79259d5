/**
 * Messages between the server's review pool and its worker threads. Bodies travel as the raw JSON
 * text of the AdmissionReview (copied as one string, far cheaper than cloning an object graph, and
 * independent of nesting depth); results travel as the response AdmissionReview object.
 */
import type { AdmissionReview } from '../admission/types.ts';

/** The review operations a worker performs. */
export type ReviewOperation = 'validate' | 'mutate';

/** Pool → worker: decide the AdmissionReview in `body` (JSON text). `id` matches the reply. */
export interface WorkerRequest {
  id: number;
  op: ReviewOperation;
  body: string;
}

/** Worker → pool messages. */
export type WorkerMessage =
  /** Sent once, after the worker has loaded the engine and can take requests. */
  | { type: 'ready' }
  | { type: 'result'; id: number; review: AdmissionReview }
  /** The decision threw; `message` names the error. */
  | { type: 'error'; id: number; message: string };
