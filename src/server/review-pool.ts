/**
 * A pool of worker threads that decide AdmissionReviews with the real engine. Running checks off the
 * main thread is what lets the webhook keep its deadline: a check that is slow or never ends (a
 * pathological expression, a catastrophic regex, runaway recursion) is abandoned by terminating its
 * thread, and TLS, health checks and other reviews carry on meanwhile. A thread that dies is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AdmissionReview } from '../admission/types.ts';
import type { ReviewOperation, WorkerMessage, WorkerRequest } from './worker-protocol.ts';

/** Options of {@link ReviewPool}. */
export interface ReviewPoolOptions {
  /** Number of worker threads; default {@link defaultPoolSize}. */
  size?: number;
  logger?: Logger;
  /**
   * Test-only: the worker module to run instead of `review-worker`. It must speak the protocol of
   * `worker-protocol.ts`.
   */
  workerUrl?: URL;
  /** Stack size of each worker in MiB (deeply nested objects need room); default 16. */
  stackSizeMb?: number;
  /**
   * Given to every worker as `workerData` (structured-cloned): the review worker reads its schema
   * settings from `workerData.schemas` (`review-schemas.ts`).
   */
  workerData?: unknown;
}

/** Default pool size: the number of CPUs, at least 2 (one can restart while the other works), at most 4. */
export function defaultPoolSize(): number {
  return Math.min(4, Math.max(2, availableParallelism()));
}

const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './review-worker.ts' : './review-worker.js',
  import.meta.url,
);
const MAX_RESPAWN_DELAY_MS = 30_000;

interface Job {
  id: number;
  op: ReviewOperation;
  body: string;
  resolve: (review: AdmissionReview) => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  slot: Slot | undefined;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** Set when the pool itself terminated the thread (deadline or close). */
  stopping: boolean;
  lastError: Error | undefined;
}

/**
 * Worker threads deciding reviews, first come first served. Each {@link ReviewPool.run} is one
 * review; aborting its signal abandons it (a queued job is dropped, a running one has its thread
 * terminated and replaced). Threads that fail to start are retried with exponential backoff (up to
 * 30 s); meanwhile, jobs fail at once with the start-up error rather than waiting for a deadline.
 */
export class ReviewPool {
  readonly #size: number;
  readonly #logger: Logger | undefined;
  readonly #workerUrl: URL;
  readonly #stackSizeMb: number;
  readonly #workerData: unknown;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #readyWaiters: (() => void)[] = [];
  #nextId = 1;
  #closed = false;
  #startupError: string | undefined;
  #startupFailures = 0;

