/**
 * `kro-guard check`: the verdict for every input document. Pure over parsed documents; reading
 * files and printing are done by the caller.
 */
import { parsePath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { checkRgd, isResourceGraphDefinition } from '../graph/index.ts';
import type { Finding } from '../policy/engine/index.ts';
import type { SchemaSource } from '../schemas/source.ts';
import {
  checkChildObject,
  checkInstanceObject,
  checkPolicyObject,
  checkRgdObject,
  classifyObject,
  type ComplianceContext,
  type ObjectCheck,
  type ObjectTarget,
} from './check-compliance.ts';
import type { SourceDocument } from './documents.ts';

/**
 * The verdict on one document: `rejected` when it has an error diagnostic, `skipped` when it is
 * nothing the check covers (see `reason`).
 */
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
  /** For a `kind: List` document (what `kubectl get -o yaml` prints): the index in its `items`. */
  item?: number;
  kind: string | null;
  name: string | null;
  verdict: Verdict;
  /** Why a document was skipped (for example `not a ResourceGraphDefinition`). */
  reason?: string;
  line: number;
  column: number;
  diagnostics: LocatedDiagnostic[];
  /**
   * With a compliance context: every finding of the rules in force (passes, Audit and `na` verdicts
   * included) for RGDs that passed their static check, instances and children; absent otherwise.
   */
  findings?: Finding[];
  /**
   * For an instance, and a child whose instance kind (kro's labels) an RGD among the inputs or `--rgd`
   * files generates: that RGD's `metadata.name` (the first RGD generating the kind is used).
   */
  rgd?: string;
  /** The CRD kro would generate (kro-contract §6.1), for accepted RGDs checked with a schema source. */
  crd?: unknown;
}

/** Options of {@link checkDocument}. */
export interface CheckDocumentOptions {
  /**
   * The templates' kind schemas, passed to `checkRgd` (kro-contract §4.3). Prepare it first
   * (`SchemaSource.prepare`); without it the typed checks are skipped.
   */
  schemas?: SchemaSource;
  /**
   * The policy set and RGDs of the run (see `complianceContext`). With it, RGDs also get RGD-time
   * compliance, and instances, children, CompliancePolicies and ComplianceExceptions are checked
   * (its RGDs are compiled with its own schema source, not `schemas`). Without it only RGDs are
   * checked, by kro's static check.
   */
  compliance?: ComplianceContext;
  /**
   * With `compliance`: check only objects of these targets; the others are skipped with `reason`
   * (the check command validates `--policy` files this way).
   */
  only?: { targets: readonly ObjectTarget['target'][]; reason: string };
}

/**
 * Checks one document: one result, or one per item of a `v1` `List` (what `kubectl get rgd -o yaml`
 * prints). YAML syntax errors reject the document (code `yaml/syntax`); objects that are not checked
 * (without `options.compliance`: everything but `kro.run` ResourceGraphDefinitions) are skipped with
 * a reason. Diagnostics are located in the source where their path leads into the document, at the
 * document (or item) start otherwise.
 */
export function checkDocument(doc: SourceDocument, options: CheckDocumentOptions = {}): DocumentResult[] {
  const value = doc.value;
  const base = { file: doc.file, document: doc.index, line: doc.line, column: doc.column };
  if (doc.syntaxErrors.length > 0) {
    return [
      {
        ...base,
        kind: doc.identity.kind ?? null,
        name: doc.identity.name ?? null,
        verdict: 'rejected',
        diagnostics: doc.syntaxErrors.map((e) => ({
          severity: 'error',
          code: 'yaml/syntax',
          path: '',
          message: e.message,
          line: e.line,
          column: e.column,
        })),
      },
    ];
  }
  const results = isList(value)
    ? value.items.map((item, i) => {
        const where = doc.locate(['items', i]);
        return checkObject(
          item,
          { ...base, ...where, item: i },
          (path) => doc.locate(['items', i, ...path]),
          options,
        );
      })
    : [checkObject(value, base, (path) => doc.locate(path), options)];
  const first = results[0];
  if (first && doc.duplicateKeys.length > 0) {
    first.diagnostics.unshift(
      ...doc.duplicateKeys.map((d) => ({
        severity: 'warning' as const,
        code: 'yaml/duplicate-key',
        path: '',
        message: `duplicate key "${d.key}": the last value is used, as kubectl does`,
        line: d.line,
        column: d.column,
      })),
    );
    first.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  }
  return results;
}

function isList(v: unknown): v is { items: unknown[] } {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return o.apiVersion === 'v1' && o.kind === 'List' && Array.isArray(o.items);
}

function str(o: unknown, ...keys: string[]): string | null {
  let v: unknown = o;
  for (const k of keys)
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === 'string' ? v : null;
}

function checkObject(
  value: unknown,
  base: { file: string; document: number; item?: number; line: number; column: number },
  locate: (path: PathSegment[]) => { line: number; column: number },
  options: CheckDocumentOptions,
): DocumentResult {
  const ident = { ...base, kind: str(value, 'kind'), name: str(value, 'metadata', 'name') };
  const ctx = options.compliance;
  let check: ObjectCheck;
  let inObject = (_path: string): boolean => true;
  if (ctx === undefined) {
    if (!isResourceGraphDefinition(value)) {
      const what = ident.kind ? `${str(value, 'apiVersion') ?? '?'} ${ident.kind}` : 'no kind';
      return {
        ...ident,
        verdict: 'skipped',
        reason: `not a ResourceGraphDefinition (${what})`,
        diagnostics: [],
      };
    }
    const result = checkRgd(value, options.schemas === undefined ? {} : { schemas: options.schemas });
    check = { diagnostics: result.diagnostics, ...(result.crd !== undefined ? { crd: result.crd } : {}) };
  } else {
    let target = classifyObject(value, ctx);
    if (options.only !== undefined && !options.only.targets.includes(target.target))
      target = { target: 'skipped', reason: options.only.reason };
    switch (target.target) {
      case 'skipped':
        return { ...ident, verdict: 'skipped', reason: target.reason, diagnostics: [] };
      case 'rgd':
        check = checkRgdObject(value as object, ctx);
        break;
      case 'instance':
        check = checkInstanceObject(value, target.rgd, ctx);
        // Findings and rendering problems are located in the rendered children, not in the instance.
        inObject = (path) => !path.startsWith('resources[');
        break;
      case 'child':
        check = checkChildObject(value, ctx);
        break;
      case 'policy':
      case 'exception':
        check = checkPolicyObject(value, target.target, ctx.now);
        break;
    }
  }
  // Engine order is by field path; a reader of a file wants source order (stable for ties).
  const diagnostics = check.diagnostics
    .map((d) => ({
      ...d,
      ...(inObject(d.path) ? locate(safePath(d.path)) : { line: base.line, column: base.column }),
    }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const verdict = diagnostics.some((d) => d.severity === 'error') ? 'rejected' : 'accepted';
  return {
    ...ident,
    verdict,
    diagnostics,
    ...(check.rgd !== undefined ? { rgd: check.rgd } : {}),
    ...(check.findings !== undefined ? { findings: check.findings } : {}),
    ...(check.crd !== undefined && verdict === 'accepted' ? { crd: check.crd } : {}),
  };
}

function safePath(path: string) {
  try {
    return parsePath(path);
  } catch {
    return [];
  }
}
