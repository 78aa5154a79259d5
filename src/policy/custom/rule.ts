/**
 * Custom rules (`CompliancePolicy.spec.customRules[]`) compiled into the {@link Rule} interface of the
 * built-in rules, so that the engine runs both the same way.
 *
 * Verdicts of one evaluation on an object (one {@link RuleResult}, path `[]` unless stated):
 * - the evaluation read a symbolic value (see values.ts): `unknown`, with the provenance of every
 *   symbolic value read, and the path of the first one when it lies in the checked object;
 * - otherwise `true`: `pass`; `false`: `fail` with the rule's message;
 * - a result that is not a bool, or an evaluation error (missing field, no matching overload,
 *   exceeded budget) on known data: `fail` with the error (fail closed).
 * An expression that does not compile gives a rule whose every verdict is `fail` with the compile
 * error (and the compile diagnostics), never a rule that silently passes.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import { celTypeName } from '../../cel/library/values.ts';
import { evaluateBounded } from '../../cel/library/evaluate.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../../diagnostics/diagnostic.ts';
import { describeProvenance, provenanceOf, type Provenance } from '../../graph/render/symbolic.ts';
import type { CustomRuleSpec } from '../config/types.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkCustomRuleExpression } from './check.ts';
import { customRuleEvaluationEnvironment } from './environment.ts';
import { celGraph, celObject, celParams, recordSymbolicReads, type SymbolicRead } from './values.ts';

/** A compiled custom rule: a {@link Rule} that also carries its source. */
export interface CustomRule extends Rule {
  readonly custom: true;
  /** The CEL expression. */
  readonly expression: string;
  /** The policy that defines it, when known. */
  readonly policy?: string;
}

/** Options of {@link compileCustomRule}. */
export interface CompileCustomRuleOptions {
  /** The defining policy's name (kept on the rule, used in messages). */
  policy?: string;
  /** Path of the rule in its policy (`['spec', 'customRules', 2]`), for diagnostics; default `[]`. */
  path?: readonly PathSegment[];
}

/** The outcome of {@link compileCustomRule}: always a rule; errors in `diagnostics`. */
export interface CompiledCustomRule {
  rule: CustomRule;
  diagnostics: Diagnostic[];
}

function describeReads(reads: readonly SymbolicRead[]): string {
  const first = reads[0]!;
  const p = provenanceOf(first.value)[0];
  const what = p !== undefined ? describeProvenance(p) : first.value.toString();
  return reads.length > 1 ? `${what} and ${reads.length - 1} more` : what;
}

function verdict(spec: CustomRuleSpec, parsed: ParseResult, ctx: RuleContext): RuleResult {
  const activation = {
    object: celObject(ctx.object),
    graph: celGraph(ctx.graph),
    params: celParams(ctx.params),
  };
  const env = customRuleEvaluationEnvironment();
  const { result, reads } = recordSymbolicReads(() => evaluateBounded(env, parsed, activation));
  if (reads.length > 0) {
    const seen = new Set<string>();
    const dependsOn: Provenance[] = [];
    for (const r of reads) {
      for (const p of provenanceOf(r.value)) {
        const key = `${p.kind}:${p.path}`;
        if (seen.has(key)) continue;
        seen.add(key);
        dependsOn.push(p);
      }
    }
    const inObject = reads.find((r) => r.root === ctx.object);
    return {
      verdict: 'unknown',
      path: inObject ? [...inObject.path] : [],
      reason: `depends on ${describeReads(reads)}`,
      dependsOn,
    };
  }
  if (!result.ok)
    return { verdict: 'fail', path: [], reason: `expression failed: ${result.error.message.split('\n')[0]}` };
  if (result.value === true) return { verdict: 'pass', path: [], reason: 'expression is true' };
  if (result.value === false) return { verdict: 'fail', path: [], reason: spec.message ?? spec.title };
  return { verdict: 'fail', path: [], reason: `expression returned ${celTypeName(result.value)}, not bool` };
}

/**
 * Compiles a custom rule spec (already validated by `parsePolicyResource`; this re-checks the
 * expression) into a {@link CustomRule}. `kinds: []` means every kind; `check` returns `[]` for an
 * object of another kind, else one result (see the module comment). Never throws.
 */
export function compileCustomRule(
  spec: CustomRuleSpec,
  options: CompileCustomRuleOptions = {},
): CompiledCustomRule {
  const checked = checkCustomRuleExpression(spec.expression);
  const where = formatPath([...(options.path ?? []), 'expression']);
  const diagnostics = checked.ok ? [] : checked.problems.map((p) => error(p.code, where, p.message));
  const kinds = spec.kinds.map((k) => ({ group: k.group, kind: k.kind }));
  const inScope = (ctx: RuleContext): boolean =>
    kinds.length === 0 ||
    kinds.some((k) => k.group === ctx.resource.gvk.group && k.kind === ctx.resource.gvk.kind);
  const broken = checked.ok
    ? undefined
    : `custom rule does not compile: ${checked.problems[0]!.message.split('\n')[0]}`;
  const rule: CustomRule = {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    controls: spec.controls,
    remediation: spec.remediation,
    kinds,
    custom: true,
    expression: spec.expression,
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
    check(ctx: RuleContext): RuleResult[] {
      if (!inScope(ctx)) return [];
      if (!checked.ok) return [{ verdict: 'fail', path: [], reason: broken! }];
      return [verdict(spec, checked.parsed, ctx)];
    },
  };
  return { rule, diagnostics };
}
