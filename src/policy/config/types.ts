/**
 * kro-guard's configuration as Kubernetes resources (API group `kro-guard.io`, version `v1alpha1`):
 * `CompliancePolicy` (cluster-scoped) says which compliance rules apply where, in which mode and with
 * which parameters, and may add custom CEL rules; `ComplianceException` (namespaced) exempts matching
 * objects from named rules, with a reason and an optional expiry (compliance-catalogue §6.5:
 * per-environment profiles and exemptions, scenarios S4 and S15).
 *
 * These are the parsed, defaulted forms: every optional list is present (empty when not set) and
 * every default of the CRDs in manifests/crds/ is filled in. `parsePolicyResource` and
 * `parseExceptionResource` build them from untyped objects.
 */
import type { Controls, KindSelector, RuleParameters, RuleSeverity } from '../types.ts';

/** The API group of kro-guard's own resources. */
export const KRO_GUARD_GROUP = 'kro-guard.io';
/** The only served version. */
export const KRO_GUARD_VERSION = 'v1alpha1';
/** `apiVersion` of kro-guard's resources: `kro-guard.io/v1alpha1`. */
export const KRO_GUARD_API_VERSION = `${KRO_GUARD_GROUP}/${KRO_GUARD_VERSION}`;
/** Kind of a policy. */
export const POLICY_KIND = 'CompliancePolicy';
/** Kind of an exception. */
export const EXCEPTION_KIND = 'ComplianceException';

/**
 * Prefix every custom rule id must start with, so that it can never collide with a built-in rule id
 * (built-ins are `S3-003`, `IAM-016`, `PSS-runAsNonRoot`: the `CUSTOM` area is reserved).
 */
export const CUSTOM_RULE_PREFIX = 'CUSTOM-';

/**
 * The namespace whose ComplianceExceptions apply cluster-wide (to every namespace, to cluster-scoped
 * objects and to RGDs), as Kyverno's `--exceptionNamespace`: only kro-guard's administrators can
 * write there. Exceptions elsewhere apply in their own namespace only.
 */
export const DEFAULT_EXCEPTION_NAMESPACE = 'kro-guard';

/**
 * What happens to a failing rule.
 * - `Enforce`: the request is denied.
 * - `Warn`: admitted, the failure is returned as an admission warning (shown by kubectl).
 * - `Audit`: admitted silently; the failure is only logged and reported (CLI output, metrics).
 */
export type PolicyMode = 'Enforce' | 'Warn' | 'Audit';

/** The modes, strictest first. */
export const POLICY_MODES: readonly PolicyMode[] = ['Enforce', 'Warn', 'Audit'];

/** The severities of {@link RuleSeverity}, most severe first. */
export const RULE_SEVERITIES: readonly RuleSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

/**
 * A kind pattern of a policy or exception `match.kinds` entry: `group` and `kind` are globs (`*` any
 * run of characters, `?` one character); `group: ''` is the core group, `group: '*'` any group.
 */
export interface KindPattern {
  group: string;
  kind: string;
}

/** One `matchExpressions` entry of a Kubernetes label selector. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Non-empty for `In`/`NotIn`, empty for `Exists`/`DoesNotExist`. */
  values: string[];
}

/** A Kubernetes label selector (`metav1.LabelSelector`); empty matches everything. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

/**
 * Which objects a policy applies to (`spec.match`). Lists are alternatives (any entry matches); the
 * fields are all required (AND). An empty list does not restrict.
 */
export interface PolicyMatch {
  /** RGD names (globs). A target that belongs to no RGD never matches a non-empty list. */
  rgds: string[];
  /** Kinds of the checked object, or of the instance it belongs to (globs). */
  kinds: KindPattern[];
  /** Namespaces of the checked object / instance (globs). Cluster-scoped targets never match. */
  namespaces: string[];
  /**
   * Labels of the target's namespace. Only the webhook knows them (from its namespace informer);
   * offline, a policy with a selector is applied as if it matched, and its results say so
   * ({@link EffectiveRule.assumed}).
   */
  namespaceSelector?: LabelSelector;
  /** Namespaces excluded (globs); exclusion wins over every other field. */
  excludeNamespaces: string[];
}

/**
 * A mode override: rules whose id matches `id` (a glob; absent means every rule) and, when
 * `severities` is set, whose severity is one of them, get `mode`. The first matching override wins.
 */
