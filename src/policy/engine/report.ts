/**
 * Turning findings into diagnostics: what denies (errors), what warns, and how each line reads.
 * A denial line names the rule, its title and its control ids, then the reason:
 *
 * ```text
 * resources[bucket].spec.publicAccessBlock.blockPublicPolicy: S3-003 Bucket-level Block Public
 *   Access [FSBP S3.8; CIS v5:2.1.4; CKV_AWS_53]: blockPublicPolicy is false (must be true)
 * ```
 */
import { error, sortDiagnostics, warning, type Diagnostic } from '../../diagnostics/diagnostic.ts';
import { describeProvenance } from '../../graph/render/symbolic.ts';
import type { Controls } from '../types.ts';
import type { DecisionPoint, Finding } from './types.ts';

/** Most control ids shown in one line (the CLI's JSON output carries them all). */
const MAX_CONTROLS_SHOWN = 4;

/**
 * The control ids of a rule as one short text, FSBP first: `FSBP S3.8; CIS v5:2.1.4; CKV_AWS_53`.
 * Empty when the rule maps to none.
 */
export function controlsText(controls: Controls): string {
  const ids = [
    ...(controls.fsbp ?? []).map((c) => `FSBP ${c}`),
    ...(controls.pss ?? []).map((c) => `PSS ${c}`),
    ...(controls.cis ?? []).map((c) => `CIS ${c}`),
    ...(controls.checkov ?? []),
    ...(controls.trivy ?? []),
    ...(controls.config ?? []),
    ...(controls.other ?? []),
  ];
  if (ids.length <= MAX_CONTROLS_SHOWN) return ids.join('; ');
  return `${ids.slice(0, MAX_CONTROLS_SHOWN).join('; ')}; …`;
}

function ruleLabel(f: Finding): string {
  const controls = controlsText(f.controls);
  return controls === '' ? `${f.ruleId} ${f.title}` : `${f.ruleId} ${f.title} [${controls}]`;
}

/** `spec.allowPublic=true, spec.env="dev"` from an assignment of inputs. */
function assignmentText(assignment: Record<string, unknown>): string {
  return Object.entries(assignment)
    .map(([k, v]) => `${k.replace(/^schema\./, '')}=${JSON.stringify(v)}`)
    .join(', ');
}

/**
 * Why a finding is unknown, in words, shortest first (admission warnings are one short line):
 * `S3-003 deferred to instance admission: fails when spec.allowPublic=true`, or `… depends on
 * spec.encryption`, or `S3-001 not decidable before creation: depends on key.status.…`.
 */
export function unknownText(f: Finding, point: DecisionPoint): string {
  const inputs = (f.dependsOn ?? []).filter((p) => p.kind === 'input');
  const prefix =
    point === 'rgd' && (inputs.length > 0 || f.failsWhen !== undefined)
      ? 'deferred to instance admission'
      : point === 'rgd'
        ? 'not decidable from the RGD'
        : 'not decidable before creation';
  if (f.failsWhen !== undefined) return `${f.ruleId} ${prefix}: fails when ${assignmentText(f.failsWhen)}`;
  const deps = (f.dependsOn ?? []).map((p) =>
    p.kind === 'input' ? p.path.replace(/^schema\./, '') : describeProvenance(p),
  );
  if (deps.length > 0) return `${f.ruleId} ${prefix}: depends on ${deps.slice(0, 3).join(', ')}`;
  return `${f.ruleId} ${prefix}: ${f.reason}`;
}

/**
 * The diagnostics of a decision (sorted):
 * - an enforced failure (mode Enforce, no exception) is an error with code `policy/<rule id>`;
 * - a failure under Warn, and an exempted enforced failure, are warnings;
 * - an unknown verdict under Enforce or Warn is a warning (`policy/<rule id>/deferred`): at RGD
 *   admission it says which inputs decide it, at instance admission which resources' status;
 * - Audit findings, passes and non-applicable verdicts produce nothing here (the CLI and the logs
 *   report every finding).
 */
export function findingDiagnostics(findings: readonly Finding[], point: DecisionPoint): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.mode === 'Audit') continue;
    let d: Diagnostic | undefined;
    if (f.verdict === 'fail') {
      const text = `${ruleLabel(f)}: ${f.reason}`;
      if (f.mode === 'Enforce' && f.exemptedBy === undefined)
        d = error(`policy/${f.ruleId}`, f.location, text, f.resourceId);
      else if (f.exemptedBy !== undefined)
        d = warning(
          `policy/${f.ruleId}/exempted`,
          f.location,
          `${f.ruleId} exempted by ${f.exemptedBy.namespace ? `${f.exemptedBy.namespace}/` : ''}${f.exemptedBy.name}: ${f.reason}`,
          f.resourceId,
        );
      else d = warning(`policy/${f.ruleId}`, f.location, text, f.resourceId);
    } else if (f.verdict === 'unknown') {
      d = warning(`policy/${f.ruleId}/deferred`, f.location, unknownText(f, point), f.resourceId);
    }
    if (d === undefined) continue;
    const key = `${d.severity}\u0000${d.code}\u0000${d.path}\u0000${d.message}`;
    if (seen.has(key)) continue; // the same policy rule selected twice with the same outcome
    seen.add(key);
    out.push(d);
  }
  return sortDiagnostics(out);
}
