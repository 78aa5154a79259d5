/**
 * Evaluating one compiled expression over rendered values that may be partly unknown.
 *
 * Each reference is first resolved against the rendered values. When none is unknown the
 * expression is evaluated as kro would (a plain chain is read directly). When some are unknown
 * and every one of them is used opaquely (`references.ts`), each unknown is bound to a placeholder
 * token, the expression is evaluated, and the tokens found in the result become unknowns again
 * (partial evaluation: `"arn:" + key.status.arn + "/*"` gives a symbolic string). Otherwise, or
 * when that evaluation fails or alters a token, the whole result is one {@link Unknown} named
 * after the expression, depending on the union of the unknowns' provenance.
 *
 * Another resource is read as its rendered object: its `status`, and any field it does not hold,
 * is unknown (kro reads the object as created, with status and server defaults). An expression that reads such a field
 * through a value the references cannot follow (a comprehension variable) fails with kro's
 * data-pending error; its value is then unknown too.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { DEFAULT_LIMITS, evaluateBounded, type BoundedOptions } from '../../cel/library/index.ts';
import {
  SymbolicString,
  Unknown,
  isRenderedObject,
  provenanceOf,
  type InputConstraint,
  type Provenance,
  type RenderedValue,
} from './symbolic.ts';
import type { CompiledExpression } from './compiled.ts';
import { referenceText, type Reference } from './references.ts';
import { OMIT, TokenTable, Unrenderable, copyRendered, fromCel, hasUnknown, toCel } from './values.ts';

/**
 * How a field missing below a variable reads:
 * - `error`: the data is complete (an iterator value): CEL reports `no such key`, which kro would
 *   wait on forever, so it is an error.
 * - `instance`: the instance in instance mode: like `error`, except below `metadata`, where the
 *   API server sets fields (`uid`, `creationTimestamp`) that are unknown at admission (`runtime`).
 * - `status`: another resource of the graph: the field may appear once kro created it (status,
 *   defaults, server-set metadata) and is unknown.
 * - `input`: the instance in symbolic mode: any field not rendered is a free input.
 */
export type MissingPolicy =
  { kind: 'error' } | { kind: 'instance' } | { kind: 'status'; resourceId: string } | { kind: 'input' };

/** A variable of an evaluation scope: `schema`, a resource id, an iterator. */
export interface Variable {
  value: RenderedValue;
  missing: MissingPolicy;
}

/** Variables by name. */
export type Scope = ReadonlyMap<string, Variable>;

/** The outcome of one evaluation: a value (possibly {@link OMIT}), or kro's evaluation error. */
export type Outcome = { ok: true; value: RenderedValue | typeof OMIT } | { ok: false; error: string };

type Resolution =
  | { kind: 'known'; value: RenderedValue }
  | { kind: 'partial'; value: RenderedValue }
  | { kind: 'unknown'; unknown: Unknown; inData: boolean }
  | { kind: 'absent' };

/**
 * Evaluation steps left for a whole rendering (shared by the worlds of a symbolic rendering), so that
 * many expressions that each stay within the per-expression budget cannot add up to a stall.
 */
export interface StepBudget {
  left: number;
}

/** Steps one rendering may spend in all (each expression also keeps `evaluateBounded`'s own limit). */
export const RENDER_STEP_BUDGET = 5_000_000;

/** Per-rendering evaluation state: tokens, conversion caches, derived unknowns, the step budget. */
export class Evaluator {
  private readonly env: Environment;
  private readonly limits: BoundedOptions;
  private readonly budget: StepBudget;
  private readonly constraintFor: (path: string) => InputConstraint | undefined;
  private readonly tokens = new TokenTable();
  private readonly celCache = new WeakMap<object, unknown>();
  private readonly unknownCache = new WeakMap<object, boolean>();
  private readonly missingUnknowns = new Map<string, Unknown>();
  private readonly derived = new WeakMap<Unknown, Map<string, Unknown>>();
  /** Unknowns whose provenance path is where their value sits (so a field below extends it). */
  private readonly located = new WeakSet<Unknown>();

  /**
   * @param env the rendering environment (`environment.ts`).
   * @param constraintFor the SimpleSchema constraint of an input path (`schema.spec.x`).
   * @param budget steps left for the rendering; default a fresh {@link RENDER_STEP_BUDGET}.
   * @param limits per-expression limits of `evaluateBounded` (default its defaults).
   */
  constructor(
    env: Environment,
    constraintFor: (path: string) => InputConstraint | undefined,
    budget: StepBudget = { left: RENDER_STEP_BUDGET },
    limits: BoundedOptions = {},
  ) {
    this.env = env;
    this.constraintFor = constraintFor;
    this.budget = budget;
    this.limits = limits;
  }

  /** Marks `u` as located: its single provenance path is the place of its value. */
  locate(u: Unknown): Unknown {
    this.located.add(u);
    return u;
  }

