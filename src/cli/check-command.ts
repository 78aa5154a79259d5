/**
 * The `check` command: reads inputs and configuration files, checks every document (RGDs, instances,
 * children, CompliancePolicies and ComplianceExceptions), prints the results and returns the exit code
 * (0 every document accepted, 1 any document rejected, 2 usage or I/O error).
 */
import { resolve } from 'node:path';
import { isResourceGraphDefinition } from '../graph/identify.ts';
import { buildPolicySet } from '../policy/policy-set.ts';
import { complianceContext, type ComplianceContext } from './check-compliance.ts';
import {
  isPolicyObject,
  objectsOf,
  policySummary,
  readOptionFiles,
  rgdsOfOptionFiles,
} from './check-config.ts';
import { checkDocument, type DocumentResult } from './check-documents.ts';
import { expandInputs, InputError, readDocuments, type SourceDocument } from './documents.ts';
import { formatCrds, formatJson, formatText } from './format.ts';
import { checkSchemas, prepareSchemas, SchemaOptionError, type SchemaOptions } from './schema-sources.ts';

/** Options of the check command. */
export interface CheckOptions extends SchemaOptions {
  format: 'text' | 'json';
  /** Also list skipped documents and every rule finding (text output). */
  verbose: boolean;
  /** Print the generated CRDs (YAML, one document each) instead of the report; the exit code is unchanged. */
  printCrd?: boolean;
  /**
   * CompliancePolicy and ComplianceException files or directories (`--policy`, repeatable). Their
   * objects apply with those among the inputs; they are validated but not reported as documents.
   */
  policy?: readonly string[];
  /**
   * Files or directories holding the RGDs of instances among the inputs (`--rgd`, repeatable). They
   * are used, not reported; RGDs among the inputs take precedence for the same kind.
   */
  rgd?: readonly string[];
  /**
   * Apply the built-in default policy (manifests/policies/default.yaml) when no CompliancePolicy is
   * given (default true; `--no-default-policy` runs only the given policies).
   */
  defaultPolicy?: boolean;
  /** The time exceptions' expiry is compared with; default the current time. */
  now?: Date;
}

/** Exit codes of `kro-guard check`. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

/** The documents a run reads. */
interface RunDocuments {
  inputs: SourceDocument[];
  policies: SourceDocument[];
  rgds: SourceDocument[];
}

async function readAll(inputs: readonly string[], options: CheckOptions): Promise<RunDocuments> {
  const files = await expandInputs(inputs);
  const docs: SourceDocument[] = [];
  for (const file of files) docs.push(...(await readDocuments(file)));
  const inputPaths = new Set(files.filter((f) => f !== '-').map((f) => resolve(f)));
  return {
    inputs: docs,
    policies: await readOptionFiles('--policy', options.policy ?? [], inputPaths),
    rgds: await readOptionFiles('--rgd', options.rgd ?? [], inputPaths),
  };
}

/**
 * Validates the `--policy` documents: their problems go to `err`; other objects in them are ignored
 * with a warning. Returns false when one has an error (the configuration is unusable: exit code 2).
 */
function validatePolicyFiles(
  docs: readonly SourceDocument[],
  ctx: ComplianceContext,
  err: (s: string) => void,
): boolean {
  const only = {
    targets: ['policy', 'exception'] as const,
    reason: 'not a CompliancePolicy or ComplianceException, ignored',
  };
  let ok = true;
  for (const r of docs.flatMap((doc) => checkDocument(doc, { compliance: ctx, only }))) {
    const what = `${r.kind ?? 'document'}${r.name ? ` "${r.name}"` : ''}`;
    if (r.verdict === 'skipped')
      err(`kro-guard check: warning: --policy ${r.file}:${r.line}:${r.column}: ${what}: ${r.reason}\n`);
    if (r.verdict === 'rejected') ok = false;
    for (const d of r.diagnostics) {
      const at = d.path ? `${d.path}: ` : '';
      err(
        `kro-guard check: --policy ${r.file}:${d.line}:${d.column}: ${what}: ${d.severity}: ${at}${d.message} [${d.code}]\n`,
      );
    }
  }
  return ok;
}

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
  const now = options.now ?? new Date();
  let docs: RunDocuments;
  try {
    docs = await readAll(inputs, options);
  } catch (e) {
    if (e instanceof InputError) {
      err(`kro-guard check: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
  const extra = rgdsOfOptionFiles(docs.rgds);
  for (const note of extra.notes) err(`kro-guard check: warning: ${note}\n`);
  const rgds = [...docs.inputs.flatMap(objectsOf).filter(isResourceGraphDefinition), ...extra.rgds];
  const built = buildPolicySet([...docs.inputs, ...docs.policies].flatMap(objectsOf).filter(isPolicyObject), {
    now,
    defaultWhenEmpty: options.defaultPolicy !== false,
  });
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
    const compliance = complianceContext({ policies: built.set, rgds, schemas: schemas.source, now });
    if (!validatePolicyFiles(docs.policies, compliance, err)) return EXIT.usage;
    // Problems of single objects are reported with their documents; these concern the set as a whole.
    for (const p of built.problems.filter((x) => x.source === 'policy set'))
      for (const d of p.diagnostics)
        err(`kro-guard check: policy set: ${d.severity}: ${d.message} [${d.code}]\n`);
    const results = docs.inputs.flatMap((doc) => checkDocument(doc, { schemas: schemas.source, compliance }));
    output(results, options, policySummary(built.set, built.usedDefault), out, err);
    return results.some((r) => r.verdict === 'rejected') ? EXIT.rejected : EXIT.ok;
  } finally {
    await schemas.close();
  }
}

function output(
  results: readonly DocumentResult[],
  options: CheckOptions,
  policies: ReturnType<typeof policySummary>,
  out: (s: string) => void,
  err: (s: string) => void,
): void {
  if (options.printCrd === true) {
    out(formatCrds(results));
    for (const r of results)
      if (r.verdict === 'rejected')
        err(`kro-guard check: ${r.file}: document ${r.document}: rejected, no CRD\n`);
  } else {
    out(
      options.format === 'json'
        ? formatJson(results, policies)
        : formatText(results, options.verbose, policies),
    );
  }
}
