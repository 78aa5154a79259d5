import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compilePolicySet,
  parseExceptionResource,
  parsePolicyResource,
  type ComplianceException,
  type CompliancePolicy,
  type EffectiveRule,
  type PolicyTarget,
} from '../../../../src/policy/config/index.ts';
import type { RenderedGraph, RenderedResource } from '../../../../src/graph/render/types.ts';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { BUCKET, DB_INSTANCE, DEPLOYMENT, TEST_RULES, TEST_RULE_IDS } from './rules.ts';

const NOW = new Date('2026-03-01T00:00:00Z');

function policy(name: string, spec: Record<string, unknown>): CompliancePolicy {
  const r = parsePolicyResource(
    { apiVersion: 'kro-guard.io/v1alpha1', kind: 'CompliancePolicy', metadata: { name }, spec },
    { knownRuleIds: TEST_RULE_IDS },
  );
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return r.policy!;
}

function exception(namespace: string, name: string, spec: Record<string, unknown>): ComplianceException {
  const r = parseExceptionResource({
    apiVersion: 'kro-guard.io/v1alpha1',
    kind: 'ComplianceException',
    metadata: { name, namespace },
    spec: { reason: 'granted for the tests of exceptions', ...spec },
  });
  assert.ok(r.exception, JSON.stringify(r.diagnostics));
  return r.exception;
}

/** `policy:rule:mode` (plus `!exception` when exempted) for each effective rule. */
function summary(rules: readonly EffectiveRule[]): string[] {
  return rules.map(
    (r) =>
      `${r.policy}:${r.rule.id}:${r.mode}${r.exemptedBy ? `!${r.exemptedBy.namespace}/${r.exemptedBy.name}` : ''}`,
  );
}

const bucketIn = (namespace: string | undefined, extra: Partial<PolicyTarget> = {}): PolicyTarget => ({
  rgdName: 'webapp',
  ...(namespace !== undefined ? { namespace } : {}),
  instanceName: 'shop',
  resourceId: 'bucket',
  kind: BUCKET,
  ...extra,
});

describe('compilePolicySet: rule selection', () => {
  it('selects every non-optional rule of the kind by default, by rule id', () => {
    const set = compilePolicySet([policy('p', {})], [], { rules: TEST_RULES, now: NOW });
    assert.deepEqual(summary(set.forTarget(bucketIn('a'))), ['p:S3-003:Enforce', 'p:S3-005:Enforce']);
    assert.deepEqual(summary(set.forTarget({ ...bucketIn('a'), kind: DB_INSTANCE })), [
      'p:RDS-001:Enforce',
      'p:RDS-004:Enforce',
    ]);
    assert.deepEqual(set.forTarget({ ...bucketIn('a'), kind: { group: '', kind: 'ConfigMap' } }), []);
  });

  it('enable turns on optional rules; include never does; exclude wins over both', () => {
    const on = compilePolicySet([policy('p', { rules: { enable: ['S3-009'] } })], [], {
      rules: TEST_RULES,
      now: NOW,
    });
    assert.deepEqual(summary(on.forTarget(bucketIn('a'))), [
      'p:S3-003:Enforce',
      'p:S3-005:Enforce',
      'p:S3-009:Enforce',
    ]);
    const included = compilePolicySet([policy('p', { rules: { include: ['S3-009'] } })], [], {
      rules: TEST_RULES,
      now: NOW,
    });
    assert.deepEqual(summary(included.forTarget(bucketIn('a'))), []);
    const excluded = compilePolicySet(
      [policy('p', { rules: { include: ['S3-*'], enable: ['S3-*'], exclude: ['S3-00?'] } })],
      [],
      { rules: TEST_RULES, now: NOW },
    );
    assert.deepEqual(summary(excluded.forTarget(bucketIn('a'))), []);
  });

  it('include narrows the built-in rules; enable adds rules include leaves out', () => {
    const set = compilePolicySet([policy('p', { rules: { include: ['RDS-*'], enable: ['S3-003'] } })], [], {
      rules: TEST_RULES,
      now: NOW,
    });
    assert.deepEqual(summary(set.forTarget(bucketIn('a'))), ['p:S3-003:Enforce']);
    assert.deepEqual(summary(set.forTarget({ ...bucketIn('a'), kind: DB_INSTANCE })), [
      'p:RDS-001:Enforce',
      'p:RDS-004:Enforce',
    ]);
  });

  it('the first matching override sets the mode (id glob and severities), else the policy mode', () => {
    const set = compilePolicySet(
      [
        policy('p', {
          mode: 'Warn',
          rules: {
            overrides: [
              { id: 'RDS-*', severities: ['medium'], mode: 'Audit' },
              { severities: ['high', 'critical'], mode: 'Enforce' },
              { id: 'RDS-*', mode: 'Audit' },
            ],
          },
        }),
      ],
      [],
      { rules: TEST_RULES, now: NOW },
    );
    assert.deepEqual(summary(set.forTarget({ ...bucketIn('a'), kind: DB_INSTANCE })), [
      'p:RDS-001:Enforce',
      'p:RDS-004:Audit',
    ]);
    assert.deepEqual(summary(set.forTarget({ ...bucketIn('a'), kind: DEPLOYMENT })), [
      'p:K8S-004:Warn',
      'p:PSS-runAsNonRoot:Enforce',
    ]);
  });

  it('keeps one effective rule per (policy, rule), each with its own mode and parameters', () => {
    const set = compilePolicySet(
      [
        policy('strict', { parameters: { minBackupRetentionDays: 30 } }),
        policy('baseline', { mode: 'Audit', parameters: { worldOpenPorts: [443] } }),
      ],
      [],
      { rules: TEST_RULES, now: NOW },
    );
    const rules = set.forTarget({ ...bucketIn('a'), kind: DB_INSTANCE });
    assert.deepEqual(summary(rules), [
      'baseline:RDS-001:Audit',
      'baseline:RDS-004:Audit',
      'strict:RDS-001:Enforce',
      'strict:RDS-004:Enforce',
    ]);
    assert.deepEqual(rules[0]!.params.worldOpenPorts, [443]);
    assert.equal(rules[0]!.params.minBackupRetentionDays, 7);
    assert.equal(rules[2]!.params.minBackupRetentionDays, 30);
    assert.deepEqual(rules[2]!.params.worldOpenPorts, [80, 443]);
    assert.equal(rules[0]!.rule, rules[2]!.rule, 'the same built-in Rule object');
  });
});

