import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedResource } from '../../../../src/graph/render/types.ts';
import { SG_RULES } from '../../../../src/policy/rules/ec2.ts';
import { ELASTICACHE_RULES } from '../../../../src/policy/rules/elasticache.ts';
import { EKS_RULES } from '../../../../src/policy/rules/eks.ts';
import type { Rule } from '../../../../src/policy/types.ts';
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

const ALL: Rule[] = [...SG_RULES, ...ELASTICACHE_RULES, ...EKS_RULES];
const rule = (id: string) => ruleById(ALL, id);
const CORPUS = '../shared/corpus/kro-v0.9.3-examples/aws';

function sg(ingressRules: unknown, egressRules?: unknown): RenderedResource {
  const object = symbolize({
    apiVersion: 'ec2.services.k8s.aws/v1alpha1',
    kind: 'SecurityGroup',
    metadata: { name: 'sg' },
    spec: { name: 'sg', description: 'd', ingressRules, ...(egressRules ? { egressRules } : {}) },
  }) as RenderedObject;
  return resource('sg', object);
}

const tcp = (from: unknown, to: unknown, cidr: unknown, extra: Record<string, unknown> = {}) => ({
  ipProtocol: 'tcp',
  fromPort: from,
  toPort: to,
  ipRanges: [{ cidrIP: cidr, description: 'x' }],
  ...extra,
});

describe('S21: world-open SSH', () => {
  it('tcp 22 from 0.0.0.0/0 fails SG-001 with the cidrIP path', () => {
    const s = sg([tcp(22, 22, '0.0.0.0/0')]);
    assertFieldsInCrd(ackCrd('ec2', 'securitygroups'), s.object);
    const results = run(rule('SG-001'), s);
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(results[0]!.path, ['spec', 'ingressRules', 0, 'ipRanges', 0, 'cidrIP']);
  });
  it('ipProtocol "-1" covers every port and fails', () => {
    assert.equal(
      verdictOf(run(rule('SG-001'), sg([{ ipProtocol: '-1', ipRanges: [{ cidrIP: '0.0.0.0/0' }] }]))),
      'fail',
    );
  });
  it('a range covering 3389 fails; one that does not passes', () => {
    assert.equal(verdictOf(run(rule('SG-001'), sg([tcp(3000, 4000, '0.0.0.0/0')]))), 'fail');
    assert.equal(verdictOf(run(rule('SG-001'), sg([tcp(443, 443, '0.0.0.0/0')]))), 'pass');
    assert.equal(verdictOf(run(rule('SG-001'), sg([tcp(22, 22, '10.0.0.0/8')]))), 'pass');
  });
  it('a CIDR from the instance defers; the instance choosing 0.0.0.0/0 fails', () => {
    const deferred = run(rule('SG-001'), sg([tcp(22, 22, '${schema.spec.adminCidr}')]));
    assert.equal(verdictOf(deferred), 'unknown');
    assert.deepEqual(dependsOnKinds(deferred), ['input']);
    assert.equal(verdictOf(run(rule('SG-001'), sg([tcp(22, 22, '0.0.0.0/0')]))), 'fail');
    assert.equal(
      verdictOf(run(rule('SG-001'), sg([tcp(22, 22, '${schema.spec.net}/24')]))),
      'pass',
      'the literal /24 decides',
    );
  });
  it('an unknown port defers only when the CIDR is the world', () => {
    assert.equal(
      verdictOf(run(rule('SG-001'), sg([tcp('${schema.spec.port}', '${schema.spec.port}', '0.0.0.0/0')]))),
      'unknown',
    );
    assert.equal(
      verdictOf(run(rule('SG-001'), sg([tcp('${schema.spec.port}', '${schema.spec.port}', '10.0.0.0/16')]))),
      'pass',
    );
    assert.equal(verdictOf(run(rule('SG-001'), sg('${schema.spec.rules}'))), 'unknown');
  });
  it('SG-002 checks ::/0', () => {
    const v6 = sg([{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipv6Ranges: [{ cidrIPv6: '::/0' }] }]);
    assert.equal(verdictOf(run(rule('SG-002'), v6)), 'fail');
    assert.equal(verdictOf(run(rule('SG-001'), v6)), 'pass');
  });
});