  /** Starts `options.size` worker threads; they load the engine in the background. */
  constructor(options: ReviewPoolOptions = {}) {
    this.#size = options.size ?? defaultPoolSize();
    if (!Number.isInteger(this.#size) || this.#size < 1)
      throw new Error(`pool size must be >= 1, got ${this.#size}`);
    this.#logger = options.logger;
    this.#workerUrl = options.workerUrl ?? WORKER_URL;
    this.#stackSizeMb = options.stackSizeMb ?? 16;
    this.#workerData = options.workerData;
    for (let i = 0; i < this.#size; i++) this.#spawn();
  }

  /** Number of threads ready to take a review. */
  get readyWorkers(): number {
    let n = 0;
    for (const s of this.#slots) if (s.ready) n++;
    return n;
  }

  /** Why the last thread failed to start, while no thread has started since; otherwise undefined. */
  get startupError(): string | undefined {
    return this.#startupError;
  }

  /** Resolves true once at least one thread is ready, false after `timeoutMs` or on a start-up failure. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.readyWorkers > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.#readyWaiters = this.#readyWaiters.filter((w) => w !== onReady);
        resolve(ok);
      };
      const onReady = (): void => finish(this.readyWorkers > 0);
      this.#readyWaiters.push(onReady);
    });
  }

  /**
   * Decides the AdmissionReview whose JSON text is `body` in a worker thread: `validate` runs the RGD
   * decision (`decideValidate`; route with `needsDecision` first), `mutate` runs `decideMutate`.
   *
   * @returns the response AdmissionReview.
   * @throws (rejects) when the decision threw in the worker, the worker died or could not start, the
   *   pool is closed, or `signal` was aborted (the thread is then terminated and replaced).
   */
  run(op: ReviewOperation, body: string, signal?: AbortSignal): Promise<AdmissionReview> {
    if (this.#closed) return Promise.reject(new Error('review pool is closed'));
    if (signal?.aborted) return Promise.reject(new Error('review abandoned before it started'));
    if (this.#startupError !== undefined && this.readyWorkers === 0) {
      return Promise.reject(new Error(`review worker could not start: ${this.#startupError}`));
    }
    return new Promise<AdmissionReview>((resolve, reject) => {
      const job: Job = {
        id: this.#nextId++,
        op,
        body,
        resolve,
        reject,
        signal,
        onAbort: () => this.#abandon(job),
        slot: undefined,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Terminates every thread and fails queued and running reviews. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const job of this.#queue.splice(0)) this.#settle(job, new Error('review pool is closed'));
    const exits: Promise<number>[] = [];
    for (const slot of this.#slots) {
      slot.stopping = true;
      if (slot.job) this.#settle(slot.job, new Error('review pool is closed'));
      slot.job = undefined;
      exits.push(slot.worker.terminate());
    }
    for (const w of this.#readyWaiters.splice(0)) w();
    await Promise.allSettled(exits);
  }

  #spawn(): void {
    const worker = new Worker(this.#workerUrl, {
      resourceLimits: { stackSizeMb: this.#stackSizeMb },
      workerData: this.#workerData,
    });
    worker.unref(); // the pool never keeps the process alive on its own
    const slot: Slot = { worker, ready: false, job: undefined, stopping: false, lastError: undefined };
    this.#slots.add(slot);
    worker.on('message', (msg: WorkerMessage) => this.#onMessage(slot, msg));
    worker.on('error', (err: Error) => {
      slot.lastError = err;
    });
    worker.on('exit', (code: number) => this.#onExit(slot, code));
  }

  #onMessage(slot: Slot, msg: WorkerMessage): void {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.#startupError = undefined;
      this.#startupFailures = 0;
      for (const w of this.#readyWaiters.splice(0)) w();
      this.#dispatch();
      return;
    }
    const job = slot.job;
    if (job === undefined || job.id !== msg.id) return; // a reply to a job abandoned meanwhile
    slot.job = undefined;
    if (msg.type === 'result') this.#settle(job, undefined, msg.review);
    else this.#settle(job, new Error(msg.message));
    this.#dispatch();
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    const reason = slot.lastError ? `${slot.lastError.name}: ${slot.lastError.message}` : `exit code ${code}`;
    if (slot.job) {
      this.#settle(slot.job, new Error(`review worker stopped: ${reason}`));
      slot.job = undefined;
    }
    if (this.#closed) return;
    let delay = 0;
    if (!slot.ready && !slot.stopping) {
      this.#startupFailures++;
      this.#startupError = reason;
      this.#logger?.error({ err: slot.lastError, code }, 'review worker failed to start');
      delay = Math.min(MAX_RESPAWN_DELAY_MS, 100 * 2 ** (this.#startupFailures - 1));
      if (this.readyWorkers === 0) {
        for (const job of this.#queue.splice(0)) {
          this.#settle(job, new Error(`review worker could not start: ${reason}`));
        }
        for (const w of this.#readyWaiters.splice(0)) w();
      }
    } else if (!slot.stopping) {
      this.#logger?.warn({ err: slot.lastError, code }, 'review worker exited; replacing it');
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) this.#spawn();
    }, delay);
    this.#timers.add(timer);
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (!slot.ready || slot.stopping || slot.job !== undefined) continue;
      const job = this.#queue.shift()!;
      job.slot = slot;
      slot.job = job;
      slot.worker.postMessage({ id: job.id, op: job.op, body: job.body } satisfies WorkerRequest);
    }
  }

  /** The signal of `job` fired: drop it from the queue, or stop the thread running it. */
  #abandon(job: Job): void {
    const i = this.#queue.indexOf(job);
    if (i >= 0) {
      this.#queue.splice(i, 1);
    } else if (job.slot && job.slot.job === job) {
      const slot = job.slot;
      slot.job = undefined;
      slot.stopping = true;
      slot.ready = false;
      this.#logger?.warn({ jobId: job.id }, 'review abandoned at its deadline; terminating its worker');
      void slot.worker.terminate();
    }
    this.#settle(job, new Error('review abandoned'));
  }

  #settle(job: Job, error: Error | undefined, review?: AdmissionReview): void {
    job.signal?.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(review!);
  }
}
