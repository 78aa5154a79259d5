import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import {
  analyseIrsaGraph,
  analyseIrsaTrust,
  irsaBindings,
  type IrsaOptions,
} from '../../../../src/policy/iam/irsa.ts';
import { analysePodIdentityTrust } from '../../../../src/policy/iam/pod-identity.ts';
import { printText } from '../../../../src/policy/iam/text.ts';
import {
  byId,
  corpusGraph,
  doc,
  graph,
  hole,
  json,
  render,
  resource,
  summary,
  template,
  verdicts,
} from './helpers.ts';

const BASE = ['spec', 'assumeRolePolicyDocument'];
const OPTS: IrsaOptions = { allowedAccounts: [], oidcProviders: [] };
const HOST = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** The IRSA trust of the EKS user guide (compliance-catalogue §3.1), with overrides. */
function irsa(overrides: { principal?: unknown; condition?: unknown; action?: unknown } = {}): string {
  return json({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: overrides.principal ?? { Federated: `arn:aws:iam::111122223333:oidc-provider/${HOST}` },
        Action: overrides.action ?? 'sts:AssumeRoleWithWebIdentity',
        Condition: overrides.condition ?? {
          StringEquals: {
            [`${HOST}:aud`]: 'sts.amazonaws.com',
            [`${HOST}:sub`]: 'system:serviceaccount:apps:web',
          },
        },
      },
    ],
  });
}

/** Scenario S7: IRSA built from the graph Cluster's issuer and instance fields. */
const S7_TRUST =
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",' +
  ' "Principal": {"Federated": "arn:aws:iam::${schema.spec.accountId}:oidc-provider/${cluster.status.identity.oidc.issuer.substring(8)}"},' +
  ' "Action": "sts:AssumeRoleWithWebIdentity",' +
  ' "Condition": {"StringEquals": {"${cluster.status.identity.oidc.issuer.substring(8)}:aud": "sts.amazonaws.com",' +
  ' "${cluster.status.identity.oidc.issuer.substring(8)}:sub": "system:serviceaccount:${schema.metadata.namespace}:${schema.spec.serviceAccountName}"}}}]}';

