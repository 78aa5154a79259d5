/**
 * Finding the `${...}` expressions of an RGD: in template values (never keys), in readyWhen,
 * includeWhen and forEach entries, and in status (kro-contract §4.2, §5.1).
 */
import { extractExpressions, type ExtractedExpression } from '../cel/index.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { isRecord } from './util.ts';

/** A string field that holds one or more `${...}` expressions. */
export interface ExpressionField {
  /** Absolute path of the field inside the RGD, e.g. `['spec','resources',0,'template','spec','replicas']`. */
  path: PathSegment[];
  /** Path relative to the template/status root, e.g. `['spec','replicas']`. */
  relPath: PathSegment[];
  /** The full field text. */
  text: string;
  /** The expressions found, in order. */
  expressions: ExtractedExpression[];
  /** True when the field is exactly one `${...}` (kro-contract §5.1). */
  standalone: boolean;
}

/** Result of scanning a value tree for expressions. */
export interface ScanResult {
  fields: ExpressionField[];
  /** Extraction errors (nested expressions), one per bad field. */
  diagnostics: Diagnostic[];
  /** Relative paths of leaves without any expression (status uses this, §5.9). */
  plainLeaves: PathSegment[][];
}

/** Guard against pathological nesting; deeper subtrees are reported, not walked. */
export const MAX_WALK_DEPTH = 512;

/**
 * Walks `root` depth-first, in key order, and extracts the expressions of every string value.
 *
 * @param root the value to scan (a template, an externalRef, a status object).
 * @param base absolute path of `root` inside the RGD.
 * @param resourceId attached to the diagnostics.
 */
export function scanExpressions(root: unknown, base: PathSegment[], resourceId?: string): ScanResult {
  const result: ScanResult = { fields: [], diagnostics: [], plainLeaves: [] };
  const rel: PathSegment[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) {
      result.diagnostics.push(
        error(
          'graph/too-deep',
          formatPath([...base, ...rel]),
          `object nesting deeper than ${MAX_WALK_DEPTH} levels is not checked`,
          resourceId,
        ),
      );
      return;
    }
    if (typeof v === 'string') {
      const ex = extractExpressions(v);
      const path = [...base, ...rel];
      if (!ex.ok) {
        result.diagnostics.push(error('cel/nested-expression', formatPath(path), ex.error, resourceId));
      } else if (ex.expressions.length > 0) {
        result.fields.push({
          path,
          relPath: [...rel],
          text: v,
          expressions: ex.expressions,
          standalone: ex.standalone,
        });
      } else {
        result.plainLeaves.push([...rel]);
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        rel.push(i);
        visit(item, depth + 1);
        rel.pop();
      });
      return;
    }
    if (isRecord(v)) {
      const keys = Object.keys(v);
      if (keys.length === 0 && rel.length > 0) result.plainLeaves.push([...rel]);
      for (const k of keys) {
        rel.push(k);
        visit(v[k], depth + 1);
        rel.pop();
      }
      return;
    }
    result.plainLeaves.push([...rel]);
  };
  visit(root, 0);
  return result;
}

/**
 * Unwraps a list of standalone-only expressions (readyWhen, includeWhen, forEach values, status
 * conditions; kro-contract §5.1 `UnwrapExpressions`). Each entry must be exactly one `${...}`;
 * otherwise `only standalone expressions are allowed`.
 *
 * @returns the inner CEL text per entry (undefined where the entry is invalid) and the diagnostics.
 */
export function unwrapStandalone(
  entries: readonly { path: PathSegment[]; text: unknown }[],
  code: string,
  prefix: string,
  resourceId?: string,
): { expressions: (string | undefined)[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const expressions = entries.map(({ path, text }) => {
    if (typeof text !== 'string') return undefined; // reported by the CRD check
    const ex = extractExpressions(text);
    if (!ex.ok) {
      diagnostics.push(error('cel/nested-expression', formatPath(path), `${prefix}${ex.error}`, resourceId));
      return undefined;
    }
    if (!ex.standalone) {
      diagnostics.push(
        error(code, formatPath(path), `${prefix}only standalone expressions are allowed`, resourceId),
      );
      return undefined;
    }
    return ex.expressions[0]!.expression;
  });
  return { expressions, diagnostics };
}
