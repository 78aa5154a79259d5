/**
 * Built-in rules for ACK ElastiCache (compliance-catalogue §1.8, §2.5 EC-001..004):
 * `ReplicationGroup` carries the Redis OSS/Valkey settings; a `CacheCluster` has no at-rest field
 * (§6.6: `na`), and one that joins a replication group (`replicationGroupID`/`Ref`) takes its
 * settings from the group; `ServerlessCache`s are always encrypted at rest and in transit.
 */
import { valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { notApplicable, pass } from '../results.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { checkField, mustBeTrue } from './field-check.ts';
import {
  ELASTICACHE_CACHE_CLUSTER,
  ELASTICACHE_REPLICATION_GROUP,
  ELASTICACHE_SERVERLESS_CACHE,
  isKind,
  scopedRule,
} from './kinds.ts';
import {
  conclude,
  Findings,
  nonEmptyString,
  not,
  or,
  show,
  testValue,
  unlessExempt,
  type Exemption,
} from './tri-state.ts';

const RG = ELASTICACHE_REPLICATION_GROUP;
const CC = ELASTICACHE_CACHE_CLUSTER;
const SERVERLESS = ELASTICACHE_SERVERLESS_CACHE;

const present = (v: RenderedValue | undefined): boolean => v !== undefined && v !== null;

/** A CacheCluster that joins a replication group takes its settings from the group. */
function groupMember(ctx: RuleContext): Exemption {
  const id = valueAt(ctx.object, ['spec', 'replicationGroupID']);
  const ref = valueAt(ctx.object, ['spec', 'replicationGroupRef']);
  return {
    holds: isKind(ctx.resource, CC) ? or(nonEmptyString(id), present(ref)) : false,
    path: ['spec', 'replicationGroupID'],
    value: id,
    condition: 'the cache cluster joins a replication group, which decides',
    verdict: 'na',
  };
}

/** A Memcached cache cluster (no AUTH, no snapshots). */
function memcached(ctx: RuleContext): Exemption {
  const engine = valueAt(ctx.object, ['spec', 'engine']);
  return {
    holds: isKind(ctx.resource, CC) ? testValue(engine, (v) => v === 'memcached', false) : false,
    path: ['spec', 'engine'],
    value: engine,
    condition: 'the engine is Memcached',
    verdict: 'na',
  };
}

/** EC-003: AUTH token (a Secret reference) or RBAC user groups. */
function checkAuth(ctx: RuleContext): RuleResult[] {
  const token = valueAt(ctx.object, ['spec', 'authToken']);
  const groups = [
    valueAt(ctx.object, ['spec', 'userGroupIDs']),
    valueAt(ctx.object, ['spec', 'userGroupRefs']),
  ];
  const hasGroups = or(...groups.map((g) => testValue(g, (v) => Array.isArray(v) && v.length > 0, false)));
  const f = new Findings();
  f.record(
    not(or(present(token), isKind(ctx.resource, RG) ? hasGroups : false)),
    ['spec', 'authToken'],
    groups,
    'no AUTH: set authToken (a Secret reference) or userGroupIDs/userGroupRefs',
    `user groups ${groups.map(show).join(', ')} are not known yet`,
  );
  return f.conclude(['spec'], 'clients must authenticate (AUTH token or user groups)');
}

/** EC-004: automatic failover (groups), snapshots kept, and a non-default subnet group. */
function checkResilience(ctx: RuleContext): RuleResult[] {
  const results: RuleResult[] = [];
  if (isKind(ctx.resource, RG)) {
    results.push(
      checkField(
        ctx.object,
        ['spec', 'automaticFailoverEnabled'],
        mustBeTrue('automaticFailoverEnabled', 'automatic failover is not enabled'),
      ),
    );
  }
  const snapshots = checkField(ctx.object, ['spec', 'snapshotRetentionLimit'], {
    what: 'snapshotRetentionLimit',
    expect: 'must be greater than 0',
    ok: (v) => typeof v === 'number' && v > 0,
    absent: { verdict: 'fail', reason: 'snapshotRetentionLimit is not set: automatic backups are off' },
  });
  results.push(...unlessExempt(memcached(ctx), [snapshots]));
  const ref = valueAt(ctx.object, ['spec', 'cacheSubnetGroupRef']);
  if (!present(ref)) {
    results.push(
      checkField(ctx.object, ['spec', 'cacheSubnetGroupName'], {
        what: 'cacheSubnetGroupName',
        expect: 'must not be "default"',
        ok: (v) => v !== 'default',
        absent: { verdict: 'fail', reason: 'no cache subnet group: the default subnet group is used' },
      }),
    );
  }
  return conclude(results, ['spec'], 'failover, backups and a dedicated subnet group are configured');
}

const SERVERLESS_ENCRYPTED = (ctx: RuleContext): RuleResult[] | undefined =>
  isKind(ctx.resource, SERVERLESS) ? [pass(['spec'], 'serverless caches are always encrypted')] : undefined;

/** The ElastiCache rules of compliance-catalogue §2.5. */
export const ELASTICACHE_RULES: readonly Rule[] = [
  scopedRule(
    [RG, CC, SERVERLESS],
    {
      id: 'EC-001',
      title: 'ElastiCache data is encrypted at rest',
      severity: 'critical',
      controls: {
        fsbp: ['ElastiCache.4'],
        config: ['elasticache-repl-grp-encrypted-at-rest'],
        checkov: ['CKV_AWS_29'],
        trivy: ['AWS-0045'],
      },
      remediation:
        'Use a ReplicationGroup with spec.atRestEncryptionEnabled: true (optionally kmsKeyID/kmsKeyRef).',
    },
    (ctx) =>
      SERVERLESS_ENCRYPTED(ctx) ??
      (isKind(ctx.resource, CC)
        ? [
            notApplicable(
              ['spec'],
              'a CacheCluster has no at-rest encryption setting (use a ReplicationGroup)',
            ),
          ]
        : [
            checkField(
              ctx.object,
              ['spec', 'atRestEncryptionEnabled'],
              mustBeTrue(
                'atRestEncryptionEnabled',
                'atRestEncryptionEnabled is not set: data is unencrypted at rest',
              ),
            ),
          ]),
  ),
  scopedRule(
    [RG, CC, SERVERLESS],
    {
      id: 'EC-002',
      title: 'ElastiCache traffic is encrypted in transit',
      severity: 'high',
      controls: {
        fsbp: ['ElastiCache.5'],
        config: ['elasticache-repl-grp-encrypted-in-transit'],
        checkov: ['CKV_AWS_30'],
        trivy: ['AWS-0051'],
      },
      remediation: 'Set spec.transitEncryptionEnabled: true.',
    },
    (ctx) =>
      SERVERLESS_ENCRYPTED(ctx) ??
      unlessExempt(groupMember(ctx), [
        checkField(
          ctx.object,
          ['spec', 'transitEncryptionEnabled'],
          mustBeTrue(
            'transitEncryptionEnabled',
            'transitEncryptionEnabled is not set: traffic is unencrypted',
          ),
        ),
      ]),
  ),
  scopedRule(
    [RG, CC],
    {
      id: 'EC-003',
      title: 'ElastiCache requires authentication',
      severity: 'high',
      controls: { fsbp: ['ElastiCache.6'], checkov: ['CKV_AWS_31'] },
      remediation:
        'Set spec.authToken to a Secret reference, or attach RBAC user groups (userGroupIDs/userGroupRefs).',
    },
    (ctx) => unlessExempt(groupMember(ctx), unlessExempt(memcached(ctx), checkAuth(ctx))),
  ),
  scopedRule(
    [RG, CC],
    {
      id: 'EC-004',
      title: 'ElastiCache has failover, backups and a dedicated subnet group',
      severity: 'medium',
      controls: {
        fsbp: ['ElastiCache.3', 'ElastiCache.1', 'ElastiCache.7'],
        config: [
          'elasticache-repl-grp-auto-failover-enabled',
          'elasticache-redis-cluster-automatic-backup-check',
          'elasticache-subnet-group-check',
        ],
        checkov: ['CKV_AWS_134', 'CKV_AWS_323'],
        trivy: ['AWS-0050'],
      },
      remediation:
        'Set spec.automaticFailoverEnabled: true (replication groups), spec.snapshotRetentionLimit > 0 and a ' +
        'cacheSubnetGroupName/Ref other than "default".',
    },
    (ctx) => unlessExempt(groupMember(ctx), checkResilience(ctx)),
  ),
];
