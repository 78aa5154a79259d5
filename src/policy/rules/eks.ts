/**
 * Built-in rules for ACK EKS `Cluster`, `AccessEntry` and `Nodegroup` (compliance-catalogue §1.9,
 * §2.5 EKS-001..007).
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { SymbolicString, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { pass } from '../results.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { elementsAt, listAt } from './elements.ts';
import { checkField } from './field-check.ts';
import { EKS_ACCESS_ENTRY, EKS_CLUSTER, EKS_NODEGROUP, scopedRule } from './kinds.ts';
import { judgeKmsKey } from './kms-key.ts';
import { isWorldCidr } from './sg-rules.ts';
import { Findings, and, nonEmptyString, not, or, show, testValue, type Tri } from './tri-state.ts';

const CLUSTER_ADMIN_POLICY = 'AmazonEKSClusterAdminPolicy';
const nonEmptyList = (v: RenderedValue | undefined): Tri =>
  testValue(v, (x) => Array.isArray(x) && x.length > 0, false);

/** EKS-001: the API endpoint is private, or public only to CIDRs other than 0.0.0.0/0. */
function checkEndpoint(ctx: RuleContext): RuleResult[] {
  const base: PathSegment[] = ['spec', 'resourcesVPCConfig'];
  const publicAccess = valueAt(ctx.object, [...base, 'endpointPublicAccess']);
  const isPublic = testValue(publicAccess, (v) => v !== false, true);
  const cidrs = listAt(ctx.object, [...base, 'publicAccessCIDRs']);
  // No CIDR list (or an empty one) means EKS's default, 0.0.0.0/0.
  const open = cidrs.length === 0 ? true : or(...cidrs.map((c) => isWorldCidr(c.value)));
  const f = new Findings();
  f.record(
    and(isPublic, open),
    [...base, 'endpointPublicAccess'],
    [publicAccess, ...cidrs.map((c) => c.value)],
    'the API endpoint is public to 0.0.0.0/0 (endpointPublicAccess is not false, publicAccessCIDRs not restricted)',
    `endpointPublicAccess ${show(publicAccess)} / publicAccessCIDRs are not known yet`,
  );
  return f.conclude(
    [...base, 'endpointPublicAccess'],
    'the API endpoint is private or restricted to known CIDRs',
  );
}

/** EKS-002: some `encryptionConfig` entry covers `secrets` with an acceptable KMS key. */
function checkSecretsEncryption(ctx: RuleContext): RuleResult[] {
  const entries = listAt(ctx.object, ['spec', 'encryptionConfig']);
  const f = new Findings();
  const judged = entries.map((e) => {
    const secrets = or(
      ...elementsAt(e.value, e.path, ['resources']).map((r) =>
        testValue(r.value, (v) => v === 'secrets', false),
      ),
    );
    const key = judgeKmsKey(
      valueAt(e.value, ['provider', 'keyARN']),
      valueAt(e.value, ['provider', 'keyRef']),
      ctx,
      'provider.keyARN',
    );
    return { e, ok: and(secrets, key.verdict), key };
  });
  const ok = or(...judged.map((j) => j.ok));
  if (ok === true)
    return [pass(['spec', 'encryptionConfig'], 'Kubernetes secrets are envelope-encrypted with KMS')];
  if (ok === false)
    f.fail(
      ['spec', 'encryptionConfig'],
      'no encryptionConfig entry encrypts "secrets" with an allowed KMS key',
    );
  for (const j of judged.filter((x) => x.ok === 'unknown')) {
    f.unknown(
      j.e.path,
      j.e.value,
      `encryptionConfig entry ${show(j.e.value)} is not known yet (${j.key.reason})`,
    );
  }
  return f.results;
}

