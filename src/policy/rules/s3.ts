/**
 * Built-in rules for ACK S3 `Bucket`s (compliance-catalogue §1.1 fields, §2.1 S3-001..005 and
 * S3-009..013; S3-006..008 analyse the bucket policy document and live with the resource-policy
 * rules). Control ids are the catalogue's.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { SymbolicString, isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { notApplicable } from '../results.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { listAt } from './elements.ts';
import { checkField, mustBeNonEmpty, mustBeTrue } from './field-check.ts';
import { S3_BUCKET, scopedRule } from './kinds.ts';
import { checkEncryptionDeclared, checkKmsEncryption } from './s3-encryption.ts';
import { Findings, conclude, not, show, testValue, type Tri } from './tri-state.ts';

const KINDS = [S3_BUCKET];
const BPA_FIELDS = [
  'blockPublicACLs',
  'blockPublicPolicy',
  'ignorePublicACLs',
  'restrictPublicBuckets',
] as const;
/** Canned ACLs that grant access to everyone or to every AWS account (FSBP S3.2/S3.3). */
export const PUBLIC_CANNED_ACLS: readonly string[] = [
  'public-read',
  'public-read-write',
  'authenticated-read',
];
/** The predefined grantee groups that make a grant public. */
const PUBLIC_GRANTEES = [
  'acs.amazonaws.com/groups/global/AllUsers',
  'acs.amazonaws.com/groups/global/AuthenticatedUsers',
];
const GRANT_FIELDS = [
  'grantFullControl',
  'grantRead',
  'grantReadACP',
  'grantWrite',
  'grantWriteACP',
] as const;

/** A rule on buckets. */
function bucketRule(rule: Omit<Rule, 'kinds' | 'check'>, check: (ctx: RuleContext) => RuleResult[]): Rule {
  return scopedRule(KINDS, rule, check);
}

/** Whether a grant string names a public grantee group; symbolic holes may hide one. */
function grantIsPublic(value: RenderedValue): Tri {
  const names = (text: string): boolean =>
    PUBLIC_GRANTEES.some((g) => text.toLowerCase().includes(g.toLowerCase()));
  if (value instanceof SymbolicString) {
    return value.parts.some((p) => typeof p === 'string' && names(p)) ? true : 'unknown';
  }
  return testValue(value, (v) => typeof v === 'string' && names(v), false);
}

/** S3-003: every Block Public Access setting of the bucket is true. */
function checkBlockPublicAccess(ctx: RuleContext): RuleResult[] {
  const base: PathSegment[] = ['spec', 'publicAccessBlock'];
  const block = valueAt(ctx.object, base);
  const f = new Findings();
  if (block === undefined || block === null) {
    f.fail(base, 'publicAccessBlock is not set: Block Public Access must be on at bucket level');
  } else if (isSymbolic(block)) {
    f.unknown(base, block, `publicAccessBlock is ${block}, not known yet`);
  } else {
    const results = BPA_FIELDS.map((name) =>
      checkField(
        ctx.object,
        [...base, name],
        mustBeTrue(`publicAccessBlock.${name}`, `publicAccessBlock.${name} is not set`),
      ),
    );
    return conclude(results, base, 'all four Block Public Access settings are true');
  }
  return f.results;
}

/** S3-004: no public canned ACL and no grant to AllUsers/AuthenticatedUsers. */
function checkPublicAcl(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  const aclPath = ['spec', 'acl'];
  const acl = valueAt(ctx.object, aclPath);
  f.record(
    testValue(acl, (v) => typeof v === 'string' && PUBLIC_CANNED_ACLS.includes(v), false),
    aclPath,
    acl,
    `acl is ${show(acl)}, a public canned ACL`,
    `acl is ${show(acl)}, not known yet (must not be ${PUBLIC_CANNED_ACLS.join(', ')})`,
  );
  for (const name of GRANT_FIELDS) {
    const path = ['spec', name];
    const grant = valueAt(ctx.object, path);
    if (grant === undefined || grant === null) continue;
    f.record(
      grantIsPublic(grant),
      path,
      grant,
      `${name} grants access to a public grantee group (AllUsers or AuthenticatedUsers)`,
      `${name} is ${show(grant)}, not known yet (must not name AllUsers or AuthenticatedUsers)`,
    );
  }
  return f.conclude(['spec'], 'no public canned ACL and no grant to a public grantee group');
}

