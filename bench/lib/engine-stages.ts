/**
 * Where one instance review's time goes inside kro-guard's engine, in-process (no HTTP, no worker
 * thread): the review worker's steps for `/validate` of an instance CREATE, timed one by one with
 * the engine's own functions, checked to give exactly the answer `decideValidate` gives.
 */
import { performance } from 'node:perf_hooks';
import { compileRgd, CompiledRgdCache } from '../../src/admission/compiled-rgd.ts';
import { selectorOf } from '../../src/admission/compliance.ts';
import { decideValidate, type DecisionContext } from '../../src/admission/decide.ts';
import { decisionReview } from '../../src/admission/validate.ts';
import { parseAdmissionReview } from '../../src/admission/parse.ts';
import { isSpecUnchanged } from '../../src/admission/rgd-request.ts';
import { reviewTarget } from '../../src/admission/targets.ts';
import type { AdmissionReviewRequest, GroupVersionKind } from '../../src/admission/types.ts';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { templateGvks } from '../../src/graph/gvks.ts';
import { renderInstance } from '../../src/graph/render/index.ts';
import {
  evaluateGraph,
  findingDiagnostics,
  type EffectiveRule,
  type Finding,
  type RuleSelector,
} from '../../src/policy/engine/index.ts';
import { buildPolicySet } from '../../src/policy/policy-set.ts';
import type { Rule } from '../../src/policy/types.ts';
import { crdFileSource } from '../../src/schemas/crd-files.ts';
import { chainSources, embeddedSource } from '../../src/schemas/source.ts';
import { percentile, round } from './stats.ts';

/** The stages, in the order the review worker runs them, and what each covers. */
export const ENGINE_STAGES = [
  ['parse', 'JSON.parse of the request body + parseAdmissionReview'],
  ['lookup', 'review target, RGD of the kind, templateGvks (prepare), compiled RGD from the cache'],
  ['admit', 'instance admission: prune, default, validate (compiled.instanceSchema.admit)'],
  ['render', 'renderInstance: the ten would-be children'],
  ['rules', 'evaluateGraph: every rule in force on every child'],
  ['respond', 'findingDiagnostics + decisionReview (sorting, messages, warnings)'],
  ['serialize', 'JSON.stringify of the AdmissionReview response'],
] as const;

/** One of {@link ENGINE_STAGES}. */
export type EngineStage = (typeof ENGINE_STAGES)[number][0];

/** Timing of one stage or step over the iterations, in microseconds. */
export interface StageTiming {
  name: string;
  description: string;
  medianUs: number;
  p99Us: number;
  meanUs: number;
}

/** One rule's cost per review (summed over the children it checks), in microseconds. */
export interface RuleCost {
  ruleId: string;
  /** Children of the graph the rule checked in one review. */
  checks: number;
  medianUs: number;
  /** Share of the median review's rule time (sum of every rule's median), 0-1. */
  share: number;
}

/** What {@link profileEngine} measured. */
export interface EngineProfile {
  iterations: number;
  /** The stages in order; each iteration times every stage once. */
  stages: StageTiming[];
  /** Sum of the stages' medians. */
  sumOfMediansUs: number;
  /**
   * The same work in one piece, interleaved with the staged iterations: JSON.parse, parseAdmissionReview,
   * `decideValidate`, JSON.stringify.
   */
  whole: StageTiming;
  /** `compileRgd` of the RGD, what a review costs when the cache misses (RGD without uid + resourceVersion). */
  compileRgd: StageTiming & { iterations: number };
  /** The costliest rules (top 12) over `ruleIterations` extra reviews. */
  rules: RuleCost[];
  ruleIterations: number;
  /** What the rules found on one review: rules run, children checked, verdict counts. */
  findings: { rulesRun: number; childrenChecked: number; byVerdict: Record<string, number> };
}

/** What {@link profileEngine} needs: the request body, and what the server was given. */
export interface EngineProfileInput {
  /** The AdmissionReview request body (JSON text), as the server receives it. */
  body: string;
  /** The RGD generating the instance's kind, as the RGD store holds it. */
  rgd: Record<string, unknown>;
  /** The kind it generates. */
  gvk: GroupVersionKind;
  /** CompliancePolicy and ComplianceException objects in force. */
  policies: readonly unknown[];
  /** CRD files or directories besides the embedded schemas. */
  crdPaths: string[];
  iterations: number;
  /** Cache-miss compilations to time (default 20). */
  compileIterations?: number;
}

