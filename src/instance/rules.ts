/**
 * `x-kubernetes-validations` of a custom resource, evaluated as the API server does
 * (apiextensions-apiserver `pkg/apiserver/schema/cel/validation.go`; kro-contract §7 step 5):
 *
 * - each rule sees `self`, the value at its schema node; nodes whose value is absent or `null` are not
 *   evaluated;
 * - a rule that mentions `oldSelf` is a transition rule: it runs only on UPDATE where the node has a
 *   correlated old value (object properties, map values, items of `map` lists matched by key), unless
 *   it sets `optionalOldSelf`, when `oldSelf` is an optional (`optional.none()` on CREATE);
 * - a rule that is not `true` fails with its `messageExpression` result (when that evaluates to a
 *   non-empty single-line string), its `message`, or `failed rule: <rule>`; `reason` picks the error
 *   type (`FieldValueForbidden`, `…Required`, `…Duplicate`, default Invalid); `fieldPath` moves it;
 * - a rule whose evaluation fails is reported as `<error> evaluating rule: <rule or message>`;
 * - cost: each evaluation may take at most 1,000,000 steps of kro-guard's bounded evaluator (the API
 *   server's per-call limit is 1,000,000 cost units) and one object at most 10,000,000 in total
 *   (`RuntimeCELCostBudget`); past either, the API server's texts are reported and no further rule
 *   runs. Steps approximate cel-go's cost units, they are not equal to them.
 *
 * Values are converted per schema node as `UnstructuredToVal` does: `integer` (and whole numbers of
 * int-or-string and schemaless values) become `int` (BigInt), `number` becomes `double`,
 * `format: byte` strings become bytes; at the root, `metadata` shows only `name` and `generateName`.
 * Not emulated: `date-time`/`duration` formats as timestamp/duration values, and the unordered
 * equality of `set`/`map` lists.
 *
 * The CEL environment is kro-guard's (`createEvaluationEnvironment`, src/cel/library), a superset of
 * the API server's libraries for what rules use. A rule the environment cannot parse or type-check is
 * reported once per object as a warning and not evaluated, since the API server accepted the CRD.
 */
import { Optional, type Environment, type ParseResult } from '@marcbachmann/cel-js';
import { evaluateBounded } from '../cel/library/evaluate.ts';
import { usesOldSelf } from '../crd/index.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { warning } from '../diagnostics/diagnostic.ts';
import { duplicate, forbidden, invalid, OMIT_VALUE, required, type FieldError } from './field-errors.ts';
import { unchanged, type Correlation } from './correlation.ts';
import { child, diagnosticPath, fieldPathString, type FieldPath, type SegmentKind } from './field-path.ts';
import { isObject, setOwn, type SchemaNode } from './schema-node.ts';

/** One `x-kubernetes-validations` entry as read from the schema (absent strings are `''`). */
export interface RawValidationRule {
  rule: string;
  message: string;
  messageExpression: string;
  reason: string;
  fieldPath: string;
  optionalOldSelf: boolean;
}

/** A rule ready to evaluate. */
export interface CompiledRule {
  readonly raw: RawValidationRule;
  /** Parsed and type-checked rule, or undefined with `unsupported` set. */
  readonly program: ParseResult | undefined;
  readonly unsupported: string | undefined;
  readonly messageProgram: ParseResult | undefined;
  readonly transition: boolean;
  /** `fieldPath` resolved against the schema: segments appended to the node's path. */
  readonly fieldPath: readonly { segment: string; kind: SegmentKind }[];
}

/** The API server's CEL cost limit for one rule evaluation (`PerCallLimit`, k8s.io/apiserver/pkg/apis/cel). */
export const PER_CALL_LIMIT = 1_000_000;
/** The API server's CEL cost budget for all rules of one object (`RuntimeCELCostBudget`). */
export const OBJECT_BUDGET = 10_000_000;
const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;

