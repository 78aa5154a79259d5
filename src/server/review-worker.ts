/**
 * Worker-thread entry of the review pool: decides AdmissionReviews with the real engine off the main
 * thread, so a slow or stuck check can be stopped (the pool terminates the thread) and never blocks
 * TLS, health checks or other reviews. `validate` requests are reviews the main thread has already
 * routed with `requiresRgdCheck` (see `handlers.ts`). Protocol: `worker-protocol.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { parseAdmissionReview } from '../admission/parse.ts';
import { reviewMutate } from '../admission/mutate.ts';
import { decideRgdReview } from '../admission/validate.ts';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('review-worker.ts must run in a worker thread');

function decide(request: WorkerRequest): WorkerMessage {
  try {
    const parsed = parseAdmissionReview(JSON.parse(request.body));
    if (!parsed.ok)
      return { type: 'error', id: request.id, message: `not an AdmissionReview: ${parsed.error}` };
    const review = request.op === 'validate' ? decideRgdReview(parsed.review) : reviewMutate(parsed.review);
    return { type: 'result', id: request.id, review };
  } catch (e) {
    return {
      type: 'error',
      id: request.id,
      message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    };
  }
}

port.on('message', (request: WorkerRequest) => {
  port.postMessage(decide(request));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
