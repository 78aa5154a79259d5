/**
 * Text kro-guard puts into AdmissionReview responses: the denial message kubectl prints after
 * `admission webhook "<name>" denied the request: `, and the `warnings` kubectl prints as
 * `Warning: <text>`.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';

/**
 * Longest warning kro-guard emits, in characters (code points). The API server truncates warnings
 * longer than 256 characters and caps their total size; engineering-notes §2.5 asks for under 120.
 */
export const WARNING_MAX_LENGTH = 119;
/** At most this many warnings are returned; the last one then says how many were left out. */
export const MAX_WARNINGS = 20;
/** At most this many errors are listed in a denial message; a final line counts the rest. */
export const MAX_LISTED_ERRORS = 50;

/** Longest path shown in a denial line, in characters; longer ones lose their middle. */
export const MAX_PATH_LENGTH = 200;
/** Longest message shown in a denial line, in characters; longer ones are cut. */
export const MAX_MESSAGE_LENGTH = 1000;

const ELLIPSIS = '…';

/** `path` shortened to {@link MAX_PATH_LENGTH} by replacing its middle with `…` (paths inside deeply nested templates). */
function shortPath(path: string): string {
  const chars = Array.from(path);
  if (chars.length <= MAX_PATH_LENGTH) return path;
  const head = Math.ceil((MAX_PATH_LENGTH - 1) * 0.6);
  const tail = MAX_PATH_LENGTH - 1 - head;
  return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(chars.length - tail).join('');
}

/** Where a diagnostic points, for a message line: `spec.resources[0].id (resource "web")`. */
function location(d: Diagnostic): string {
  const id = d.resourceId === undefined ? '' : `resource ${JSON.stringify(d.resourceId)}`;
  if (d.path === '') return id;
  return id === '' ? shortPath(d.path) : `${shortPath(d.path)} (${id})`;
}

/** `text` cut to `max` code points with a final `…`, line breaks kept. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + ELLIPSIS;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The denial message for an object with error diagnostics:
 *
 * ```text
 * ResourceGraphDefinition "webapp" is invalid: 2 errors
 * - spec.schema.kind: naming convention violation: kind 'badKind' is not a valid KRO kind name: …
 * - spec.resources[1].id (resource "Svc"): naming convention violation: …
 * ```
 *
 * One line per error, in the order given (callers pass sorted diagnostics); a line is `- <path>:
 * <message>`, with ` (resource "<id>")` after the path when the diagnostic has a resource id, and just
 * `- <message>` when it has neither. Continuation lines of a multi-line message are indented. Paths
 * over {@link MAX_PATH_LENGTH} characters lose their middle and messages are cut at
 * {@link MAX_MESSAGE_LENGTH}, so the message stays readable for any input. After
 * {@link MAX_LISTED_ERRORS} lines a final `- … and N more errors` line counts the rest. Without a
 * name (generateName), the first line reads `ResourceGraphDefinition is invalid: …`.
 *
 * @param kind the object's kind, e.g. `ResourceGraphDefinition`.
 * @param name the object's name, or undefined/empty when it has none yet.
 * @param errors the error diagnostics (warnings are not filtered out here).
 */
export function formatDenialMessage(
  kind: string,
  name: string | undefined,
  errors: readonly Diagnostic[],
): string {
  const subject = name ? `${kind} ${JSON.stringify(name)}` : kind;
  const lines = [`${subject} is invalid: ${plural(errors.length, 'error')}`];
  for (const d of errors.slice(0, MAX_LISTED_ERRORS)) {
    const where = location(d);
    const text = cut(d.message, MAX_MESSAGE_LENGTH).replace(/\r?\n/g, '\n    ');
    lines.push(where === '' ? `- ${text}` : `- ${where}: ${text}`);
  }
  if (errors.length > MAX_LISTED_ERRORS) {
    lines.push(`- ${ELLIPSIS} and ${plural(errors.length - MAX_LISTED_ERRORS, 'more error')}`);
  }
  return lines.join('\n');
}

/**
 * Shortens `text` to at most `max` code points, replacing the cut part with `…`. Line breaks and runs
 * of whitespace become single spaces first (a warning is one line). Never splits a surrogate pair.
 */
export function truncateText(text: string, max: number = WARNING_MAX_LENGTH): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  if (chars.length <= max) return chars.join('');
  return chars.slice(0, Math.max(0, max - 1)).join('') + ELLIPSIS;
}

/** Shortest room a path keeps in a warning when the message needs the rest. */
const MIN_WARNING_PATH = 24;

/**
 * One warning line, `<path>: <message>` (just the message when the path is empty), at most
 * {@link WARNING_MAX_LENGTH} characters. The message matters more than the path (it names the rule and
 * what decides it): when the line is too long and the message fits beside a path of at least
 * {@link MIN_WARNING_PATH} characters, only the path loses its middle
 * (`spec.resources[0].templ…cessBlock.blockPublicACLs`); otherwise the path keeps up to 40 characters
 * and the message is cut.
 */
export function formatWarning(d: Diagnostic): string {
  const message = d.message.replace(/\s+/g, ' ').trim();
  if (d.path === '') return truncateText(message);
  const messageLength = Array.from(message).length;
  const pathLength = Array.from(d.path).length;
  if (pathLength + 2 + messageLength <= WARNING_MAX_LENGTH) return `${d.path}: ${message}`;
  // The message fits beside a shortened path: shorten the path just enough. Otherwise the message is
  // cut anyway: keep a readable path (up to 40 characters).
  const fitting = WARNING_MAX_LENGTH - 2 - messageLength;
  const pathRoom = fitting >= MIN_WARNING_PATH ? fitting : Math.max(MIN_WARNING_PATH, 40);
  const path = pathLength <= pathRoom ? d.path : middleCut(d.path, pathRoom);
  const prefix = `${path}: `;
  return prefix + truncateText(message, WARNING_MAX_LENGTH - Array.from(prefix).length);
}

/** `text` shortened to `max` code points by replacing its middle with `…` (40 % head, 60 % tail). */
function middleCut(text: string, max: number): string {
  const chars = Array.from(text);
  const head = Math.floor((max - 1) * 0.4);
  const tail = max - 1 - head;
  return chars.slice(0, head).join('') + ELLIPSIS + chars.slice(chars.length - tail).join('');
}

/**
 * The `warnings` of a response for the warning diagnostics in `diags` (errors are skipped), each made
 * by {@link formatWarning}. At most {@link MAX_WARNINGS} entries: when there are more, the last entry
 * is `… and N more warnings`. Returns an empty array when there is no warning.
 */
export function formatWarnings(diags: readonly Diagnostic[]): string[] {
  const warnings = diags.filter((d) => d.severity === 'warning');
  if (warnings.length <= MAX_WARNINGS) return warnings.map(formatWarning);
  const shown = warnings.slice(0, MAX_WARNINGS - 1).map(formatWarning);
  shown.push(`${ELLIPSIS} and ${plural(warnings.length - shown.length, 'more warning')}`);
  return shown;
}
