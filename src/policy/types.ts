/**
 * The shapes of kro-guard's compliance rules and their results (compliance-catalogue §2, §6.1):
 * each rule looks at one rendered resource (with the rest of its graph for context) and returns
 * pass, fail, unknown, or not-applicable verdicts, each with a field path and a reason.
 */
import type { PathSegment } from '../diagnostics/diagnostic.ts';
import type { RenderedGraph, RenderedResource } from '../graph/render/types.ts';
import type { Provenance, RenderedObject } from '../graph/render/symbolic.ts';

/**
 * A rule's verdict on one object.
 * - `pass`: compliant for every value the object can take.
 * - `fail`: not compliant.
 * - `unknown`: depends on a value not known yet (`dependsOn` says which); at RGD admission this is
 *   "deferred to instance admission" when it depends on inputs only.
 * - `na`: the rule cannot apply to this object (an Aurora member for instance-level encryption, a
 *   control ACK cannot express such as S3 MFA delete).
 */
export type Verdict = 'pass' | 'fail' | 'unknown' | 'na';

/** How bad a failure is. Sorts critical first. */
export type RuleSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/**
 * Control identifiers a rule maps to (compliance-catalogue §2 tables): AWS Security Hub FSBP
 * (`S3.8`), AWS Config managed rules (`s3-bucket-level-public-access-prohibited`), CIS AWS
 * Foundations v5/v6/v7 (`5.0:2.1.4`), checkov (`CKV_AWS_53`), trivy (`AWS-0086`), Pod Security
 * Admission check ids (`runAsNonRoot`), and others (Control Tower `CT.S3.PR.1`, EKS best practices).
 */
export interface Controls {
  fsbp?: readonly string[];
  config?: readonly string[];
  cis?: readonly string[];
  checkov?: readonly string[];
  trivy?: readonly string[];
  pss?: readonly string[];
  other?: readonly string[];
}

/** A kind a rule applies to; `group` `''` is the core group. Versions are not matched. */
export interface KindSelector {
  group: string;
  kind: string;
}

/**
 * Parameters of the built-in rules, set by a policy (`spec.parameters`). Every field is optional;
 * {@link DEFAULT_RULE_PARAMETERS} gives the defaults.
 */
export interface RuleParameters {
  /** K8S-003: image registries/repository prefixes allowed (`123456789012.dkr.ecr.us-east-1.amazonaws.com/`). Empty: any registry. */
  allowedRegistries?: readonly string[];
  /** S3-001, SQS/SNS/DDB/ECR CMK rules: KMS key ARNs (or ARN prefixes) allowed as CMKs; empty: any key. */
  allowedKmsKeys?: readonly string[];
  /** S3-007, IAM-015, IRSA: AWS account ids allowed in principals and provider ARNs; empty: any. */
  allowedAccounts?: readonly string[];
  /** IAM-016: allowed OIDC provider hosts (`oidc.eks.us-west-2.amazonaws.com/id/ABC`); empty: any. */
  oidcProviders?: readonly string[];
  /** IAM-006: managed policy ARNs never to attach; default AdministratorAccess, PowerUserAccess, IAMFullAccess. */
  deniedManagedPolicies?: readonly string[];
  /** IAM-011: permissions boundary ARNs accepted; empty: any boundary. */
  permissionsBoundaries?: readonly string[];
  /** SG-003: ports allowed open to the world; default 80, 443. */
  worldOpenPorts?: readonly number[];
  /** RDS-006: minimum backup retention in days; default 7. */
  minBackupRetentionDays?: number;
  /** K8S-001: whether a CPU limit is required as well as a memory limit; default false. */
  requireCpuLimit?: boolean;
  /** EKS-004: supported Kubernetes versions; empty: any. */
  eksVersions?: readonly string[];
}

/** What a rule sees. */
export interface RuleContext {
  /** The resource being checked (its rendered object is `resource.object`). */
  resource: RenderedResource;
  /** `resource.object`, for brevity. */
  object: RenderedObject;
  /**
   * The whole graph the resource belongs to (graph rules: IRSA trust ↔ ServiceAccount, `kmsKeyRef`
   * → Key rotation). At child admission this is a graph of the one object.
   */
  graph: RenderedGraph;
  /** Parameters with defaults filled in. */
  params: Required<RuleParameters>;
}

/** One verdict of a rule on an object. */
export interface RuleResult {
  verdict: Verdict;
  /** Field path inside the object: `['spec','encryption','rules',0]`; `[]` for the object as a whole. */
  path: PathSegment[];
  /** Why: `sseAlgorithm is "AES256", not aws:kms or aws:kms:dsse`. One line, under 100 characters if possible. */
  reason: string;
  /** For `unknown`: the values it depends on. */
  dependsOn?: readonly Provenance[];
}

/**
 * A built-in compliance rule (compliance-catalogue §2). `check` is pure and must never throw for
 * any rendered object (bad shapes give `fail` or `unknown` with a reason); it returns `[]` when the
 * object is not in its scope, and may return several results (one per statement, container, rule).
 */
export interface Rule {
  /** `S3-003`, `IAM-016`, `PSS-runAsNonRoot`, `K8S-004`. Stable: policies and exceptions name it. */
  id: string;
  title: string;
  severity: RuleSeverity;
  controls: Controls;
  /** What to change, one or two sentences. */
  remediation: string;
  /** The kinds it applies to. */
  kinds: readonly KindSelector[];
  /** Off unless a policy enables it by id (versioning, logging, object lock...). */
  optional?: boolean;
  check(ctx: RuleContext): RuleResult[];
}

/** The defaults of {@link RuleParameters}. */
export const DEFAULT_RULE_PARAMETERS: Readonly<Required<RuleParameters>> = Object.freeze({
  allowedRegistries: [],
  allowedKmsKeys: [],
  allowedAccounts: [],
  oidcProviders: [],
  deniedManagedPolicies: [
    'arn:aws:iam::aws:policy/AdministratorAccess',
    'arn:aws:iam::aws:policy/PowerUserAccess',
    'arn:aws:iam::aws:policy/IAMFullAccess',
  ],
  permissionsBoundaries: [],
  worldOpenPorts: [80, 443],
  minBackupRetentionDays: 7,
  requireCpuLimit: false,
  eksVersions: [],
});
