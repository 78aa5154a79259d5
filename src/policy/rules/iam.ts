/**
 * The built-in IAM rules (compliance-catalogue §2.2 IAM-001 to IAM-018, §2.6 K8S-011, §3): checks
 * of ACK `iam.services.k8s.aws` Roles, Policies, Users, Groups and OpenIDConnectProviders, EKS
 * PodIdentityAssociation session policies, and ServiceAccounts bound to roles by IRSA.
 *
 * Documents: permission analyses run on `Role|User|Group.spec.inlinePolicies.*`,
 * `Policy.spec.policyDocument` and `PodIdentityAssociation.spec.policy`; trust analyses on
 * `Role.spec.assumeRolePolicyDocument`. The analyses themselves are in `src/policy/iam/`.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { KindSelector, Rule, RuleContext, RuleResult } from '../types.ts';
import {
  analyseInlinePolicies,
  analyseManagedPolicies,
  analyseOidcClientIds,
  analysePermissionsBoundary,
  analyseUserPolicies,
} from '../iam/attachments.ts';
import type { PolicyDocument } from '../iam/document.ts';
import { AUDIENCE_ANNOTATION, serviceAccountIdentity, serviceAccountsOfRole, textAt } from '../iam/graph.ts';
import { analyseIrsaGraph, analyseIrsaTrust } from '../iam/irsa.ts';
import {
  analyseFullAdmin,
  analyseGraphScope,
  analyseKmsDecrypt,
  analyseNegations,
  analysePassRole,
  analysePrivilegeEscalation,
  analyseResourceWildcard,
  analyseServiceWildcard,
  analyseWildcardAction,
} from '../iam/permissions.ts';
import { analysePodIdentityRole } from '../iam/pod-identity-graph.ts';
import { analysePublicPrincipal, analyseWholeAccountTrust } from '../iam/public.ts';
import { analyseServiceAccountRole } from '../iam/service-account.ts';
import { analyseSite, guardedCheck, permissionDocumentSites, site } from '../iam/sites.ts';

const IAM = 'iam.services.k8s.aws';
const ROLE: KindSelector = { group: IAM, kind: 'Role' };
const POLICY: KindSelector = { group: IAM, kind: 'Policy' };
const USER: KindSelector = { group: IAM, kind: 'User' };
const GROUP: KindSelector = { group: IAM, kind: 'Group' };
const OIDC_PROVIDER: KindSelector = { group: IAM, kind: 'OpenIDConnectProvider' };
const POD_IDENTITY: KindSelector = { group: 'eks.services.k8s.aws', kind: 'PodIdentityAssociation' };
const SERVICE_ACCOUNT: KindSelector = { group: '', kind: 'ServiceAccount' };

/** Kinds that carry permission policy documents. */
const PERMISSION_KINDS = [ROLE, POLICY, USER, GROUP, POD_IDENTITY] as const;
const TRUST_PATH: PathSegment[] = ['spec', 'assumeRolePolicyDocument'];

type RuleMeta = Omit<Rule, 'kinds' | 'check'>;

/** A rule running `analysis` on every permission document of Role, Policy, User, Group and PodIdentityAssociation. */
function permissionRule(
  meta: RuleMeta,
  analysis: (doc: PolicyDocument, base: PathSegment[], ctx: RuleContext) => RuleResult[],
): Rule {
  return {
    ...meta,
    kinds: PERMISSION_KINDS,
    check: (ctx) =>
      guardedCheck(ctx, PERMISSION_KINDS, () =>
        permissionDocumentSites(ctx.object, ctx.resource.gvk).flatMap((s) =>
          analyseSite(s, (doc, base) => analysis(doc, base, ctx)),
        ),
      ),
  };
}

/** A rule running `analysis` on a Role's trust policy. */
function trustRule(
  meta: RuleMeta,
  analysis: (doc: PolicyDocument, base: PathSegment[], ctx: RuleContext) => RuleResult[],
): Rule {
  return {
    ...meta,
    kinds: [ROLE],
    check: (ctx) =>
      guardedCheck(ctx, [ROLE], () =>
        analyseSite(site(ctx.object, TRUST_PATH), (doc, base) => analysis(doc, base, ctx)),
      ),
  };
}

/** IAM-016 on a Role: trust steps 1-4 and 6, and step 5 against the graph's ServiceAccounts. */
function checkIrsa(ctx: RuleContext): RuleResult[] {
  return analyseSite(site(ctx.object, TRUST_PATH), (doc, base) => {
    const accounts = serviceAccountsOfRole(ctx.graph, ctx.resource.id);
    const audience =
      accounts.length === 1
        ? textAt(accounts[0]!, ['metadata', 'annotations', AUDIENCE_ANNOTATION])
        : undefined;
    const results = analyseIrsaTrust(doc, base, {
      allowedAccounts: ctx.params.allowedAccounts,
      oidcProviders: ctx.params.oidcProviders,
      graph: ctx.graph,
      ...(audience === undefined ? {} : { audience }),
    });
    // A graph of this object alone (child admission) cannot show the ServiceAccount side.
    if (results.length === 0 || ctx.graph.resources.length <= 1) return results;
    const identities = accounts.map((sa) => ({ id: sa.id, ...serviceAccountIdentity(ctx.graph, sa) }));
    return [
      ...results,
      ...analyseIrsaGraph(doc, base, ctx.resource.id, identities, ctx.params.oidcProviders),
    ];
  });
}

