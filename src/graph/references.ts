/**
 * Parsing and reference inspection of one `${...}` expression (kro-contract §5.2), shared by every
 * place an RGD holds expressions. Parse results are memoised per RGD check, since the same text
 * often appears many times (`${schema.spec.name}`).
 */
import { inspect, parseCel, type CelNode, type Inspection } from '../cel/index.ts';
import { error, formatPath, warning, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';

/** A parsed and inspected expression (its AST and references), or the reason there is none. */
export type AnalysedExpression =
  | { ok: true; ast: CelNode; inspection: Inspection }
  | { ok: false; diagnostic: Omit<Diagnostic, 'path' | 'resourceId'> };

/** Parses and inspects expressions, memoising by text. One instance per RGD check. */
export class ExpressionAnalyser {
  private readonly cache = new Map<string, AnalysedExpression>();

  /** Analyses `expression` (the text inside `${...}`). */
  analyse(expression: string): AnalysedExpression {
    let hit = this.cache.get(expression);
    if (hit === undefined) {
      hit = this.compute(expression);
      this.cache.set(expression, hit);
    }
    return hit;
  }

  /**
   * Analyses `expression` and, when it cannot be inspected, pushes the parse error (or the
   * unsupported-syntax warning) onto `out` at `path`. Returns the inspection or undefined.
   */
  inspectAt(
    expression: string,
    path: PathSegment[],
    out: Diagnostic[],
    resourceId?: string,
  ): Inspection | undefined {
    const a = this.analyse(expression);
    if (a.ok) return a.inspection;
    const d: Diagnostic = { ...a.diagnostic, path: formatPath(path) };
    if (resourceId !== undefined) d.resourceId = resourceId;
    out.push(d);
    return undefined;
  }

  private compute(expression: string): AnalysedExpression {
    const parsed = parseCel(expression);
    if (parsed.kind === 'ok') return { ok: true, ast: parsed.ast, inspection: inspect(parsed.ast) };
    if (parsed.kind === 'unsupported') {
      const w = warning(
        'cel/unsupported-syntax',
        '',
        `expression "${expression}" uses CEL syntax kro-guard cannot check yet (${parsed.message}); not checked`,
      );
      return { ok: false, diagnostic: w };
    }
    return {
      ok: false,
      diagnostic: error(
        'cel/parse-error',
        '',
        `parse error in expression "${expression}": ${parsed.message}`,
      ),
    };
  }
}

/**
 * Go's `%v` of kro's unknown-function slice: `[{foo} {bar}]` (kro-contract §5.2).
 */
function unknownFunctionsText(names: readonly string[]): string {
  return `[${names.map((n) => `{${n}}`).join(' ')}]`;
}

/**
 * What an expression context says about `omit()`: in dependency-creating contexts (templates,
 * forEach, includeWhen) kro's dependency pass rejects it while the `CELOmitFunction` gate is off
 * (kro-contract §5.3; off by default in v0.9.3); readyWhen and status reject it by name (§5.10).
 */
export type OmitRule = 'feature-gate' | 'templates-only';

/**
 * The function-level problems of an inspected expression: unknown global functions (§5.2) and a
 * misplaced `omit()` (§5.10), each prefixed with the context's kro message prefix.
 */
export function functionProblems(
  ins: Inspection,
  path: string,
  prefix: string,
  omit: OmitRule,
  resourceId?: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (ins.unknownFunctions.length > 0) {
    const names = unknownFunctionsText(ins.unknownFunctions);
    out.push(error('graph/unknown-function', path, `${prefix}uses unknown functions: ${names}`, resourceId));
  }
  if (ins.usesOmit) {
    out.push(
      omit === 'feature-gate'
        ? error('graph/omit-disabled', path, `${prefix}${OMIT_GATE}`, resourceId)
        : error('graph/omit-misplaced', path, `${prefix}${OMIT_TEMPLATES_ONLY}`, resourceId),
    );
  }
  return out;
}

const OMIT_GATE = 'omit() requires the CELOmitFunction feature gate to be enabled';
const OMIT_TEMPLATES_ONLY = 'omit() can only be used in resource template expressions';
