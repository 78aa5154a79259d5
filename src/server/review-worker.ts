/**
 * Worker-thread entry of the review pool: decides AdmissionReviews with the real engine off the main
 * thread, so a slow or stuck check can be stopped (the pool terminates the thread) and never blocks
 * TLS, health checks or other reviews. `validate` requests are reviews the main thread has already
 * routed with `requiresRgdCheck` (see `handlers.ts`). Protocol: `worker-protocol.ts`.
 *
 * Each worker builds its own schema source from `workerData.schemas` (`review-schemas.ts`) before it
 * says `ready`; a validate request first prepares the source for the RGD's template kinds (the
 * cluster source fetches what its cache lacks), then runs the check with it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseAdmissionReview } from '../admission/parse.ts';
import { reviewMutate } from '../admission/mutate.ts';
import { decideRgdReview } from '../admission/validate.ts';
import { createWorkerSchemas, preparedChecker, type WorkerSchemaSettings } from './review-schemas.ts';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('review-worker.ts must run in a worker thread');

/** `workerData` as the pool sends it (absent for test workers and older callers: embedded schemas). */
interface ReviewWorkerData {
  schemas?: WorkerSchemaSettings;
}

const schemas = await createWorkerSchemas((workerData as ReviewWorkerData | undefined)?.schemas);

async function decide(request: WorkerRequest): Promise<WorkerMessage> {
  try {
    const parsed = parseAdmissionReview(JSON.parse(request.body));
    if (!parsed.ok)
      return { type: 'error', id: request.id, message: `not an AdmissionReview: ${parsed.error}` };
    if (request.op === 'mutate')
      return { type: 'result', id: request.id, review: reviewMutate(parsed.review) };
    const check = await preparedChecker(schemas, parsed.review.request.object);
    return { type: 'result', id: request.id, review: decideRgdReview(parsed.review, check) };
  } catch (e) {
    return {
      type: 'error',
      id: request.id,
      message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    };
  }
}

port.on('message', (request: WorkerRequest) => {
  void decide(request).then((message) => port.postMessage(message));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