/** EKS-003: some `logging.clusterLogging` entry is enabled and includes `audit`. */
function checkAuditLogging(ctx: RuleContext): RuleResult[] {
  const entries = listAt(ctx.object, ['spec', 'logging', 'clusterLogging']);
  const ok = or(
    ...entries.map((e) =>
      and(
        testValue(valueAt(e.value, ['enabled']), (v) => v === true, false),
        or(
          ...elementsAt(e.value, e.path, ['types']).map((t) =>
            testValue(t.value, (v) => v === 'audit', false),
          ),
        ),
      ),
    ),
  );
  const f = new Findings();
  f.record(
    not(ok),
    ['spec', 'logging', 'clusterLogging'],
    entries.map((e) => e.value),
    'audit logging is not enabled (logging.clusterLogging[] needs enabled: true with types [audit, ...])',
    'the cluster logging configuration is not known yet',
  );
  return f.conclude(['spec', 'logging', 'clusterLogging'], 'control-plane audit logging is enabled');
}

/** Whether an access policy ARN is the cluster-admin policy (decided by its last path segment). */
function isClusterAdmin(arn: RenderedValue | undefined): Tri {
  if (arn instanceof SymbolicString) {
    const last = arn.parts[arn.parts.length - 1];
    return typeof last === 'string' && last.includes('/')
      ? last.endsWith(`/${CLUSTER_ADMIN_POLICY}`)
      : 'unknown';
  }
  return testValue(arn, (v) => typeof v === 'string' && v.endsWith(`/${CLUSTER_ADMIN_POLICY}`), false);
}

/** EKS-006: no cluster-scoped AmazonEKSClusterAdminPolicy, no `system:masters` group. */
function checkAccessEntry(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  for (const p of listAt(ctx.object, ['spec', 'accessPolicies'])) {
    const arn = valueAt(p.value, ['policyARN']);
    const scope = valueAt(p.value, ['accessScope', 'type']);
    f.record(
      and(
        isClusterAdmin(arn),
        testValue(scope, (v) => v === 'cluster', true),
      ),
      p.path,
      [arn ?? p.value, scope],
      `accessPolicies[${p.index}] grants ${CLUSTER_ADMIN_POLICY} on the whole cluster`,
      `accessPolicies[${p.index}] (${show(arn)}, scope ${show(scope)}) is not known yet`,
    );
  }
  for (const g of listAt(ctx.object, ['spec', 'kubernetesGroups'])) {
    f.record(
      testValue(g.value, (v) => v === 'system:masters', false),
      g.path,
      g.value,
      'kubernetesGroups includes system:masters (unrestricted cluster admin)',
      `kubernetes group ${show(g.value)} is not known yet (must not be system:masters)`,
    );
  }
  return f.conclude(['spec'], 'the access entry is not cluster admin');
}

/** EKS-007: an SSH key on a node group needs source security groups (else SSH is open to 0.0.0.0/0). */
function checkNodegroupSsh(ctx: RuleContext): RuleResult[] {
  const base: PathSegment[] = ['spec', 'remoteAccess'];
  const key = valueAt(ctx.object, [...base, 'ec2SshKey']);
  const groups = valueAt(ctx.object, [...base, 'sourceSecurityGroups']);
  const refs = valueAt(ctx.object, [...base, 'sourceSecurityGroupRefs']);
  const f = new Findings();
  f.record(
    and(nonEmptyString(key), not(or(nonEmptyList(groups), nonEmptyList(refs)))),
    [...base, 'sourceSecurityGroups'],
    [key, groups, refs],
    'remoteAccess.ec2SshKey is set without sourceSecurityGroups: SSH is open to 0.0.0.0/0',
    'the node group SSH key or its source security groups are not known yet',
  );
  return f.conclude(base, 'node group SSH is off or limited to source security groups');
}