describe('IAM-016 IRSA trust (compliance-catalogue §3.1)', () => {
  it('the documented form passes', () => {
    assert.deepEqual(summary(analyseIrsaTrust(doc(irsa()), BASE, OPTS)), [
      [
        'pass',
        'spec.assumeRolePolicyDocument',
        'IRSA trust is scoped to "system:serviceaccount:apps:web" with aud "sts.amazonaws.com"',
      ],
    ]);
  });

  it("S6: kro's S3 controller trust lacks aud (corpus)", () => {
    const g = corpusGraph('aws/ack-controller/controllers/s3-controller.yaml');
    const d = doc(byId(g, 's3ControllerIamRole').object.spec!['assumeRolePolicyDocument' as never]);
    assert.deepEqual(summary(analyseIrsaTrust(d, BASE, OPTS)), [
      [
        'fail',
        'spec.assumeRolePolicyDocument.Statement[0].Condition',
        'no StringEquals aud condition (must be "sts.amazonaws.com")',
      ],
    ]);
    // The key prefix and the Federated host are the same instance field: step 4 holds symbolically.
    const [binding] = irsaBindings(d);
    assert.equal(printText(binding!.host!), '${schema.spec.values.iamRole.oidcProvider}');
    assert.equal(
      printText(binding!.sub!.value),
      'system:serviceaccount:${schema.spec.namespace}:${schema.spec.values.serviceAccount.name}',
    );
  });

  it('S7: host from the graph Cluster issuer, sub from instance fields, passes', () => {
    const cluster = resource('cluster', {
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'c' },
    });
    const g = graph([cluster]);
    const d = doc(template(S7_TRUST));
    assert.deepEqual(verdicts(analyseIrsaTrust(d, BASE, OPTS)), ['pass']);
    // With an oidcProviders allow-list, a host derived from the graph cluster still passes; an input does not decide.
    assert.deepEqual(verdicts(analyseIrsaTrust(d, BASE, { ...OPTS, oidcProviders: [HOST], graph: g })), [
      'pass',
    ]);
    const fromInput = doc(
      template(S7_TRUST.replaceAll('cluster.status.identity.oidc.issuer.substring(8)', 'schema.spec.oidc')),
    );
    assert.deepEqual(
      verdicts(analyseIrsaTrust(fromInput, BASE, { ...OPTS, oidcProviders: [HOST], graph: g })),
      ['unknown'],
    );
  });

  it('StringLike or a wildcard in sub, or no sub, fail', () => {
    const like = irsa({
      condition: {
        StringLike: { [`${HOST}:sub`]: 'system:serviceaccount:apps:*' },
        StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' },
      },
    });
    assert.deepEqual(summary(analyseIrsaTrust(doc(like), BASE, OPTS)), [
      [
        'fail',
        `spec.assumeRolePolicyDocument.Statement[0].Condition.StringLike["${HOST}:sub"]`,
        'sub is tested with "StringLike", not StringEquals: more than one service account may assume the role',
      ],
    ]);
    const star = irsa({
      condition: {
        StringEquals: {
          [`${HOST}:aud`]: 'sts.amazonaws.com',
          [`${HOST}:sub`]: 'system:serviceaccount:*:default',
        },
      },
    });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(star), BASE, OPTS)).map((r) => r[2]),
      ['sub "system:serviceaccount:*:default" contains "*" or "?": name one service account'],
    );
    const audOnly = irsa({ condition: { StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com' } } });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(audOnly), BASE, OPTS)).map((r) => r[2]),
      ['no StringEquals sub condition: any service account of the cluster can assume the role'],
    );
    const none = json({
      Statement: {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::111122223333:oidc-provider/${HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
      },
    });
    assert.deepEqual(verdicts(analyseIrsaTrust(doc(none), BASE, OPTS)), ['fail', 'fail']);
  });

  it('several subs, wrong aud, malformed sub', () => {
    const two = irsa({
      condition: {
        StringEquals: {
          [`${HOST}:aud`]: 'sts.amazonaws.com',
          [`${HOST}:sub`]: ['system:serviceaccount:a:x', 'system:serviceaccount:b:y'],
        },
      },
    });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(two), BASE, OPTS)).map((r) => r[2]),
      ['sub lists 2 values; exactly one service account expected'],
    );
    const aud = irsa({
      condition: {
        StringEquals: { [`${HOST}:aud`]: 'my-app', [`${HOST}:sub`]: 'system:serviceaccount:a:x' },
      },
    });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(aud), BASE, OPTS)).map((r) => r[2]),
      ['aud is "my-app", must be exactly "sts.amazonaws.com"'],
    );
    assert.deepEqual(verdicts(analyseIrsaTrust(doc(aud), BASE, { ...OPTS, audience: 'my-app' })), ['pass']);
    const bad = irsa({
      condition: {
        StringEquals: {
          [`${HOST}:aud`]: 'sts.amazonaws.com',
          [`${HOST}:sub`]: 'system:serviceaccount:Apps:web',
        },
      },
    });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(bad), BASE, OPTS)).map((r) => r[2]),
      ['sub "system:serviceaccount:Apps:web" does not name a valid namespace and service account'],
    );
  });

  it('condition keys for another provider fail (step 4)', () => {
    const other = 'oidc.eks.eu-west-1.amazonaws.com/id/OTHER';
    const d = irsa({
      condition: {
        StringEquals: {
          [`${other}:aud`]: 'sts.amazonaws.com',
          [`${other}:sub`]: 'system:serviceaccount:a:x',
        },
      },
    });
    assert.deepEqual(
      summary(analyseIrsaTrust(doc(d), BASE, OPTS)).map((r) => r[2]),
      [
        `condition key "${other}:sub" is not for the Federated provider "${HOST}"`,
        `condition key "${other}:aud" is not for the Federated provider "${HOST}"`,
      ],
    );
    const symbolic = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/${schema.spec.oidc}"}, "Action": "sts:AssumeRoleWithWebIdentity",' +
          ' "Condition": {"StringEquals": {"${schema.spec.otherOidc}:aud": "sts.amazonaws.com", "${schema.spec.otherOidc}:sub": "system:serviceaccount:a:b"}}}}',
      ),
    );
    const results = analyseIrsaTrust(symbolic, BASE, OPTS);
    assert.deepEqual(verdicts(results), ['unknown', 'unknown']);
    assert.deepEqual(results[0]!.dependsOn, [
      { kind: 'input', path: 'schema.spec.otherOidc' },
      { kind: 'input', path: 'schema.spec.oidc' },
    ]);
  });

  it('provider checks: issuer URL, accounts and allow-list; a provider from an input is unknown', () => {
    const fromInput = irsa({ principal: { Federated: '${schema.spec.provider}' } });
    const [r] = analyseIrsaTrust(doc(template(fromInput)), BASE, OPTS);
    assert.equal(r!.verdict, 'unknown');
    assert.equal(
      r!.reason,
      'possibly: "${schema.spec.provider}" is not an arn:aws:iam::<account>:oidc-provider/<host> ARN',
    );
    const url = doc(template(S7_TRUST.replaceAll('.substring(8)', '')));
    assert.deepEqual(
      summary(analyseIrsaTrust(url, BASE, OPTS)).map((r) => r[2]),
      ['"${cluster.status.identity.oidc.issuer}" is the issuer URL; strip "https://" for the provider host'],
    );
    assert.deepEqual(
      summary(
        analyseIrsaTrust(doc(irsa()), BASE, {
          allowedAccounts: ['444455556666'],
          oidcProviders: ['oidc.example/id/1'],
        }),
      ).map((r) => r[2]),
      [
        'provider account "111122223333" is not in allowedAccounts',
        `provider "${HOST}" is not in oidcProviders`,
      ],
    );
  });

  it('other principals, in the statement or beside it, fail (step 6)', () => {
    const mixed = irsa({
      principal: {
        Federated: `arn:aws:iam::111122223333:oidc-provider/${HOST}`,
        Service: 'ec2.amazonaws.com',
      },
    });
    assert.deepEqual(summary(analyseIrsaTrust(doc(mixed), BASE, OPTS)), [
      [
        'fail',
        'spec.assumeRolePolicyDocument.Statement[0].Principal.Service',
        'the IRSA statement also trusts Service "ec2.amazonaws.com"',
      ],
    ]);
    const base = JSON.parse(irsa()) as { Statement: unknown[] };
    base.Statement.push({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    });
    assert.deepEqual(summary(analyseIrsaTrust(doc(json(base)), BASE, OPTS)), [
      [
        'fail',
        'spec.assumeRolePolicyDocument.Statement[1].Principal',
        'the trust also allows Service "pods.eks.amazonaws.com" besides IRSA',
      ],
    ]);
  });

  it('a trust without IRSA statements is out of scope', () => {
    const pods = json({
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    });
    assert.deepEqual(analyseIrsaTrust(doc(pods), BASE, OPTS), []);
  });

  it('other web identities are not IRSA; a self-managed issuer naming a service account is', () => {
    const cognito = irsa({ principal: { Federated: 'cognito-identity.amazonaws.com' } });
    assert.deepEqual(analyseIrsaTrust(doc(cognito), BASE, OPTS), []);
    const github = irsa({
      principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com' },
      condition: { StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:org/app:*' } },
    });
    assert.deepEqual(analyseIrsaTrust(doc(github), BASE, OPTS), []);
    const selfManaged = irsa({
      principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/issuer.example.com' },
      condition: { StringLike: { 'issuer.example.com:sub': 'system:serviceaccount:apps:*' } },
    });
    assert.deepEqual(verdicts(analyseIrsaTrust(doc(selfManaged), BASE, OPTS)), ['fail', 'fail']);
  });
});