/** The IAM rules, in catalogue order. */
export const IAM_RULES: readonly Rule[] = Object.freeze([
  permissionRule(
    {
      id: 'IAM-001',
      title: 'No full administrator access',
      severity: 'critical',
      controls: {
        fsbp: ['IAM.1'],
        config: ['iam-policy-no-statements-with-admin-access'],
        cis: ['5.0:1.15', '6.0:2.15', '7.0:2.14'],
        checkov: ['CKV_AWS_62', 'CKV_AWS_1'],
        other: ['CT.IAM.PR.1', 'CT.IAM.PR.2'],
      },
      remediation:
        'Replace "Action": "*" on "Resource": "*" with the actions and resources the workload needs.',
    },
    (doc, base) => analyseFullAdmin(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-002',
      title: 'No wildcard action',
      severity: 'high',
      controls: { checkov: ['CKV_AWS_63', 'CKV_AWS_49'], trivy: ['AWS-0057'] },
      remediation: 'List the actions the workload needs instead of "*".',
    },
    (doc, base) => analyseWildcardAction(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-003',
      title: 'No service-wide wildcard action',
      severity: 'high',
      controls: {
        fsbp: ['IAM.21'],
        config: ['iam-policy-no-statements-with-full-access'],
        trivy: ['AWS-0345'],
        other: ['CT.IAM.PR.3', 'CT.IAM.PR.5'],
      },
      remediation:
        'Replace "<service>:*" with the actions needed (prefix patterns such as "s3:Get*" are fine).',
    },
    (doc, base) => analyseServiceWildcard(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-004',
      title: 'No Resource "*" for resource-scopable actions',
      // high, so enforced by default: compliance-catalogue §5 S6 rejects kro's s3-controller for it.
      severity: 'high',
      controls: { checkov: ['CKV_AWS_355'] },
      remediation:
        'Scope Resource to ARNs, e.g. "${bucket.status.ackResourceMetadata.arn}/*" for a graph bucket.',
    },
    (doc, base) => analyseResourceWildcard(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-005',
      title: 'Resources scoped to the graph',
      severity: 'medium',
      controls: { other: ['NIST AC-6'] },
      remediation:
        'Use the status ARNs of the graph\'s resources ("${<id>.status.ackResourceMetadata.arn}") or literal ARNs.',
    },
    (doc, base, ctx) => analyseGraphScope(doc, base, ctx.graph),
  ),
  {
    id: 'IAM-006',
    title: 'No denied managed policy attached',
    severity: 'critical',
    controls: { cis: ['5.0:1.15', '6.0:2.15', '7.0:2.14'], checkov: ['CKV_AWS_274'] },
    remediation:
      'Attach narrowly scoped policies instead of AdministratorAccess, PowerUserAccess or IAMFullAccess.',
    kinds: [ROLE, USER, GROUP],
    check: (ctx) =>
      guardedCheck(ctx, [ROLE, USER, GROUP], () =>
        analyseManagedPolicies(ctx.object, ctx.params.deniedManagedPolicies, ctx.graph),
      ),
  },
  permissionRule(
    {
      id: 'IAM-007',
      title: 'iam:PassRole constrained',
      severity: 'high',
      controls: { checkov: ['CKV_AWS_286'], trivy: ['AWS-0342'] },
      remediation: 'Scope iam:PassRole to specific role ARNs or add an iam:PassedToService condition.',
    },
    (doc, base) => analysePassRole(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-008',
      title: 'No privilege-escalation actions',
      severity: 'high',
      controls: {
        checkov: [
          'CKV_AWS_286',
          'CKV_AWS_287',
          'CKV_AWS_288',
          'CKV_AWS_289',
          'CKV_AWS_290',
          'CKV_AWS_107',
          'CKV_AWS_108',
          'CKV_AWS_109',
          'CKV_AWS_110',
          'CKV_AWS_111',
        ],
      },
      remediation: 'Remove IAM write actions on unscoped resources, or scope them to specific ARNs.',
    },
    (doc, base) => analysePrivilegeEscalation(doc, base),
  ),
  permissionRule(
    {
      id: 'IAM-009',
      title: 'No decryption with every KMS key',
      severity: 'high',
      controls: {
        fsbp: ['KMS.1', 'KMS.2'],
        config: ['iam-customer-policy-blocked-kms-actions', 'iam-inline-policy-blocked-kms-actions'],
      },
      remediation:
        'Scope kms:Decrypt and kms:ReEncryptFrom to the key ARNs, e.g. "${key.status.ackResourceMetadata.arn}".',
    },
    (doc, base) => analyseKmsDecrypt(doc, base),
  ),
  {
    id: 'IAM-010',
    title: 'No IAM users with policies',
    severity: 'medium',
    controls: {
      fsbp: ['IAM.2'],
      config: ['iam-user-no-policies-check'],
      checkov: ['CKV_AWS_40', 'CKV_AWS_273'],
      trivy: ['AWS-0143'],
      other: ['CT.IAM.PR.4'],
    },
    remediation: 'Grant permissions to roles (IRSA or Pod Identity) instead of IAM users.',
    kinds: [USER],
    check: (ctx) => guardedCheck(ctx, [USER], () => analyseUserPolicies(ctx.object)),
  },
  {
    id: 'IAM-011',
    title: 'Permissions boundary present',
    severity: 'low',
    controls: { other: ['EKS Best Practices: permissions boundary on IRSA and Pod Identity roles'] },
    remediation: 'Set spec.permissionsBoundary to an approved boundary policy ARN.',
    kinds: [ROLE],
    optional: true,
    check: (ctx) =>
      guardedCheck(ctx, [ROLE], () =>
        analysePermissionsBoundary(ctx.object, ctx.params.permissionsBoundaries, ctx.graph),
      ),
  },
  {
    id: 'IAM-012',
    title: 'No inline policies',
    severity: 'low',
    controls: { config: ['iam-no-inline-policy-check'] },
    remediation: 'Move inline policies to Policy resources attached with spec.policies or spec.policyRefs.',
    kinds: [ROLE, USER, GROUP],
    optional: true,
    check: (ctx) => guardedCheck(ctx, [ROLE, USER, GROUP], () => analyseInlinePolicies(ctx.object)),
  },
  permissionRule(
    {
      id: 'IAM-013',
      title: 'No NotAction, NotResource or NotPrincipal with Allow',
      severity: 'high',
      controls: {},
      remediation: 'List what is allowed with Action, Resource and Principal instead of what is not.',
    },
    (doc, base) => analyseNegations(doc, base),
  ),
  trustRule(
    {
      id: 'IAM-014',
      title: 'Trust policy has no public principal',
      severity: 'critical',
      controls: { checkov: ['CKV_AWS_60'] },
      remediation: 'Name the principals allowed to assume the role instead of "*".',
    },
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
  trustRule(
    {
      id: 'IAM-015',
      title: 'Trust policy does not trust a whole account without conditions',
      severity: 'high',
      controls: { checkov: ['CKV_AWS_61'] },
      remediation:
        'Trust specific role ARNs, or add conditions (aws:PrincipalArn, sts:ExternalId) to account trust.',
    },
    (doc, base, ctx) => analyseWholeAccountTrust(doc, base, ctx.params.allowedAccounts),
  ),
  {
    id: 'IAM-016',
    title: 'IRSA trust scoped to one ServiceAccount',
    severity: 'high',
    controls: { other: ['EKS Best Practices: scope the IAM role trust policy for IRSA roles'] },
    remediation:
      'Use StringEquals with "<host>:sub": "system:serviceaccount:<ns>:<sa>" and "<host>:aud": "sts.amazonaws.com" for the Federated provider <host>.',
    kinds: [ROLE],
    check: (ctx) => guardedCheck(ctx, [ROLE], () => checkIrsa(ctx)),
  },
  {
    id: 'IAM-017',
    title: 'Pod Identity trust correct',
    severity: 'high',
    controls: { other: ['EKS user guide: Pod Identity role trust policy'] },
    remediation:
      'Trust only {"Service": "pods.eks.amazonaws.com"} with "sts:AssumeRole" and "sts:TagSession".',
    kinds: [ROLE],
    check: (ctx) =>
      guardedCheck(ctx, [ROLE], () =>
        analyseSite(site(ctx.object, TRUST_PATH), (doc, base) =>
          analysePodIdentityRole(doc, base, ctx.graph, ctx.resource.id),
        ),
      ),
  },
  {
    id: 'IAM-018',
    title: 'OIDC provider audience is sts.amazonaws.com',
    severity: 'medium',
    controls: {},
    remediation: 'Set spec.clientIDs to ["sts.amazonaws.com"].',
    kinds: [OIDC_PROVIDER],
    check: (ctx) => guardedCheck(ctx, [OIDC_PROVIDER], () => analyseOidcClientIds(ctx.object)),
  },
  {
    id: 'K8S-011',
    title: 'IRSA ServiceAccount matches its role trust',
    severity: 'high',
    controls: { other: ['EKS Best Practices: IRSA'] },
    remediation:
      'Annotate with "${<role>.status.ackResourceMetadata.arn}" of a graph Role whose trust sub names this ServiceAccount.',
    kinds: [SERVICE_ACCOUNT],
    check: (ctx) =>
      guardedCheck(ctx, [SERVICE_ACCOUNT], () =>
        analyseServiceAccountRole(ctx.graph, ctx.resource, ctx.params.oidcProviders),
      ),
  },
]);
