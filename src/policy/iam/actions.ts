/**
 * Curated IAM action tables used by the permission rules, and action coverage of a statement.
 *
 * These are deliberately small, reviewed lists, not a copy of AWS's action catalogue. Each table
 * says where its entries come from; an action missing from a table is treated the strict way
 * (resource-scopable, no exemption).
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { Located, Statement } from './document.ts';
import { actionMatches, anyTri, globMatch, isWildcard, type SymText, type Tri } from './text.ts';

/**
 * Action patterns none of whose actions support resource-level permissions (IAM-004): AWS only
 * accepts `"Resource": "*"` for them, so `*` is not a finding.
 *
 * Source: AWS Service Authorization Reference ("Actions, resources, and condition keys for <service>"),
 * actions whose "Resource types" column is empty, restricted to well-known read/list/account-level
 * actions of the services ACK manages plus STS, CloudWatch and X-Ray. `ec2:Describe*`,
 * `autoscaling:Describe*` and `elasticloadbalancing:Describe*` are listed whole: the EC2 guide states
 * that Describe actions do not support resource-level permissions.
 */
export const NON_RESOURCE_ACTIONS: readonly string[] = Object.freeze([
  'sts:GetCallerIdentity',
  'sts:GetSessionToken',
  'sts:GetAccessKeyInfo',
  'sts:DecodeAuthorizationMessage',
  's3:ListAllMyBuckets',
  's3:GetAccountPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  's3:ListAccessPoints',
  's3:ListJobs',
  'ec2:Describe*',
  'autoscaling:Describe*',
  'elasticloadbalancing:Describe*',
  'iam:ListRoles',
  'iam:ListUsers',
  'iam:ListGroups',
  'iam:ListPolicies',
  'iam:ListAccountAliases',
  'iam:ListOpenIDConnectProviders',
  'iam:ListSAMLProviders',
  'iam:ListVirtualMFADevices',
  'iam:GetAccountSummary',
  'iam:GetAccountPasswordPolicy',
  'iam:GetAccountAuthorizationDetails',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'kms:CreateKey',
  'kms:ListKeys',
  'kms:ListAliases',
  'kms:GenerateRandom',
  'sqs:ListQueues',
  'sns:ListTopics',
  'sns:ListSubscriptions',
  'dynamodb:ListTables',
  'dynamodb:DescribeLimits',
  'dynamodb:DescribeEndpoints',
  'ecr:GetAuthorizationToken',
  'eks:ListClusters',
  'secretsmanager:ListSecrets',
  'secretsmanager:GetRandomPassword',
  'cloudwatch:PutMetricData',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'cloudwatch:ListMetrics',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'tag:GetResources',
  'tag:GetTagKeys',
  'tag:GetTagValues',
  'route53:ListHostedZones',
  'acm:ListCertificates',
  'ssm:DescribeParameters',
]);

const NON_RESOURCE_LOWER = NON_RESOURCE_ACTIONS.map((e) => e.toLowerCase());
/** Answers of {@link isNonResourceAction} by action text (bounded: cleared at 4096 entries). */
const nonResourceMemo = new Map<string, boolean>();

/**
 * Whether every action of the literal action pattern `action` is in {@link NON_RESOURCE_ACTIONS}:
 * an exact action matched by a table pattern (`ec2:DescribeInstances`), or a wildcard pattern equal
 * to or inside a table pattern (`ec2:Describe*`, `ec2:DescribeVpc*`). Case-insensitive.
 */
export function isNonResourceAction(action: string): boolean {
  let hit = nonResourceMemo.get(action);
  if (hit === undefined) {
    if (nonResourceMemo.size >= 4096) nonResourceMemo.clear();
    nonResourceMemo.set(action, (hit = isNonResourceActionUncached(action)));
  }
  return hit;
}

function isNonResourceActionUncached(action: string): boolean {
  const a = action.toLowerCase();
  return NON_RESOURCE_LOWER.some((e) => {
    if (!isWildcard(a)) return globMatch(e, a);
    if (a === e) return true;
    // A table prefix pattern `svc:Prefix*` contains every pattern that starts with `svc:Prefix`.
    return e.endsWith('*') && !isWildcard(e.slice(0, -1)) && a.startsWith(e.slice(0, -1));
  });
}

/**
 * Actions that, alone, let a principal raise its own privileges (IAM-008).
 *
 * Source: Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (S. Gietzen,
 * 2018), the catalogue behind checkov CKV_AWS_286/CKV_AWS_110 (via Cloudsplaining) and Prowler's
 * `iam_policy_allows_privilege_escalation`; plus the permissions-boundary removals described in the
 * same literature.
 */
export const PRIVILEGE_ESCALATION_ACTIONS: readonly string[] = Object.freeze([
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
  'iam:PutRolePermissionsBoundary',
  'iam:PutUserPermissionsBoundary',
  'lambda:UpdateFunctionCode',
  'glue:UpdateDevEndpoint',
]);

/**
 * Actions that escalate privileges together with an unconstrained `iam:PassRole` (IAM-008): the
 * principal creates a compute resource running as any role it can pass. `service` is the service
 * principal the role is passed to (what `iam:PassedToService` names). Same source as
 * {@link PRIVILEGE_ESCALATION_ACTIONS}.
 */
export const PASS_ROLE_PARTNERS: readonly { action: string; service: string }[] = Object.freeze([
  { action: 'ec2:RunInstances', service: 'ec2.amazonaws.com' },
  { action: 'lambda:CreateFunction', service: 'lambda.amazonaws.com' },
  { action: 'glue:CreateDevEndpoint', service: 'glue.amazonaws.com' },
  { action: 'cloudformation:CreateStack', service: 'cloudformation.amazonaws.com' },
  { action: 'datapipeline:CreatePipeline', service: 'datapipeline.amazonaws.com' },
]);

/**
 * Whether any of a statement's `Action` patterns covers `action`, with the first pattern that
 * certainly does (`witness`) or may (`'unknown'`).
 */
export function coversAction(
  actions: readonly Located<SymText>[],
  action: string,
): { covers: Tri; witness: Located<SymText> | undefined } {
  let maybe: Located<SymText> | undefined;
  for (const a of actions) {
    const m = actionMatches(a.value, action);
    if (m === true) return { covers: true, witness: a };
    if (m === 'unknown') maybe ??= a;
  }
  return { covers: maybe === undefined ? false : 'unknown', witness: maybe };
}

/** Three-valued "some pattern covers some of `candidates`". */
export function coversAnyAction(actions: readonly Located<SymText>[], candidates: readonly string[]): Tri {
  return anyTri(candidates.map((c) => coversAction(actions, c).covers));
}

/**
 * Whether the statement's `Action` (or, for a `NotAction` statement, everything but its list)
 * includes `action`. `path` points at the deciding `Action` entry, or at the `NotAction` element.
 * Statements are looked at alone: a `Deny` elsewhere in the document is not subtracted.
 */
export function statementCovers(
  stmt: Statement,
  action: string,
): { covers: Tri; path: PathSegment[] | undefined; value: SymText | undefined } {
  if (stmt.notAction.length > 0) {
    const excluded = coversAction(stmt.notAction, action).covers;
    const first = stmt.notAction[0]!;
    return {
      covers: excluded === 'unknown' ? 'unknown' : !excluded,
      path: [...stmt.path, 'NotAction'],
      value: first.value,
    };
  }
  const { covers, witness } = coversAction(stmt.action, action);
  return { covers, path: witness?.path, value: witness?.value };
}