  /** Whether a rendered value holds an unknown anywhere (cached per object). */
  hasUnknown(v: RenderedValue | undefined): boolean {
    return hasUnknown(v, this.unknownCache);
  }

  /** Evaluates `expr` over `scope`; see the module comment. Never throws. */
  evaluate(expr: CompiledExpression, scope: Scope): Outcome {
    if (expr.program === undefined)
      return { ok: true, value: new Unknown(expr.text, [{ kind: 'runtime', path: expr.text }]) };
    const resolutions = expr.refs.map((r) => this.resolve(r, scope));
    const unknownAt: number[] = [];
    resolutions.forEach((r, i) => {
      if (r.kind === 'unknown' || r.kind === 'partial') unknownAt.push(i);
    });

    if (unknownAt.length === 0) {
      const only = resolutions[0];
      if (expr.chain !== undefined && only?.kind === 'known')
        return { ok: true, value: copyRendered(only.value) };
      const out = this.run(expr, scope, []);
      if (out.ok || !DATA_PENDING.test(out.error)) return out;
      // Read through a resource's object in a way the references do not show (`[key].map(k,
      // k.status.arn)`): kro waits for that data, so the value is unknown, not an error.
      const pending = resourceProvenance(expr.refs, scope);
      return pending.length > 0 ? { ok: true, value: new Unknown(expr.text, pending) } : out;
    }
    const whole = (): Outcome => ({ ok: true, value: this.wholeUnknown(expr, unknownAt, resolutions) });
    if (!unknownAt.every((i) => expr.refs[i]!.opaque)) return whole();
    if (expr.chain !== undefined) {
      const r = resolutions[0]!;
      if (r.kind === 'unknown') return { ok: true, value: r.unknown };
      if (r.kind === 'partial') return { ok: true, value: copyRendered(r.value) };
    }
    const overlays: { ref: Reference; unknown: Unknown }[] = [];
    for (const i of unknownAt) {
      const r = resolutions[i]!;
      if (r.kind === 'unknown' && !r.inData) overlays.push({ ref: expr.refs[i]!, unknown: r.unknown });
    }
    if (overlays.some((o) => expr.refs.some((r) => r !== o.ref && isProperPrefix(r, o.ref)))) return whole();
    const outcome = this.run(expr, scope, overlays);
    if (!outcome.ok) return whole();
    return outcome;
  }

  /** Evaluates the program with the scope as cel-js values, unknowns as tokens, overlays placed. */
  private run(
    expr: CompiledExpression,
    scope: Scope,
    overlays: { ref: Reference; unknown: Unknown }[],
  ): Outcome {
    const ctx: Record<string, unknown> = {};
    for (const r of expr.refs) {
      if (Object.hasOwn(ctx, r.root)) continue;
      const v = scope.get(r.root);
      if (v !== undefined) ctx[r.root] = toCel(v.value, this.tokens, this.celCache);
    }
    try {
      for (const o of overlays)
        ctx[o.ref.root] = placeAt(ctx[o.ref.root], o.ref.steps, 0, this.tokens.token(o.unknown));
      if (this.budget.left <= 0)
        return { ok: false, error: 'the rendering used up its budget of evaluation steps' };
      const maxSteps = Math.min(this.limits.maxSteps ?? DEFAULT_LIMITS.maxSteps, this.budget.left);
      const result = evaluateBounded(this.env, expr.program!, ctx, { ...this.limits, maxSteps });
      this.budget.left -= result.steps;
      if (!result.ok) return { ok: false, error: result.error.message.split('\n')[0]! };
      return { ok: true, value: fromCel(result.value, this.tokens) };
    } catch (e) {
      if (e instanceof Unrenderable) return { ok: false, error: e.message };
      throw e;
    }
  }

