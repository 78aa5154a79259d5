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
