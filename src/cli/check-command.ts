/**
 * The `check` command: reads inputs, checks every document, prints the results and returns the
 * exit code (0 every RGD accepted, 1 any document rejected, 2 usage or I/O error).
 */
import { checkDocument, type DocumentResult } from './check-documents.ts';
import { expandInputs, InputError, readDocuments } from './documents.ts';
import { formatJson, formatText } from './format.ts';

/** Options of the check command. */
export interface CheckOptions {
  format: 'text' | 'json';
  verbose: boolean;
}

/** Exit codes of `kro-guard check`. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/**
 * Runs the check over `inputs` and writes to `out` / `err`.
 *
 * @returns the process exit code.
 */
export async function runCheck(
  inputs: readonly string[],
  options: CheckOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  if (inputs.length === 0) {
    err('kro-guard check: no input given (FILE, DIR or - for standard input)\n');
    return EXIT.usage;
  }
  const results: DocumentResult[] = [];
  try {
    for (const file of await expandInputs(inputs)) {
      for (const doc of await readDocuments(file)) results.push(...checkDocument(doc));
    }
  } catch (e) {
    if (e instanceof InputError) {
      err(`kro-guard check: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  out(options.format === 'json' ? formatJson(results) : formatText(results, options.verbose));
  return results.some((r) => r.verdict === 'rejected') ? EXIT.rejected : EXIT.ok;
}
