/**
 * Compilation of parsed CompliancePolicies and ComplianceExceptions into a {@link PolicySet}: the
 * rules each policy selects with their modes and parameters, custom rules compiled to `Rule`s, and
 * the exceptions in force; then, per checked object, the pure selection {@link PolicySet.forTarget}.
 *
 * Semantics (compliance-catalogue §6.5, per-environment profiles and exemptions):
 * - Policies are independent: each one selects rules for the objects it matches and runs them with
 *   its own parameters and modes. Several policies may select the same rule for the same object:
 *   there is one {@link EffectiveRule} per (policy, rule), and the caller combines their verdicts
 *   (the strictest mode wins for a failure found by several).
 * - Built-in rule selection: (not optional and matches `include`) or matches `enable`; never when it
 *   matches `exclude`. Custom rules of the policy: always, unless they match `exclude`.
 * - Mode: the first override that matches the rule (id glob and severities), else the policy mode.
 * - Exceptions: expired ones (`expires` <= `now`) are dropped with a warning; the first applicable
 *   exception in (namespace, name) order is reported in {@link EffectiveRule.exemptedBy}. The rule is
 *   still returned: the caller evaluates and reports it as exempted instead of enforcing it.
 * - No policy: no rule. Callers that want the built-in default pass `loadDefaultPolicy()`'s policy.
 */
import { error, sortDiagnostics, warning, type Diagnostic } from '../../diagnostics/diagnostic.ts';
import { compileCustomRule } from '../custom/rule.ts';
import type { KindSelector, Rule, RuleParameters } from '../types.ts';
import { compileGlobs, globMatch } from './glob.ts';
import {
  compileExceptionMatch,
  compilePolicyMatch,
  type CompiledExceptionMatch,
  type CompiledPolicyMatch,
  type MatchAssumption,
} from './match.ts';
import { mergeParameters } from './parameters.ts';
import {
  DEFAULT_EXCEPTION_NAMESPACE,
  type ComplianceException,
  type CompliancePolicy,
  type PolicyMode,
  type PolicyTarget,
} from './types.ts';

/** Options of {@link compilePolicySet}. */
export interface CompilePolicySetOptions {
  /** The built-in rules (the rule catalogue). */
  rules: readonly Rule[];
  /** The current time, to drop expired exceptions. */
  now: Date;
  /** Namespace whose exceptions apply cluster-wide; default {@link DEFAULT_EXCEPTION_NAMESPACE}. */
  exceptionNamespace?: string;
}

/** The exception that exempts an effective rule. */
export interface ExemptionRef {
  name: string;
  namespace: string;
  reason: string;
}

/** One rule to run on one object, as one policy selects it. */
export interface EffectiveRule {
  /** A built-in rule, or a compiled custom rule (`custom: true`). */
  rule: Rule;
  /** The policy that selects it. */
  policy: string;
  mode: PolicyMode;
  /** The policy's parameters, defaults filled in. */
  params: Readonly<Required<RuleParameters>>;
  custom: boolean;
  /** Set when an exception exempts the object from this rule of this policy. */
  exemptedBy?: ExemptionRef;
  /** Match conditions of the policy taken as met because the target lacks the attribute. */
  assumed?: readonly MatchAssumption[];
}

/** A rule a policy selects (for any object it matches), with its mode. */
export interface SelectedRule {
  rule: Rule;
  mode: PolicyMode;
  custom: boolean;
}

/** A policy ready for matching. */
export interface CompiledPolicy {
  policy: CompliancePolicy;
  params: Readonly<Required<RuleParameters>>;
  /** Selected rules, by id. */
  rules: readonly SelectedRule[];
  match: CompiledPolicyMatch;
}

/** The compiled configuration. */
export interface PolicySet {
  /** Policies by name. */
  readonly policies: readonly CompiledPolicy[];
  /** Exceptions in force (not expired), by namespace and name. */
  readonly exceptions: readonly ComplianceException[];
  /** Problems found while compiling (duplicate names, expired exceptions, custom rules that do not compile). */
  readonly diagnostics: readonly Diagnostic[];
  /** The policies that select `target` (for mutations), with what they assumed. */
  matchingPolicies(target: PolicyTarget): { policy: CompiledPolicy; assumed: readonly MatchAssumption[] }[];
  /**
   * The rules to run on `target`: for each matching policy (by name), its selected rules that apply
   * to `target.kind` (custom rules without kinds apply to every kind), by rule id. Pure.
   */
  forTarget(target: PolicyTarget): EffectiveRule[];
}

