/**
 * Built-in rules for ACK RDS `DBInstance` and `DBCluster` (compliance-catalogue §1.3, §2.3
 * RDS-001..013). An Aurora member instance (`dbClusterIdentifier` set) takes encryption, deletion
 * protection, backups, logs, tags-to-snapshots, IAM auth, port and credentials from its cluster:
 * those instance-level rules are `na` for it. Absent `publiclyAccessible` fails (RDS decides from
 * the subnet group, which may be public: scenario S17).
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkField, mustBeTrue, type FieldExpectation } from './field-check.ts';
import { RDS_DB_CLUSTER, RDS_DB_INSTANCE, scopedRule } from './kinds.ts';
import { auroraCluster, auroraMember } from './rds-aurora.ts';
import { checkCredentials, checkDefaults } from './rds-credentials.ts';
import { bounds, unlessExempt } from './tri-state.ts';

const BOTH = [RDS_DB_INSTANCE, RDS_DB_CLUSTER];

/** A single-field check that does not apply to Aurora member instances. */
function memberField(path: PathSegment[], expectation: FieldExpectation): (ctx: RuleContext) => RuleResult[] {
  return (ctx) => unlessExempt(auroraMember(ctx), [checkField(ctx.object, path, expectation)]);
}

/** RDS-006: `backupRetentionPeriod` at least `minBackupRetentionDays` (RDS default 1, 0 disables backups). */
function checkBackups(ctx: RuleContext): RuleResult[] {
  const min = ctx.params.minBackupRetentionDays;
  return memberField(['spec', 'backupRetentionPeriod'], {
    what: 'backupRetentionPeriod',
    expect: `must be at least ${min} days`,
    ok: (v) => typeof v === 'number' && v >= min,
    symbolic: (v) => {
      const b = bounds(v);
      if (b.minimum !== undefined && b.minimum >= min) return true;
      if (b.maximum !== undefined && b.maximum < min) return false;
      return 'unknown';
    },
    absent: {
      verdict: 1 >= min ? 'pass' : 'fail',
      reason: `backupRetentionPeriod is not set: RDS keeps backups 1 day (at least ${min} required)`,
    },
  })(ctx);
}

