/**
 * The configuration files of `kro-guard check`: `--policy` (CompliancePolicy and ComplianceException
 * objects) and `--rgd` (the RGDs of instances among the inputs), read like inputs (files,
 * directories, `v1` `List`s) but not reported as checked documents.
 */
import { resolve } from 'node:path';
import { isResourceGraphDefinition } from '../graph/identify.ts';
import type { PolicySet } from '../policy/config/index.ts';
import { isKroGuardObject } from '../policy/policy-set.ts';
import { expandInputs, InputError, readDocuments, type SourceDocument } from './documents.ts';
import type { PolicySummary } from './format.ts';

/** The decoded objects of a document: itself, or the items of a `v1` `List`; none on syntax errors. */
export function objectsOf(doc: SourceDocument): unknown[] {
  const o = doc.value as { apiVersion?: unknown; kind?: unknown; items?: unknown } | null | undefined;
  if (o?.apiVersion === 'v1' && o.kind === 'List' && Array.isArray(o.items)) return o.items as unknown[];
  return doc.value === undefined ? [] : [doc.value];
}

/** True for a `kro-guard.io` CompliancePolicy or ComplianceException. */
export function isPolicyObject(obj: unknown): boolean {
  return isKroGuardObject(obj, 'CompliancePolicy') || isKroGuardObject(obj, 'ComplianceException');
}

/**
 * Reads the files of a repeatable option (`--policy`, `--rgd`): files and directories as inputs are
 * read, except those in `inputs` (absolute paths of the input files: their documents are already read
 * and reported). Standard input is for inputs only.
 *
 * @throws InputError when a path cannot be read, is `-`, or a document has a YAML syntax error (the
 *   configuration would be incomplete: exit code 2, not a verdict).
 */
export async function readOptionFiles(
  flag: string,
  paths: readonly string[],
  inputs: ReadonlySet<string>,
): Promise<SourceDocument[]> {
  if (paths.includes('-')) throw new InputError(`${flag}: standard input (-) can only be an input`);
  const docs: SourceDocument[] = [];
  for (const file of await expandInputs(paths)) {
    if (inputs.has(resolve(file))) continue;
    for (const doc of await readDocuments(file)) {
      const e = doc.syntaxErrors[0];
      if (e !== undefined) throw new InputError(`${flag} ${doc.file}:${e.line}:${e.column}: ${e.message}`);
      docs.push(doc);
    }
  }
  return docs;
}

/**
 * The RGDs of `--rgd` documents, and a note for each other object (ignored: `--rgd` is only for
 * ResourceGraphDefinitions).
 */
export function rgdsOfOptionFiles(docs: readonly SourceDocument[]): { rgds: unknown[]; notes: string[] } {
  const rgds: unknown[] = [];
  const notes: string[] = [];
  for (const doc of docs)
    for (const obj of objectsOf(doc)) {
      if (isResourceGraphDefinition(obj)) rgds.push(obj);
      else notes.push(`--rgd ${doc.file}: document ${doc.index}: not a ResourceGraphDefinition, ignored`);
    }
  return { rgds, notes };
}

/** What the report says of the configuration a run checked against. */
export function policySummary(set: PolicySet, builtInDefault: boolean): PolicySummary {
  return {
    policies: set.policies.map((p) => p.policy.name).sort(),
    exceptions: set.exceptions.map((e) => `${e.namespace}/${e.name}`).sort(),
    builtInDefault,
  };
}
