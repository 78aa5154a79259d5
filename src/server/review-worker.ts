/**
 * Worker-thread entry of the review pool: decides AdmissionReviews with the real engine off the main
 * thread, so a slow or stuck check can be stopped (the pool terminates the thread) and never blocks
 * TLS, health checks or other reviews. Protocol: `worker-protocol.ts`.
 *
 * Each worker builds its own decision context from `workerData` (`review-context.ts`: schema source,
 * RGD and policy stores, compiled RGDs) before it says `ready`; each request first prepares the
 * schema source for the kinds it needs (the cluster source fetches what its cache lacks), then runs
 * `decideValidate` or `decideMutate`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decideMutate, decideValidate } from '../admission/decide.ts';
import { parseAdmissionReview } from '../admission/parse.ts';
import { createReviewContext, type WorkerPolicySettings } from './review-context.ts';
import type { WorkerSchemaSettings } from './review-schemas.ts';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('review-worker.ts must run in a worker thread');

/** `workerData` as the pool sends it (absent for test workers: embedded schemas, default policy). */
interface ReviewWorkerData {
  schemas?: WorkerSchemaSettings;
  policies?: WorkerPolicySettings;
}

const data = workerData as ReviewWorkerData | undefined;
const context = await createReviewContext(
  data?.schemas === undefined && data?.policies === undefined
    ? undefined
    : { source: 'embedded', ...data?.schemas, ...data?.policies },
);

async function decide(request: WorkerRequest): Promise<WorkerMessage> {
  try {
    const parsed = parseAdmissionReview(JSON.parse(request.body));
    if (!parsed.ok)
      return { type: 'error', id: request.id, message: `not an AdmissionReview: ${parsed.error}` };
    await context.prepare(parsed.review);
    const review =
      request.op === 'mutate'
        ? decideMutate(parsed.review, context.ctx)
        : decideValidate(parsed.review, context.ctx);
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
  void decide(request).then((message) => port.postMessage(message));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