  private wholeUnknown(
    expr: CompiledExpression,
    unknownAt: readonly number[],
    resolutions: Resolution[],
  ): Unknown {
    const provenance: Provenance[] = [];
    const seen = new Set<string>();
    for (const i of unknownAt) {
      const r = resolutions[i]!;
      const ps =
        r.kind === 'unknown' ? r.unknown.provenance : r.kind === 'partial' ? provenanceOf(r.value) : [];
      for (const p of ps) {
        const key = `${p.kind}:${p.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        provenance.push(p);
      }
    }
    return new Unknown(expr.text, provenance);
  }

  /** Reads a reference's value from the rendered values without evaluating anything. */
  private resolve(ref: Reference, scope: Scope): Resolution {
    const variable = scope.get(ref.root);
    if (variable === undefined) return { kind: 'absent' };
    if (variable.missing.kind === 'status' && readsStatus(ref)) return this.missing(variable.missing, ref);
    let cur: RenderedValue | undefined = variable.value;
    for (let i = 0; i < ref.steps.length; i++) {
      if (cur instanceof Unknown) return { kind: 'unknown', unknown: this.below(cur, ref, i), inData: false };
      if (cur instanceof SymbolicString)
        return { kind: 'unknown', unknown: new Unknown(ref.text, provenanceOf(cur)), inData: false };
      const step = ref.steps[i]!;
      let next: RenderedValue | undefined;
      if (Array.isArray(cur)) {
        if (typeof step !== 'number') return { kind: 'absent' };
        next = cur[step];
      } else if (isRenderedObject(cur)) {
        const key = String(step);
        next = Object.hasOwn(cur, key) ? cur[key] : undefined;
      } else {
        return { kind: 'absent' };
      }
      if (next === undefined) return this.missing(variable.missing, ref);
      cur = next;
    }
    if (cur instanceof Unknown) return { kind: 'unknown', unknown: cur, inData: true };
    if (this.hasUnknown(cur)) return { kind: 'partial', value: cur };
    return { kind: 'known', value: cur };
  }

  private missing(policy: MissingPolicy, ref: Reference): Resolution {
    if (policy.kind === 'error') return { kind: 'absent' };
    if (policy.kind === 'instance' && ref.steps[0] !== 'metadata') return { kind: 'absent' };
    const key = `${policy.kind}:${ref.text}`;
    let u = this.missingUnknowns.get(key);
    if (u === undefined) {
      u =
        policy.kind === 'status'
          ? new Unknown(ref.text, [{ kind: 'status', resourceId: policy.resourceId, path: ref.text }])
          : policy.kind === 'instance'
            ? new Unknown(ref.text, [{ kind: 'runtime', path: ref.text }])
            : new Unknown(ref.text, [{ kind: 'input', path: ref.text }], this.constraintFor(ref.text));
      this.located.add(u);
      this.missingUnknowns.set(key, u);
    }
    return { kind: 'unknown', unknown: u, inData: false };
  }

  /** The unknown for the field `ref` reaches below the unknown `u` after `at` steps. */
  private below(u: Unknown, ref: Reference, at: number): Unknown {
    let byText = this.derived.get(u);
    if (byText === undefined) {
      byText = new Map();
      this.derived.set(u, byText);
    }
    const cached = byText.get(ref.text);
    if (cached !== undefined) return cached;
    const out = this.extend(u, ref.text, referenceText('', ref.steps.slice(at)));
    byText.set(ref.text, out);
    return out;
  }

  /**
   * The unknown element of the unknown list `list`, as the forEach iterator `name` sees it: located
   * at `<list path>[*]` when the list is located (`schema.spec.buckets[*]`), else with the list's
   * provenance.
   */
  element(list: Unknown, name: string): Unknown {
    return this.extend(list, name, '[*]');
  }

  /** An unknown named `expression` at `suffix` below `u` (extending a located unknown's path). */
  private extend(u: Unknown, expression: string, suffix: string): Unknown {
    const p = u.provenance.length === 1 ? u.provenance[0]! : undefined;
    if (p === undefined || !this.located.has(u)) return new Unknown(expression, u.provenance);
    const path = p.path + suffix;
    const out = new Unknown(
      expression,
      [{ ...p, path }],
      p.kind === 'input' ? this.constraintFor(path) : undefined,
    );
    this.located.add(out);
    return out;
  }
}

/** kro's data-pending errors (`pkg/runtime/errors.go`): the data may appear later. */
const DATA_PENDING = /no such key|no such field|no such attribute|index out of bounds/i;

/** `status` provenance for every reference into another resource. */
function resourceProvenance(refs: readonly Reference[], scope: Scope): Provenance[] {
  const out: Provenance[] = [];
  const seen = new Set<string>();
  for (const r of refs) {
    const policy = scope.get(r.root)?.missing;
    if (policy?.kind !== 'status' || seen.has(r.text)) continue;
    seen.add(r.text);
    out.push({ kind: 'status', resourceId: policy.resourceId, path: r.text });
  }
  return out;
}

/** Whether a reference into a resource (`key.status.x`) or a collection element (`c[0].status.x`) reads its status. */
function readsStatus(ref: Reference): boolean {
  const first = typeof ref.steps[0] === 'number' ? ref.steps[1] : ref.steps[0];
  return first === 'status';
}

function isProperPrefix(a: Reference, b: Reference): boolean {
  if (a.root !== b.root || a.steps.length >= b.steps.length) return false;
  return a.steps.every((s, i) => s === b.steps[i]);
}

/** A copy of `container` with `token` at `steps[at..]` (maps created as needed; shared parts untouched). */
function placeAt(
  container: unknown,
  steps: readonly (string | number)[],
  at: number,
  token: string,
): unknown {
  if (at === steps.length) return token;
  const step = steps[at]!;
  if (typeof step === 'number') {
    if (!Array.isArray(container) || step >= container.length)
      throw new Unrenderable('an unknown list element cannot be placed');
    const copy = container.slice();
    copy[step] = placeAt(copy[step], steps, at + 1, token);
    return copy;
  }
  const base =
    typeof container === 'object' && container !== null && !Array.isArray(container)
      ? (container as Record<string, unknown>)
      : {};
  const copy: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, base);
  copy[step] = placeAt(base[step], steps, at + 1, token);
  return copy;
}