function parseChecked(env: Environment, text: string): { program?: ParseResult; error?: string } {
  try {
    const program = env.parse(text);
    const checked = program.check();
    if (!checked.valid) return { error: firstLine(checked.error?.message ?? 'type check failed') };
    return { program };
  } catch (e) {
    return { error: firstLine(e instanceof Error ? e.message : String(e)) };
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

/** Parses a `fieldPath` (`.a.b`, `.a['k.x']`) and resolves each step as property or map key. */
function resolveFieldPath(path: string, node: SchemaNode): { segment: string; kind: SegmentKind }[] {
  const out: { segment: string; kind: SegmentKind }[] = [];
  const re = /\.([^.[\]']+)|\['((?:\\.|[^'\\])*)'\]/gy;
  let cur: SchemaNode | undefined = node;
  let m: RegExpExecArray | null;
  let last = 0;
  while (last < path.length && (m = re.exec(path)) !== null) {
    last = re.lastIndex;
    const name = m[1] ?? m[2]!.replace(/\\(.)/g, '$1');
    if (cur?.properties?.has(name) === true) {
      out.push({ segment: name, kind: 'property' });
      cur = cur.properties.get(name);
    } else if (cur?.additional !== undefined) {
      out.push({ segment: name, kind: 'key' });
      cur = cur.additional;
    } else {
      return [];
    }
  }
  return last === path.length ? out : [];
}

/** Compiles the rules of one schema node with `env`. Never throws. */
export function compileRules(env: Environment, node: SchemaNode): CompiledRule[] {
  return node.rawRules.map((raw) => {
    const parsed = parseChecked(env, raw.rule);
    const message = raw.messageExpression !== '' ? parseChecked(env, raw.messageExpression) : {};
    return {
      raw,
      program: parsed.program,
      unsupported: parsed.error,
      messageProgram: message.program,
      transition: usesOldSelf(raw.rule),
      fieldPath: raw.fieldPath === '' ? [] : resolveFieldPath(raw.fieldPath, node),
    };
  });
}

/** The value of `v` under `node` as the API server gives it to CEL. */
export function celValue(v: unknown, node: SchemaNode | undefined, root = false): unknown {
  if (v === null || v === undefined) return null;
  if (node === undefined) return dynValue(v);
  if (typeof v === 'number') {
    if (node.type === 'number') return v;
    return Number.isInteger(v) ? BigInt(v) : v;
  }
  if (typeof v === 'string') return node.format?.name === 'byte' ? base64Bytes(v) : v;
  if (Array.isArray(v)) return v.map((x) => celValue(x, node.items));
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const prop = node.properties?.get(k);
    if (root && k === 'metadata' && isObject(v[k])) setOwn(out, k, rootMetadata(v[k]));
    else if (prop !== undefined) setOwn(out, k, celValue(v[k], prop));
    else if (node.additional !== undefined) setOwn(out, k, celValue(v[k], node.additional));
    else setOwn(out, k, dynValue(v[k]));
  }
  return out;
}

function rootMetadata(m: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof m.name === 'string') out.name = m.name;
  if (typeof m.generateName === 'string') out.generateName = m.generateName;
  return out;
}

/** A schemaless value: whole numbers are int64 after the API server's JSON decoding. */
function dynValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(dynValue);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, dynValue(v[k]));
    return out;
  }
  return v;
}

function base64Bytes(s: string): Uint8Array | string {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? new Uint8Array(Buffer.from(s, 'base64')) : s;
}

/** cel-go's text for an evaluation error of cel-js (first line, cel-go's wording where known). */
export function celGoErrorText(e: Error): string {
  const line = firstLine(e.message);
  const index = /^No such key: index out of bounds, index (-?\d+)/.exec(line);
  if (index) return `index out of bounds: ${index[1]}`;
  if (line.startsWith('No such key: ')) return `no such key: ${line.slice('No such key: '.length)}`;
  if (line.startsWith('no such overload')) return 'no such overload';
  return line;
}

/** What one rule evaluation needs from the walk. */
export interface RuleSite {
  readonly node: SchemaNode;
  readonly value: unknown;
  readonly path: FieldPath | undefined;
  /** The correlated old value, when the node has one. */
  readonly old: { value: unknown } | undefined;
  /** The nearest correlation: an error of a non-transition rule is ratcheted when it is unchanged. */
  readonly correlation: Correlation | undefined;
  readonly root: boolean;
}

/** The budget shared by every rule of one object. */
export interface RuleBudget {
  remaining: number;
  exhausted: boolean;
}

function ruleErrorString(r: RawValidationRule): string {
  return r.message.trim() !== '' ? r.message.trim() : r.rule.trim();
}

function ruleMessage(r: RawValidationRule): string {
  return r.message.trim() !== '' ? r.message.trim() : `failed rule: ${r.rule.trim()}`;
}

function messageFromExpression(
  env: Environment,
  rule: CompiledRule,
  activation: Record<string, unknown>,
  budget: RuleBudget,
): string | undefined {
  if (rule.messageProgram === undefined) return undefined;
  const r = evaluateBounded(env, rule.messageProgram, activation, {
    maxSteps: Math.min(PER_CALL_LIMIT, Math.max(budget.remaining, 1)),
  });
  budget.remaining -= r.steps;
  if (!r.ok || typeof r.value !== 'string') return undefined;
  const text = r.value.trim();
  if (text === '' || text.includes('\n') || Buffer.byteLength(text) > MAX_MESSAGE_EXPRESSION_BYTES)
    return undefined;
  return text;
}

/**
 * Evaluates the rules of one node, appending field errors to `errors`; a rule kro-guard cannot
 * evaluate gets one warning in `warnings` (the first place it was met). Stops (sets `budget.exhausted`) when a cost limit is passed.
 */
export function evaluateRules(
  env: Environment,
  rules: readonly CompiledRule[],
  site: RuleSite,
  budget: RuleBudget,
  errors: FieldError[],
  warnings: Map<CompiledRule, Diagnostic>,
): void {
  const { node, value, path } = site;
  const field = fieldPathString(path);
  const typeValue = node.type;
  let self: unknown;
  for (const rule of rules) {
    if (budget.exhausted) return;
    const raw = rule.raw;
    if (rule.program === undefined) {
      if (warnings.has(rule)) continue;
      warnings.set(
        rule,
        warning(
          'instance/validation-rule-unsupported',
          diagnosticPath(path),
          `${field}: rule ${JSON.stringify(raw.rule)} was not evaluated: ${rule.unsupported ?? 'unsupported'}`,
        ),
      );
      continue;
    }
    if (rule.transition && site.old === undefined && !raw.optionalOldSelf) continue;
    if (budget.remaining <= 0) {
      errors.push(invalid('instance/validation-budget', path, field, typeValue, OUT_OF_BUDGET));
      budget.exhausted = true;
      return;
    }
    self ??= celValue(value, node, site.root);
    const activation: Record<string, unknown> = { self };
    if (rule.transition) {
      const old = site.old === undefined ? undefined : celValue(site.old.value, node, site.root);
      if (raw.optionalOldSelf) activation.oldSelf = old === undefined ? Optional.none() : Optional.of(old);
      else activation.oldSelf = old;
    }
    const perCall = Math.min(PER_CALL_LIMIT, budget.remaining);
    const result = evaluateBounded(env, rule.program, activation, { maxSteps: perCall });
    budget.remaining -= result.steps;
    if (!result.ok) {
      const budgetError = (result.error as { code?: string }).code === 'budget_exceeded';
      if (budgetError) {
        const detail =
          perCall < PER_CALL_LIMIT
            ? OUT_OF_BUDGET
            : `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleErrorString(raw)}`;
        errors.push(invalid('instance/validation-budget', path, field, typeValue, detail));
        budget.exhausted = true;
        return;
      }
      const text = celGoErrorText(result.error);
      const detail = text.startsWith('no such overload')
        ? `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(raw)}`
        : `${text} evaluating rule: ${ruleErrorString(raw)}`;
      errors.push(invalid('instance/validation-rule-error', path, field, typeValue, detail));
      continue;
    }
    if (result.value === true) continue;
    if (!rule.transition && unchanged(site.correlation)) continue;
    const detail = messageFromExpression(env, rule, activation, budget) ?? ruleMessage(raw);
    let errPath = path;
    for (const s of rule.fieldPath) errPath = child(errPath, s.segment, s.kind);
    const errField = fieldPathString(errPath);
    const bad = node.type === 'object' || node.type === 'array' ? OMIT_VALUE : value;
    errors.push(ruleError(raw.reason, errPath, errField, bad, detail));
  }
}

const OUT_OF_BUDGET =
  'validation failed due to running out of cost budget, no further validation rules will be run';

function ruleError(
  reason: string,
  path: FieldPath | undefined,
  field: string,
  bad: unknown,
  detail: string,
): FieldError {
  const code = 'instance/validation-rule';
  switch (reason) {
    case 'FieldValueForbidden':
      return forbidden(code, path, field, detail);
    case 'FieldValueRequired':
      return required(code, path, field, detail);
    case 'FieldValueDuplicate':
      return duplicate(code, path, field, bad);
    default:
      return invalid(code, path, field, bad, detail);
  }
}