/** S3-005: object ownership is BucketOwnerEnforced (ACLs disabled), from `objectOwnership` or `ownershipControls`. */
function checkAclsDisabled(ctx: RuleContext): RuleResult[] {
  const declared = [
    {
      path: ['spec', 'objectOwnership'] as PathSegment[],
      value: valueAt(ctx.object, ['spec', 'objectOwnership']),
    },
    ...listAt(ctx.object, ['spec', 'ownershipControls', 'rules']).map((e) => ({
      path: e.symbolic ? e.path : [...e.path, 'objectOwnership'],
      value: e.symbolic ? e.value : valueAt(e.value, ['objectOwnership']),
    })),
  ].filter((d) => d.value !== undefined && d.value !== null);
  const f = new Findings();
  if (declared.length === 0) {
    f.fail(['spec', 'objectOwnership'], 'object ownership is not set to BucketOwnerEnforced');
  }
  for (const d of declared) {
    f.record(
      testValue(d.value, (v) => v !== 'BucketOwnerEnforced', false),
      d.path,
      d.value,
      `object ownership is ${show(d.value)}, not BucketOwnerEnforced (ACLs stay enabled)`,
      `object ownership is ${show(d.value)}, not known yet (must be BucketOwnerEnforced)`,
    );
  }
  return f.conclude(
    declared[0]?.path ?? ['spec'],
    'object ownership is BucketOwnerEnforced: ACLs are disabled',
  );
}

/** S3-012: at least one lifecycle rule. */
function checkLifecycle(ctx: RuleContext): RuleResult[] {
  const path = ['spec', 'lifecycle', 'rules'];
  const rules = valueAt(ctx.object, path);
  const f = new Findings();
  const has = testValue(rules, (v) => Array.isArray(v) && v.length > 0, false);
  f.record(not(has), path, rules, 'no lifecycle rule', `lifecycle.rules is ${show(rules)}, not known yet`);
  return f.conclude(path, 'lifecycle rules are configured');
}

