/**
 * Rendering `kro-guard check` results as text (compiler style, `file:line:col: severity: ...`) or
 * JSON.
 */
import { stringify } from 'yaml';
import type { Finding } from '../policy/engine/index.ts';
import type { Verdict as RuleVerdict } from '../policy/types.ts';
import type { DocumentResult } from './check-documents.ts';

/** Counts of documents per verdict. */
export interface Summary {
  documents: number;
  accepted: number;
  rejected: number;
  skipped: number;
}

/** The configuration a run checked against, for the report. */
export interface PolicySummary {
  /** Names of the CompliancePolicies in force, sorted. */
  policies: string[];
  /** `<namespace>/<name>` of the ComplianceExceptions in force (not expired), sorted. */
  exceptions: string[];
  /** True when no CompliancePolicy was given and the built-in `kro-guard-default` applies. */
  builtInDefault: boolean;
}

/** Counts the verdicts of `results`. */
export function summarise(results: readonly DocumentResult[]): Summary {
  const s: Summary = { documents: results.length, accepted: 0, rejected: 0, skipped: 0 };
  for (const r of results) s[r.verdict]++;
  return s;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How a rule verdict reads in text: `unknown` is `deferred` (decided later, or not decidable). */
const VERDICT_WORD: Record<RuleVerdict, string> = {
  pass: 'pass',
  fail: 'fail',
  unknown: 'deferred',
  na: 'n/a',
};

/** Order of {@link ruleCounts}, and which verdict of a rule wins over another (the first). */
const VERDICT_ORDER: readonly RuleVerdict[] = ['fail', 'unknown', 'pass', 'na'];

/** Counts of rules per verdict, see {@link ruleCounts}. */
export type RuleCounts = { rules: number; auditedFail: number; exemptedFail: number } & Record<
  RuleVerdict,
  number
>;

/**
 * The number of rules per verdict: each rule id counts once, with its worst verdict over the places
 * and resources it checked (`fail` before `unknown` before `pass` before `na`), whatever its mode.
 * Of the failing rules, `exemptedFail` counts those whose failures are all exempted by a
 * ComplianceException, `auditedFail` those whose other failures are all under mode Audit: neither
 * denies nor, for Audit, warns.
 */
export function ruleCounts(findings: readonly Finding[]): RuleCounts {
  const worst = new Map<string, RuleVerdict>();
  const enforced = new Set<string>();
  const audited = new Set<string>();
  for (const f of findings) {
    const prev = worst.get(f.ruleId);
    if (prev === undefined || VERDICT_ORDER.indexOf(f.verdict) < VERDICT_ORDER.indexOf(prev))
      worst.set(f.ruleId, f.verdict);
    if (f.verdict !== 'fail' || f.exemptedBy !== undefined) continue;
    (f.mode === 'Audit' ? audited : enforced).add(f.ruleId);
  }
  const counts = { rules: worst.size, auditedFail: 0, exemptedFail: 0, pass: 0, fail: 0, unknown: 0, na: 0 };
  for (const [id, v] of worst) {
    counts[v]++;
    if (v !== 'fail' || enforced.has(id)) continue;
    if (audited.has(id)) counts.auditedFail++;
    else counts.exemptedFail++;
  }
  return counts;
}

/** `12 rules: 9 pass, 2 fail (1 Audit, 1 exempted), 1 deferred` (verdicts without rules left out). */
export function ruleSummaryText(findings: readonly Finding[]): string {
  const c = ruleCounts(findings);
  const quiet = [
    ...(c.auditedFail > 0 ? [`${c.auditedFail} Audit`] : []),
    ...(c.exemptedFail > 0 ? [`${c.exemptedFail} exempted`] : []),
  ];
  const parts = (['pass', 'fail', 'unknown', 'na'] as const)
    .filter((v) => c[v] > 0)
    .map((v) =>
      v === 'fail' && quiet.length > 0
        ? `${c.fail} fail (${quiet.join(', ')})`
        : `${c[v]} ${VERDICT_WORD[v]}`,
    );
  return `${plural(c.rules, 'rule')}: ${parts.join(', ')}`;
}

/**
 * One finding as a line: `fail S3-003 [Enforce, kro-guard-default] resources[bucket].spec.acl:
 * <reason> (resource bucket[0])`, with the exception that exempts it.
 */
export function findingText(f: Finding): string {
  const index = f.collectionIndex === undefined ? '' : `[${f.collectionIndex}]`;
  const exempted =
    f.exemptedBy === undefined
      ? ''
      : `; exempted by ${f.exemptedBy.namespace ? `${f.exemptedBy.namespace}/` : ''}${f.exemptedBy.name}`;
  const at = f.location === '' ? '' : ` ${f.location}`;
  return `${VERDICT_WORD[f.verdict]} ${f.ruleId} [${f.mode}, ${f.policy}${exempted}]${at}: ${f.reason} (resource ${f.resourceId}${index})`;
}

/** `policies: kro-guard-default (built-in default); exceptions: none`. */
function policyLine(p: PolicySummary): string {
  const policies =
    p.policies.length === 0
      ? 'none (no rules run)'
      : `${p.policies.join(', ')}${p.builtInDefault ? ' (built-in default)' : ''}`;
  const exceptions = p.exceptions.length === 0 ? 'none' : p.exceptions.join(', ');
  return `policies: ${policies}; exceptions: ${exceptions}`;
}

/**
 * Text output: one header line per document, the count of rule verdicts when rules ran, then one
 * line per diagnostic; with `verbose`, also every finding and the skipped documents. Ends with a
 * summary line, and the policies in force when `policies` is given.
 */
export function formatText(
  results: readonly DocumentResult[],
  verbose = false,
  policies?: PolicySummary,
): string {
  const lines: string[] = [];
  for (const r of results) {
    const where = `${r.file}:${r.line}:${r.column}`;
    const item = r.item === undefined ? '' : `, item ${r.item}`;
    const what = `${r.kind ?? 'document'}${r.name ? ` "${r.name}"` : ''} (document ${r.document}${item})`;
    if (r.verdict === 'skipped') {
      if (verbose) lines.push(`${where}: ${what}: skipped: ${r.reason}`);
      continue;
    }
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = r.diagnostics.length - errors;
    lines.push(
      `${where}: ${what}: ${r.verdict} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`,
    );
    // No finding on a rejected document: its errors stopped the rules (an invalid instance).
    if (r.findings !== undefined && r.findings.length > 0) lines.push(`  ${ruleSummaryText(r.findings)}`);
    else if (r.findings !== undefined && verbose && errors === 0) lines.push('  no rule applies');
    for (const d of r.diagnostics) {
      const at = d.path ? `${d.path}: ` : '';
      const id = d.resourceId ? ` (resource ${d.resourceId})` : '';
      lines.push(`  ${r.file}:${d.line}:${d.column}: ${d.severity}: ${at}${d.message}${id} [${d.code}]`);
    }
    if (verbose) for (const f of r.findings ?? []) lines.push(`    ${findingText(f)}`);
  }
  const s = summarise(results);
  lines.push(
    `${plural(s.documents, 'document')}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.skipped} skipped`,
  );
  if (policies !== undefined) lines.push(policyLine(policies));
  return lines.join('\n') + '\n';
}

/**
 * JSON output: `{results: DocumentResult[], summary: Summary, policies?: PolicySummary}`,
 * pretty-printed. Each result's `findings` is the full report of the rules (see `DocumentResult`).
 */
export function formatJson(results: readonly DocumentResult[], policies?: PolicySummary): string {
  return (
    JSON.stringify(
      { results, summary: summarise(results), ...(policies === undefined ? {} : { policies }) },
      null,
      2,
    ) + '\n'
  );
}

/**
 * The generated CRDs of the accepted RGDs as a YAML stream (`---` between documents), in input order;
 * `--print-crd`'s output, ready for `kubectl apply -f -` or a diff.
 */
export function formatCrds(results: readonly DocumentResult[]): string {
  return results
    .filter((r) => r.crd !== undefined)
    .map((r) => stringify(r.crd, { lineWidth: 0 }))
    .join('---\n');
}
