/**
 * `spec.schema.status` rules that need no types (kro-contract §5.9): every leaf must hold an
 * expression, status expressions may use only resource ids and `schema`, each field must refer to a
 * resource or `schema`, and `status.conditions` entries follow the `runtime.newCondition` rules.
 */
import { checkConditionExpression, literalConditionTypes, type CelNode } from '../cel/index.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { scanExpressions, unwrapStandalone } from './expressions.ts';
import { ExpressionAnalyser, functionProblems } from './references.ts';
import { goList, isRecord } from './util.ts';

const BASE: PathSegment[] = ['spec', 'schema', 'status'];

/** Go's `%T` of a value decoded from JSON, as kro prints it. */
function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'object') return 'map[string]interface {}';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/**
 * Checks `spec.schema.status`.
 *
 * @param status the raw `spec.schema.status` value (non-objects are the CRD check's to report).
 * @param ids every resource id of the RGD.
 */
export function checkStatus(
  status: unknown,
  ids: ReadonlySet<string>,
  analyser: ExpressionAnalyser,
): Diagnostic[] {
  if (!isRecord(status)) return [];
  const out: Diagnostic[] = [];
  const { conditions, ...fields } = status;
  const scan = scanExpressions(fields, BASE);
  out.push(...scan.diagnostics);
  if (scan.plainLeaves.length > 0) {
    const names = scan.plainLeaves.map((p) => formatPath(p));
    out.push(
      error(
        'graph/status-without-expression',
        formatPath(BASE),
        `failed to build instance status schema: status fields without expressions are not supported: ${goList(names)}`,
      ),
    );
  }
  for (const field of scan.fields) {
    const p = formatPath(field.path);
    const rel = formatPath(field.relPath);
    let refersToData = false;
    for (const ex of field.expressions) {
      const ins = analyser.inspectAt(ex.expression, field.path, out);
      if (!ins) {
        refersToData = true; // unparseable: reported already; do not pile on
        continue;
      }
      const prefix = `status field "${rel}" expression "${ex.expression}": `;
      const unknown = ins.identifiers.filter((i) => i !== 'schema' && !ids.has(i));
      if (ins.identifiers.some((i) => i === 'schema' || ids.has(i))) refersToData = true;
      if (unknown.length > 0)
        out.push(
          error('graph/status-reference', p, `${prefix}references unknown identifiers: ${goList(unknown)}`),
        );
      out.push(...functionProblems(ins, p, prefix, 'templates-only'));
    }
    if (!refersToData) {
      out.push(
        error(
          'graph/status-without-reference',
          p,
          `failed to create instance node: instance status field must refer to a resource or schema: status.${rel}`,
        ),
      );
    }
  }
  if (conditions !== undefined) out.push(...checkConditions(conditions, ids, analyser));
  return out;
}

/** §5.9 `status.conditions`: a list of standalone `runtime.newCondition(...)` expressions. */
function checkConditions(
  conditions: unknown,
  ids: ReadonlySet<string>,
  analyser: ExpressionAnalyser,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = [...BASE, 'conditions'];
  const prefix = 'failed to build instance conditions: ';
  if (!Array.isArray(conditions)) {
    return [
      error(
        'graph/conditions-not-list',
        formatPath(base),
        `${prefix}status.conditions must be a list, got ${goTypeName(conditions)}`,
      ),
    ];
  }
  // First pass: unwrap and parse every entry, so that the author-declared condition types are
  // known when each entry is checked (runtime.condition may not read them, §5.9).
  const entries: { p: string; expr: string; ast: CelNode }[] = [];
  conditions.forEach((entry, i) => {
    const path = [...base, i];
    const p = formatPath(path);
    if (typeof entry !== 'string') {
      out.push(
        error(
          'graph/condition-not-string',
          p,
          `${prefix}status.conditions[${i}] must be a CEL expression string, got ${goTypeName(entry)}`,
        ),
      );
      return;
    }
    const un = unwrapStandalone([{ path, text: entry }], 'graph/condition-not-standalone', prefix);
    out.push(...un.diagnostics);
    const expr = un.expressions[0];
    if (expr === undefined) return;
    const ins = analyser.inspectAt(expr, path, out);
    const analysed = analyser.analyse(expr);
    if (!ins || !analysed.ok) return;
    const unknown = ins.identifiers.filter((x) => x !== 'schema' && x !== 'runtime' && !ids.has(x));
    if (unknown.length > 0) {
      out.push(
        error('graph/condition-reference', p, `${prefix}references unknown identifiers: ${goList(unknown)}`),
      );
    }
    out.push(...functionProblems(ins, p, prefix, 'templates-only'));
    entries.push({ p, expr, ast: analysed.ast });
  });
  const declaredTypes = new Set(entries.flatMap((e) => literalConditionTypes(e.ast)));
  const seen = new Set<string>();
  for (const { p, expr, ast } of entries) {
    for (const msg of checkConditionExpression(ast, expr, declaredTypes)) {
      out.push(error('graph/condition-invalid', p, `${prefix}${msg}`));
    }
    for (const type of literalConditionTypes(ast)) {
      if (!seen.has(type)) seen.add(type);
      else {
        out.push(
          error(
            'graph/condition-duplicate-type',
            p,
            `${prefix}condition type "${type}" is declared by more than one conditions entry`,
          ),
        );
      }
    }
  }
  return out;
}