function timing(name: string, description: string, samplesMs: number[]): StageTiming {
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    name,
    description,
    medianUs: round(percentile(sorted, 50) * 1000, 1),
    p99Us: round(percentile(sorted, 99) * 1000, 1),
    meanUs: round((sum / Math.max(1, sorted.length)) * 1000, 1),
  };
}

function sameKind(a: GroupVersionKind, b: GroupVersionKind): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Rendering problems become warnings, as in `instanceCompliance` (kro meets them at run time). */
function asWarnings(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.map((d) => (d.severity === 'error' ? { ...d, severity: 'warning' as const } : d));
}

/**
 * Builds the review worker's decision context for `input` (embedded schemas + the CRD files, the
 * policy set, the RGD for its kind, a warm `CompiledRgdCache`) and times `input.iterations` instance
 * reviews stage by stage (see {@link ENGINE_STAGES}), each iteration also timing the whole decision
 * in one piece; then `compileRgd` and the cost of each rule.
 *
 * @throws Error when the policies have problems, the review is not an instance CREATE of the RGD's
 *   kind, the instance is rejected by its schema (nothing would be rendered or checked), or the
 *   staged steps answer differently from `decideValidate` (the stages would time something else).
 */
export function profileEngine(input: EngineProfileInput): EngineProfile {
  const schemas = chainSources(embeddedSource(), crdFileSource(input.crdPaths));
  const built = buildPolicySet(input.policies, { now: new Date(), defaultWhenEmpty: false });
  if (built.problems.length > 0) {
    throw new Error(`the policies have problems: ${JSON.stringify(built.problems).slice(0, 500)}`);
  }
  const policies = built.set;
  const ctx: DecisionContext = {
    schemas,
    policies,
    rgdForKind: (gvk) => (sameKind(gvk, input.gvk) ? input.rgd : undefined),
    compiled: new CompiledRgdCache(),
  };
  const isInstance = (gvk: GroupVersionKind): boolean => ctx.rgdForKind(gvk) !== undefined;

  let findingsOfLast: Finding[] = [];
  let childrenOfLast = 0;
  /** The worker's steps, one stage at a time; writes the stage times (ms) into `marks`. */
  const staged = (marks: number[], select: RuleSelector): string => {
    const t0 = performance.now();
    const parsed = parseAdmissionReview(JSON.parse(input.body));
    if (!parsed.ok) throw new Error(`not an AdmissionReview: ${parsed.error}`);
    const review: AdmissionReviewRequest = parsed.review;
    const req = review.request;
    const t1 = performance.now();
    if (reviewTarget(req, isInstance) !== 'instance' || isSpecUnchanged(req)) {
      throw new Error('the request is not an instance CREATE of the RGD kind');
    }
    const rgd = ctx.rgdForKind(req.kind);
    templateGvks(rgd);
    const compiled = ctx.compiled.get(rgd, ctx.schemas);
    if (compiled.instanceSchema === undefined || !compiled.graph.ok) {
      throw new Error(`the RGD ${compiled.name} does not compile: instances would not be checked`);
    }
    const t2 = performance.now();
    const admit = compiled.instanceSchema.admit(req.object, { operation: 'CREATE' });
    const t3 = performance.now();
    if (admit.diagnostics.some((d) => d.severity === 'error')) {
      throw new Error(`the instance is invalid: ${admit.diagnostics.map((d) => d.message).join('; ')}`);
    }
    const graph = renderInstance(compiled.graph, admit.object);
    const t4 = performance.now();
    const findings = evaluateGraph(graph, select, {
      point: 'instance',
      rgdName: compiled.name,
      instanceKind: compiled.instanceKind,
    });
    const t5 = performance.now();
    const response = decisionReview(review, [
      ...admit.diagnostics,
      ...findingDiagnostics(findings, 'instance'),
      ...asWarnings(graph.diagnostics),
    ]);
    const t7 = performance.now();
    const text = JSON.stringify(response);
    const t8 = performance.now();
    marks[0] = t1 - t0;
    marks[1] = t2 - t1;
    marks[2] = t3 - t2;
    marks[3] = t4 - t3;
    marks[4] = t5 - t4;
    marks[5] = t7 - t5;
    marks[6] = t8 - t7;
    findingsOfLast = findings;
    childrenOfLast = graph.resources.filter((r) => !r.external).length;
    return text;
  };
  const whole = (): string => {
    const parsed = parseAdmissionReview(JSON.parse(input.body));
    if (!parsed.ok) throw new Error(`not an AdmissionReview: ${parsed.error}`);
    return JSON.stringify(decideValidate(parsed.review, ctx));
  };

  const select = selectorOf(policies);
  const marks = new Array<number>(ENGINE_STAGES.length).fill(0);
  const reference = whole();
  if (staged(marks, select) !== reference) {
    throw new Error('the staged review answers differently from decideValidate');
  }
  for (let i = 0; i < Math.min(500, Math.max(50, input.iterations / 10)); i++) {
    staged(marks, select);
    whole();
  }

  const stageSamples = ENGINE_STAGES.map(() => [] as number[]);
  const wholeSamples: number[] = [];
  for (let i = 0; i < input.iterations; i++) {
    staged(marks, select);
    for (let s = 0; s < marks.length; s++) stageSamples[s]!.push(marks[s]!);
    const t0 = performance.now();
    whole();
    wholeSamples.push(performance.now() - t0);
  }
  const stages = ENGINE_STAGES.map(([name, description], s) => timing(name, description, stageSamples[s]!));

  const byVerdict: Record<string, number> = {};
  for (const f of findingsOfLast) byVerdict[f.verdict] = (byVerdict[f.verdict] ?? 0) + 1;
  const findings = {
    rulesRun: new Set(findingsOfLast.map((f) => f.ruleId)).size,
    childrenChecked: childrenOfLast,
    byVerdict,
  };

  const { rules, ruleIterations } = ruleCosts(
    staged,
    select,
    Math.max(200, Math.round(input.iterations / 5)),
  );

  const compileIterations = input.compileIterations ?? 20;
  const compileSamples: number[] = [];
  for (let i = 0; i < compileIterations; i++) {
    const t0 = performance.now();
    compileRgd(input.rgd, schemas);
    compileSamples.push(performance.now() - t0);
  }

  return {
    iterations: input.iterations,
    stages,
    sumOfMediansUs: round(
      stages.reduce((sum, s) => sum + s.medianUs, 0),
      1,
    ),
    whole: timing(
      'whole',
      'JSON.parse + parseAdmissionReview + decideValidate + JSON.stringify',
      wholeSamples,
    ),
    compileRgd: {
      ...timing(
        'compileRgd',
        'static check + instance schema + graph compilation (cache miss)',
        compileSamples,
      ),
      iterations: compileIterations,
    },
    rules,
    ruleIterations,
    findings,
  };
}

