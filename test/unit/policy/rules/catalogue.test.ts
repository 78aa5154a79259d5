/**
 * Integrity of the rule catalogue owned by this folder: unique ids, control mappings, kinds that
 * exist (ACK CRDs in ../shared/crds/ack or core Kubernetes kinds), and checks that never throw.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  SymbolicString,
  Unknown,
  type RenderedObject,
  type RenderedValue,
} from '../../../../src/graph/render/symbolic.ts';
import { DDB_RULES } from '../../../../src/policy/rules/dynamodb.ts';
import { SG_RULES } from '../../../../src/policy/rules/ec2.ts';
import { ECR_RULES } from '../../../../src/policy/rules/ecr.ts';
import { EKS_RULES } from '../../../../src/policy/rules/eks.ts';
import { ELASTICACHE_RULES } from '../../../../src/policy/rules/elasticache.ts';
import { KMS_RULES } from '../../../../src/policy/rules/kms.ts';
import { SNS_RULES, SQS_RULES } from '../../../../src/policy/rules/messaging.ts';
import { PSS_RULES } from '../../../../src/policy/rules/pod-security.ts';
import { RDS_RULES } from '../../../../src/policy/rules/rds.ts';
import { S3_RULES } from '../../../../src/policy/rules/s3.ts';
import { SM_RULES } from '../../../../src/policy/rules/secretsmanager.ts';
import { K8S_RULES } from '../../../../src/policy/rules/workloads.ts';
import type { KindSelector, Rule } from '../../../../src/policy/types.ts';
import { graph, resource, run, unknown } from './helpers.ts';

const RULES: Rule[] = [
  ...S3_RULES,
  ...RDS_RULES,
  ...DDB_RULES,
  ...SQS_RULES,
  ...SNS_RULES,
  ...KMS_RULES,
  ...SM_RULES,
  ...ECR_RULES,
  ...SG_RULES,
  ...ELASTICACHE_RULES,
  ...EKS_RULES,
  ...K8S_RULES,
  ...PSS_RULES,
];

/** Core Kubernetes kinds the rules may name: group → kinds. */
const CORE_KINDS: Record<string, string[]> = {
  '': ['Pod', 'PodTemplate', 'ReplicationController', 'Service', 'ServiceAccount'],
  apps: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  batch: ['Job', 'CronJob'],
  'networking.k8s.io': ['Ingress'],
};

/** Every `{group, kind}` served by the ACK CRDs in ../shared/crds/ack. */
function ackKinds(): Set<string> {
  const out = new Set<string>();
  const root = '../shared/crds/ack';
  for (const service of readdirSync(root)) {
    for (const file of readdirSync(`${root}/${service}`).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(`${root}/${service}/${file}`, 'utf8'))) {
        const crd = doc.toJS() as { spec?: { group?: string; names?: { kind?: string } } } | null;
        if (crd?.spec?.group && crd.spec.names?.kind) out.add(`${crd.spec.group}/${crd.spec.names.kind}`);
      }
    }
  }
  return out;
}

const CATALOGUE_IDS = [
  ...['001', '002', '003', '004', '005', '009', '010', '011', '012', '013'].map((n) => `S3-${n}`),
  ...Array.from({ length: 13 }, (_, i) => `RDS-${String(i + 1).padStart(3, '0')}`),
  'DDB-001',
  'DDB-002',
  'DDB-003',
  'SQS-001',
  'SNS-001',
  'KMS-001',
  'KMS-003',
  'KMS-004',
  'SM-001',
  'SM-002',
  'ECR-001',
  'ECR-002',
  'ECR-003',
  'ECR-004',
  ...Array.from({ length: 6 }, (_, i) => `SG-00${i + 1}`),
  'EC-001',
  'EC-002',
  'EC-003',
  'EC-004',
  ...Array.from({ length: 7 }, (_, i) => `EKS-00${i + 1}`),
  ...Array.from({ length: 10 }, (_, i) => `K8S-${String(i + 1).padStart(3, '0')}`),
];

describe('rule catalogue', () => {
  it('every rule id is unique', () => {
    const seen = new Set<string>();
    for (const r of RULES) {
      assert.ok(!seen.has(r.id), `duplicate id ${r.id}`);
      seen.add(r.id);
    }
  });
  it('covers every catalogue id assigned to this folder', () => {
    const ids = new Set(RULES.map((r) => r.id));
    assert.deepEqual(
      CATALOGUE_IDS.filter((id) => !ids.has(id)),
      [],
    );
  });
  it('every rule maps to at least one control id (or an explicit other)', () => {
    for (const r of RULES) {
      const all = Object.values(r.controls).flat();
      assert.ok(all.length > 0, `${r.id} has no control id`);
      assert.ok(
        all.every((c) => typeof c === 'string' && c.trim() !== ''),
        `${r.id} has an empty control id`,
      );
      for (const c of r.controls.cis ?? []) assert.match(c, /^v[567]:\d+(\.\d+)*$/, `${r.id} CIS id ${c}`);
      for (const c of r.controls.checkov ?? [])
        assert.match(c, /^CKV2?_(AWS|K8S)_\d+$/, `${r.id} checkov id ${c}`);
      for (const c of r.controls.trivy ?? []) assert.match(c, /^(AWS|KSV)-\d{4}$/, `${r.id} trivy id ${c}`);
    }
  });
  it('every rule has a title, a remediation and at least one kind', () => {
    for (const r of RULES) {
      assert.ok(r.title.length > 0 && r.remediation.length > 0, r.id);
      assert.ok(r.kinds.length > 0, r.id);
      assert.ok(['critical', 'high', 'medium', 'low', 'info'].includes(r.severity), r.id);
    }
  });
  it('every kind is an ACK CRD in ../shared/crds/ack or a core Kubernetes kind', () => {
    const ack = ackKinds();
    const known = (k: KindSelector) =>
      ack.has(`${k.group}/${k.kind}`) || (CORE_KINDS[k.group] ?? []).includes(k.kind);
    for (const r of RULES)
      for (const k of r.kinds) assert.ok(known(k), `${r.id}: unknown kind ${k.group}/${k.kind}`);
  });
  it('informational and "(opt)" rules are optional', () => {
    const optional = new Set(RULES.filter((r) => r.optional).map((r) => r.id));
    for (const id of [
      'S3-002',
      'S3-009',
      'S3-010',
      'S3-011',
      'S3-012',
      'RDS-007',
      'RDS-008',
      'RDS-013',
      'DDB-003',
      'SG-005',
      'SG-006',
      'K8S-005',
    ]) {
      assert.ok(optional.has(id), `${id} should be optional`);
    }
    for (const r of RULES.filter((x) => x.severity === 'info'))
      assert.ok(r.optional, `${r.id} is info but not optional`);
  });
});