/** The EKS rules of compliance-catalogue §2.5. */
export const EKS_RULES: readonly Rule[] = [
  scopedRule(
    [EKS_CLUSTER],
    {
      id: 'EKS-001',
      title: 'EKS API endpoint is not public',
      severity: 'high',
      controls: {
        fsbp: ['EKS.1'],
        config: ['eks-endpoint-no-public-access'],
        checkov: ['CKV_AWS_39', 'CKV_AWS_38'],
        trivy: ['AWS-0040', 'AWS-0041'],
      },
      remediation:
        'Set spec.resourcesVPCConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or restrict ' +
        'publicAccessCIDRs to known networks.',
    },
    checkEndpoint,
  ),
  scopedRule(
    [EKS_CLUSTER],
    {
      id: 'EKS-002',
      title: 'EKS secrets are encrypted with KMS',
      severity: 'medium',
      controls: {
        fsbp: ['EKS.3'],
        config: ['eks-secrets-encrypted'],
        checkov: ['CKV_AWS_58'],
        trivy: ['AWS-0039'],
      },
      remediation:
        'Add spec.encryptionConfig: [{resources: [secrets], provider: {keyARN or keyRef}}] with a KMS key.',
    },
    checkSecretsEncryption,
  ),
  scopedRule(
    [EKS_CLUSTER],
    {
      id: 'EKS-003',
      title: 'EKS control-plane audit logging is enabled',
      severity: 'medium',
      controls: {
        fsbp: ['EKS.8'],
        config: ['eks-cluster-logging-enabled'],
        checkov: ['CKV_AWS_37'],
        trivy: ['AWS-0038'],
      },
      remediation: 'Set spec.logging.clusterLogging: [{enabled: true, types: [api, audit, authenticator]}].',
    },
    checkAuditLogging,
  ),
  scopedRule(
    [EKS_CLUSTER],
    {
      id: 'EKS-004',
      title: 'EKS runs a supported Kubernetes version',
      severity: 'medium',
      controls: { fsbp: ['EKS.2'], config: ['eks-cluster-supported-version'], checkov: ['CKV_AWS_339'] },
      remediation: 'Set spec.version to one of the versions the policy allows (eksVersions).',
    },
    (ctx) => {
      const allowed = ctx.params.eksVersions;
      if (allowed.length === 0)
        return [pass(['spec', 'version'], 'no eksVersions allow-list: every version is allowed')];
      return [
        checkField(ctx.object, ['spec', 'version'], {
          what: 'version',
          expect: `must be one of ${allowed.join(', ')}`,
          ok: (v) => typeof v === 'string' && allowed.includes(v),
          absent: { verdict: 'pass', reason: 'version is not set: EKS creates the current default version' },
        }),
      ];
    },
  ),
  scopedRule(
    [EKS_CLUSTER],
    {
      id: 'EKS-005',
      title: 'EKS does not make the creator cluster admin',
      severity: 'medium',
      controls: { other: ['custom'] },
      remediation:
        'Set spec.accessConfig.bootstrapClusterCreatorAdminPermissions: false and grant access with AccessEntry resources.',
    },
    (ctx) => [
      checkField(ctx.object, ['spec', 'accessConfig', 'bootstrapClusterCreatorAdminPermissions'], {
        what: 'accessConfig.bootstrapClusterCreatorAdminPermissions',
        expect: 'must be false',
        ok: (v) => v === false,
        absent: { verdict: 'fail', reason: 'the cluster creator gets cluster admin (the EKS default)' },
      }),
    ],
  ),
  scopedRule(
    [EKS_ACCESS_ENTRY],
    {
      id: 'EKS-006',
      title: 'EKS access entry is not cluster admin',
      severity: 'high',
      controls: { other: ['custom'] },
      remediation:
        'Use namespace-scoped access policies (accessScope.type: namespace) and no system:masters group; grant ' +
        'cluster admin only through a reviewed exception.',
    },
    checkAccessEntry,
  ),
  scopedRule(
    [EKS_NODEGROUP],
    {
      id: 'EKS-007',
      title: 'EKS node group SSH is restricted',
      severity: 'critical',
      controls: { checkov: ['CKV_AWS_100'] },
      remediation:
        'Remove spec.remoteAccess.ec2SshKey (use SSM), or set remoteAccess.sourceSecurityGroups/Refs.',
    },
    checkNodegroupSsh,
  ),
];