function kindKey(k: KindSelector): string {
  return `${k.group}/${k.kind}`;
}

function modeFor(policy: CompliancePolicy, rule: Rule): PolicyMode {
  for (const o of policy.rules.overrides) {
    if (o.id !== undefined && !globMatch(o.id, rule.id)) continue;
    if (o.severities !== undefined && !o.severities.includes(rule.severity)) continue;
    return o.mode;
  }
  return policy.mode;
}

function byId(a: { rule: Rule }, b: { rule: Rule }): number {
  return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
}

function compilePolicy(
  policy: CompliancePolicy,
  builtins: readonly Rule[],
  builtinIds: ReadonlySet<string>,
  diags: Diagnostic[],
): CompiledPolicy {
  const include = compileGlobs(policy.rules.include);
  const exclude = compileGlobs(policy.rules.exclude);
  const enable = compileGlobs(policy.rules.enable);
  const selected: SelectedRule[] = [];
  for (const rule of builtins) {
    if (exclude(rule.id)) continue;
    if ((!rule.optional && include(rule.id)) || enable(rule.id)) {
      selected.push({ rule, mode: modeFor(policy, rule), custom: false });
    }
  }
  policy.customRules.forEach((spec, i) => {
    const path = ['spec', 'customRules', i] as const;
    if (builtinIds.has(spec.id)) {
      diags.push(
        error(
          'policy/rule-id-collision',
          `spec.customRules[${i}].id`,
          `CompliancePolicy ${policy.name}: custom rule ${spec.id} has a built-in rule's id; ignored`,
        ),
      );
      return;
    }
    const { rule, diagnostics } = compileCustomRule(spec, { policy: policy.name, path });
    for (const d of diagnostics)
      diags.push({ ...d, message: `CompliancePolicy ${policy.name}: ${spec.id}: ${d.message}` });
    if (!exclude(rule.id)) selected.push({ rule, mode: modeFor(policy, rule), custom: true });
  });
  selected.sort(byId);
  return {
    policy,
    params: mergeParameters(policy.parameters),
    rules: selected,
    match: compilePolicyMatch(policy.match),
  };
}

interface ActiveException {
  exception: ComplianceException;
  applies: CompiledExceptionMatch;
}

class CompiledPolicySet implements PolicySet {
  readonly policies: readonly CompiledPolicy[];
  readonly exceptions: readonly ComplianceException[];
  readonly diagnostics: readonly Diagnostic[];
  readonly #active: readonly ActiveException[];
  /** Per policy: kind key → selected rules for that kind (custom any-kind rules included), by id. */
  readonly #byKind: Map<string, SelectedRule[]>[];

  constructor(
    policies: readonly CompiledPolicy[],
    active: readonly ActiveException[],
    diagnostics: readonly Diagnostic[],
  ) {
    this.policies = policies;
    this.#active = active;
    this.exceptions = active.map((a) => a.exception);
    this.diagnostics = diagnostics;
    this.#byKind = policies.map(() => new Map());
  }

