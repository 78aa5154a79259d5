/**
 * A small catalogue of built-in-shaped rules for the selection tests: real `Rule` objects with the
 * ids, severities, kinds and `optional` flags of catalogue rules (compliance-catalogue §2), whose
 * checks read one field. The selection code only looks at id, severity, kinds and optional.
 */
import { expectOneOf } from '../../../../src/policy/results.ts';
import type { PathSegment } from '../../../../src/diagnostics/diagnostic.ts';
import type { KindSelector, Rule, RuleSeverity } from '../../../../src/policy/types.ts';

export const BUCKET: KindSelector = { group: 's3.services.k8s.aws', kind: 'Bucket' };
export const DB_INSTANCE: KindSelector = { group: 'rds.services.k8s.aws', kind: 'DBInstance' };
export const DEPLOYMENT: KindSelector = { group: 'apps', kind: 'Deployment' };

function rule(
  id: string,
  severity: RuleSeverity,
  kind: KindSelector,
  path: PathSegment[],
  allowed: (string | boolean)[],
  optional = false,
): Rule {
  return {
    id,
    title: `${id} test rule`,
    severity,
    controls: {},
    remediation: `set ${path.join('.')}`,
    kinds: [kind],
    ...(optional ? { optional } : {}),
    check: (ctx) => [expectOneOf(ctx.object, path, allowed, path.join('.'))],
  };
}

/** S3-003 critical, S3-005 high, S3-009 optional low, RDS-001 high, RDS-004 medium, K8S-004 low, PSS-runAsNonRoot high. */
export const TEST_RULES: readonly Rule[] = [
  rule('S3-003', 'critical', BUCKET, ['spec', 'publicAccessBlock', 'blockPublicACLs'], [true]),
  rule(
    'S3-005',
    'high',
    BUCKET,
    ['spec', 'ownershipControls', 'rules', 0, 'objectOwnership'],
    ['BucketOwnerEnforced'],
  ),
  rule('S3-009', 'low', BUCKET, ['spec', 'versioning', 'status'], ['Enabled'], true),
  rule('RDS-001', 'high', DB_INSTANCE, ['spec', 'storageEncrypted'], [true]),
  rule('RDS-004', 'medium', DB_INSTANCE, ['spec', 'deletionProtection'], [true]),
  rule('K8S-004', 'low', DEPLOYMENT, ['spec', 'template', 'spec', 'containers', 0, 'image'], ['app:1.0']),
  rule(
    'PSS-runAsNonRoot',
    'high',
    DEPLOYMENT,
    ['spec', 'template', 'spec', 'securityContext', 'runAsNonRoot'],
    [true],
  ),
];

/** The ids of {@link TEST_RULES}. */
export const TEST_RULE_IDS: ReadonlySet<string> = new Set(TEST_RULES.map((r) => r.id));
