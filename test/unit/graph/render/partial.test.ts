/**
 * Partial evaluation: unknown values used opaquely stay symbolic inside the result (IAM policy
 * JSON, joined strings); any other use makes the whole result unknown; kro's `${"${...}"}` escape
 * gives literal text; evaluation errors are reported with their field path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SymbolicString,
  Unknown,
  renderInstance,
  type RenderedGraph,
  type RenderedObject,
  type RenderedValue,
} from '../../../../src/graph/render/index.ts';
import { compile, testInstance, testRgd } from './helpers.ts';

const TRUST_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",' +
  '"Principal":{"Federated":"arn:aws:iam::${schema.spec.accountID}:oidc-provider/${cluster.status.identity.oidc.issuer.substring(8)}"},' +
  '"Action":"sts:AssumeRoleWithWebIdentity",' +
  '"Condition":{"StringEquals":{"${cluster.status.identity.oidc.issuer.substring(8)}:sub":"system:serviceaccount:${schema.metadata.namespace}:app"}}}]}';

const rgd = testRgd({ name: 'string', bucket: 'string', accountID: 'string' }, [
  {
    id: 'cluster',
    template: {
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      kind: 'Cluster',
      metadata: { name: '${schema.spec.name}' },
      spec: {
        name: '${schema.spec.name}',
        roleARN: 'arn:aws:iam::111122223333:role/eks',
        resourcesVPCConfig: { subnetIDs: ['subnet-a'] },
      },
    },
  },
  {
    id: 'key',
    template: {
      apiVersion: 'kms.services.k8s.aws/v1alpha1',
      kind: 'Key',
      metadata: { name: '${schema.spec.name}-key' },
      spec: { description: 'data key' },
    },
  },
  {
    id: 'policy',
    template: {
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Policy',
      metadata: { name: '${schema.spec.name}-read' },
      spec: {
        name: '${schema.spec.name}-read',
        policyDocument:
          '${json.marshal({"Version": "2012-10-17", "Statement": [' +
          '{"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key.status.ackResourceMetadata.arn]}, ' +
          '{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::" + schema.spec.bucket + "/*"]}]})}',
      },
    },
  },
  {
    id: 'home',
    template: {
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Policy',
      metadata: { name: '${schema.spec.name}-home' },
      spec: {
        name: '${schema.spec.name}-home',
        policyDocument:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",' +
          '"Resource":"arn:aws:s3:::${schema.spec.bucket}/home/${"${aws:username}"}/*"}]}\n',
      },
    },
  },
  {
    id: 'role',
    template: {
      apiVersion: 'iam.services.k8s.aws/v1alpha1',
      kind: 'Role',
      metadata: { name: '${schema.spec.name}-app' },
      spec: {
        name: '${schema.spec.name}-app',
        assumeRolePolicyDocument: TRUST_POLICY,
        policies: ['${policy.status.ackResourceMetadata.arn}'],
        description: '${key.status.ackResourceMetadata.arn == "" ? "no key" : "key"}',
      },
    },
  },
  {
    id: 'cm',
    template: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${schema.spec.name}-refs' },
      data: {
        joined: '${[schema.spec.name, key.status.ackResourceMetadata.arn].join(",")}',
        formatted: '${"%s|%s".format([schema.spec.name, key.status.ackResourceMetadata.arn])}',
        pick: '${schema.spec.bucket != "" ? key.status.ackResourceMetadata.arn : "none"}',
        hasArn: '${string(has(key.status.ackResourceMetadata.arn))}',
        meta: '${json.marshal(key.metadata) + key.metadata.uid}',
        keyName: '${key.metadata.name}',
      },
    },
  },
]);

const STATUS_ARN = { kind: 'status', resourceId: 'key', path: 'key.status.ackResourceMetadata.arn' } as const;

describe('partial evaluation of opaque unknowns', () => {
  const compiled = compile(rgd);
  const g: RenderedGraph = renderInstance(
    compiled,
    testInstance({ name: 'orders', bucket: 'orders-data', accountID: '111122223333' }),
  );
  const spec = (id: string): RenderedObject => {
    const r = g.resources.find((x) => x.id === id);
    assert.ok(r);
    return r.object.spec as RenderedObject;
  };
  const data = g.resources.find((x) => x.id === 'cm')!.object.data as RenderedObject;

  it('renders without errors', () => {
    assert.deepEqual(g.diagnostics, []);
  });

  it('maps tokens back inside a json.marshal policy document', () => {
    const doc = spec('policy').policyDocument;
    assert.ok(doc instanceof SymbolicString);
    assert.equal(doc.unknowns.length, 1);
    const arn = doc.unknowns[0]!;
    assert.equal(arn.expression, 'key.status.ackResourceMetadata.arn');
    assert.deepEqual(arn.provenance, [STATUS_ARN]);
    const parsed = JSON.parse(doc.parts.map((p) => (typeof p === 'string' ? p : 'KEY-ARN')).join('')) as {
      Statement: { Resource: string[] }[];
    };
    assert.deepEqual(parsed.Statement[0]!.Resource, ['KEY-ARN']);
    assert.deepEqual(parsed.Statement[1]!.Resource, ['arn:aws:s3:::orders-data/*']);
  });

  it('makes a non-opaque use one unknown named after the whole expression', () => {
    const trust = spec('role').assumeRolePolicyDocument;
    assert.ok(trust instanceof SymbolicString);
    const holes = trust.unknowns;
    assert.equal(holes.length, 2);
    for (const u of holes) {
      assert.equal(u.expression, 'cluster.status.identity.oidc.issuer.substring(8)');
      assert.deepEqual(u.provenance, [
        { kind: 'status', resourceId: 'cluster', path: 'cluster.status.identity.oidc.issuer' },
      ]);
    }
    assert.match(trust.toString(), /"system:serviceaccount:team-a:app"/);
    assert.match(trust.toString(), /"arn:aws:iam::111122223333:oidc-provider\/\$\{cluster\.status/);

    const description = spec('role').description;
    assert.ok(description instanceof Unknown);
    assert.equal(description.expression, 'key.status.ackResourceMetadata.arn == "" ? "no key" : "key"');
    assert.deepEqual(description.provenance, [STATUS_ARN]);

    const hasArn = data.hasArn;
    assert.ok(hasArn instanceof Unknown);
    assert.equal(hasArn.expression, 'string(has(key.status.ackResourceMetadata.arn))');
  });

  it('keeps join, format arguments and conditional branches symbolic', () => {
    const parts = (v: RenderedValue | undefined) => {
      assert.ok(v instanceof SymbolicString);
      return v.parts.map((p) => (typeof p === 'string' ? p : p.expression));
    };
    assert.deepEqual(parts(data.joined), ['orders,', 'key.status.ackResourceMetadata.arn']);
    assert.deepEqual(parts(data.formatted), ['orders|', 'key.status.ackResourceMetadata.arn']);
    const pick = data.pick;
    assert.ok(pick instanceof Unknown);
    assert.equal(pick.expression, 'key.status.ackResourceMetadata.arn');
    const policies = spec('role').policies as RenderedValue[];
    assert.ok(policies[0] instanceof Unknown);
    assert.deepEqual(policies[0].provenance, [
      { kind: 'status', resourceId: 'policy', path: 'policy.status.ackResourceMetadata.arn' },
    ]);
  });

  it('does not add an unknown field to an object the same expression reads whole', () => {
    const meta = data.meta;
    assert.ok(meta instanceof Unknown);
    assert.equal(meta.expression, 'json.marshal(key.metadata) + key.metadata.uid');
    assert.deepEqual(meta.provenance, [{ kind: 'status', resourceId: 'key', path: 'key.metadata.uid' }]);
    assert.equal(data.keyName, 'orders-key');
  });

  it('turns kro\'s ${"${aws:username}"} escape into literal text', () => {
    const doc = spec('home').policyDocument;
    assert.equal(typeof doc, 'string');
    const parsed = JSON.parse(doc as string) as { Statement: { Resource: string }[] };
    assert.equal(parsed.Statement[0]!.Resource, 'arn:aws:s3:::orders-data/home/${aws:username}/*');
  });
});

describe('evaluation errors', () => {
  const compiled = compile(
    testRgd({ name: 'string', extra: 'object' }, [
      {
        id: 'cm',
        template: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: '${schema.spec.name}' },
          data: {
            short: '${schema.spec.name.substring(20)}',
            count: 'n-${schema.spec.extra.n}',
            fine: '${schema.spec.name}-ok',
          },
        },
      },
    ]),
  );

  it('reports each failing field at resources[<id>].<field> with the CEL message', () => {
    const g = renderInstance(compiled, testInstance({ name: 'orders', extra: { n: 5 } }));
    assert.deepEqual(
      g.diagnostics.map((d) => [d.code, d.path]),
      [
        ['render/template-not-string', 'resources[cm].data.count'],
        ['render/evaluation-error', 'resources[cm].data.short'],
      ],
    );
    assert.match(g.diagnostics[0]!.message, /returned int: no such overload: string \+ int/);
    assert.match(g.diagnostics[1]!.message, /^failed to evaluate "schema\.spec\.name\.substring\(20\)": /);
    const data = g.resources[0]!.object.data as RenderedObject;
    assert.equal(data.fine, 'orders-ok');
    assert.ok(data.short instanceof Unknown);
    assert.deepEqual(data.short.provenance, [{ kind: 'runtime', path: 'schema.spec.name.substring(20)' }]);
  });
});
