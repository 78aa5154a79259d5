/**
 * `kubectl apply --dry-run=server` of one object, made sure to have reached kro-guard: kro-guard's log
 * must hold a new `/validate` decision for the object. A dry-run that the API server admitted without
 * calling kro-guard (an instance kind whose webhook rule the API server has not loaded yet) is
 * retried until the deadline; a request refused before the webhooks (CRD schema) is returned as is.
 */
import type { KubectlResult, RunningWebhook, ControlPlane } from '../../harness/index.ts';
import { setTimeout as delay } from 'node:timers/promises';
import { readOutcome, type AdmissionOutcome } from './outcome.ts';

/** The object a dry-run is about, as kro-guard logs it (`kind`, `name`). */
export interface ObjectRef {
  kind: string;
  name: string;
}

function validateDecisions(webhook: RunningWebhook, ref: ObjectRef): number {
  return webhook
    .decisions()
    .filter((d) => d.route === 'validate' && d.kind === ref.kind && d.name === ref.name && d.dryRun).length;
}

/**
 * Runs `kubectl apply --dry-run=server -f <file> [...args]` and reads the outcome.
 *
 * @throws Error when kubectl admitted the object without kro-guard deciding it, still after
 *   `timeoutMs` (default 10 s).
 */
export async function dryRunThroughKroGuard(
  cp: ControlPlane,
  webhook: RunningWebhook,
  file: string,
  ref: ObjectRef,
  args: readonly string[] = [],
  timeoutMs = 10_000,
): Promise<AdmissionOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = validateDecisions(webhook, ref);
    const result: KubectlResult = await cp.kubectl(['apply', '--dry-run=server', '-f', file, ...args], {
      allowFailure: true,
    });
    if (validateDecisions(webhook, ref) > before || result.code !== 0) return readOutcome(result);
    if (Date.now() >= deadline) {
      throw new Error(
        `kubectl apply --dry-run=server -f ${file} was admitted without a decision of kro-guard on ` +
          `${ref.kind} ${ref.name} for ${timeoutMs / 1000} s:\n${result.stdout}${result.stderr}`,
      );
    }
    await delay(200);
  }
}
