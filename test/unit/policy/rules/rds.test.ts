import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { RDS_RULES } from '../../../../src/policy/rules/rds.ts';
import {
  ackCrd,
  assertFieldsInCrd,
  corpusTemplate,
  dependsOnKinds,
  resource,
  ruleById,
  run,
  symbolize,
  unknown,
  verdictOf,
} from './helpers.ts';

const rule = (id: string) => ruleById(RDS_RULES, id);
const INSTANCE_CRD = ackCrd('rds', 'dbinstances');
const CLUSTER_CRD = ackCrd('rds', 'dbclusters');

function dbInstance(spec: Record<string, unknown>): RenderedObject {
  return symbolize({
    apiVersion: 'rds.services.k8s.aws/v1alpha1',
    kind: 'DBInstance',
    metadata: { name: '${schema.spec.name}-db' },
    spec: {
      dbInstanceIdentifier: '${schema.spec.name}-db',
      dbInstanceClass: 'db.t4g.micro',
      engine: 'postgres',
      ...spec,
    },
  }) as RenderedObject;
}

function dbCluster(spec: Record<string, unknown>): RenderedObject {
  return symbolize({
    apiVersion: 'rds.services.k8s.aws/v1alpha1',
    kind: 'DBCluster',
    metadata: { name: '${schema.spec.name}-cluster' },
    spec: { dbClusterIdentifier: '${schema.spec.name}-cluster', engine: 'aurora-postgresql', ...spec },
  }) as RenderedObject;
}

/** Scenario S15 with the CEL toggles replaced by `encrypted` and `deletionProtection` values. */
function s15(encrypted: unknown, deletionProtection: unknown): RenderedObject {
  const o = dbInstance({
    publiclyAccessible: false,
    masterUsername: 'appadmin',
    masterUserPassword: { name: '${schema.spec.name}-password', key: 'password' },
  });
  const spec = o.spec as Record<string, unknown>;
  spec.storageEncrypted = encrypted as never;
  spec.deletionProtection = deletionProtection as never;
  return o;
}

describe('RDS fixtures use real fields', () => {
  it('DBInstance and DBCluster fixtures validate against the ACK CRDs', () => {
    assertFieldsInCrd(INSTANCE_CRD, s15(true, true));
    assertFieldsInCrd(
      INSTANCE_CRD,
      dbInstance({ dbClusterIdentifier: 'x', tdeCredentialPassword: 'x', port: 5432 }),
    );
    assertFieldsInCrd(
      CLUSTER_CRD,
      dbCluster({ storageEncrypted: true, deletionProtection: true, publiclyAccessible: false }),
    );
  });
});