describe('SG-003..006', () => {
  it('SG-003 allows only worldOpenPorts to the world', () => {
    assert.equal(
      verdictOf(run(rule('SG-003'), sg([tcp(443, 443, '0.0.0.0/0'), tcp(80, 80, '0.0.0.0/0')]))),
      'pass',
    );
    assert.equal(verdictOf(run(rule('SG-003'), sg([tcp(80, 443, '0.0.0.0/0')]))), 'fail');
    assert.equal(
      verdictOf(
        run(rule('SG-003'), sg([tcp(8443, 8443, '0.0.0.0/0')]), undefined, { worldOpenPorts: [8443] }),
      ),
      'pass',
    );
    assert.equal(
      verdictOf(
        run(
          rule('SG-003'),
          sg([{ ipProtocol: 'icmp', fromPort: -1, toPort: -1, ipRanges: [{ cidrIP: '0.0.0.0/0' }] }]),
        ),
      ),
      'pass',
    );
  });
  it('SG-004 fails high-risk ports unless the policy allows them to the world', () => {
    assert.equal(verdictOf(run(rule('SG-004'), sg([tcp(5432, 5432, '0.0.0.0/0')]))), 'fail');
    assert.equal(
      verdictOf(
        run(rule('SG-004'), sg([tcp(8080, 8080, '0.0.0.0/0')]), undefined, { worldOpenPorts: [8080] }),
      ),
      'pass',
    );
  });
  it('SG-005 flags world egress; absent egress is none (ACK removes the default rule)', () => {
    assert.equal(verdictOf(run(rule('SG-005'), sg([]))), 'pass');
    assert.equal(
      verdictOf(run(rule('SG-005'), sg([], [{ ipProtocol: '-1', ipRanges: [{ cidrIP: '0.0.0.0/0' }] }]))),
      'fail',
    );
  });
  it('SG-006 needs descriptions', () => {
    assert.equal(verdictOf(run(rule('SG-006'), sg([tcp(443, 443, '0.0.0.0/0')]))), 'pass');
    assert.equal(
      verdictOf(
        run(
          rule('SG-006'),
          sg([{ ipProtocol: 'tcp', fromPort: 1, toPort: 1, ipRanges: [{ cidrIP: '10.0.0.0/8' }] }]),
        ),
      ),
      'fail',
    );
  });
  it('kro corpus cachecluster: Valkey open to 0.0.0.0/0 passes SG-001/004 and fails SG-003', () => {
    const s = resource(
      'sg',
      symbolize(corpusTemplate(`${CORPUS}/cachecluster/cachecluster.yaml`, 'sg')) as RenderedObject,
    );
    assert.equal(verdictOf(run(rule('SG-001'), s)), 'pass');
    assert.equal(verdictOf(run(rule('SG-004'), s)), 'pass');
    assert.equal(verdictOf(run(rule('SG-003'), s)), 'fail');
  });
});

describe('ElastiCache', () => {
  const valkey = resource(
    'valkey',
    symbolize(corpusTemplate(`${CORPUS}/cachecluster/cachecluster.yaml`, 'valkey')) as RenderedObject,
  );
  it('kro corpus CacheCluster: at rest na, transit/AUTH/backups fail', () => {
    assertFieldsInCrd(ackCrd('elasticache', 'cacheclusters'), valkey.object);
    assert.equal(verdictOf(run(rule('EC-001'), valkey)), 'na');
    assert.equal(verdictOf(run(rule('EC-002'), valkey)), 'fail');
    assert.equal(verdictOf(run(rule('EC-003'), valkey)), 'fail');
    assert.equal(verdictOf(run(rule('EC-004'), valkey)), 'fail');
  });
  it('kro corpus ServerlessCache is always encrypted', () => {
    const s = resource(
      'cache',
      symbolize(
        corpusTemplate(`${CORPUS}/elasticache-serverless/rg.yaml`, 'serverlesscache'),
      ) as RenderedObject,
    );
    assert.equal(verdictOf(run(rule('EC-001'), s)), 'pass');
    assert.equal(verdictOf(run(rule('EC-002'), s)), 'pass');
    assert.deepEqual(run(rule('EC-003'), s), []);
  });
  it('ReplicationGroup settings', () => {
    const rg = (spec: Record<string, unknown>) => {
      const object = symbolize({
        apiVersion: 'elasticache.services.k8s.aws/v1alpha1',
        kind: 'ReplicationGroup',
        metadata: { name: 'rg' },
        spec: { replicationGroupID: 'rg', description: 'd', engine: 'valkey', ...spec },
      }) as RenderedObject;
      assertFieldsInCrd(ackCrd('elasticache', 'replicationgroups'), object);
      return resource('rg', object);
    };
    const good = rg({
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      userGroupIDs: ['app-users'],
      automaticFailoverEnabled: true,
      snapshotRetentionLimit: 7,
      cacheSubnetGroupRef: { from: { name: 'subnets' } },
    });
    for (const id of ['EC-001', 'EC-002', 'EC-003', 'EC-004'])
      assert.equal(verdictOf(run(rule(id), good)), 'pass', id);
    assert.equal(verdictOf(run(rule('EC-001'), rg({}))), 'fail');
    const token = rg({ authToken: { name: 's', key: 'token' } });
    assert.equal(verdictOf(run(rule('EC-003'), token)), 'pass');
    const defaults = run(
      rule('EC-004'),
      rg({ automaticFailoverEnabled: true, snapshotRetentionLimit: 1, cacheSubnetGroupName: 'default' }),
    );
    assert.equal(verdictOf(defaults), 'fail');
    assert.deepEqual(defaults[0]!.path, ['spec', 'cacheSubnetGroupName']);
    assert.equal(
      verdictOf(run(rule('EC-002'), rg({ transitEncryptionEnabled: unknown('schema.spec.tls') }))),
      'unknown',
    );
  });
});

