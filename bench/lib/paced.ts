/**
 * An open-loop load at a fixed request rate: requests are sent on a schedule (one every
 * `1000 / rate` ms), whether or not earlier ones were answered, as the API server sends reviews of
 * independent `kubectl apply`s. {@link runPacedInWorker} runs it on its own thread.
 *
 * Why not autocannon's `overallRate`: autocannon 9 rate-limits each connection by counting requests
 * per one-second window (lib/httpClient.js `reqsMadeThisSecond`, reset by a 1 s interval), so its
 * connections send their whole share back to back at the start of each second and then wait. At
 * 500/s over 10 connections that is a burst of 500 requests at 10-way concurrency once a second, and
 * its p99 is that of a saturated server, not of a server receiving 500 evenly spaced reviews a second.
 */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { bodyProblem, type Expectation } from './load.ts';
import { percentile, round, Samples } from './stats.ts';
import { runWorker, siblingModule } from './worker.ts';

/** What to send, where, and how fast. */
export interface PacedSpec {
  /** Label in the report. */
  target: string;
  host: string;
  port: number;
  /** Request path. */
  path: string;
  /** Bytes POSTed on every request (content-type application/json). */
  body: Buffer;
  /** CA PEM the server's certificate must verify against (verified on every connection). */
  ca: string;
  /** Requests per second (the schedule), >= 1. */
  ratePerSec: number;
  /** Seconds of schedule: `round(ratePerSec * durationS)` requests are sent and measured. */
  durationS: number;
  /**
   * Seconds of the same schedule before the measured part, on the same connections, not measured
   * (default 1): opens the connections (TLS handshakes) and warms the server at the rate.
   */
  warmupS?: number;
  /** Most keep-alive connections; requests beyond them wait in the client (and that wait counts). */
  maxSockets: number;
  /** What every sampled 2xx response body must be. */
  expect: Expectation;
  /** Check the first response and then every `sampleEvery`-th one (default 250). */
  sampleEvery?: number;
  /** Give up on a response after this many ms (default 10,000): it counts as a timeout. */
  timeoutMs?: number;
}

/** Latency percentiles in ms. */
export interface LatencyMs {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Outcome of {@link runPaced}. */
export interface PacedResult {
  target: string;
  /** The schedule's rate (requests per second). */
  ratePerSec: number;
  /** Measured requests sent (warm-up excluded). */
  sent: number;
  /** Measured responses read to the end (any status). */
  responses: number;
  /** Measured responses per second, from the first measured scheduled send to the last response. */
  achievedPerSec: number;
  /**
   * Latency from each request's **scheduled** send time to its full response. This is the honest
   * one: when the server falls behind, the wait of later requests counts (no coordinated omission).
   */
  latencyMs: LatencyMs;
  /** Latency from the moment each request was handed to the client to its full response. */
  serviceMs: LatencyMs;
  /** Largest number of requests in flight at once (warm-up included). */
  maxInFlight: number;
  /** Worst lag of the sender behind its schedule (timer and event-loop delay), ms. */
  maxSendLagMs: number;
  errors: { connection: number; timeouts: number; non2xx: number; badBodies: number };
  /** Sum of all errors (warm-up included: every response is checked for its status). */
  errorCount: number;
  sampledBodies: number;
  firstProblem?: string;
}

function summary(samples: Samples): LatencyMs {
  const sorted = samples.sorted();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    mean: round(sorted.length ? sum / sorted.length : NaN, 3),
    p50: round(percentile(sorted, 50), 3),
    p90: round(percentile(sorted, 90), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 3),
  };
}

/**
 * Sends `round(ratePerSec * (warmupS + durationS))` POSTs of `spec.body`, the i-th at
 * `start + i * 1000 / rate` ms (a timer wakes for each due request; requests that fell due while the
 * loop was late go out at once), over at most `spec.maxSockets` keep-alive TLS connections that
 * verify the server against `spec.ca`; the warm-up's requests are not measured. Resolves when every
 * request has been answered, failed or timed out.
 */
