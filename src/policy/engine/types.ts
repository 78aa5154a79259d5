/**
 * The shapes of policy evaluation: which rules apply to an object (selected by the policies in force),
 * and the findings they produce at each of kro-guard's three decision points
 * (compliance-catalogue §5: R = RGD admission, I = instance admission, C = child admission).
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { Provenance } from '../../graph/render/symbolic.ts';
import type { Controls, KindSelector, Rule, RuleParameters, RuleSeverity, Verdict } from '../types.ts';

/**
 * What a policy does with a rule's failures: `Enforce` denies the request, `Warn` admits it with an
 * admission warning, `Audit` admits it silently (the finding is logged and reported by the CLI).
 */
export type PolicyMode = 'Enforce' | 'Warn' | 'Audit';

/** Who exempted a rule, and why (a `ComplianceException`). */
export interface Exemption {
  name: string;
  namespace?: string;
  reason: string;
}

/** One rule in force for an object: the rule, the mode and parameters of the policy that selects it. */
export interface EffectiveRule {
  rule: Rule;
  mode: PolicyMode;
  /** Name of the selecting policy (`kro-guard-default`). */
  policy: string;
  params: Required<RuleParameters>;
  /** Set when an exception exempts this object from this rule: failures are then reported, not enforced. */
  exemptedBy?: Exemption;
}

/**
 * What a policy matches on. `kind` is the checked resource's kind (a child's, or the instance kind
 * for rules on instances); the others are absent when not known (symbolic RGD admission has no
 * namespace or instance name).
 */
export interface RuleTarget {
  kind: KindSelector;
  rgdName?: string;
  namespace?: string;
  namespaceLabels?: Readonly<Record<string, string>>;
  instanceName?: string;
  /** The kind of the instance the object belongs to (a policy's `match.kinds` may name it). */
  instanceKind?: KindSelector;
  resourceId?: string;
}

/** The rules in force for a target. Pure; called once per rendered resource. */
export type RuleSelector = (target: RuleTarget) => readonly EffectiveRule[];

/** The decision point a graph is evaluated at (compliance-catalogue §5). */
export type DecisionPoint = 'rgd' | 'instance' | 'child';

/** One rule's verdict on one place of one resource. */
export interface Finding {
  ruleId: string;
  title: string;
  severity: RuleSeverity;
  controls: Controls;
  remediation: string;
  mode: PolicyMode;
  policy: string;
  resourceId: string;
  collectionIndex?: number | '*';
  verdict: Verdict;
  /** Path inside the resource's object. */
  path: PathSegment[];
  /**
   * Where to point the user, in kubectl notation: `resources[bucket].spec.acl` (instance),
   * `spec.resources[0].template.spec.acl` (RGD), `spec.acl` (child).
   */
  location: string;
  reason: string;
  /** For `unknown`: what it depends on. */
  dependsOn?: readonly Provenance[];
  /**
   * RGD admission only: the enumerated input values under which the rule fails when it passes under
   * others (`{"schema.spec.allowPublic": true}`), which makes the verdict `unknown` (deferred).
   */
  failsWhen?: Record<string, unknown>;
  exemptedBy?: Exemption;
}