describe('EKS', () => {
  const file = `${CORPUS}/ack-eks-cluster/eks-cluster.yaml`;
  const cluster = resource('cluster', symbolize(corpusTemplate(file, 'cluster')) as RenderedObject);
  const nodegroup = resource(
    'clusterNodeGroup',
    symbolize(corpusTemplate(file, 'clusterNodeGroup')) as RenderedObject,
  );
  it('kro corpus cluster: public endpoint, no secrets encryption, no audit logs, creator admin', () => {
    assertFieldsInCrd(ackCrd('eks', 'clusters'), cluster.object);
    for (const id of ['EKS-001', 'EKS-002', 'EKS-003', 'EKS-005'])
      assert.equal(verdictOf(run(rule(id), cluster)), 'fail', id);
    assert.equal(verdictOf(run(rule('EKS-004'), cluster)), 'pass', 'no eksVersions allow-list');
    assert.equal(verdictOf(run(rule('EKS-004'), cluster, undefined, { eksVersions: ['1.33'] })), 'unknown');
    assert.equal(verdictOf(run(rule('EKS-007'), nodegroup)), 'pass');
  });
  const eks = (spec: Record<string, unknown>) => {
    const object = symbolize({
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'c' },
      spec: { name: 'c', ...spec },
    });
    assertFieldsInCrd(ackCrd('eks', 'clusters'), object as RenderedObject);
    return resource('cluster', object as RenderedObject);
  };
  it('EKS-001 passes a private endpoint or restricted CIDRs', () => {
    assert.equal(
      verdictOf(run(rule('EKS-001'), eks({ resourcesVPCConfig: { endpointPublicAccess: false } }))),
      'pass',
    );
    const cidrs = (list: string[]) =>
      eks({ resourcesVPCConfig: { endpointPublicAccess: true, publicAccessCIDRs: list } });
    assert.equal(verdictOf(run(rule('EKS-001'), cidrs(['203.0.113.0/24']))), 'pass');
    assert.equal(verdictOf(run(rule('EKS-001'), cidrs(['0.0.0.0/0']))), 'fail');
  });
  it('EKS-002/003 pass secrets encryption and audit logging', () => {
    const c = eks({
      encryptionConfig: [{ resources: ['secrets'], provider: { keyARN: 'arn:aws:kms:us-east-1:1:key/x' } }],
      logging: { clusterLogging: [{ enabled: true, types: ['api', 'audit'] }] },
      accessConfig: { bootstrapClusterCreatorAdminPermissions: false },
    });
    for (const id of ['EKS-002', 'EKS-003', 'EKS-005']) assert.equal(verdictOf(run(rule(id), c)), 'pass', id);
    const disabled = eks({ logging: { clusterLogging: [{ enabled: false, types: ['audit'] }] } });
    assert.equal(verdictOf(run(rule('EKS-003'), disabled)), 'fail');
  });
  it('EKS-006 fails cluster-scoped admin and system:masters', () => {
    const entry = (spec: Record<string, unknown>) => {
      const o = symbolize({
        apiVersion: 'eks.services.k8s.aws/v1alpha1',
        kind: 'AccessEntry',
        metadata: { name: 'a' },
        spec: { principalARN: 'arn:aws:iam::1:role/r', ...spec },
      });
      assertFieldsInCrd(ackCrd('eks', 'accessentries'), o as RenderedObject);
      return resource('entry', o as RenderedObject);
    };
    const admin = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';
    assert.equal(
      verdictOf(
        run(
          rule('EKS-006'),
          entry({ accessPolicies: [{ policyARN: admin, accessScope: { type: 'cluster' } }] }),
        ),
      ),
      'fail',
    );
    assert.equal(
      verdictOf(
        run(
          rule('EKS-006'),
          entry({
            accessPolicies: [{ policyARN: admin, accessScope: { type: 'namespace', namespaces: ['a'] } }],
          }),
        ),
      ),
      'pass',
    );
    assert.equal(verdictOf(run(rule('EKS-006'), entry({ kubernetesGroups: ['system:masters'] }))), 'fail');
    const viewer = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy';
    assert.equal(
      verdictOf(
        run(
          rule('EKS-006'),
          entry({ accessPolicies: [{ policyARN: viewer, accessScope: { type: 'cluster' } }] }),
        ),
      ),
      'pass',
    );
  });
  it('EKS-007 fails an SSH key without source security groups', () => {
    const ng = (remoteAccess: Record<string, unknown>) =>
      resource(
        'ng',
        symbolize({
          apiVersion: 'eks.services.k8s.aws/v1alpha1',
          kind: 'Nodegroup',
          metadata: { name: 'n' },
          spec: { name: 'n', remoteAccess },
        }) as RenderedObject,
      );
    assert.equal(verdictOf(run(rule('EKS-007'), ng({ ec2SshKey: 'ops' }))), 'fail');
    assert.equal(
      verdictOf(run(rule('EKS-007'), ng({ ec2SshKey: 'ops', sourceSecurityGroups: ['sg-1'] }))),
      'pass',
    );
    assert.equal(verdictOf(run(rule('EKS-007'), ng({ ec2SshKey: '${schema.spec.sshKey}' }))), 'unknown');
  });
});
