/**
 * One autocannon run against one target, with sanity checks on the responses and exact latency
 * percentiles. {@link runLoadInWorker} runs it on its own thread (see there why).
 */
import autocannon from 'autocannon';
import { reviewResponseProblem } from './review.ts';
import { percentile, round, Samples } from './stats.ts';
import { runWorker, siblingModule } from './worker.ts';

/** What a sampled 2xx response body must be: the answer to request `uid`, or exactly `body`. */
export type Expectation = { kind: 'admission-review'; uid: string } | { kind: 'exact'; body: string };

/** Why `body` does not meet `expect`, or undefined when it does. */
export function bodyProblem(expect: Expectation, body: string): string | undefined {
  if (expect.kind === 'admission-review') return reviewResponseProblem(body, expect.uid);
  return body === expect.body ? undefined : `body differs from the expected ${expect.body.length} bytes`;
}

/** What to load and how. */
export interface LoadSpec {
  /** Label in the report (`kro-guard /validate`, `echo`). */
  target: string;
  /** Base URL, `https://127.0.0.1:<port>`. */
  url: string;
  /** Request path. */
  path: string;
  /** Bytes POSTed on every request (content-type application/json). */
  body: Buffer;
  /** CA PEM handed to autocannon's `tls.connect` (see the note in {@link runLoad}). */
  ca: string;
  connections: number;
  durationS: number;
  /** What every sampled 2xx response body must be. */
  expect: Expectation;
  /** Check the first response and then every `sampleEvery`-th one (default 250). */
  sampleEvery?: number;
}

/** Outcome of {@link runLoad}. */
export interface LoadResult {
  target: string;
  /** Measured seconds. */
  durationS: number;
  /** Responses received. */
  responses: number;
  /** Responses per second over the measured run (responses / duration). */
  requestsPerSec: number;
  /** Percentiles of every response's latency (ms, sub-millisecond precision). */
  latencyMs: { mean: number; p50: number; p99: number; max: number };
  errors: {
    /** Connection errors and timeouts (autocannon `errors`). */
    connection: number;
    timeouts: number;
    /** Responses with a status outside 2xx. */
    non2xx: number;
    /** Sampled bodies that failed `check`. */
    badBodies: number;
  };
  /** Sum of connection errors, non-2xx and bad bodies. */
  errorCount: number;
  /** Responses whose body was checked. */
  sampledBodies: number;
  /** Status code counts. */
  statusCodes: Record<string, number>;
  /** The first problem seen, for the error message. */
  firstProblem?: string;
}

/**
 * Drives `spec.url + spec.path` with autocannon for `spec.durationS` seconds: `spec.connections`
 * keep-alive connections, pipelining 1, POST of `spec.body`.
 *
 * TLS: autocannon 9 passes `tlsOptions` to `tls.connect` but then sets `rejectUnauthorized: false`
 * on top of them (lib/httpClient.js), so the generated CA is handed over yet cannot make it verify
 * the server. The benchmark verifies the certificate itself, with the CA only, in its one-off
 * reference request (`postVerified`) to the same servers.
 *
 * Latency percentiles and the request rate come from the per-response times of autocannon's
 * `response` event: its own latency histogram keeps whole milliseconds (too coarse for a loopback
 * echo), and off the main thread it returns its histograms encoded, not summarized.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const every = spec.sampleEvery ?? 250;
  const latencies = new Samples();
  let seen = 0;
  let sampled = 0;
  let badBodies = 0;
  let firstProblem: string | undefined;
  const note = (problem: string): void => {
    firstProblem ??= problem;
  };

  const instance = autocannon({
    url: spec.url,
    title: spec.target,
    connections: spec.connections,
    pipelining: 1,
    duration: spec.durationS,
    tlsOptions: { ca: spec.ca },
    requests: [
      {
        method: 'POST',
        path: spec.path,
        headers: { 'content-type': 'application/json' },
        body: spec.body,
        onResponse: (status, body) => {
          const n = seen++;
          if (status < 200 || status > 299) {
            note(`HTTP ${status}: ${body.slice(0, 300)}`);
            return;
          }
          if (n % every !== 0) return;
          sampled++;
          const problem = bodyProblem(spec.expect, body);
          if (problem !== undefined) {
            badBodies++;
            note(problem);
          }
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) =>
    latencies.add(responseTimeMs),
  );
  instance.on('reqError', (error: Error) => note(`request error: ${error.message}`));
  const result = await instance;

  const sorted = latencies.sorted();
  let sum = 0;
  for (const v of sorted) sum += v;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const errors = { connection: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, badBodies };
  return {
    target: spec.target,
    durationS: result.duration,
    responses: sorted.length,
    requestsPerSec: round(sorted.length / result.duration, 1),
    latencyMs: {
      mean: round(sorted.length ? sum / sorted.length : NaN, 3),
      p50: round(percentile(sorted, 50), 3),
      p99: round(percentile(sorted, 99), 3),
      max: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 3),
    },
    errors,
    errorCount: errors.connection + errors.non2xx + errors.badBodies,
    sampledBodies: sampled,
    statusCodes,
    ...(firstProblem === undefined ? {} : { firstProblem }),
  };
}

/**
 * {@link runLoad} on a new worker thread (running `load-worker.ts`), resolved with its result; see
 * `runWorker` for why.
 */
export function runLoadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return runWorker<LoadResult>(siblingModule('load-worker', import.meta.url), spec);
}
