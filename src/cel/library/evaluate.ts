/**
 * Bounded evaluation of CEL with cel-js: a step budget and size caps so that no expression can stall
 * the process or exhaust memory.
 *
 * What is bounded:
 * - Steps: every evaluation of an AST node costs one step, including each comprehension iteration
 *   (macros `all`, `exists`, `exists_one`, `map`, `filter`, `cel.bind` bodies and the nodes cel-js
 *   expands them into). `+`, function calls and comprehensions additionally cost the size of what they
 *   produce (list/map elements, string length / 16). Library functions charge for the work they do
 *   (scans, sorts, `distinct`, JSON, hashing).
 * - Sizes: any list/map a node or library function produces is limited to `maxListSize` elements,
 *   any string or bytes to `maxStringLength`; `lists.range(n)`, `replace`, `format`, `seededString`,
 *   `base64.encode` check before allocating.
 * - Regular expressions (`find`, `findAll`): patterns with nested quantifiers are refused, since
 *   JS regular expressions backtrack (RE2 does not).
 *
 * What is not bounded: cel-js's own built-ins run to completion once called (`matches` with a
 * backtracking pattern, string `+` of two already-large strings is checked only after the
 * concatenation, `size`, `in` over a large list); their inputs are, however, bounded by the caps
 * above. Parsing is bounded by cel-js's parser limits. Asynchronous evaluation is not supported.
 */

import type { ASTNode, Environment, ParseResult } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';
import { Meter, withMeter, type BudgetLimits } from './budget.ts';
import { isList, isMap, listItems, mapEntries } from './values.ts';

/** Options of {@link evaluateBounded}; omitted limits take {@link DEFAULT_LIMITS}. */
export interface BoundedOptions {
  maxSteps?: number;
  maxListSize?: number;
  maxStringLength?: number;
}

/** Default limits: one million steps, 100 000 list elements, 1 MiB strings. */
export const DEFAULT_LIMITS: BudgetLimits = Object.freeze({
  maxSteps: 1_000_000,
  maxListSize: 100_000,
  maxStringLength: 1 << 20,
});

/** The outcome of {@link evaluateBounded}: a value, or the CEL error (budget errors have code `budget_exceeded`). */
export type BoundedResult =
  { ok: true; value: unknown; steps: number } | { ok: false; error: Error; steps: number };

const SIZED_OPS = new Set(['+', 'call', 'rcall', 'comprehension', 'list', 'map']);

type EvaluateFn = (ev: unknown, ast: unknown, ctx: unknown) => unknown;

interface MeteredNode {
  op: string;
  args: unknown;
  meta: Record<string, unknown>;
  evaluate: EvaluateFn;
}

function sizeCost(meter: Meter, v: unknown): void {
  if (typeof v === 'string') {
    meter.checkString(v.length);
    meter.charge(Math.floor(v.length / 16));
  } else if (v instanceof Uint8Array) {
    meter.checkString(v.length);
    meter.charge(Math.floor(v.length / 16));
  } else if (isList(v)) {
    const n = listItems(v).length;
    meter.checkList(n);
    meter.charge(n);
  } else if (isMap(v)) {
    const n = mapEntries(v).length;
    meter.checkList(n);
    meter.charge(n);
  }
}

function isNode(v: unknown): v is MeteredNode {
  return typeof v === 'object' && v !== null && typeof (v as { op?: unknown }).op === 'string' && 'args' in v;
}

/**
 * Installs metering on every node reachable from `root` (arguments, macro expansions, constant
 * alternates). Each node's `evaluate` is shadowed by an accessor: cel-js replaces a node's evaluate
 * function on first use, the accessor keeps the replacement and always returns the metered wrapper.
 */
function instrument(root: unknown, meterOf: () => Meter | undefined): void {
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (isNode(v)) {
      wrap(v);
      visit(v.args);
      const meta = v.meta;
      visit(meta.alternate);
      visit(meta.macro);
      return;
    }
    if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) visit(x);
  };
  const wrap = (node: MeteredNode): void => {
    const proto = Object.getPrototypeOf(node) as { evaluate: EvaluateFn };
    let inner: EvaluateFn | undefined = Object.hasOwn(node, 'evaluate') ? node.evaluate : undefined;
    const sized = SIZED_OPS.has(node.op);
    const metered: EvaluateFn = function (this: unknown, ev, ast, ctx) {
      const meter = meterOf();
      meter?.charge(1);
      const result = inner ? inner.call(node, ev, ast, ctx) : proto.evaluate.call(node, ev, ast, ctx);
      if (meter && sized) sizeCost(meter, result);
      return result;
    };
    Object.defineProperty(node, 'evaluate', {
      configurable: true,
      get: () => metered,
      set: (f: EvaluateFn) => {
        inner = f;
      },
    });
  };
  visit(root);
}

const instrumented = new WeakSet<object>();
let currentMeter: Meter | undefined;

/**
 * Evaluates `expression` (a string, or a result of `env.parse`) with `context` under a budget.
 * Never throws for problems of the expression: parse, type and evaluation errors, and exceeded
 * budgets, come back as `{ ok: false, error }`. Synchronous expressions only (kro-guard registers no
 * asynchronous functions).
 */
export function evaluateBounded(
  env: Environment,
  expression: string | ParseResult,
  context: Record<string, unknown> = {},
  options: BoundedOptions = {},
): BoundedResult {
  const meter = new Meter({
    maxSteps: options.maxSteps ?? DEFAULT_LIMITS.maxSteps,
    maxListSize: options.maxListSize ?? DEFAULT_LIMITS.maxListSize,
    maxStringLength: options.maxStringLength ?? DEFAULT_LIMITS.maxStringLength,
  });
  try {
    const parsed = typeof expression === 'string' ? env.parse(expression) : expression;
    const checked = parsed.check();
    if (!checked.valid)
      return { ok: false, error: checked.error ?? new Error('type check failed'), steps: 0 };
    const ast: ASTNode = parsed.ast;
    if (!instrumented.has(ast)) {
      instrument(ast, () => currentMeter);
      instrumented.add(ast);
    }
    const previous = currentMeter;
    currentMeter = meter;
    try {
      const value: unknown = withMeter(meter, () => parsed(context));
      if (value instanceof Promise) {
        return {
          ok: false,
          error: new EvaluationError('asynchronous evaluation is not supported'),
          steps: meter.steps,
        };
      }
      return { ok: true, value, steps: meter.steps };
    } finally {
      currentMeter = previous;
    }
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    if (error instanceof RangeError) {
      return {
        ok: false,
        error: new EvaluationError({ code: 'budget_exceeded', message: error.message }),
        steps: meter.steps,
      };
    }
    return { ok: false, error, steps: meter.steps };
  }
}
