/**
 * What `kubectl apply` printed, read back as an admission outcome: allowed or denied (and by which
 * webhook), the lines of a kro-guard denial, and the `Warning:` lines. Then, per rule id, how
 * kro-guard reported it, using the wording of `src/policy/engine/report.ts`:
 *
 * - an enforced failure is a denial line `- <path>[ (resource "<id>")]: <RULE> <title> [<controls>]: <reason>`;
 * - a failure under Warn is a warning `<path>: <RULE> <title> [...]: <reason>`, an exempted one
 *   `<path>: <RULE> exempted by <namespace>/<name>: <reason>`;
 * - an undecided rule is a warning `<path>: <RULE> deferred to instance admission; ...` (or
 *   `not decidable from the RGD` / `not decidable before creation`).
 *
 * Warnings are at most 119 characters (`src/admission/message.ts`), so the end of a long one is cut.
 */
import type { KubectlResult } from '../../harness/index.ts';

/** One `kubectl apply` of one object, as the user sees it. */
export interface AdmissionOutcome {
  /** kubectl exited 0: the object was admitted (created, configured, or shown by a dry-run). */
  allowed: boolean;
  /** The webhook named in `admission webhook "<name>" denied the request`, when one denied. */
  deniedBy: string | undefined;
  /** The `- ` lines of the denial message, without the dash (`<path>: <message>`). */
  errors: string[];
  /** kubectl's `Warning: ` lines, without that prefix. */
  warnings: string[];
  /** kubectl's output, for failure messages. */
  stdout: string;
  stderr: string;
}

const DENIED = /admission webhook "([^"]+)" denied the request/;
const WARNING_PREFIX = 'Warning: ';

/** Reads one kubectl result (exit code, stdout, stderr) as an {@link AdmissionOutcome}. */
export function readOutcome(result: KubectlResult): AdmissionOutcome {
  const lines = result.stderr.split('\n').map((l) => l.trimEnd());
  const denial = DENIED.exec(result.stderr);
  const errors: string[] = [];
  if (denial !== null) {
    const first = lines.findIndex((l) => DENIED.test(l));
    for (const line of lines.slice(first + 1)) {
      if (line.startsWith('- ')) errors.push(line.slice(2));
      else if (!line.startsWith('    ')) break;
    }
  }
  return {
    allowed: result.code === 0,
    deniedBy: denial?.[1],
    errors,
    warnings: lines.filter((l) => l.startsWith(WARNING_PREFIX)).map((l) => l.slice(WARNING_PREFIX.length)),
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when `line` reports `ruleId` as the subject of its message (after a path, or at its start). */
function names(line: string, ruleId: string, after = ' '): boolean {
  return new RegExp(`(?:^|: )${escape(ruleId)}${escape(after)}`).test(line);
}

/**
 * True when the warning defers `ruleId` (`<RULE> deferred to instance admission`, `<RULE> not
 * decidable ...`). Only `<RULE> deferred` is required: a long path leaves room for little more.
 */
export function defers(line: string, ruleId: string): boolean {
  return names(line, ruleId, ' deferred') || names(line, ruleId, ' not decidable');
}

/** True when some warning was cut to the length limit (it ends with `…`). */
export function warningsCut(outcome: AdmissionOutcome): boolean {
  return outcome.warnings.some((w) => w.endsWith('…'));
}

/** Rules the denial enforces: the rule ids some denial line reports. */
export function enforcedRules(outcome: AdmissionOutcome, ruleIds: readonly string[]): Set<string> {
  return new Set(ruleIds.filter((id) => outcome.errors.some((l) => names(l, id))));
}

/** Rules reported as non-enforced failures (Warn mode, or exempted): warnings that are not deferrals. */
export function warnedRules(outcome: AdmissionOutcome, ruleIds: readonly string[]): Set<string> {
  return new Set(ruleIds.filter((id) => outcome.warnings.some((l) => names(l, id) && !defers(l, id))));
}

/** Rules reported as deferred. */
export function deferredRules(outcome: AdmissionOutcome, ruleIds: readonly string[]): Set<string> {
  return new Set(ruleIds.filter((id) => outcome.warnings.some((l) => defers(l, id))));
}

/** The path of a denial line: the text before ` (resource "...")` or the first `: `. */
export function errorPath(line: string): string {
  const colon = line.indexOf(': ');
  const head = colon < 0 ? line : line.slice(0, colon);
  return head.replace(/ \(resource "[^"]*"\)$/, '');
}

/** kubectl's output, indented, for an assertion message. */
export function describeOutcome(outcome: AdmissionOutcome): string {
  const text = `${outcome.stdout}${outcome.stderr}`.trim();
  return `\n  kubectl ${outcome.allowed ? 'succeeded' : 'failed'}:\n${text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}`;
}
