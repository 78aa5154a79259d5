/**
 * The built-in resource-policy rules (compliance-catalogue §2.1 S3-006 to S3-008, §2.2 IAM-019,
 * §2.4 SQS-002, SNS-002, KMS-002, ECR-005): who the policy document attached to an S3 bucket, SQS
 * queue, SNS topic, KMS key, ECR repository or DynamoDB table lets in.
 *
 * An unparseable document FAILS with the parse reason; an unknown one is `unknown`; a missing one
 * grants nothing (except for S3-008, which needs a policy).
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { fail } from '../results.ts';
import type { KindSelector, Rule, RuleContext, RuleResult } from '../types.ts';
import type { PolicyDocument } from '../iam/document.ts';
import { isEveryAction, isServiceWide } from '../iam/permissions.ts';
import { analyseAllowedAccounts, analysePublicPrincipal } from '../iam/public.ts';
import { analyseSite, guardedCheck, site } from '../iam/sites.ts';
import { effectIs, finding, passWhenClean, unknownStatementFindings, within } from '../iam/statements.ts';
import { allTri, anyTri, quoteText, splitText, symEquals } from '../iam/text.ts';
import { analyseTlsRequired } from '../iam/tls.ts';

const BUCKET: KindSelector = { group: 's3.services.k8s.aws', kind: 'Bucket' };
const QUEUE: KindSelector = { group: 'sqs.services.k8s.aws', kind: 'Queue' };
const TOPIC: KindSelector = { group: 'sns.services.k8s.aws', kind: 'Topic' };
const KEY: KindSelector = { group: 'kms.services.k8s.aws', kind: 'Key' };
const REPOSITORY: KindSelector = { group: 'ecr.services.k8s.aws', kind: 'Repository' };
const TABLE: KindSelector = { group: 'dynamodb.services.k8s.aws', kind: 'Table' };

type Analysis = (doc: PolicyDocument, base: PathSegment[], ctx: RuleContext) => RuleResult[];

/** A rule running `analysis` on the policy document at `path` of `kind`; `absent` when there is none. */
function policyRule(
  meta: Omit<Rule, 'kinds' | 'check'>,
  kind: KindSelector,
  path: PathSegment[],
  analysis: Analysis,
  absent?: (ctx: RuleContext) => RuleResult[],
): Rule {
  return {
    ...meta,
    kinds: [kind],
    check: (ctx) =>
      guardedCheck(ctx, [kind], () =>
        analyseSite(
          site(ctx.object, path),
          (doc, base) => analysis(doc, base, ctx),
          absent === undefined ? undefined : () => absent(ctx),
        ),
      ),
  };
}

/**
 * SQS-002's second half (checkov CKV_AWS_72): no `Allow` of every SQS action (`sqs:*` or `*`),
 * whoever the principal.
 */
function analyseQueueWildcardActions(doc: PolicyDocument, base: PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow every SQS action');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    for (const a of stmt.action) {
      const service = splitText(a.value, ':')[0]!;
      const every = anyTri([
        isEveryAction(a.value),
        allTri([isServiceWide(a.value), symEquals(service, 'sqs', true)]),
      ]);
      const reason = `Action ${quoteText(a.value)} allows every SQS action`;
      results.push(
        ...finding(allTri([allow, every]), within(base, a.path), reason, [stmt.effect.value, a.value]),
      );
    }
  }
  return passWhenClean(results, base, 'no statement allows every SQS action');
}