export interface RuleOverride {
  id?: string;
  severities?: RuleSeverity[];
  mode: PolicyMode;
}

/**
 * Rule selection (`spec.rules`). Built-in rules are selected when they are not optional and match
 * `include`, or when they match `enable` (which is how optional rules are turned on); a rule that
 * matches `exclude` is never selected. Custom rules of the policy are always selected unless they
 * match `exclude`. All entries are rule id globs.
 */
export interface RuleSelection {
  /** Default `["*"]`: every non-optional built-in rule. */
  include: string[];
  exclude: string[];
  enable: string[];
  overrides: RuleOverride[];
}

/**
 * Mutations the mutating webhook may apply to objects the policy selects (`spec.mutations`). Off
 * unless `enabled` and the individual mutation are both true.
 */
export interface MutationSettings {
  enabled: boolean;
  /** S3-001: default encryption `aws:kms` on Buckets without encryption. */
  s3Encryption: boolean;
  /** S3-003: all four `publicAccessBlock` flags true on Buckets that leave them unset. */
  s3PublicAccessBlock: boolean;
  /** IAM-016/K8S-011: `sts.amazonaws.com` audience where an IRSA trust omits it. */
  irsaAudience: boolean;
  /** S3-005: `objectOwnership: BucketOwnerEnforced` on Buckets that leave it unset. */
  s3ObjectOwnership: boolean;
}

/** A custom rule as written in a policy (`spec.customRules[]`). */
export interface CustomRuleSpec {
  /** Starts with {@link CUSTOM_RULE_PREFIX}; unique in its policy. */
  id: string;
  title: string;
  severity: RuleSeverity;
  /** Exact kinds the rule checks; empty: every kind. */
  kinds: KindSelector[];
  /**
   * CEL, returning bool (true: compliant). Variables: `object`, `graph`, `params` (see
   * src/policy/custom/environment.ts).
   */
  expression: string;
  /** Reason given on failure; default: the title. */
  message?: string;
  controls: Controls;
  remediation: string;
}

/** A parsed `CompliancePolicy`. */
export interface CompliancePolicy {
  /** `metadata.name`. */
  name: string;
  /** Default `Enforce`. */
  mode: PolicyMode;
  match: PolicyMatch;
  rules: RuleSelection;
  /** The parameters set; the others take `DEFAULT_RULE_PARAMETERS`. */
  parameters: RuleParameters;
  mutations: MutationSettings;
  customRules: CustomRuleSpec[];
}

/** One `spec.exceptions[]` entry: which rules of which policies are exempted. */
export interface ExceptionEntry {
  /** Policy name glob (`*` for every policy). */
  policy: string;
  /** Rule id globs; never empty. */
  rules: string[];
}

/** Which objects an exception applies to (`spec.match`); the same AND/OR logic as {@link PolicyMatch}. */
export interface ExceptionMatch {
  rgds: string[];
  /** Instance name globs. */
  instances: { name: string }[];
  /** Resource ids (`spec.resources[].id` of the RGD), globs. */
  resources: string[];
  kinds: KindPattern[];
}

/** A parsed `ComplianceException`. */
export interface ComplianceException {
  name: string;
  namespace: string;
  /** Why the exception is granted (at least 10 characters). */
  reason: string;
  owner?: string;
  /** When the exception stops applying; absent: never. */
  expires?: Date;
  exceptions: ExceptionEntry[];
  match: ExceptionMatch;
}

/**
 * What a policy is matched against: one checked object. Attributes that are not known are left
 * undefined; policies then apply (more checks) and exceptions do not (fewer exemptions): fail closed.
 */
export interface PolicyTarget {
  /** The RGD the object belongs to; undefined for objects made outside kro. */
  rgdName?: string;
  /**
   * The object's (or its instance's) namespace; `''` for a cluster-scoped object; undefined when not
   * known (RGD admission: any namespace).
   */
  namespace?: string;
  /** Labels of `namespace`, when the caller knows them (the webhook's namespace informer). */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** The instance's name; undefined when not known (RGD admission) or when there is no instance. */
  instanceName?: string;
  /** The kind of the instance the object belongs to, for `match.kinds`. */
  instanceKind?: KindSelector;
  /** The object's `spec.resources[].id` in its RGD. */
  resourceId?: string;
  /** The checked object's kind. */
  kind: KindSelector;
}