/** Odd renderings a rule must survive: symbolic specs, wrong types, nulls, symbolic list elements. */
function oddObjects(k: KindSelector): RenderedObject[] {
  const apiVersion = k.group === '' ? 'v1' : `${k.group}/v1`;
  const u = unknown('schema.spec.x');
  const s = new SymbolicString(['a-', u]);
  const weird: RenderedValue[] = [u, s, null, 42, 'text', true, [], [u, null, 'x', 7, { a: u }], { a: [s] }];
  const podSpec: RenderedValue = {
    containers: [
      null,
      'x',
      u,
      { name: u, image: s, securityContext: 5, resources: u, ports: [u, { hostPort: s }] },
    ],
    initContainers: u,
    volumes: [5, u, { name: 'v', hostPath: u }, { name: 'w' }],
    securityContext: { sysctls: [u, { name: 5 }], seccompProfile: 'x', runAsNonRoot: 'yes' },
    hostUsers: s,
    os: u,
  };
  const objects: RenderedObject[] = weird.map((v) => ({
    apiVersion,
    kind: k.kind,
    metadata: { name: 'x', annotations: v },
    spec: v,
  }));
  objects.push({
    apiVersion,
    kind: k.kind,
    metadata: { name: 'x' },
    spec: { template: { spec: podSpec }, jobTemplate: { spec: { template: { spec: podSpec } } } },
  });
  objects.push({ apiVersion, kind: k.kind, metadata: u, spec: podSpec });
  const everywhere: RenderedObject = {
    apiVersion,
    kind: k.kind,
    metadata: { name: 'x' },
    spec: {},
    status: { keyState: u, deletionDate: null },
  };
  for (const field of [
    'encryption',
    'publicAccessBlock',
    'ingressRules',
    'egressRules',
    'resourcesVPCConfig',
    'accessPolicies',
    'sseSpecification',
    'encryptionConfiguration',
    'encryptionConfig',
    'remoteAccess',
    'rules',
    'tls',
    'externalIPs',
    'logging',
    'ownershipControls',
  ]) {
    (everywhere.spec as RenderedObject)[field] = [
      u,
      { ipRanges: [u, { cidrIP: s }], fromPort: s, resources: u, provider: 5 },
    ];
  }
  objects.push(everywhere);
  return objects;
}

describe('checks never throw', () => {
  it('on odd renderings of every kind, every result is well formed', () => {
    for (const r of RULES) {
      for (const k of r.kinds) {
        for (const object of oddObjects(k)) {
          const res = resource('x', object);
          let results;
          try {
            results = run(r, res, graph([res], { namespace: unknown('schema.metadata.namespace') }), {
              allowedRegistries: ['ghcr.io/acme/'],
              allowedKmsKeys: ['arn:aws:kms:'],
              eksVersions: ['1.33'],
            });
          } catch (e) {
            assert.fail(`${r.id} threw on ${k.kind}: ${(e as Error).stack}`);
          }
          for (const x of results) {
            assert.ok(['pass', 'fail', 'unknown', 'na'].includes(x.verdict), r.id);
            assert.ok(Array.isArray(x.path) && typeof x.reason === 'string' && x.reason.length > 0, r.id);
            if (x.verdict === 'unknown')
              assert.ok(Array.isArray(x.dependsOn), `${r.id} unknown without dependsOn`);
          }
        }
      }
    }
  });
  it('externalRefs are out of scope (kro only reads them)', () => {
    for (const r of RULES) {
      for (const k of r.kinds) {
        const apiVersion = k.group === '' ? 'v1' : `${k.group}/v1`;
        const ref = {
          ...resource('ext', { apiVersion, kind: k.kind, metadata: { name: 'shared' } }),
          external: true,
        };
        assert.deepEqual(run(r, ref), [], `${r.id} judged an externalRef ${k.kind}`);
      }
    }
  });
  it('Unknown values never leak into reasons as [object Object]', () => {
    const u = new Unknown('schema.spec.x', [{ kind: 'input', path: 'schema.spec.x' }]);
    for (const r of RULES) {
      for (const k of r.kinds) {
        const object: RenderedObject = {
          apiVersion: k.group === '' ? 'v1' : `${k.group}/v1`,
          kind: k.kind,
          metadata: { name: 'x' },
          spec: { x: u },
        };
        for (const x of run(r, resource('x', object)))
          assert.doesNotMatch(x.reason, /\[object Object\]/, r.id);
      }
    }
  });
});