/**
 * Runs `staged` `iterations` times with every rule's `check` wrapped in a timer, and returns the
 * costliest rules by median time per review.
 */
function ruleCosts(
  staged: (marks: number[], select: RuleSelector) => string,
  select: RuleSelector,
  iterations: number,
): { rules: RuleCost[]; ruleIterations: number } {
  const spent = new Map<string, number>();
  const checks = new Map<string, number>();
  const wrapped = new Map<Rule, Rule>();
  const timed = (rule: Rule): Rule => {
    let w = wrapped.get(rule);
    if (w === undefined) {
      w = {
        ...rule,
        check: (c) => {
          const t0 = performance.now();
          try {
            return rule.check(c);
          } finally {
            spent.set(rule.id, (spent.get(rule.id) ?? 0) + performance.now() - t0);
            checks.set(rule.id, (checks.get(rule.id) ?? 0) + 1);
          }
        },
      };
      wrapped.set(rule, w);
    }
    return w;
  };
  const timedSelect: RuleSelector = (target) =>
    select(target).map((e): EffectiveRule => ({ ...e, rule: timed(e.rule) }));
  const perReview = new Map<string, number[]>();
  const marks: number[] = [];
  for (let i = 0; i < iterations; i++) {
    spent.clear();
    checks.clear();
    staged(marks, timedSelect);
    for (const [id, ms] of spent) {
      let list = perReview.get(id);
      if (list === undefined) perReview.set(id, (list = []));
      list.push(ms);
    }
  }
  const all = [...perReview].map(([ruleId, samples]) => {
    const sorted = Float64Array.from(samples).sort();
    return { ruleId, checks: checks.get(ruleId) ?? 0, medianMs: percentile(sorted, 50) };
  });
  const total = all.reduce((sum, r) => sum + r.medianMs, 0);
  const rules = all
    .sort((a, b) => b.medianMs - a.medianMs)
    .slice(0, 12)
    .map((r) => ({
      ruleId: r.ruleId,
      checks: r.checks,
      medianUs: round(r.medianMs * 1000, 1),
      share: round(r.medianMs / total, 3),
    }));
  return { rules, ruleIterations: iterations };
}