describe('compilePolicySet: policy match', () => {
  const rules = { rules: TEST_RULES, now: NOW };
  const ids = (set: ReturnType<typeof compilePolicySet>, t: PolicyTarget): string[] => [
    ...new Set(set.forTarget(t).map((r) => r.policy)),
  ];

  it('matches RGD names by glob; a target outside any RGD does not match a non-empty list', () => {
    const set = compilePolicySet([policy('web', { match: { rgds: ['web*'] } })], [], rules);
    assert.deepEqual(ids(set, bucketIn('a')), ['web']);
    assert.deepEqual(ids(set, bucketIn('a', { rgdName: 'data' })), []);
    assert.deepEqual(ids(set, { namespace: 'a', kind: BUCKET }), []);
  });

  it('matches kinds of the object or of its instance, with group globs', () => {
    const set = compilePolicySet(
      [
        policy('s3', { match: { kinds: [{ group: '*.services.k8s.aws', kind: 'Bucket' }] } }),
        policy('webapps', { match: { kinds: [{ group: 'kro.run', kind: 'WebApp' }] } }),
      ],
      [],
      rules,
    );
    assert.deepEqual(ids(set, bucketIn('a')), ['s3']);
    assert.deepEqual(ids(set, bucketIn('a', { instanceKind: { group: 'kro.run', kind: 'WebApp' } })), [
      's3',
      'webapps',
    ]);
    assert.deepEqual(
      ids(set, bucketIn('a', { kind: DB_INSTANCE, instanceKind: { group: 'kro.run', kind: 'WebApp' } })),
      ['webapps'],
    );
  });

  it('matches namespaces, excludes excludeNamespaces; cluster-scoped targets match neither list', () => {
    const set = compilePolicySet(
      [
        policy('teams', { match: { namespaces: ['team-*'], excludeNamespaces: ['team-sandbox'] } }),
        policy('not-sandbox', { match: { excludeNamespaces: ['*-sandbox'] } }),
      ],
      [],
      rules,
    );
    assert.deepEqual(ids(set, bucketIn('team-a')), ['not-sandbox', 'teams']);
    assert.deepEqual(ids(set, bucketIn('team-sandbox')), []);
    assert.deepEqual(ids(set, bucketIn('prod')), ['not-sandbox']);
    assert.deepEqual(ids(set, bucketIn('')), ['not-sandbox']);
  });

  it('applies namespace conditions it cannot decide, and says so', () => {
    const set = compilePolicySet(
      [
        policy('teams', { match: { namespaces: ['team-*'] } }),
        policy('labelled', { match: { namespaceSelector: { matchLabels: { env: 'prod' } } } }),
        policy('all', {}),
      ],
      [],
      rules,
    );
    const unknownNs = set.forTarget(bucketIn(undefined));
    assert.deepEqual(
      [...new Set(unknownNs.map((r) => `${r.policy}:${(r.assumed ?? []).join(',')}`))],
      ['all:', 'labelled:namespaceSelector', 'teams:namespace'],
    );
    assert.equal(unknownNs.find((r) => r.policy === 'all')!.assumed, undefined);
    // Labels known: the selector decides.
    assert.deepEqual(ids(set, bucketIn('team-a', { namespaceLabels: { env: 'prod' } })), [
      'all',
      'labelled',
      'teams',
    ]);
    assert.deepEqual(ids(set, bucketIn('team-a', { namespaceLabels: { env: 'dev' } })), ['all', 'teams']);
    // Cluster-scoped: a namespace selector does not restrict.
    assert.deepEqual(ids(set, bucketIn('')), ['all', 'labelled']);
  });

  it('matchingPolicies lists the policies that select a target (for mutations)', () => {
    const set = compilePolicySet(
      [
        policy('m', { match: { namespaces: ['a'] }, mutations: { enabled: true, s3Encryption: true } }),
        policy('n', {}),
      ],
      [],
      rules,
    );
    assert.deepEqual(
      set
        .matchingPolicies(bucketIn('a'))
        .map((m) => [m.policy.policy.name, m.policy.policy.mutations.s3Encryption]),
      [
        ['m', true],
        ['n', false],
      ],
    );
    assert.deepEqual(
      set.matchingPolicies(bucketIn('b')).map((m) => m.policy.policy.name),
      ['n'],
    );
  });
});