  #rulesFor(index: number, kind: KindSelector): SelectedRule[] {
    const cache = this.#byKind[index]!;
    const key = kindKey(kind);
    let list = cache.get(key);
    if (list === undefined) {
      list = this.policies[index]!.rules.filter(
        (s) =>
          (s.custom && s.rule.kinds.length === 0) ||
          s.rule.kinds.some((k) => k.group === kind.group && k.kind === kind.kind),
      );
      cache.set(key, list);
    }
    return list;
  }

  matchingPolicies(target: PolicyTarget): { policy: CompiledPolicy; assumed: readonly MatchAssumption[] }[] {
    const out: { policy: CompiledPolicy; assumed: readonly MatchAssumption[] }[] = [];
    for (const policy of this.policies) {
      const m = policy.match(target);
      if (m.matches) out.push({ policy, assumed: m.assumed });
    }
    return out;
  }

  forTarget(target: PolicyTarget): EffectiveRule[] {
    const out: EffectiveRule[] = [];
    this.policies.forEach((compiled, index) => {
      const m = compiled.match(target);
      if (!m.matches) return;
      const name = compiled.policy.name;
      for (const s of this.#rulesFor(index, target.kind)) {
        const effective: EffectiveRule = {
          rule: s.rule,
          policy: name,
          mode: s.mode,
          params: compiled.params,
          custom: s.custom,
        };
        const ex = this.#active.find((a) => a.applies(name, s.rule.id, target));
        if (ex !== undefined) {
          effective.exemptedBy = {
            name: ex.exception.name,
            namespace: ex.exception.namespace,
            reason: ex.exception.reason,
          };
        }
        if (m.assumed.length > 0) effective.assumed = m.assumed;
        out.push(effective);
      }
    });
    return out;
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compiles policies and exceptions (already parsed: `parsePolicyResource`, `parseExceptionResource`)
 * against the built-in `rules`. Never throws; problems are in `diagnostics`:
 * - `policy/duplicate-policy` (error): a second policy with a name already seen (input order); ignored;
 * - `policy/duplicate-exception` (error): likewise for namespace/name;
 * - `policy/duplicate-rule` (error): two built-in rules with one id; the first is kept;
 * - `policy/exception-expired` (warning): ignored because `expires` <= `now`;
 * - custom rule compile errors (`policy/custom-rule-…`) and id collisions with built-ins: a custom
 *   rule that does not compile stays selected and fails every object it checks (fail closed).
 * Messages name the policy or exception (`CompliancePolicy team-a: …`).
 */
export function compilePolicySet(
  policies: readonly CompliancePolicy[],
  exceptions: readonly ComplianceException[],
  options: CompilePolicySetOptions,
): PolicySet {
  const diags: Diagnostic[] = [];
  const exceptionNamespace = options.exceptionNamespace ?? DEFAULT_EXCEPTION_NAMESPACE;

  const builtins: Rule[] = [];
  const builtinIds = new Set<string>();
  for (const r of options.rules) {
    if (builtinIds.has(r.id)) {
      diags.push(
        error('policy/duplicate-rule', '', `built-in rule ${r.id} is defined twice; the first is used`),
      );
      continue;
    }
    builtinIds.add(r.id);
    builtins.push(r);
  }
  builtins.sort((a, b) => compareNames(a.id, b.id));

  const seenPolicies = new Set<string>();
  const unique: CompliancePolicy[] = [];
  for (const p of policies) {
    if (seenPolicies.has(p.name)) {
      diags.push(
        error(
          'policy/duplicate-policy',
          'metadata.name',
          `CompliancePolicy ${p.name} is given twice; the first is used`,
        ),
      );
      continue;
    }
    seenPolicies.add(p.name);
    unique.push(p);
  }
  unique.sort((a, b) => compareNames(a.name, b.name));
  const compiled = unique.map((p) => compilePolicy(p, builtins, builtinIds, diags));

  const seenExceptions = new Set<string>();
  const active: ActiveException[] = [];
  for (const e of exceptions) {
    const key = `${e.namespace}/${e.name}`;
    if (seenExceptions.has(key)) {
      diags.push(
        error(
          'policy/duplicate-exception',
          'metadata.name',
          `ComplianceException ${key} is given twice; the first is used`,
        ),
      );
      continue;
    }
    seenExceptions.add(key);
    if (e.expires !== undefined && e.expires.getTime() <= options.now.getTime()) {
      diags.push(
        warning(
          'policy/exception-expired',
          'spec.expires',
          `ComplianceException ${key} expired at ${e.expires.toISOString()}; ignored`,
        ),
      );
      continue;
    }
    active.push({ exception: e, applies: compileExceptionMatch(e, exceptionNamespace) });
  }
  active.sort(
    (a, b) =>
      compareNames(a.exception.namespace, b.exception.namespace) ||
      compareNames(a.exception.name, b.exception.name),
  );
  return new CompiledPolicySet(compiled, active, sortDiagnostics(diags));
}
