/** A closed-loop measurement: an optional warm-up run, then the measured run, each on its own thread. */
import { runLoadInWorker, type LoadResult, type LoadSpec } from './load.ts';

/**
 * Runs `spec` for `warmupS` seconds (skipped when 0) and discards the result, then for
 * `spec.durationS` seconds and returns that result. `progress` gets one line per step.
 *
 * @throws Error when the warm-up already had errors (the measured run would only repeat them).
 */
export async function measure(
  spec: LoadSpec,
  warmupS: number,
  progress: (line: string) => void,
): Promise<LoadResult> {
  if (warmupS > 0) {
    progress(`${spec.target}: warming up for ${warmupS} s`);
    const warm = await runLoadInWorker({ ...spec, durationS: warmupS });
    if (warm.errorCount > 0) {
      throw new Error(
        `${spec.target}: ${warm.errorCount} errors during warm-up; first: ${warm.firstProblem}`,
      );
    }
  }
  progress(`${spec.target}: measuring for ${spec.durationS} s`);
  const result = await runLoadInWorker(spec);
  progress(
    `${spec.target}: ${result.responses} responses, ${result.errorCount} errors, ${result.sampledBodies} bodies checked`,
  );
  return result;
}

/** What {@link measureAgainstEcho} loads: the same request to kro-guard and to the echo. */
export interface EchoComparison {
  body: Buffer;
  ca: string;
  connections: number;
  durationS: number;
  warmupS: number;
  kroGuardUrl: string;
  echoUrl: string;
  /** The request's uid: every sampled kro-guard answer must be an AdmissionReview for it. */
  uid: string;
  /** kro-guard's reference answer: every sampled echo answer must be exactly these bytes. */
  referenceText: string;
}

/**
 * The closed-loop pair both benches report: kro-guard's `/validate` then the echo of the same bytes,
 * each after its warm-up (see {@link measure}).
 *
 * @returns `[kro-guard, echo]`.
 */
export async function measureAgainstEcho(
  c: EchoComparison,
  progress: (line: string) => void,
): Promise<[LoadResult, LoadResult]> {
  const common = {
    path: '/validate',
    body: c.body,
    ca: c.ca,
    connections: c.connections,
    durationS: c.durationS,
  };
  const kroGuard = await measure(
    {
      ...common,
      target: 'kro-guard /validate',
      url: c.kroGuardUrl,
      expect: { kind: 'admission-review', uid: c.uid },
    },
    c.warmupS,
    progress,
  );
  const echo = await measure(
    {
      ...common,
      target: 'echo (same bytes)',
      url: c.echoUrl,
      expect: { kind: 'exact', body: c.referenceText },
    },
    c.warmupS,
    progress,
  );
  return [kroGuard, echo];
}