describe('compilePolicySet: exceptions', () => {
  const p = policy('kro-guard-default', {});
  const options = { rules: TEST_RULES, now: NOW };

  it('a namespaced exception applies in its namespace only, never across namespaces', () => {
    const set = compilePolicySet(
      [p],
      [
        exception('team-a', 'public-preview', {
          exceptions: [{ policy: '*', rules: ['S3-003'] }],
          match: { rgds: ['webapp'] },
        }),
      ],
      options,
    );
    assert.deepEqual(summary(set.forTarget(bucketIn('team-a'))), [
      'kro-guard-default:S3-003:Enforce!team-a/public-preview',
      'kro-guard-default:S3-005:Enforce',
    ]);
    assert.equal(
      set.forTarget(bucketIn('team-a'))[0]!.exemptedBy!.reason,
      'granted for the tests of exceptions',
    );
    for (const ns of ['team-b', '', undefined]) {
      assert.deepEqual(summary(set.forTarget(bucketIn(ns))), [
        'kro-guard-default:S3-003:Enforce',
        'kro-guard-default:S3-005:Enforce',
      ]);
    }
  });

  it('an exception in kro-guard’s namespace applies cluster-wide, also to unknown namespaces and RGDs', () => {
    const ex = exception('kro-guard', 'legacy', {
      exceptions: [{ policy: 'kro-guard-*', rules: ['S3-*'] }],
      match: { rgds: ['webapp'] },
    });
    const set = compilePolicySet([p], [ex], options);
    for (const ns of ['team-b', '', undefined]) {
      assert.deepEqual(summary(set.forTarget(bucketIn(ns))), [
        'kro-guard-default:S3-003:Enforce!kro-guard/legacy',
        'kro-guard-default:S3-005:Enforce!kro-guard/legacy',
      ]);
    }
    const elsewhere = compilePolicySet([p], [ex], { ...options, exceptionNamespace: 'platform' });
    assert.deepEqual(summary(elsewhere.forTarget(bucketIn('team-b'))), [
      'kro-guard-default:S3-003:Enforce',
      'kro-guard-default:S3-005:Enforce',
    ]);
  });

  it('needs every match field to hold on a known attribute', () => {
    const ex = exception('kro-guard', 'dev-branch', {
      exceptions: [{ policy: '*', rules: ['*'] }],
      match: {
        instances: [{ name: 'dev-*' }],
        resources: ['devBucket'],
        kinds: [{ group: 's3.services.k8s.aws', kind: '*' }],
      },
    });
    const set = compilePolicySet([p], [ex], options);
    const exempted = (t: PolicyTarget): boolean => set.forTarget(t).every((r) => r.exemptedBy !== undefined);
    const dev = bucketIn('x', { instanceName: 'dev-1', resourceId: 'devBucket' });
    assert.equal(exempted(dev), true);
    assert.equal(exempted({ ...dev, instanceName: 'prod-1' }), false);
    assert.equal(exempted({ ...dev, resourceId: 'prodBucket' }), false);
    assert.equal(exempted({ ...dev, kind: DB_INSTANCE }), false);
    const { instanceName: _i, ...noInstance } = dev;
    assert.equal(exempted(noInstance), false, 'an unknown instance (RGD admission) is not exempted');
  });

  it('matches the policy name and the rule id globs of its entries', () => {
    const set = compilePolicySet(
      [p, policy('team', {})],
      [
        exception('team-a', 'e', {
          exceptions: [{ policy: 'team', rules: ['S3-005'] }],
          match: { rgds: ['*'] },
        }),
      ],
      options,
    );
    assert.deepEqual(summary(set.forTarget(bucketIn('team-a'))), [
      'kro-guard-default:S3-003:Enforce',
      'kro-guard-default:S3-005:Enforce',
      'team:S3-003:Enforce',
      'team:S3-005:Enforce!team-a/e',
    ]);
  });

  it('ignores expired exceptions with a warning; the first in (namespace, name) order is reported', () => {
    const expired = exception('team-a', 'a-expired', {
      expires: '2026-02-28T00:00:00Z',
      exceptions: [{ policy: '*', rules: ['*'] }],
      match: { rgds: ['webapp'] },
    });
    const later = exception('team-a', 'z-later', {
      exceptions: [{ policy: '*', rules: ['*'] }],
      match: { rgds: ['webapp'] },
    });
    const earlier = exception('team-a', 'b-earlier', {
      expires: '2026-03-02T00:00:00Z',
      exceptions: [{ policy: '*', rules: ['*'] }],
      match: { rgds: ['webapp'] },
    });
    const set = compilePolicySet([p], [later, expired, earlier], options);
    assert.deepEqual(
      set.diagnostics.map((d) => `${d.severity} ${d.code} ${d.message}`),
      [
        'warning policy/exception-expired ComplianceException team-a/a-expired expired at 2026-02-28T00:00:00.000Z; ignored',
      ],
    );
    assert.deepEqual(
      set.exceptions.map((e) => e.name),
      ['b-earlier', 'z-later'],
    );
    assert.deepEqual(
      set.forTarget(bucketIn('team-a')).map((r) => r.exemptedBy?.name),
      ['b-earlier', 'b-earlier'],
    );
    const afterwards = compilePolicySet([p], [later, expired, earlier], {
      ...options,
      now: new Date('2026-04-01T00:00:00Z'),
    });
    assert.deepEqual(
      afterwards.forTarget(bucketIn('team-a')).map((r) => r.exemptedBy?.name),
      ['z-later', 'z-later'],
    );
  });
});