/** The resource-policy rules, in catalogue order. */
export const RESOURCE_POLICY_RULES: readonly Rule[] = Object.freeze([
  policyRule(
    {
      id: 'S3-006',
      title: 'Bucket policy not public',
      severity: 'critical',
      controls: {
        fsbp: ['S3.2', 'S3.3'],
        config: ['s3-bucket-public-read-prohibited', 's3-bucket-public-write-prohibited'],
        cis: ['7.0:2.21'],
        checkov: ['CKV_AWS_70'],
      },
      remediation:
        'Name the principals instead of "*", or restrict with a fixed aws:SourceArn/SourceVpce/PrincipalOrgID condition.',
    },
    BUCKET,
    ['spec', 'policy'],
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
  policyRule(
    {
      id: 'S3-007',
      title: 'Bucket policy grants only to allowed accounts',
      severity: 'high',
      controls: { fsbp: ['S3.6'] },
      remediation: 'Grant only to principals of the accounts listed in allowedAccounts.',
    },
    BUCKET,
    ['spec', 'policy'],
    (doc, base, ctx) => analyseAllowedAccounts(doc, base, ctx.params.allowedAccounts),
  ),
  policyRule(
    {
      id: 'S3-008',
      title: 'Bucket policy requires TLS',
      severity: 'medium',
      controls: {
        fsbp: ['S3.5'],
        config: ['s3-bucket-ssl-requests-only'],
        cis: ['5.0:2.1.1', '6.0:3.1.1', '7.0:3.1.1'],
        checkov: ['CKV_AWS_379'],
        other: ['CT.S3.PR.8'],
      },
      remediation:
        'Add a Deny of "s3:*" for Principal "*" with "Condition": {"Bool": {"aws:SecureTransport": "false"}}.',
    },
    BUCKET,
    ['spec', 'policy'],
    (doc, base) => analyseTlsRequired(doc, base),
    () => [fail(['spec', 'policy'], 'no bucket policy, so requests without TLS are not denied')],
  ),
  policyRule(
    {
      id: 'SQS-002',
      title: 'Queue policy not public and without sqs:*',
      severity: 'critical',
      controls: {
        fsbp: ['SQS.3'],
        config: ['sqs-queue-no-public-access'],
        cis: ['7.0:2.21'],
        checkov: ['CKV_AWS_168', 'CKV_AWS_387', 'CKV_AWS_72'],
        trivy: ['AWS-0097'],
      },
      remediation:
        'Name the principals and the SQS actions they need; restrict "*" with a fixed aws:SourceArn condition.',
    },
    QUEUE,
    ['spec', 'policy'],
    (doc, base) => {
      const findings = [...analysePublicPrincipal(doc, base), ...analyseQueueWildcardActions(doc, base)];
      const problems = findings.filter((r) => r.verdict !== 'pass');
      return problems.length > 0 ? problems : findings.slice(0, 1);
    },
  ),
  policyRule(
    {
      id: 'SNS-002',
      title: 'Topic policy not public',
      severity: 'high',
      controls: {
        fsbp: ['SNS.4'],
        config: ['sns-topic-no-public-access'],
        cis: ['7.0:2.21'],
        checkov: ['CKV_AWS_169', 'CKV_AWS_385'],
      },
      remediation:
        'Name the principals instead of "*", or restrict with a fixed aws:SourceArn or aws:SourceAccount condition.',
    },
    TOPIC,
    ['spec', 'policy'],
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
  policyRule(
    {
      id: 'KMS-002',
      title: 'Key policy not public',
      severity: 'critical',
      controls: { fsbp: ['KMS.5'], checkov: ['CKV_AWS_33'] },
      remediation:
        'Name the principals instead of "*", or restrict with a fixed kms:CallerAccount or aws:PrincipalOrgID condition.',
    },
    KEY,
    ['spec', 'policy'],
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
  policyRule(
    {
      id: 'ECR-005',
      title: 'Repository policy not public',
      severity: 'high',
      controls: { checkov: ['CKV_AWS_32'], trivy: ['AWS-0032'] },
      remediation: 'Name the accounts or roles allowed to pull instead of "*".',
    },
    REPOSITORY,
    ['spec', 'policy'],
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
  policyRule(
    {
      id: 'IAM-019',
      title: 'DynamoDB table resource policy not public',
      severity: 'high',
      controls: {},
      remediation:
        'Name the principals instead of "*", or restrict with a fixed aws:PrincipalOrgID or aws:SourceArn condition.',
    },
    TABLE,
    ['spec', 'resourcePolicy'],
    (doc, base) => analysePublicPrincipal(doc, base),
  ),
]);