/** The S3 rules of compliance-catalogue §2.1 (S3-006..008 are with the resource-policy rules). */
export const S3_RULES: readonly Rule[] = [
  bucketRule(
    {
      id: 'S3-001',
      title: 'S3 default encryption uses SSE-KMS',
      severity: 'high',
      controls: {
        fsbp: ['S3.17'],
        config: ['s3-default-encryption-kms'],
        checkov: ['CKV_AWS_145'],
        trivy: ['AWS-0132'],
      },
      remediation:
        'Set spec.encryption.rules[].applyServerSideEncryptionByDefault.sseAlgorithm to aws:kms (or aws:kms:dsse) ' +
        'with kmsMasterKeyID set to a customer managed key, ideally ${key.status.ackResourceMetadata.arn} of a graph Key.',
    },
    checkKmsEncryption,
  ),
  bucketRule(
    {
      id: 'S3-002',
      title: 'S3 default encryption is declared',
      severity: 'info',
      optional: true,
      controls: {
        config: ['s3-bucket-server-side-encryption-enabled'],
        checkov: ['CKV_AWS_19'],
        trivy: ['AWS-0088'],
      },
      remediation:
        'Declare spec.encryption.rules[].applyServerSideEncryptionByDefault.sseAlgorithm (AES256, aws:kms or ' +
        'aws:kms:dsse). Informational: S3 encrypts new buckets with SSE-S3 by default (FSBP S3.4 is retired).',
    },
    checkEncryptionDeclared,
  ),
  bucketRule(
    {
      id: 'S3-003',
      title: 'S3 bucket-level Block Public Access is on',
      severity: 'critical',
      controls: {
        fsbp: ['S3.8'],
        config: ['s3-bucket-level-public-access-prohibited'],
        cis: ['v5:2.1.4', 'v6:3.1.4', 'v7:3.1.4'],
        checkov: ['CKV_AWS_53', 'CKV_AWS_54', 'CKV_AWS_55', 'CKV_AWS_56', 'CKV2_AWS_6'],
        trivy: ['AWS-0086', 'AWS-0087', 'AWS-0091', 'AWS-0093', 'AWS-0094'],
        other: ['CT.S3.PR.1'],
      },
      remediation:
        'Set spec.publicAccessBlock.blockPublicACLs, blockPublicPolicy, ignorePublicACLs and restrictPublicBuckets ' +
        'to true (literals, not values an instance can override).',
    },
    checkBlockPublicAccess,
  ),
  bucketRule(
    {
      id: 'S3-004',
      title: 'S3 bucket has no public ACL or grant',
      severity: 'critical',
      controls: {
        fsbp: ['S3.2', 'S3.3'],
        config: ['s3-bucket-public-read-prohibited', 's3-bucket-public-write-prohibited'],
        checkov: ['CKV_AWS_20', 'CKV_AWS_57'],
        trivy: ['AWS-0092'],
      },
      remediation:
        'Remove spec.acl values public-read, public-read-write and authenticated-read, and grants to ' +
        'http://acs.amazonaws.com/groups/global/AllUsers or AuthenticatedUsers.',
    },
    checkPublicAcl,
  ),
  bucketRule(
    {
      id: 'S3-005',
      title: 'S3 ACLs are disabled (BucketOwnerEnforced)',
      severity: 'medium',
      controls: { fsbp: ['S3.12'], config: ['s3-bucket-acl-prohibited'] },
      remediation:
        'Set spec.objectOwnership (or spec.ownershipControls.rules[].objectOwnership) to BucketOwnerEnforced.',
    },
    checkAclsDisabled,
  ),
  bucketRule(
    {
      id: 'S3-009',
      title: 'S3 versioning is enabled',
      severity: 'low',
      optional: true,
      controls: {
        fsbp: ['S3.14'],
        config: ['s3-bucket-versioning-enabled'],
        checkov: ['CKV_AWS_21'],
        trivy: ['AWS-0090'],
        other: ['CT.S3.PR.11'],
      },
      remediation: 'Set spec.versioning.status to Enabled.',
    },
    (ctx) => [
      checkField(ctx.object, ['spec', 'versioning', 'status'], {
        what: 'versioning.status',
        expect: 'must be "Enabled"',
        ok: (v) => v === 'Enabled',
        absent: { verdict: 'fail', reason: 'versioning is not enabled' },
      }),
    ],
  ),
  bucketRule(
    {
      id: 'S3-010',
      title: 'S3 server access logging is enabled',
      severity: 'low',
      optional: true,
      controls: {
        fsbp: ['S3.9'],
        config: ['s3-bucket-logging-enabled'],
        checkov: ['CKV_AWS_18'],
        trivy: ['AWS-0089'],
        other: ['CT.S3.PR.2'],
      },
      remediation:
        'Set spec.logging.loggingEnabled.targetBucket (ideally a logging bucket of the same graph) and targetPrefix.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'logging', 'loggingEnabled', 'targetBucket'],
        mustBeNonEmpty('logging.loggingEnabled.targetBucket', 'server access logging is not enabled'),
      ),
    ],
  ),
  bucketRule(
    {
      id: 'S3-011',
      title: 'S3 Object Lock is enabled',
      severity: 'low',
      optional: true,
      controls: {
        fsbp: ['S3.15'],
        config: ['s3-bucket-default-lock-enabled'],
        checkov: ['CKV_AWS_143'],
        other: ['CT.S3.PR.9'],
      },
      remediation: 'Set spec.objectLockEnabledForBucket to true (at creation) and a default retention.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'objectLockEnabledForBucket'],
        mustBeTrue('objectLockEnabledForBucket', 'Object Lock is not enabled'),
      ),
    ],
  ),
  bucketRule(
    {
      id: 'S3-012',
      title: 'S3 lifecycle rules are configured',
      severity: 'low',
      optional: true,
      controls: { fsbp: ['S3.13', 'S3.10'], checkov: ['CKV2_AWS_61', 'CKV_AWS_300'], other: ['CT.S3.PR.6'] },
      remediation:
        'Add spec.lifecycle.rules (expiration, noncurrent-version expiration, multipart-upload cleanup).',
    },
    checkLifecycle,
  ),
  bucketRule(
    {
      id: 'S3-013',
      title: 'S3 MFA delete is enabled',
      severity: 'low',
      controls: { fsbp: ['S3.20'], cis: ['v5:2.1.2', 'v6:3.1.2', 'v7:3.1.2'], trivy: ['AWS-0170'] },
      remediation:
        'ACK cannot set MFA delete (the Bucket CRD has no mfaDelete field): enable it out of band with the root ' +
        'account, or record an exception.',
    },
    () => [
      notApplicable(
        ['spec', 'versioning'],
        'ACK cannot express MFA delete (the Bucket CRD has no versioning.mfaDelete field)',
      ),
    ],
  ),
];