describe('compilePolicySet: custom rules and problems', () => {
  it('selects custom rules unless excluded, of any kind when they name none; overrides apply to them', () => {
    const set = compilePolicySet(
      [
        policy('p', {
          rules: {
            include: ['RDS-*'],
            exclude: ['CUSTOM-off'],
            overrides: [{ id: 'CUSTOM-*', mode: 'Warn' }],
          },
          customRules: [
            { id: 'CUSTOM-any', title: 'any kind', severity: 'low', expression: 'true' },
            { id: 'CUSTOM-off', title: 'excluded', severity: 'low', expression: 'true' },
            {
              id: 'CUSTOM-buckets',
              title: 'buckets only',
              severity: 'high',
              kinds: [{ group: 's3.services.k8s.aws', kind: 'Bucket' }],
              expression: 'true',
            },
          ],
        }),
      ],
      [],
      { rules: TEST_RULES, now: NOW },
    );
    const bucket = set.forTarget(bucketIn('a'));
    assert.deepEqual(summary(bucket), ['p:CUSTOM-any:Warn', 'p:CUSTOM-buckets:Warn']);
    assert.ok(bucket.every((r) => r.custom));
    assert.deepEqual(summary(set.forTarget(bucketIn('a', { kind: DB_INSTANCE }))), [
      'p:CUSTOM-any:Warn',
      'p:RDS-001:Enforce',
      'p:RDS-004:Enforce',
    ]);
  });

  it('a custom rule that does not compile is reported and fails closed', () => {
    const broken: CompliancePolicy = {
      ...policy('p', {}),
      customRules: [
        {
          id: 'CUSTOM-broken',
          title: 'broken',
          severity: 'high',
          kinds: [],
          expression: 'object.spec.x ==',
          controls: {},
          remediation: '',
        },
      ],
    };
    const set = compilePolicySet([broken], [], { rules: TEST_RULES, now: NOW });
    assert.deepEqual(
      set.diagnostics.map((d) => `${d.code} ${d.path}`),
      ['policy/custom-rule-syntax spec.customRules[0].expression'],
    );
    assert.match(set.diagnostics[0]!.message, /^CompliancePolicy p: CUSTOM-broken: ERROR: <input>:1:17/);
    const effective = set.forTarget({ kind: { group: '', kind: 'ConfigMap' } });
    assert.deepEqual(summary(effective), ['p:CUSTOM-broken:Enforce']);
    const object: RenderedObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const resource: RenderedResource = {
      id: 'cm',
      resourceIndex: 0,
      included: true,
      object,
      external: false,
      gvk: { group: '', version: 'v1', kind: 'ConfigMap' },
      namespaced: true,
      templatePath: ['spec', 'resources', 0, 'template'],
    };
    const graph: RenderedGraph = {
      mode: 'instance',
      instance: { name: 'i', namespace: 'a' },
      resources: [resource],
      excluded: [],
      assignment: {},
      diagnostics: [],
    };
    const results = effective[0]!.rule.check({ resource, object, graph, params: effective[0]!.params });
    assert.equal(results.length, 1);
    assert.equal(results[0]!.verdict, 'fail');
    assert.match(results[0]!.reason, /^custom rule does not compile: ERROR: <input>:1:17/);
  });

  it('reports duplicate policies, exceptions and built-in ids, keeping the first', () => {
    const ex = exception('a', 'e', { exceptions: [{ policy: '*', rules: ['*'] }], match: { rgds: ['x'] } });
    const set = compilePolicySet([policy('p', { mode: 'Warn' }), policy('p', {})], [ex, ex], {
      rules: [...TEST_RULES, TEST_RULES[0]!],
      now: NOW,
    });
    assert.deepEqual(set.diagnostics.map((d) => d.code).sort(), [
      'policy/duplicate-exception',
      'policy/duplicate-policy',
      'policy/duplicate-rule',
    ]);
    assert.equal(set.policies.length, 1);
    assert.equal(set.policies[0]!.policy.mode, 'Warn');
    assert.equal(set.exceptions.length, 1);
    assert.deepEqual(summary(set.forTarget(bucketIn('a'))), ['p:S3-003:Warn', 'p:S3-005:Warn']);
  });

  it('no policy selects no rule', () => {
    assert.deepEqual(compilePolicySet([], [], { rules: TEST_RULES, now: NOW }).forTarget(bucketIn('a')), []);
  });
});

