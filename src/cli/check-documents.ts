/**
 * `kro-guard check`: the verdict for every input document. Pure over parsed documents; reading
 * files and printing are done by the caller.
 */
import { parsePath, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { checkRgd, isResourceGraphDefinition } from '../graph/index.ts';
import type { SourceDocument } from './documents.ts';

/** The verdict on one document: `skipped` means it is not a ResourceGraphDefinition. */
export type Verdict = 'accepted' | 'rejected' | 'skipped';

/** A diagnostic with its source position (1-based). */
export interface LocatedDiagnostic extends Diagnostic {
  line: number;
  column: number;
}

/** The result for one document, as printed by `--format json`. */
export interface DocumentResult {
  file: string;
  /** Zero-based index of the document in its file. */
  document: number;
  kind: string | null;
  name: string | null;
  verdict: Verdict;
  /** Why a document was skipped (for example `not a ResourceGraphDefinition`). */
  reason?: string;
  line: number;
  column: number;
  diagnostics: LocatedDiagnostic[];
}

/**
 * Checks one document. YAML syntax errors reject it (code `yaml/syntax`); documents that are not
 * `kro.run` ResourceGraphDefinitions are skipped with a reason.
 */
export function checkDocument(doc: SourceDocument): DocumentResult {
  const value = doc.value;
  const base = {
    file: doc.file,
    document: doc.index,
    kind: doc.identity.kind ?? null,
    name: doc.identity.name ?? null,
    line: doc.line,
    column: doc.column,
  };
  if (doc.syntaxErrors.length > 0) {
    return {
      ...base,
      verdict: 'rejected',
      diagnostics: doc.syntaxErrors.map((e) => ({
        severity: 'error',
        code: 'yaml/syntax',
        path: '',
        message: e.message,
        line: e.line,
        column: e.column,
      })),
    };
  }
  if (!isResourceGraphDefinition(value)) {
    const what = base.kind ? `${doc.identity.apiVersion ?? '?'} ${base.kind}` : 'no kind';
    return {
      ...base,
      verdict: 'skipped',
      reason: `not a ResourceGraphDefinition (${what})`,
      diagnostics: [],
    };
  }
  const result = checkRgd(value);
  // Engine order is by field path; a reader of a file wants source order (stable for ties).
  const diagnostics = result.diagnostics
    .map((d) => ({ ...d, ...doc.locate(safePath(d.path)) }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const verdict = diagnostics.some((d) => d.severity === 'error') ? 'rejected' : 'accepted';
  return { ...base, verdict, diagnostics };
}

function safePath(path: string) {
  try {
    return parsePath(path);
  } catch {
    return [];
  }
}
