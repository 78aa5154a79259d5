/**
 * Typed checks of `spec.schema.status` expressions and the status schema kro infers from their types
 * for the generated CRD (kro-contract §5.9).
 */
import { extractExpressions, formatCelIssue } from '../../cel/index.ts';
import { checkCel, formatType, STRING, type CelType, type CheckEnvironment } from '../../cel/check/index.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../../diagnostics/diagnostic.ts';
import type { OpenAPISchema } from '../../schemas/prune.ts';
import { scanExpressions } from '../expressions.ts';
import type { ExpressionAnalyser } from '../references.ts';
import { isRecord } from '../util.ts';

const BASE: PathSegment[] = ['spec', 'schema', 'status'];
const PRESERVE: OpenAPISchema = { 'x-kubernetes-preserve-unknown-fields': true };
const MAX_DEPTH = 16;

/** Result of {@link checkTypedStatus}. */
export interface TypedStatusResult {
  diagnostics: Diagnostic[];
  /**
   * The inferred `status` schema (`{type: object, properties}`), without kro's `state` and
   * `conditions` (the CRD synthesis adds them); undefined when there is no status or a status
   * expression has a type error.
   */
  schema: OpenAPISchema | undefined;
}

/**
 * Type-checks every status field expression in `env` (resource ids and `schema`; no iterators) and
 * infers each field's schema from its type: bool/int/uint/double/string/bytes map to
 * boolean/integer/number/string/string (`format: byte`); lists, maps and structs are expanded;
 * `dyn`, null and nested timestamps, durations and optionals preserve unknown fields; a top-level
 * timestamp is a `date-time` string. A field that is a string template is a string.
 *
 * Errors: `failed to type-check status expression "<e>" at path "<p>": <cel issues>`.
 */
export function checkTypedStatus(
  status: unknown,
  env: CheckEnvironment,
  analyser: ExpressionAnalyser,
): TypedStatusResult {
  if (!isRecord(status)) return { diagnostics: [], schema: undefined };
  const { conditions: _conditions, ...fields } = status;
  const out: Diagnostic[] = [];
  const root: OpenAPISchema = { type: 'object', properties: {} };
  let complete = true;
  for (const field of scanExpressions(fields, BASE).fields) {
    const rel = formatPath(field.relPath);
    let type: CelType = STRING;
    for (const ex of field.expressions) {
      const a = analyser.analyse(ex.expression);
      if (!a.ok) {
        complete = false;
        continue;
      }
      const r = checkCel(a.ast, env);
      if (r.issues.length > 0) {
        complete = false;
        const text = r.issues.map((i) => formatCelIssue(ex.expression, i.message, i.offset)).join('\n');
        out.push(
          error(
            'cel/type-error',
            formatPath(field.path),
            `failed to type-check status expression "${ex.expression}" at path "${rel}": ${text}`,
          ),
        );
        continue;
      }
      if (field.standalone) type = r.type;
      else if (r.type !== STRING && r.type.kind !== 'dyn' && r.type.kind !== 'error') {
        complete = false;
        out.push(
          error(
            'cel/type-error',
            formatPath(field.path),
            `failed to type-check status expression "${field.text}" at path "${rel}": found no matching overload for '_+_' applied to '(string, ${formatType(r.type)})'`,
          ),
        );
      }
    }
    place(root, field.relPath, topLevelSchema(type));
  }
  if (Array.isArray(status.conditions)) out.push(...checkConditionTypes(status.conditions, env, analyser));
  return {
    diagnostics: out,
    schema: complete && Object.keys(root.properties!).length > 0 ? root : undefined,
  };
}

/**
 * §5.9: each `status.conditions` entry must return `kro.run.Condition`, a list of them, or `dyn`.
 * Entries that are not standalone expressions are the untyped check's to report.
 */
function checkConditionTypes(
  entries: readonly unknown[],
  env: CheckEnvironment,
  analyser: ExpressionAnalyser,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const isCondition = (x: CelType): boolean => x.kind === 'struct' && x.name === 'kro.run.Condition';
  entries.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const ex = extractExpressions(entry);
    if (!ex.ok || ex.expressions.length !== 1) return;
    const only = ex.expressions[0]!;
    if (only.start !== 0 || only.end !== entry.length) return;
    const a = analyser.analyse(only.expression);
    if (!a.ok) return;
    const r = checkCel(a.ast, env);
    if (r.issues.length > 0) return; // the untyped condition rules report unknown keys and the like
    const t = r.type;
    const fine =
      t.kind === 'dyn' ||
      t.kind === 'error' ||
      isCondition(t) ||
      (t.kind === 'list' && (isCondition(t.elem) || t.elem.kind === 'dyn'));
    if (fine) return;
    out.push(
      error(
        'cel/condition-output',
        formatPath([...BASE, 'conditions', i]),
        `failed to build instance conditions: condition expressions must return runtime.newCondition(...) or a list of them, got "${formatType(t)}"`,
      ),
    );
  });
  return out;
}

/** Puts `schema` at `path` under `root`, creating objects (and arrays for index steps) on the way. */
function place(root: OpenAPISchema, path: readonly PathSegment[], schema: OpenAPISchema): void {
  let node = root;
  path.forEach((step, i) => {
    const last = i === path.length - 1;
    if (typeof step === 'number') {
      node.type = 'array';
      node.items ??= last ? schema : { type: 'object', properties: {} };
      node = node.items;
      return;
    }
    node.properties ??= {};
    if (last) node.properties[step] = schema;
    else {
      const next = path[i + 1];
      node.properties[step] ??=
        typeof next === 'number' ? { type: 'array' } : { type: 'object', properties: {} };
      node = node.properties[step];
    }
  });
}

function topLevelSchema(t: CelType): OpenAPISchema {
  if (t.kind === 'primitive' && t.name === 'google.protobuf.Timestamp')
    return { type: 'string', format: 'date-time' };
  return typeSchema(t, 0);
}

/** The OpenAPI schema of values of CEL type `t` (§5.9). */
export function typeSchema(t: CelType, depth: number): OpenAPISchema {
  if (depth > MAX_DEPTH) return PRESERVE;
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'bool':
          return { type: 'boolean' };
        case 'int':
        case 'uint':
          return { type: 'integer' };
        case 'double':
          return { type: 'number' };
        case 'string':
          return { type: 'string' };
        case 'bytes':
          return { type: 'string', format: 'byte' };
        default:
          return PRESERVE;
      }
    case 'list':
      return { type: 'array', items: typeSchema(t.elem, depth + 1) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(t.value, depth + 1) };
    case 'struct': {
      const properties: Record<string, OpenAPISchema> = {};
      for (const f of t.fieldNames()) {
        const ft = t.field(f);
        if (ft !== undefined) properties[f] = typeSchema(ft, depth + 1);
      }
      return { type: 'object', properties };
    }
    default:
      return PRESERVE;
  }
}
