import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { IAM_RULES } from '../../../../src/policy/rules/iam.ts';
import type { RuleContext, RuleResult } from '../../../../src/policy/types.ts';
import { byId, corpusGraph, ctx, graph, json, render, resource, summary, verdicts } from '../iam/helpers.ts';

const rule = (id: string) => {
  const r = IAM_RULES.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no rule ${id}`);
  return r;
};
const run = (id: string, c: RuleContext): RuleResult[] => rule(id).check(c);
const worst = (results: RuleResult[]) =>
  results.some((r) => r.verdict === 'fail')
    ? 'fail'
    : results.some((r) => r.verdict === 'unknown')
      ? 'unknown'
      : results.length
        ? 'pass'
        : 'none';

/** Scenario S7 (compliance-catalogue §5): IRSA built from the graph cluster's issuer. */
function s7Graph() {
  const trust =
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",' +
    ' "Principal": {"Federated": "arn:aws:iam::${schema.spec.accountId}:oidc-provider/${cluster.status.identity.oidc.issuer.substring(8)}"},' +
    ' "Action": "sts:AssumeRoleWithWebIdentity",' +
    ' "Condition": {"StringEquals": {"${cluster.status.identity.oidc.issuer.substring(8)}:aud": "sts.amazonaws.com",' +
    ' "${cluster.status.identity.oidc.issuer.substring(8)}:sub": "system:serviceaccount:${schema.metadata.namespace}:${schema.spec.serviceAccountName}"}}}]}';
  const templates: [string, unknown][] = [
    [
      'cluster',
      {
        apiVersion: 'eks.services.k8s.aws/v1alpha1',
        kind: 'Cluster',
        metadata: { name: '${schema.spec.name}' },
        spec: { name: '${schema.spec.name}' },
      },
    ],
    [
      'role',
      {
        apiVersion: 'iam.services.k8s.aws/v1alpha1',
        kind: 'Role',
        metadata: { name: '${schema.spec.name}-role' },
        spec: { name: '${schema.spec.name}-role', assumeRolePolicyDocument: trust },
      },
    ],
    [
      'sa',
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: '${schema.spec.serviceAccountName}',
          annotations: { 'eks.amazonaws.com/role-arn': '${role.status.ackResourceMetadata.arn}' },
        },
      },
    ],
  ];
  return graph(templates.map(([id, t], i) => resource(id, render(t) as RenderedObject, i)));
}

describe('IAM rules: metadata', () => {
  it('ids are unique, in the catalogue, with controls and kinds', () => {
    const ids = IAM_RULES.map((r) => r.id);
    assert.deepEqual(ids, [...new Set(ids)]);
    assert.deepEqual(ids, [
      'IAM-001',
      'IAM-002',
      'IAM-003',
      'IAM-004',
      'IAM-005',
      'IAM-006',
      'IAM-007',
      'IAM-008',
      'IAM-009',
      'IAM-010',
      'IAM-011',
      'IAM-012',
      'IAM-013',
      'IAM-014',
      'IAM-015',
      'IAM-016',
      'IAM-017',
      'IAM-018',
      'K8S-011',
    ]);
    assert.deepEqual(
      IAM_RULES.filter((r) => r.optional).map((r) => r.id),
      ['IAM-011', 'IAM-012'],
    );
    assert.deepEqual(rule('IAM-001').controls.fsbp, ['IAM.1']);
    assert.deepEqual(rule('IAM-003').controls.fsbp, ['IAM.21']);
    for (const r of IAM_RULES)
      assert.ok(r.kinds.length > 0 && r.remediation.length > 0 && r.title.length > 0, r.id);
  });

  it('rules answer [] for kinds they do not cover', () => {
    const g = corpusGraph('aws/s3bucket/rg.yaml');
    const bucket = byId(g, 's3bucket');
    for (const r of IAM_RULES) assert.deepEqual(r.check(ctx(bucket, g)), [], r.id);
  });
});

describe("S6: kro's ACK S3 controller RGD (corpus) is rejected", () => {
  const g = corpusGraph('aws/ack-controller/controllers/s3-controller.yaml');
  const policy = byId(g, 's3ControllerIamPolicy');
  const role = byId(g, 's3ControllerIamRole');

  it('IAM-016 fails: aud is missing; the graph ServiceAccount matches the sub', () => {
    assert.deepEqual(summary(run('IAM-016', ctx(role, g))), [
      [
        'fail',
        'spec.assumeRolePolicyDocument.Statement[0].Condition',
        'no StringEquals aud condition (must be "sts.amazonaws.com")',
      ],
      [
        'pass',
        'spec.assumeRolePolicyDocument.Statement[0].Condition.StringEquals["${schema.spec.values.iamRole.oidcProvider}:sub"]',
        'sub names ServiceAccount "serviceAccount" ("system:serviceaccount:${schema.spec.namespace}:${schema.spec.values.serviceAccount.name}")',
      ],
    ]);
  });

  it('IAM-003 and IAM-004 fail on the policy; IAM-007 passes thanks to iam:PassedToService', () => {
    assert.equal(worst(run('IAM-003', ctx(policy, g))), 'fail');
    assert.deepEqual(
      run('IAM-004', ctx(policy, g)).map((r) => [r.verdict, r.path]),
      [
        ['fail', ['spec', 'policyDocument', 'Statement', 0, 'Resource']],
        ['fail', ['spec', 'policyDocument', 'Statement', 1, 'Resource']],
      ],
    );
    assert.equal(worst(run('IAM-007', ctx(policy, g))), 'pass');
    assert.equal(worst(run('IAM-001', ctx(policy, g))), 'pass');
    assert.equal(worst(run('IAM-005', ctx(policy, g))), 'fail');
  });

  it("the role's trust has no public or whole-account principal; K8S-011 passes for its ServiceAccount", () => {
    assert.equal(worst(run('IAM-014', ctx(role, g))), 'pass');
    assert.equal(worst(run('IAM-015', ctx(role, g))), 'pass');
    assert.deepEqual(run('IAM-017', ctx(role, g)), []);
    const sa = byId(g, 'serviceAccount');
    assert.deepEqual(verdicts(run('K8S-011', ctx(sa, g))), ['pass']);
    // The attached policy is the graph Policy's ARN: IAM-006 passes it (the Policy is checked itself).
    assert.equal(worst(run('IAM-006', ctx(role, g))), 'pass');
  });
});

describe('S7: correct IRSA built by string concatenation is accepted', () => {
  const g = s7Graph();

  it('IAM-016 passes, including the graph ServiceAccount in the instance namespace', () => {
    const results = run('IAM-016', ctx(byId(g, 'role'), g));
    assert.deepEqual(verdicts(results), ['pass', 'pass']);
    assert.match(
      results[1]!.reason,
      /system:serviceaccount:\$\{schema\.metadata\.namespace\}:\$\{schema\.spec\.serviceAccountName\}/,
    );
  });

  it('K8S-011 passes for the ServiceAccount; a renamed ServiceAccount fails both rules', () => {
    assert.deepEqual(verdicts(run('K8S-011', ctx(byId(g, 'sa'), g))), ['pass']);
    const sa = byId(g, 'sa');
    const renamed = resource('sa', {
      ...sa.object,
      metadata: { ...(sa.object.metadata as RenderedObject), name: 'fixed-name' },
    });
    const g2 = graph(g.resources.map((r) => (r.id === 'sa' ? renamed : r)));
    assert.equal(worst(run('K8S-011', ctx(renamed, g2))), 'unknown');
    const otherNs = resource('sa', {
      ...renamed.object,
      metadata: { ...(renamed.object.metadata as RenderedObject), namespace: 'kube-system', name: 'x' },
    });
    const g3 = graph(g.resources.map((r) => (r.id === 'sa' ? otherNs : r)));
    assert.equal(worst(run('IAM-016', ctx(byId(g3, 'role'), g3))), 'unknown');
  });

  it('K8S-011: an audience annotation must agree with the trust aud', () => {
    const sa = byId(g, 'sa');
    const meta = sa.object.metadata as RenderedObject;
    const withAudience = resource('sa', {
      ...sa.object,
      metadata: {
        ...meta,
        annotations: { ...(meta.annotations as RenderedObject), 'eks.amazonaws.com/audience': 'my-app' },
      },
    });
    assert.deepEqual(summary(run('K8S-011', ctx(withAudience, g))).slice(1), [
      [
        'fail',
        'metadata.annotations["eks.amazonaws.com/audience"]',
        'audience "my-app" is not the trust\'s aud ("sts.amazonaws.com")',
      ],
    ]);
  });

  it('with one object only (child admission) the graph step is skipped', () => {
    const role = byId(g, 'role');
    assert.deepEqual(verdicts(run('IAM-016', ctx(role, graph([role])))), ['pass']);
  });
});

describe('S12: managed policy ARN from the instance (corpus podidenity)', () => {
  const g = corpusGraph('aws/podidenity/rg.yaml');
  const role = byId(g, 'role');
  const withPolicies = (policies: unknown[]) =>
    resource('role', {
      ...role.object,
      spec: { ...(role.object.spec as RenderedObject), policies } as RenderedObject,
    });

  it('at RGD admission the ARN is an input: unknown', () => {
    const results = run('IAM-006', ctx(role, g));
    assert.deepEqual(verdicts(results), ['unknown']);
    assert.deepEqual(results[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.policyARN' }]);
  });

  it('an instance with AdministratorAccess, or the empty default, is rejected', () => {
    assert.deepEqual(
      summary(run('IAM-006', ctx(withPolicies(['arn:aws:iam::aws:policy/AdministratorAccess']), g))),
      [
        [
          'fail',
          'spec.policies[0]',
          'attaches denied managed policy "arn:aws:iam::aws:policy/AdministratorAccess"',
        ],
      ],
    );
    assert.deepEqual(summary(run('IAM-006', ctx(withPolicies(['']), g))), [
      ['fail', 'spec.policies[0]', 'invalid ARN "": not a managed policy ARN'],
    ]);
    assert.deepEqual(
      verdicts(run('IAM-006', ctx(withPolicies(['arn:aws-us-gov:iam::aws:policy/IAMFullAccess']), g))),
      ['fail'],
    );
    assert.deepEqual(
      verdicts(run('IAM-006', ctx(withPolicies(['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess']), g))),
      ['pass'],
    );
  });

  it('IAM-017: the association of the graph uses a correct Pod Identity trust', () => {
    assert.deepEqual(verdicts(run('IAM-017', ctx(role, g))), ['pass']);
    const broken = resource('role', {
      ...role.object,
      spec: {
        ...(role.object.spec as RenderedObject),
        assumeRolePolicyDocument: json({
          Statement: {
            Effect: 'Allow',
            Principal: { Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        }),
      },
    });
    const pia = byId(g, 'podidentityassociation');
    const elsewhere = resource('podidentityassociation', {
      ...pia.object,
      spec: { ...(pia.object.spec as RenderedObject), namespace: 'kube-system', serviceAccount: 'other' },
    });
    const g1 = graph(g.resources.map((r) => (r.id === pia.id ? elsewhere : r)));
    // The graph SA is named by instance inputs, which may or may not be kube-system/other.
    const results = run('IAM-017', ctx(role, g1));
    assert.deepEqual(summary(results), [
      [
        'pass',
        'spec.assumeRolePolicyDocument',
        'trusts only pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession',
      ],
      [
        'unknown',
        '',
        'PodIdentityAssociation "podidentityassociation" may bind "kube-system"/"other", not a graph ServiceAccount',
      ],
    ]);
    assert.deepEqual(results[1]!.dependsOn, [
      { kind: 'input', path: 'schema.metadata.namespace' },
      { kind: 'input', path: 'schema.spec.name' },
    ]);
    const sa = byId(g, 'serviceaccount');
    const literalSa = resource('serviceaccount', {
      ...sa.object,
      metadata: { name: 'app', namespace: 'apps' },
    });
    const g1b = graph(g1.resources.map((r) => (r.id === sa.id ? literalSa : r)));
    assert.deepEqual(summary(run('IAM-017', ctx(role, g1b))).slice(1), [
      [
        'fail',
        '',
        'PodIdentityAssociation "podidentityassociation" binds "kube-system"/"other", which is no ServiceAccount of the graph',
      ],
    ]);
    const g2 = graph(g.resources.map((r) => (r.id === 'role' ? broken : r)));
    assert.deepEqual(summary(run('IAM-017', ctx(broken, g2))), [
      [
        'fail',
        'spec.assumeRolePolicyDocument',
        'PodIdentityAssociation "podidentityassociation" uses this role, but the trust lacks pods.eks.amazonaws.com',
      ],
    ]);
  });
});

describe('permission documents of every kind', () => {
  const g = graph([]);
  const adminDoc = json({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  });
  const kinds: [string, string, Record<string, unknown>, string][] = [
    [
      'iam.services.k8s.aws/v1alpha1',
      'Role',
      { inlinePolicies: { admin: adminDoc } },
      'spec.inlinePolicies.admin.Statement[0].Action',
    ],
    [
      'iam.services.k8s.aws/v1alpha1',
      'User',
      { inlinePolicies: { admin: adminDoc } },
      'spec.inlinePolicies.admin.Statement[0].Action',
    ],
    [
      'iam.services.k8s.aws/v1alpha1',
      'Group',
      { inlinePolicies: { admin: adminDoc } },
      'spec.inlinePolicies.admin.Statement[0].Action',
    ],
    [
      'iam.services.k8s.aws/v1alpha1',
      'Policy',
      { policyDocument: adminDoc },
      'spec.policyDocument.Statement[0].Action',
    ],
    [
      'eks.services.k8s.aws/v1alpha1',
      'PodIdentityAssociation',
      { policy: adminDoc },
      'spec.policy.Statement[0].Action',
    ],
  ];
  for (const [apiVersion, kind, spec, path] of kinds) {
    it(`IAM-001 reads ${kind}`, () => {
      const r = resource('x', { apiVersion, kind, metadata: { name: 'x' }, spec } as RenderedObject);
      assert.deepEqual(summary(run('IAM-001', ctx(r, g))), [
        ['fail', path, 'Allow of Action "*" on Resource "*" is full admin'],
      ]);
    });
  }

  it('an invalid document fails closed for every permission rule; an unknown one is unknown', () => {
    const bad = resource('p', {
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Policy',
      metadata: { name: 'p' },
      spec: { policyDocument: '{"Statement": [' },
    });
    for (const id of [
      'IAM-001',
      'IAM-002',
      'IAM-003',
      'IAM-004',
      'IAM-005',
      'IAM-007',
      'IAM-008',
      'IAM-009',
      'IAM-013',
    ]) {
      assert.deepEqual(summary(run(id, ctx(bad, g))), [
        [
          'fail',
          'spec.policyDocument',
          'invalid policy document: not valid JSON: unexpected end of text (expected a JSON value)',
        ],
      ]);
    }
    const unknown = resource(
      'p',
      render({
        apiVersion: 'iam.services.k8s.aws/v1alpha1',
        kind: 'Policy',
        metadata: { name: 'p' },
        spec: { policyDocument: '${schema.spec.policy}' },
      }) as never,
    );
    const [r] = run('IAM-002', ctx(unknown, g));
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.policy' }]);
  });
});

describe('users, boundaries, inline policies, OIDC providers', () => {
  const g = graph([]);
  const iam = (kind: string, spec: Record<string, unknown>) =>
    resource(
      'x',
      render({
        apiVersion: 'iam.services.k8s.aws/v1alpha1',
        kind,
        metadata: { name: 'x' },
        spec,
      }) as RenderedObject,
    );

  it('IAM-010: users without policies pass', () => {
    assert.deepEqual(verdicts(run('IAM-010', ctx(iam('User', { name: 'u' }), g))), ['pass']);
    assert.deepEqual(
      summary(
        run(
          'IAM-010',
          ctx(iam('User', { name: 'u', policies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), g),
        ),
      ),
      [['fail', 'spec.policies', 'the user has 1 policies; grant permissions through roles or groups']],
    );
  });

  it('IAM-011 and IAM-012 (optional)', () => {
    assert.deepEqual(summary(run('IAM-011', ctx(iam('Role', { name: 'r' }), g))), [
      ['fail', '', 'no permissions boundary (spec.permissionsBoundary or permissionsBoundaryRef)'],
    ]);
    const bounded = iam('Role', {
      name: 'r',
      permissionsBoundary: 'arn:aws:iam::111122223333:policy/boundary',
    });
    assert.deepEqual(verdicts(run('IAM-011', ctx(bounded, g))), ['pass']);
    assert.deepEqual(
      verdicts(
        run(
          'IAM-011',
          ctx(bounded, g, { permissionsBoundaries: ['arn:aws:iam::111122223333:policy/other'] }),
        ),
      ),
      ['fail'],
    );
    assert.deepEqual(
      summary(run('IAM-012', ctx(iam('Group', { name: 'g', inlinePolicies: { a: '{}' } }), g))),
      [['fail', 'spec.inlinePolicies', 'inline policies "a": use managed policies instead']],
    );
  });

  it('IAM-018: clientIDs must be exactly sts.amazonaws.com', () => {
    assert.deepEqual(
      verdicts(
        run(
          'IAM-018',
          ctx(iam('OpenIDConnectProvider', { url: 'https://x', clientIDs: ['sts.amazonaws.com'] }), g),
        ),
      ),
      ['pass'],
    );
    assert.deepEqual(
      summary(
        run(
          'IAM-018',
          ctx(
            iam('OpenIDConnectProvider', { url: 'https://x', clientIDs: ['sts.amazonaws.com', 'my-app'] }),
            g,
          ),
        ),
      ),
      [['fail', 'spec.clientIDs[1]', 'client ID "my-app" is not sts.amazonaws.com']],
    );
    assert.deepEqual(verdicts(run('IAM-018', ctx(iam('OpenIDConnectProvider', { url: 'https://x' }), g))), [
      'fail',
    ]);
    assert.deepEqual(
      verdicts(
        run(
          'IAM-018',
          ctx(iam('OpenIDConnectProvider', { url: 'https://x', clientIDs: ['${schema.spec.aud}'] }), g),
        ),
      ),
      ['unknown'],
    );
  });

  it('K8S-011: a role outside the graph cannot be checked; a non-role resource fails', () => {
    const sa = (arn: string) =>
      resource(
        'sa',
        render({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'sa', annotations: { 'eks.amazonaws.com/role-arn': arn } },
        }) as RenderedObject,
      );
    assert.deepEqual(verdicts(run('K8S-011', ctx(sa('arn:aws:iam::111122223333:role/app'), g))), ['unknown']);
    const bucket = resource('bucket', {
      apiVersion: 's3.services.k8s.aws/v1alpha1',
      kind: 'Bucket',
      metadata: { name: 'b' },
    });
    const account = sa('${bucket.status.ackResourceMetadata.arn}');
    assert.deepEqual(summary(run('K8S-011', ctx(account, graph([bucket, account])))), [
      [
        'fail',
        'metadata.annotations["eks.amazonaws.com/role-arn"]',
        '"bucket" is not an IAM Role of the graph',
      ],
    ]);
    assert.deepEqual(
      run(
        'K8S-011',
        ctx(resource('plain', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'p' } }), g),
      ),
      [],
    );
  });
});