describe('IAM-016 step 5: the graph ServiceAccount', () => {
  const sa = (id: string, metadata: Record<string, unknown>) =>
    resource(id, render({ apiVersion: 'v1', kind: 'ServiceAccount', metadata }) as RenderedObject);

  it('S6: the graph SA is named by the same instance fields as the sub', () => {
    const g = corpusGraph('aws/ack-controller/controllers/s3-controller.yaml');
    const d = doc(byId(g, 's3ControllerIamRole').object.spec!['assumeRolePolicyDocument' as never]);
    const account = byId(g, 'serviceAccount');
    const identity = {
      id: account.id,
      namespace: account.object.metadata!['namespace' as never],
      name: account.object.metadata!['name' as never],
    };
    assert.deepEqual(summary(analyseIrsaGraph(d, BASE, 's3ControllerIamRole', [identity])), [
      [
        'pass',
        'spec.assumeRolePolicyDocument.Statement[0].Condition.StringEquals["${schema.spec.values.iamRole.oidcProvider}:sub"]',
        'sub names ServiceAccount "serviceAccount" ("system:serviceaccount:${schema.spec.namespace}:${schema.spec.values.serviceAccount.name}")',
      ],
    ]);
  });

  it('S7: an SA without namespace is in the instance namespace', () => {
    const d = doc(template(S7_TRUST));
    const account = sa('sa', { name: '${schema.spec.serviceAccountName}' });
    const identity = {
      id: 'sa',
      namespace: hole('schema.metadata.namespace'),
      name: account.object.metadata!['name' as never],
    };
    assert.deepEqual(verdicts(analyseIrsaGraph(d, BASE, 'role', [identity])), ['pass']);
  });

  it('another SA name fails; an unrelated input is unknown; no or two SAs fail', () => {
    const d = doc(irsa());
    assert.deepEqual(
      summary(analyseIrsaGraph(d, BASE, 'role', [{ id: 'sa', namespace: 'apps', name: 'api' }])).map((r) => [
        r[0],
        r[2],
      ]),
      [
        [
          'fail',
          'sub "system:serviceaccount:apps:web" is not ServiceAccount "sa" ("system:serviceaccount:apps:api")',
        ],
      ],
    );
    const unknown = analyseIrsaGraph(d, BASE, 'role', [
      { id: 'sa', namespace: 'apps', name: hole('schema.spec.name') },
    ]);
    assert.deepEqual(verdicts(unknown), ['unknown']);
    assert.deepEqual(unknown[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.name' }]);
    assert.deepEqual(
      summary(analyseIrsaGraph(d, BASE, 'role', [])).map((r) => r[2]),
      [
        'no ServiceAccount of the graph has eks.amazonaws.com/role-arn: ${role.status.ackResourceMetadata.arn}',
      ],
    );
    const two = [
      { id: 'a', namespace: 'apps', name: 'web' },
      { id: 'b', namespace: 'apps', name: 'web2' },
    ];
    assert.deepEqual(
      summary(analyseIrsaGraph(d, BASE, 'role', two)).map((r) => r[2]),
      ['2 ServiceAccounts use this role (a, b); one expected'],
    );
  });
});

describe('IAM-017 Pod Identity trust (compliance-catalogue §3.3)', () => {
  const podTrust = (s: Record<string, unknown>) =>
    doc(json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...s }] }));

  it('the documented form passes (corpus podidentity example)', () => {
    const g = corpusGraph('aws/podidenity/rg.yaml');
    const d = doc(byId(g, 'role').object.spec!['assumeRolePolicyDocument' as never]);
    assert.deepEqual(summary(analysePodIdentityTrust(d, BASE, true)), [
      [
        'pass',
        'spec.assumeRolePolicyDocument',
        'trusts only pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession',
      ],
    ]);
  });

  it('missing TagSession fails unless session tags are disabled', () => {
    const d = podTrust({ Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' });
    assert.deepEqual(summary(analysePodIdentityTrust(d, BASE, true)), [
      [
        'fail',
        'spec.assumeRolePolicyDocument.Statement[0].Action',
        'Action lacks sts:TagSession (needed unless disableSessionTags)',
      ],
    ]);
    assert.deepEqual(verdicts(analysePodIdentityTrust(d, BASE, false)), ['pass']);
  });

  it('other principals and actions fail', () => {
    const d = podTrust({
      Principal: { Service: ['pods.eks.amazonaws.com', 'ec2.amazonaws.com'] },
      Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:*'],
    });
    assert.deepEqual(
      summary(analysePodIdentityTrust(d, BASE, true)).map((r) => [r[1], r[2]]),
      [
        [
          'spec.assumeRolePolicyDocument.Statement[0].Principal.Service[1]',
          'the Pod Identity statement also trusts Service "ec2.amazonaws.com"',
        ],
        [
          'spec.assumeRolePolicyDocument.Statement[0].Action[2]',
          'Action "sts:*" is not needed by Pod Identity (sts:AssumeRole, sts:TagSession)',
        ],
      ],
    );
    assert.deepEqual(
      analysePodIdentityTrust(
        podTrust({ Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
        BASE,
        true,
      ),
      [],
    );
  });
});