describe('compilePolicySet: per-environment profiles (compliance-catalogue S15)', () => {
  // RDS deletion protection (RDS-004) is enforced in production namespaces and only audited in dev;
  // storage encryption (RDS-001) is enforced everywhere.
  const set = compilePolicySet(
    [
      policy('prod', { match: { namespaces: ['prod-*'] } }),
      policy('dev', {
        match: { namespaces: ['dev-*'] },
        rules: { overrides: [{ id: 'RDS-004', mode: 'Audit' }] },
      }),
    ],
    [],
    { rules: TEST_RULES, now: NOW },
  );
  const object: RenderedObject = {
    apiVersion: 'rds.services.k8s.aws/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: 'db' },
    spec: { storageEncrypted: true, deletionProtection: false },
  };
  const resource: RenderedResource = {
    id: 'db',
    resourceIndex: 0,
    included: true,
    object,
    external: false,
    gvk: { group: 'rds.services.k8s.aws', version: 'v1alpha1', kind: 'DBInstance' },
    namespaced: true,
    templatePath: ['spec', 'resources', 0, 'template'],
  };
  const run = (namespace: string): string[] => {
    const graph: RenderedGraph = {
      mode: 'instance',
      instance: { name: 'orders', namespace },
      resources: [resource],
      excluded: [],
      assignment: {},
      diagnostics: [],
    };
    return set
      .forTarget({
        rgdName: 'database',
        namespace,
        instanceName: 'orders',
        resourceId: 'db',
        kind: DB_INSTANCE,
      })
      .map(
        (e) =>
          `${e.policy}:${e.rule.id}:${e.mode}:${e.rule.check({ resource, object, graph, params: e.params })[0]!.verdict}`,
      );
  };

  it('enforces deletion protection in prod', () => {
    assert.deepEqual(run('prod-eu'), ['prod:RDS-001:Enforce:pass', 'prod:RDS-004:Enforce:fail']);
  });

  it('only audits it in dev', () => {
    assert.deepEqual(run('dev-eu'), ['dev:RDS-001:Enforce:pass', 'dev:RDS-004:Audit:fail']);
  });
});
