/**
 * Rendering `kro-guard check` results as text (compiler style, `file:line:col: severity: ...`) or
 * JSON.
 */
import { stringify } from 'yaml';
import type { DocumentResult } from './check-documents.ts';

/** Counts of documents per verdict. */
export interface Summary {
  documents: number;
  accepted: number;
  rejected: number;
  skipped: number;
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

/**
 * Text output: one header line per document, then one line per diagnostic; skipped documents are
 * listed only when `verbose`. Ends with a summary line.
 */
export function formatText(results: readonly DocumentResult[], verbose = false): string {
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
    for (const d of r.diagnostics) {
      const at = d.path ? `${d.path}: ` : '';
      const id = d.resourceId ? ` (resource ${d.resourceId})` : '';
      lines.push(`  ${r.file}:${d.line}:${d.column}: ${d.severity}: ${at}${d.message}${id} [${d.code}]`);
    }
  }
  const s = summarise(results);
  lines.push(
    `${plural(s.documents, 'document')}: ${s.accepted} accepted, ${s.rejected} rejected, ${s.skipped} skipped (not RGDs)`,
  );
  return lines.join('\n') + '\n';
}

/** JSON output: `{results: DocumentResult[], summary: Summary}`, pretty-printed. */
export function formatJson(results: readonly DocumentResult[]): string {
  return JSON.stringify({ results, summary: summarise(results) }, null, 2) + '\n';
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
