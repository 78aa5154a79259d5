/**
 * The `check` command: reads inputs, checks every document, prints the results and returns the
 * exit code (0 every RGD accepted, 1 any document rejected, 2 usage or I/O error).
 */
import { isResourceGraphDefinition } from '../graph/identify.ts';
import { checkDocument } from './check-documents.ts';
import { expandInputs, InputError, readDocuments, type SourceDocument } from './documents.ts';
import { formatCrds, formatJson, formatText } from './format.ts';
import { checkSchemas, prepareSchemas, SchemaOptionError, type SchemaOptions } from './schema-sources.ts';

/** Options of the check command. */
export interface CheckOptions extends SchemaOptions {
  format: 'text' | 'json';
  verbose: boolean;
  /** Print the generated CRDs (YAML, one document each) instead of the report; the exit code is unchanged. */
  printCrd?: boolean;
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
  const documents: SourceDocument[] = [];
  try {
    for (const file of await expandInputs(inputs)) documents.push(...(await readDocuments(file)));
  } catch (e) {
    if (e instanceof InputError) {
      err(`kro-guard check: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const rgds = documents.flatMap((d) => rgdsOf(d.value));
  let schemas;
  try {
    schemas = await checkSchemas(options, rgds);
  } catch (e) {
    if (e instanceof SchemaOptionError) {
      err(`kro-guard check: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    const failures = await prepareSchemas(schemas, rgds);
    if (failures.length > 0) {
      // The cluster is authoritative: checking without the kinds it failed to serve would report
      // them as missing. That is an I/O error, not a verdict.
      for (const f of failures) err(`kro-guard check: cluster ${schemas.cluster?.server ?? ''}: ${f}\n`);
      return EXIT.usage;
    }
    const results = documents.flatMap((doc) => checkDocument(doc, { schemas: schemas.source }));
    if (options.printCrd === true) {
      out(formatCrds(results));
      for (const r of results)
        if (r.verdict === 'rejected')
          err(`kro-guard check: ${r.file}: document ${r.document}: rejected, no CRD\n`);
    } else {
      out(options.format === 'json' ? formatJson(results) : formatText(results, options.verbose));
    }
    return results.some((r) => r.verdict === 'rejected') ? EXIT.rejected : EXIT.ok;
  } finally {
    await schemas.close();
  }
}

/** The RGDs in a decoded document: itself, or the items of a `v1` `List`. */
function rgdsOf(value: unknown): unknown[] {
  if (isResourceGraphDefinition(value)) return [value];
  const o = value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null;
  if (o?.apiVersion === 'v1' && o.kind === 'List' && Array.isArray(o.items))
    return (o.items as unknown[]).filter((item) => isResourceGraphDefinition(item));
  return [];
}