describe('S15: RDS with CEL toggles', () => {
  it('is deferred at RGD admission: storageEncrypted and deletionProtection depend on inputs', () => {
    const r = resource('db', s15(unknown('schema.spec.encrypted'), unknown('schema.spec.env == "prod"')));
    const enc = run(rule('RDS-001'), r);
    assert.equal(verdictOf(enc), 'unknown');
    assert.deepEqual(enc[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.encrypted' }]);
    const del = run(rule('RDS-004'), r);
    assert.equal(verdictOf(del), 'unknown');
    assert.deepEqual(del[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.env' }]);
    assert.equal(verdictOf(run(rule('RDS-003'), r)), 'pass');
    assert.equal(verdictOf(run(rule('RDS-012'), r)), 'pass');
  });
  it('rejects the instance with encrypted: false (RDS.3) and env: dev (RDS.8)', () => {
    const r = resource('db', s15(false, false));
    assert.equal(verdictOf(run(rule('RDS-001'), r)), 'fail');
    assert.equal(verdictOf(run(rule('RDS-004'), r)), 'fail');
  });
  it('accepts the defaults (encrypted: true, env: prod)', () => {
    const r = resource('db', s15(true, true));
    assert.equal(verdictOf(run(rule('RDS-001'), r)), 'pass');
    assert.equal(verdictOf(run(rule('RDS-004'), r)), 'pass');
  });
});

describe('S17: publiclyAccessible omitted', () => {
  const r = resource(
    'db',
    dbInstance({ storageEncrypted: true, dbSubnetGroupRef: { from: { name: 'public-subnets' } } }),
  );
  it('fails RDS-003 (absent is unknown, and the AWS default can be public)', () => {
    const results = run(rule('RDS-003'), r);
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(results[0]!.path, ['spec', 'publiclyAccessible']);
    assert.match(results[0]!.reason, /not set/);
  });
  it('fails publiclyAccessible: true and passes false', () => {
    assert.equal(
      verdictOf(run(rule('RDS-003'), resource('db', dbInstance({ publiclyAccessible: true })))),
      'fail',
    );
    assert.equal(
      verdictOf(run(rule('RDS-003'), resource('db', dbInstance({ publiclyAccessible: false })))),
      'pass',
    );
  });
});

describe('Aurora members and clusters', () => {
  const member = resource(
    'writer',
    dbInstance({ engine: 'aurora-postgresql', dbClusterIdentifier: '${schema.spec.name}-cluster' }),
  );
  it('RDS-001/004/006/008/010/011/013 are not applicable to a member instance', () => {
    for (const id of ['RDS-001', 'RDS-004', 'RDS-006', 'RDS-008', 'RDS-010', 'RDS-011', 'RDS-013']) {
      const results = run(rule(id), member);
      assert.equal(verdictOf(results), 'na', id);
      assert.deepEqual(results[0]!.path, ['spec', 'dbClusterIdentifier'], id);
    }
  });
  it('RDS-003 still applies to a member instance (publiclyAccessible is per instance)', () => {
    assert.equal(verdictOf(run(rule('RDS-003'), member)), 'fail');
  });
  it('an instance whose cluster id comes from an input is unknown unless it complies anyway', () => {
    const maybe = resource('db', dbInstance({ dbClusterIdentifier: '${schema.spec.cluster}' }));
    const enc = run(rule('RDS-001'), maybe);
    assert.equal(verdictOf(enc), 'unknown');
    assert.match(enc[0]!.reason, /unless the instance is an Aurora cluster member/);
    const ok = resource(
      'db',
      dbInstance({ dbClusterIdentifier: '${schema.spec.cluster}', storageEncrypted: true }),
    );
    assert.equal(verdictOf(run(rule('RDS-001'), ok)), 'pass');
  });
  it('RDS-002/005 check the cluster; RDS-003 is not applicable to an Aurora cluster', () => {
    const c = resource('cluster', dbCluster({ storageEncrypted: true }));
    assert.equal(verdictOf(run(rule('RDS-002'), c)), 'pass');
    assert.equal(verdictOf(run(rule('RDS-005'), c)), 'fail');
    assert.equal(verdictOf(run(rule('RDS-003'), c)), 'na');
    const multiAz = resource('cluster', dbCluster({ engine: 'postgres', publiclyAccessible: true }));
    assert.equal(verdictOf(run(rule('RDS-003'), multiAz)), 'fail');
  });
  it('instance rules ignore clusters and cluster rules ignore instances', () => {
    assert.deepEqual(run(rule('RDS-001'), resource('c', dbCluster({}))), []);
    assert.deepEqual(run(rule('RDS-002'), member), []);
  });
});

describe('kro corpus: examples/aws/rds-postgres', () => {
  const o = symbolize(
    corpusTemplate('../shared/corpus/kro-v0.9.3-examples/aws/rds-postgres/rg.yaml', 'dbinstance'),
  ) as RenderedObject;
  const r = resource('dbinstance', o);
  it('uses real fields', () => assertFieldsInCrd(INSTANCE_CRD, o));
  it('fails RDS-001 (no storageEncrypted), RDS-003 (publiclyAccessible omitted), RDS-006 (retention 0)', () => {
    assert.equal(verdictOf(run(rule('RDS-001'), r)), 'fail');
    assert.equal(verdictOf(run(rule('RDS-003'), r)), 'fail');
    const backups = run(rule('RDS-006'), r);
    assert.equal(verdictOf(backups), 'fail');
    assert.match(backups[0]!.reason, /0 \(must be at least 7 days\)/);
  });
  it('passes RDS-012: the master password is a Secret reference', () => {
    assert.equal(verdictOf(run(rule('RDS-012'), r)), 'pass');
  });
  it('RDS-013 depends on masterUsername (schema default "postgres")', () => {
    const results = run(rule('RDS-013'), r);
    assert.equal(verdictOf(results), 'fail', 'port unset on postgres is the default 5432');
    assert.deepEqual(results[0]!.path, ['spec', 'port']);
  });
});

describe('RDS value checks', () => {
  it('RDS-006 uses minBackupRetentionDays and the SimpleSchema minimum', () => {
    const days = (v: unknown) => resource('db', dbInstance({ backupRetentionPeriod: v }));
    assert.equal(verdictOf(run(rule('RDS-006'), days(7))), 'pass');
    assert.equal(verdictOf(run(rule('RDS-006'), days(3))), 'fail');
    assert.equal(verdictOf(run(rule('RDS-006'), days(3), undefined, { minBackupRetentionDays: 1 })), 'pass');
    assert.equal(verdictOf(run(rule('RDS-006'), resource('db', dbInstance({})))), 'fail');
    assert.equal(
      verdictOf(
        run(rule('RDS-006'), resource('db', dbInstance({})), undefined, { minBackupRetentionDays: 1 }),
      ),
      'pass',
    );
    assert.equal(
      verdictOf(run(rule('RDS-006'), days(unknown('schema.spec.retention', { minimum: 14 })))),
      'pass',
    );
    assert.equal(
      verdictOf(run(rule('RDS-006'), days(unknown('schema.spec.retention', { maximum: 5 })))),
      'fail',
    );
    assert.equal(verdictOf(run(rule('RDS-006'), days(unknown('schema.spec.retention')))), 'unknown');
  });
  it('RDS-009 passes when autoMinorVersionUpgrade is absent (default true) and fails false', () => {
    assert.equal(verdictOf(run(rule('RDS-009'), resource('db', dbInstance({})))), 'pass');
    assert.equal(
      verdictOf(run(rule('RDS-009'), resource('db', dbInstance({ autoMinorVersionUpgrade: false })))),
      'fail',
    );
  });
  it('RDS-010 needs at least one exported log type', () => {
    assert.equal(
      verdictOf(run(rule('RDS-010'), resource('db', dbInstance({ enableCloudwatchLogsExports: [] })))),
      'fail',
    );
    const ok = resource('db', dbInstance({ enableCloudwatchLogsExports: ['postgresql'] }));
    assert.equal(verdictOf(run(rule('RDS-010'), ok)), 'pass');
  });
  it('RDS-012 fails a plaintext tdeCredentialPassword and a missing password source', () => {
    const tde = run(
      rule('RDS-012'),
      resource('db', dbInstance({ manageMasterUserPassword: true, tdeCredentialPassword: 'hunter2' })),
    );
    assert.equal(verdictOf(tde), 'fail');
    assert.deepEqual(tde[0]!.path, ['spec', 'tdeCredentialPassword']);
    const none = run(rule('RDS-012'), resource('db', dbInstance({ masterUsername: 'app' })));
    assert.equal(verdictOf(none), 'fail');
    const managed = run(rule('RDS-012'), resource('db', dbInstance({ manageMasterUserPassword: true })));
    assert.equal(verdictOf(managed), 'pass');
    const replica = run(
      rule('RDS-012'),
      resource('db', dbInstance({ sourceDBInstanceIdentifier: 'primary' })),
    );
    assert.equal(verdictOf(replica), 'pass');
    const toggled = run(
      rule('RDS-012'),
      resource('db', dbInstance({ manageMasterUserPassword: '${schema.spec.managed}' })),
    );
    assert.equal(verdictOf(toggled), 'unknown');
    assert.deepEqual(dependsOnKinds(toggled), ['input']);
  });
  it('RDS-013 fails default admin names and passes custom port and name', () => {
    const admin = run(
      rule('RDS-013'),
      resource('db', dbInstance({ port: 6543, masterUsername: 'postgres' })),
    );
    assert.equal(verdictOf(admin), 'fail');
    assert.deepEqual(admin[0]!.path, ['spec', 'masterUsername']);
    const custom = run(
      rule('RDS-013'),
      resource('db', dbInstance({ port: 6543, masterUsername: 'app_owner' })),
    );
    assert.equal(verdictOf(custom), 'pass');
    const mysql = run(
      rule('RDS-013'),
      resource('db', dbInstance({ engine: 'mysql', port: 5432, masterUsername: 'app' })),
    );
    assert.equal(verdictOf(mysql), 'pass', '5432 is not the MySQL default');
  });
});