export async function runPaced(spec: PacedSpec): Promise<PacedResult> {
  const warmup = Math.round(spec.ratePerSec * (spec.warmupS ?? 1));
  const measured = Math.max(1, Math.round(spec.ratePerSec * spec.durationS));
  const total = warmup + measured;
  const intervalMs = 1000 / spec.ratePerSec;
  const every = spec.sampleEvery ?? 250;
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.maxSockets, ca: spec.ca });
  const headers = { 'content-type': 'application/json', 'content-length': spec.body.length };
  const fromSchedule = new Samples();
  const fromSend = new Samples();
  const errors = { connection: 0, timeouts: 0, non2xx: 0, badBodies: 0 };
  let responses = 0;
  let sampled = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let maxSendLagMs = 0;
  let settled = 0;
  let lastAnswerAt = 0;
  let firstProblem: string | undefined;
  const note = (problem: string): void => {
    firstProblem ??= problem;
  };

  const start = performance.now() + 50;
  await new Promise<void>((resolveAll) => {
    const done = (): void => {
      inFlight--;
      if (++settled === total) resolveAll();
    };
    const send = (index: number, scheduledAt: number): void => {
      const sentAt = performance.now();
      maxSendLagMs = Math.max(maxSendLagMs, sentAt - scheduledAt);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      let finished = false;
      const finish = (problem?: () => void): void => {
        if (finished) return;
        finished = true;
        problem?.();
        done();
      };
      const req = request(
        { host: spec.host, port: spec.port, path: spec.path, method: 'POST', agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (e) =>
            finish(() => {
              errors.connection++;
              note(`response error: ${e.message}`);
            }),
          );
          res.on('end', () =>
            finish(() => {
              const now = performance.now();
              if (index >= warmup) {
                lastAnswerAt = now;
                responses++;
                fromSchedule.add(now - scheduledAt);
                fromSend.add(now - sentAt);
              }
              const status = res.statusCode ?? 0;
              const text = Buffer.concat(chunks).toString('utf8');
              if (status < 200 || status > 299) {
                errors.non2xx++;
                note(`HTTP ${status}: ${text.slice(0, 300)}`);
                return;
              }
              if (index % every !== 0) return;
              sampled++;
              const problem = bodyProblem(spec.expect, text);
              if (problem !== undefined) {
                errors.badBodies++;
                note(problem);
              }
            }),
          );
        },
      );
      req.setTimeout(timeoutMs, () => {
        finish(() => {
          errors.timeouts++;
          note(`no response within ${timeoutMs} ms`);
        });
        req.destroy();
      });
      req.on('error', (e) =>
        finish(() => {
          errors.connection++;
          note(`request error: ${e.message}`);
        }),
      );
      req.end(spec.body);
    };

    let next = 0;
    const pump = (): void => {
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        send(next, start + next * intervalMs);
        next++;
      }
      if (next < total) setTimeout(pump, Math.max(0, start + next * intervalMs - performance.now()));
    };
    setTimeout(pump, Math.max(0, start - performance.now()));
  });
  agent.destroy();

  const errorCount = errors.connection + errors.timeouts + errors.non2xx + errors.badBodies;
  const elapsedS = Math.max(1e-9, (lastAnswerAt - (start + warmup * intervalMs)) / 1000);
  return {
    target: spec.target,
    ratePerSec: spec.ratePerSec,
    sent: measured,
    responses,
    achievedPerSec: round(responses / elapsedS, 1),
    latencyMs: summary(fromSchedule),
    serviceMs: summary(fromSend),
    maxInFlight,
    maxSendLagMs: round(maxSendLagMs, 3),
    errors,
    errorCount,
    sampledBodies: sampled,
    ...(firstProblem === undefined ? {} : { firstProblem }),
  };
}

/** {@link runPaced} on a new worker thread (running `paced-worker.ts`), resolved with its result. */
export function runPacedInWorker(spec: PacedSpec): Promise<PacedResult> {
  return runWorker<PacedResult>(siblingModule('paced-worker', import.meta.url), spec);
}