/** The RDS rules of compliance-catalogue §2.3. */
export const RDS_RULES: readonly Rule[] = [
  scopedRule(
    [RDS_DB_INSTANCE],
    {
      id: 'RDS-001',
      title: 'RDS DB instance storage is encrypted',
      severity: 'critical',
      controls: {
        fsbp: ['RDS.3'],
        config: ['rds-storage-encrypted'],
        cis: ['v5:2.2.1', 'v6:3.2.1', 'v7:3.2.1'],
        checkov: ['CKV_AWS_16'],
        trivy: ['AWS-0080'],
      },
      remediation:
        'Set spec.storageEncrypted: true (a literal), with spec.kmsKeyID/kmsKeyRef for a customer managed key.',
    },
    memberField(
      ['spec', 'storageEncrypted'],
      mustBeTrue(
        'storageEncrypted',
        'storageEncrypted is not set: RDS creates unencrypted storage by default',
      ),
    ),
  ),
  scopedRule(
    [RDS_DB_CLUSTER],
    {
      id: 'RDS-002',
      title: 'RDS DB cluster storage is encrypted',
      severity: 'critical',
      controls: {
        fsbp: ['RDS.27'],
        config: ['rds-cluster-encrypted-at-rest'],
        checkov: ['CKV_AWS_96', 'CKV_AWS_327'],
        trivy: ['AWS-0079'],
      },
      remediation:
        'Set spec.storageEncrypted: true on the DBCluster, with spec.kmsKeyID/kmsKeyRef for a customer managed key.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'storageEncrypted'],
        mustBeTrue(
          'storageEncrypted',
          'storageEncrypted is not set: the cluster storage is unencrypted by default',
        ),
      ),
    ],
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-003',
      title: 'RDS database is not publicly accessible',
      severity: 'critical',
      controls: {
        fsbp: ['RDS.2'],
        config: ['rds-instance-public-access-check'],
        cis: ['v5:2.2.3', 'v6:3.2.3', 'v7:3.2.3'],
        checkov: ['CKV_AWS_17'],
        trivy: ['AWS-0180'],
      },
      remediation:
        'Set spec.publiclyAccessible: false explicitly; when it is absent RDS decides from the subnet group, ' +
        'and public subnets make the database public.',
    },
    (ctx) =>
      unlessExempt(auroraCluster(ctx), [
        checkField(ctx.object, ['spec', 'publiclyAccessible'], {
          what: 'publiclyAccessible',
          expect: 'must be false',
          ok: (v) => v === false,
          absent: {
            verdict: 'fail',
            reason: 'publiclyAccessible is not set: the AWS default depends on the subnets and may be public',
          },
        }),
      ]),
  ),
  scopedRule(
    [RDS_DB_INSTANCE],
    {
      id: 'RDS-004',
      title: 'RDS DB instance has deletion protection',
      severity: 'medium',
      controls: {
        fsbp: ['RDS.8'],
        config: ['rds-instance-deletion-protection-enabled'],
        checkov: ['CKV_AWS_293'],
        trivy: ['AWS-0177'],
      },
      remediation:
        'Set spec.deletionProtection: true (per environment if non-production instances are exempt).',
    },
    memberField(
      ['spec', 'deletionProtection'],
      mustBeTrue('deletionProtection', 'deletionProtection is not set'),
    ),
  ),
  scopedRule(
    [RDS_DB_CLUSTER],
    {
      id: 'RDS-005',
      title: 'RDS DB cluster has deletion protection',
      severity: 'medium',
      controls: {
        fsbp: ['RDS.7'],
        config: ['rds-cluster-deletion-protection-enabled'],
        checkov: ['CKV_AWS_139'],
        trivy: ['AWS-0343'],
      },
      remediation: 'Set spec.deletionProtection: true on the DBCluster.',
    },
    (ctx) => [
      checkField(
        ctx.object,
        ['spec', 'deletionProtection'],
        mustBeTrue('deletionProtection', 'deletionProtection is not set'),
      ),
    ],
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-006',
      title: 'RDS automated backups are kept long enough',
      severity: 'medium',
      controls: {
        fsbp: ['RDS.11'],
        config: ['db-instance-backup-enabled'],
        checkov: ['CKV_AWS_133'],
        trivy: ['AWS-0077'],
      },
      remediation:
        'Set spec.backupRetentionPeriod to at least the policy minimum (minBackupRetentionDays, default 7).',
    },
    checkBackups,
  ),
  scopedRule(
    [RDS_DB_INSTANCE],
    {
      id: 'RDS-007',
      title: 'RDS DB instance is Multi-AZ',
      severity: 'low',
      optional: true,
      controls: {
        fsbp: ['RDS.5', 'RDS.15'],
        config: ['rds-multi-az-support'],
        cis: ['v5:2.2.4', 'v6:3.2.4', 'v7:3.2.4'],
        checkov: ['CKV_AWS_157'],
      },
      remediation: 'Set spec.multiAZ: true.',
    },
    memberField(['spec', 'multiAZ'], mustBeTrue('multiAZ', 'multiAZ is not set: single-AZ deployment')),
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-008',
      title: 'RDS IAM database authentication is enabled',
      severity: 'low',
      optional: true,
      controls: {
        fsbp: ['RDS.10', 'RDS.12'],
        config: ['rds-instance-iam-authentication-enabled'],
        checkov: ['CKV_AWS_161', 'CKV_AWS_162'],
        trivy: ['AWS-0176'],
      },
      remediation: 'Set spec.enableIAMDatabaseAuthentication: true.',
    },
    memberField(
      ['spec', 'enableIAMDatabaseAuthentication'],
      mustBeTrue('enableIAMDatabaseAuthentication', 'IAM database authentication is not enabled'),
    ),
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-009',
      title: 'RDS automatic minor version upgrade is on',
      severity: 'low',
      controls: {
        fsbp: ['RDS.13', 'RDS.35'],
        config: ['rds-automatic-minor-version-upgrade-enabled'],
        cis: ['v5:2.2.2', 'v6:3.2.2', 'v7:3.2.2'],
        checkov: ['CKV_AWS_226'],
      },
      remediation: 'Leave spec.autoMinorVersionUpgrade unset (default true) or set it to true.',
    },
    (ctx) => [
      checkField(ctx.object, ['spec', 'autoMinorVersionUpgrade'], {
        what: 'autoMinorVersionUpgrade',
        expect: 'must be true',
        ok: (v) => v === true,
        absent: { verdict: 'pass', reason: 'autoMinorVersionUpgrade is not set (RDS default: true)' },
      }),
    ],
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-010',
      title: 'RDS logs are exported to CloudWatch',
      severity: 'low',
      controls: {
        fsbp: ['RDS.9', 'RDS.36', 'RDS.37', 'RDS.40', 'RDS.42'],
        config: ['rds-logging-enabled'],
        checkov: ['CKV_AWS_129', 'CKV_AWS_324'],
      },
      remediation:
        'List the engine log types in spec.enableCloudwatchLogsExports (postgresql; audit, error, general, slowquery).',
    },
    memberField(['spec', 'enableCloudwatchLogsExports'], {
      what: 'enableCloudwatchLogsExports',
      expect: 'must list at least one log type',
      ok: (v) => Array.isArray(v) && v.length > 0,
      absent: { verdict: 'fail', reason: 'no log is exported to CloudWatch' },
    }),
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-011',
      title: 'RDS copies tags to snapshots',
      severity: 'low',
      controls: { fsbp: ['RDS.17', 'RDS.16'], checkov: ['CKV2_AWS_60', 'CKV_AWS_313'] },
      remediation: 'Set spec.copyTagsToSnapshot: true.',
    },
    memberField(
      ['spec', 'copyTagsToSnapshot'],
      mustBeTrue('copyTagsToSnapshot', 'copyTagsToSnapshot is not set'),
    ),
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-012',
      title: 'RDS master password comes from a Secret or is RDS-managed',
      severity: 'high',
      controls: { other: ['custom'] },
      remediation:
        'Set spec.manageMasterUserPassword: true, or spec.masterUserPassword to a Kubernetes Secret reference; ' +
        'never put a password in spec.tdeCredentialPassword (a plain string in the resource).',
    },
    checkCredentials,
  ),
  scopedRule(
    BOTH,
    {
      id: 'RDS-013',
      title: 'RDS uses a non-default port and admin name',
      severity: 'info',
      optional: true,
      controls: { fsbp: ['RDS.23', 'RDS.24', 'RDS.25'] },
      remediation:
        'Set spec.port to a non-default port and spec.masterUsername to a name other than admin or postgres.',
    },
    (ctx) => unlessExempt(auroraMember(ctx), checkDefaults(ctx)),
  ),
];
