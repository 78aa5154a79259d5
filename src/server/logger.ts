/**
 * The webhook's logger: pino, with Secret-like payloads redacted wherever an AdmissionReview is logged.
 */
import { pino, type Logger } from 'pino';

/**
 * Paths censored in every log line: `data`/`stringData` of the new and old objects, whether the
 * review is logged as `review` or its request as `request` (Secrets and ConfigMaps carry credentials).
 */
export const REDACTED_PATHS: readonly string[] = [
  'review.request.object.data',
  'review.request.object.stringData',
  'review.request.oldObject.data',
  'review.request.oldObject.stringData',
  'request.object.data',
  'request.object.stringData',
  'request.oldObject.data',
  'request.oldObject.stringData',
];

/** The text written instead of a redacted value. */
export const REDACTED = '[REDACTED]';

/**
 * The server's logger: a child of `base` (or a new pino logger at `level` writing JSON to stdout)
 * with {@link REDACTED_PATHS} censored and `component: "webhook"` bound.
 */
export function webhookLogger(level: string, base?: Logger): Logger {
  const parent = base ?? pino({ level });
  return parent.child({ component: 'webhook' }, { redact: { paths: [...REDACTED_PATHS], censor: REDACTED } });
}
