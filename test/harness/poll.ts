/**
 * Polling with a deadline: the only way the harness and the e2e tests wait for something to happen
 * (never a fixed sleep as an assertion).
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link pollUntil}. Durations are milliseconds. */
export interface PollOptions {
  /** Give up after this long (measured from the first probe). */
  timeoutMs: number;
  /** Pause between two probes; default 100. */
  intervalMs?: number;
  /**
   * Checked before every probe; a returned string aborts the wait at once with that reason (for
   * example "etcd exited with code 1"), so a dead process does not cost the whole timeout.
   */
  abortIf?: () => string | undefined;
  /** Extra text appended to the timeout error (for example the tail of a log). */
  onTimeout?: () => string;
}

/**
 * Calls `probe` until it returns a value other than `undefined`/`false` and returns that value. A
 * probe that throws counts as "not yet"; its last error is quoted if the deadline passes.
 *
 * @throws Error `timed out after <s>s waiting for <description>` (with the last probe error and the
 *   `onTimeout` text), or `gave up waiting for <description>: <reason>` when `abortIf` fires.
 */
export async function pollUntil<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: PollOptions,
): Promise<T> {
  const start = Date.now();
  const interval = options.intervalMs ?? 100;
  let lastError: unknown;
  for (;;) {
    const reason = options.abortIf?.();
    if (reason !== undefined) throw new Error(`gave up waiting for ${description}: ${reason}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() - start >= options.timeoutMs) {
      const parts = [`timed out after ${(options.timeoutMs / 1000).toFixed(1)}s waiting for ${description}`];
      if (lastError !== undefined) {
        parts.push(`last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
      }
      if (options.onTimeout) parts.push(options.onTimeout());
      throw new Error(parts.join('\n'));
    }
    await delay(interval);
  }
}
