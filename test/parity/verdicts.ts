/**
 * Verdicts of the parity harness: kro's (observed on the cluster, or committed in expected.json) and
 * kro-guard's (computed in-process), their comparison and the printed table.
 */
import { readFileSync } from 'node:fs';
import { checkRgd } from '../../src/graph/index.ts';
import type { SchemaSource } from '../../src/schemas/source.ts';
import { PARITY_EXPECTED_PATH } from './cases.ts';

/**
 * What kro v0.9.3 did with an RGD (kro-contract §0):
 * - `L1`: the API server refused it at apply time (the RGD CRD's OpenAPI/CEL rules, HTTP 422);
 * - `L2`: kro's graph builder: `GraphAccepted=False`;
 * - `L3`: `GraphAccepted=True` but the API server refused the CRD kro generated (`KindReady=False`).
 *
 * `timeout`: no verdict within the deadline (the RGD got no `GraphAccepted`, or an accepted one no
 * `KindReady`, condition).
 */
export interface KroVerdict {
  kro: 'accepted' | 'rejected' | 'timeout';
  /** For rejections: where (absent for accepted RGDs). */
  layer?: 'L1' | 'L2' | 'L3';
  /** The deciding condition's reason (`Valid`, `InvalidResourceGraph`, KindReady's `Failed`); absent for L1. */
  reason?: string;
  /** The deciding condition's message, or the API server's message for L1. */
  message?: string;
}

/** `{ <case id>: verdict }`, sorted by case id. */
export type KroVerdicts = Record<string, KroVerdict>;

/** The committed verdicts (test/parity/expected.json). */
export function readExpected(path: string = PARITY_EXPECTED_PATH): KroVerdicts {
  return JSON.parse(readFileSync(path, 'utf8')) as KroVerdicts;
}

/** `verdicts` with keys sorted and each verdict's keys in a fixed order, as written to expected.json. */
export function sortedVerdicts(verdicts: KroVerdicts): KroVerdicts {
  const out: KroVerdicts = {};
  for (const id of Object.keys(verdicts).sort()) {
    const v = verdicts[id]!;
    const o: KroVerdict = { kro: v.kro };
    if (v.layer !== undefined) o.layer = v.layer;
    if (v.reason !== undefined) o.reason = v.reason;
    if (v.message !== undefined) o.message = v.message;
    out[id] = o;
  }
  return out;
}

/** kro-guard's verdict on one RGD. */
export interface GuardVerdict {
  verdict: 'accepted' | 'rejected';
  /** The first error diagnostic (sorted order) as `path: message [code]`. */
  firstError?: string;
  errorCount: number;
}

/** kro-guard's in-process verdict: rejected iff any diagnostic has severity `error`. */
export function kroGuardVerdict(rgd: unknown, schemas: SchemaSource): GuardVerdict {
  const errors = checkRgd(rgd, { schemas }).diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (first === undefined) return { verdict: 'accepted', errorCount: 0 };
  return {
    verdict: 'rejected',
    firstError: `${first.path}: ${first.message} [${first.code}]`,
    errorCount: errors.length,
  };
}

/** One case where kro-guard's verdict differs from kro's. */
export interface Disagreement {
  id: string;
  kind: 'false reject' | 'false accept';
  kro: KroVerdict;
  guard: GuardVerdict;
}

/** The comparison of kro-guard's verdicts with kro's over all cases. */
export interface ParityReport {
  cases: number;
  agreements: number;
  falseRejects: number;
  falseAccepts: number;
  /** agreements / cases, in percent. */
  agreementPercent: number;
  disagreements: Disagreement[];
}

/**
 * Compares kro-guard's verdicts with kro's. kro "accepts" only with `kro: accepted`; a `timeout`
 * counts as not accepted.
 */
export function compareVerdicts(kro: KroVerdicts, guard: ReadonlyMap<string, GuardVerdict>): ParityReport {
  const disagreements: Disagreement[] = [];
  let agreements = 0;
  for (const id of Object.keys(kro).sort()) {
    const k = kro[id]!;
    const g = guard.get(id);
    if (g === undefined) throw new Error(`no kro-guard verdict for ${id}`);
    const kroAccepts = k.kro === 'accepted';
    const guardAccepts = g.verdict === 'accepted';
    if (kroAccepts === guardAccepts) agreements++;
    else disagreements.push({ id, kind: kroAccepts ? 'false reject' : 'false accept', kro: k, guard: g });
  }
  const cases = Object.keys(kro).length;
  return {
    cases,
    agreements,
    falseRejects: disagreements.filter((d) => d.kind === 'false reject').length,
    falseAccepts: disagreements.filter((d) => d.kind === 'false accept').length,
    agreementPercent: cases === 0 ? 100 : (100 * agreements) / cases,
    disagreements,
  };
}

const oneLine = (s: string, max = 400): string => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The table and the list of disagreements, as printed by the parity test. */
export function formatReport(report: ParityReport, title: string): string {
  const rows = [
    ['cases', 'agreements', 'false rejects', 'false accepts', 'agreement'],
    [
      String(report.cases),
      String(report.agreements),
      String(report.falseRejects),
      String(report.falseAccepts),
      `${report.agreementPercent.toFixed(1)} %`,
    ],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [title, line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, line(rows[1]!)];
  if (report.disagreements.length > 0) out.push('', `disagreements (${report.disagreements.length}):`);
  for (const d of report.disagreements) {
    const layer = d.kro.layer === undefined ? '' : ` ${d.kro.layer}`;
    out.push(`- ${d.id} (${d.kind})`);
    out.push(
      `    kro${layer}: ${d.kro.kro}${d.kro.message === undefined ? '' : `: ${oneLine(d.kro.message)}`}`,
    );
    out.push(
      `    kro-guard: ${d.guard.verdict}${d.guard.firstError === undefined ? '' : `: ${oneLine(d.guard.firstError)}`}`,
    );
  }
  return out.join('\n');
}
