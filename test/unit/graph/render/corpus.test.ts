/**
 * Rendering kro v0.9.3's own examples with their instances (instance mode).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SymbolicString,
  Unknown,
  renderInstance,
  type RenderedGraph,
  type RenderedObject,
  type RenderedResource,
  type RenderedValue,
} from '../../../../src/graph/render/index.ts';
import { compile, corpus, defaulted } from './helpers.ts';

function resource(g: RenderedGraph, id: string): RenderedResource {
  const r = g.resources.find((x) => x.id === id);
  assert.ok(r, `resource ${id} is rendered`);
  return r;
}

function at(v: RenderedValue | undefined, ...path: (string | number)[]): RenderedValue | undefined {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && typeof seg === 'string')
      cur = (cur as RenderedObject)[seg];
    else return undefined;
  }
  return cur;
}

describe('render: kubernetes/webapp', () => {
  const compiled = compile(corpus('kubernetes/webapp/rg.yaml'));
  const instance = defaulted(corpus('kubernetes/webapp/instance.yaml'), compiled);

  it('renders every child with the instance values, in topological order', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    assert.deepEqual(
      g.resources.map((r) => r.id),
      ['deployment', 'service', 'ingress'],
    );
    const d = resource(g, 'deployment').object;
    assert.equal(at(d, 'metadata', 'name'), 'test-app');
    assert.equal(at(d, 'metadata', 'namespace'), 'default');
    assert.equal(at(d, 'spec', 'replicas'), 1);
    assert.equal(at(d, 'spec', 'template', 'spec', 'containers', 0, 'image'), 'nginx');
    assert.equal(at(d, 'spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'), 80);
    assert.equal(at(d, 'spec', 'template', 'spec', 'containers', 0, 'resources', 'limits', 'cpu'), '1');
    // References to other resources read their rendered objects.
    const svc = resource(g, 'service').object;
    assert.equal(at(svc, 'metadata', 'namespace'), 'default');
    assert.equal(at(svc, 'spec', 'ports', 0, 'targetPort'), 80);
    const ing = resource(g, 'ingress');
    assert.equal(
      at(ing.object, 'spec', 'rules', 0, 'http', 'paths', 0, 'backend', 'service', 'name'),
      'test-app',
    );
    assert.equal(ing.included, true);
    assert.deepEqual(ing.gvk, { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' });
    assert.equal(ing.namespaced, true);
    assert.deepEqual(ing.templatePath, ['spec', 'resources', 2, 'template']);
    assert.equal(g.instance.name, 'test-app');
  });

  it('leaves out resources whose includeWhen is false, and the resources that depend on them', () => {
    const noIngress = structuredClone(instance);
    (noIngress.spec as { ingress: { enabled: boolean } }).ingress.enabled = false;
    assert.deepEqual(renderInstance(compiled, noIngress).excluded, [{ id: 'ingress' }]);

    // The ingress reads service.metadata.name: exclusion is contagious (kro pkg/runtime IsIgnored).
    const noService = structuredClone(instance);
    (noService.spec as { service: { enabled: boolean } }).service.enabled = false;
    const g = renderInstance(compiled, noService);
    assert.deepEqual(g.excluded, [{ id: 'service' }, { id: 'ingress' }]);
    assert.deepEqual(
      g.resources.map((r) => r.id),
      ['deployment'],
    );
  });

  it('reports instance data that is missing (kro would wait for it forever)', () => {
    const g = renderInstance(compiled, corpus('kubernetes/webapp/instance.yaml'));
    const d = g.diagnostics.find((x) => x.path === 'resources[deployment].spec.replicas');
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(d.code, 'render/evaluation-error');
    assert.match(d.message, /schema\.spec\.replicas.*No such key: replicas/);
  });
});

describe('render: aws/s3bucket', () => {
  const compiled = compile(corpus('aws/s3bucket/rg.yaml'));
  const instance = defaulted(corpus('aws/s3bucket/instance.yaml'), compiled);

  it('keeps the bucket ARN symbolic inside the policy document, with its provenance', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    const doc = at(resource(g, 's3PolicyWrite').object, 'spec', 'policyDocument');
    assert.ok(doc instanceof SymbolicString);
    const holes = doc.unknowns;
    assert.equal(holes.length, 2);
    for (const u of holes) {
      assert.equal(u.expression, 's3bucket.status.ackResourceMetadata.arn');
      assert.deepEqual(u.provenance, [
        { kind: 'status', resourceId: 's3bucket', path: 's3bucket.status.ackResourceMetadata.arn' },
      ]);
    }
    const policy = JSON.parse(doc.parts.map((p) => (typeof p === 'string' ? p : 'ARN')).join('')) as {
      Statement: { Resource: string[] }[];
    };
    assert.deepEqual(
      policy.Statement.map((s) => s.Resource),
      [['ARN/*'], ['ARN']],
    );
    assert.equal(at(resource(g, 's3PolicyWrite').object, 'spec', 'name'), 's3demo-11223344-s3-write-policy');
  });

  it('gives namespaced children without a namespace the instance namespace', () => {
    const g = renderInstance(compiled, instance);
    assert.equal(at(resource(g, 's3bucket').object, 'metadata', 'namespace'), 'default');
    const elsewhere = structuredClone(instance);
    (elsewhere.metadata as { namespace: string }).namespace = 'team-b';
    assert.equal(
      at(resource(renderInstance(compiled, elsewhere), 's3bucket').object, 'metadata', 'namespace'),
      'team-b',
    );
  });

  it('excludes the write policy for read access', () => {
    const read = structuredClone(instance);
    (read.spec as { access: string }).access = 'read';
    const g = renderInstance(compiled, read);
    assert.deepEqual(g.excluded, [{ id: 's3PolicyWrite' }]);
    assert.deepEqual(
      g.resources.map((r) => r.id),
      ['s3bucket'],
    );
  });
});

describe('render: aws/rds-postgres', () => {
  const compiled = compile(corpus('aws/rds-postgres/rg.yaml'));
  // instance-template.yaml holds shell placeholders, filled with envsubst as its README does.
  const instance = defaulted(
    corpus('aws/rds-postgres/instance-template.yaml', {
      POSTGRES_NAME: 'orders',
      VPC_ID: 'vpc-0123',
      SUBNET_IDS: '"subnet-a", "subnet-b"',
    }),
    compiled,
  );

  it('passes lists and numbers through standalone expressions', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    assert.deepEqual(at(resource(g, 'subnetgroup').object, 'spec', 'subnetIDs'), ['subnet-a', 'subnet-b']);
    const db = resource(g, 'dbinstance').object;
    assert.equal(at(db, 'spec', 'allocatedStorage'), 20);
    assert.equal(at(db, 'spec', 'engineVersion'), '16.3');
    assert.equal(at(db, 'spec', 'dbSubnetGroupRef', 'from', 'name'), 'orders-postgres-subnet-group');
    assert.equal(at(db, 'spec', 'masterUserPassword', 'name'), 'orders-postgres-password');
    assert.equal(at(db, 'spec', 'backupRetentionPeriod'), 0);
  });
});

describe('render: aws/podidenity', () => {
  const compiled = compile(corpus('aws/podidenity/rg.yaml'));
  const instance = defaulted(corpus('aws/podidenity/instance.yaml'), compiled);

  it('reads the service account it depends on and leaves the role ARN unknown', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    assert.deepEqual(
      g.resources.map((r) => r.id),
      ['role', 'serviceaccount', 'podidentityassociation'],
    );
    const pia = resource(g, 'podidentityassociation').object;
    assert.equal(at(pia, 'spec', 'serviceAccount'), 'krodemo-11223344');
    assert.equal(at(pia, 'spec', 'namespace'), 'default');
    assert.equal(at(pia, 'spec', 'clusterName'), 'kro');
    const arn = at(pia, 'spec', 'roleARN');
    assert.ok(arn instanceof Unknown);
    assert.equal(arn.expression, 'role.status.ackResourceMetadata.arn');
    assert.deepEqual(arn.provenance, [
      { kind: 'status', resourceId: 'role', path: 'role.status.ackResourceMetadata.arn' },
    ]);
    assert.deepEqual(at(resource(g, 'role').object, 'spec', 'policies'), ['']);
    assert.equal(at(resource(g, 'serviceaccount').object, 'metadata', 'namespace'), 'default');
  });
});

describe('render: aws/ack-controller s3-controller (IRSA)', () => {
  // As published, kro v0.9.3 rejects this RGD: an unquoted default with spaces, and a bool in a
  // string template. Both are fixed the way the kro docs recommend.
  const rgd = corpus('aws/ack-controller/controllers/s3-controller.yaml');
  const spec = rgd.spec as {
    schema: { spec: { values: { iamRole: Record<string, string> } } };
    resources: {
      id: string;
      template: { spec: { template: { spec: { containers: { args: string[] }[] } } } };
    }[];
  };
  spec.schema.spec.values.iamRole.roleDescription = 'string | default="IRSA role for the ACK S3 controller"';
  const deployment = spec.resources.find((r) => r.id === 'deployment')!;
  const args = deployment.template.spec.template.spec.containers[0]!.args;
  args[2] = '--enable-development-logging=${string(schema.spec.values.log.enabled)}';
  const compiled = compile(rgd);
  const instance = defaulted(
    {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'S3Controller',
      metadata: { name: 's3', namespace: 'kro' },
      spec: {
        namespace: 'ack-system',
        values: {
          aws: { accountID: '111122223333' },
          iamRole: { oidcProvider: 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
        },
      },
    },
    compiled,
  );

  it('renders the trust policy from the instance and keeps the role ARN annotation symbolic', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    const role = resource(g, 's3ControllerIamRole').object;
    const trust = at(role, 'spec', 'assumeRolePolicyDocument');
    assert.equal(typeof trust, 'string');
    const doc = JSON.parse(trust as string) as {
      Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[];
    };
    const oidc = 'oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    assert.equal(doc.Statement[0]!.Principal.Federated, `arn:aws:iam::111122223333:oidc-provider/${oidc}`);
    assert.deepEqual(doc.Statement[0]!.Condition.StringEquals, {
      [`${oidc}:sub`]: 'system:serviceaccount:ack-system:ack-s3-controller-sa',
    });
    assert.equal(at(role, 'spec', 'maxSessionDuration'), 3600);
    const policies = at(role, 'spec', 'policies') as RenderedValue[];
    assert.ok(policies[0] instanceof Unknown);
    assert.equal(policies[0].expression, 's3ControllerIamPolicy.status.ackResourceMetadata.arn');

    const sa = resource(g, 'serviceAccount').object;
    const annotation = at(sa, 'metadata', 'annotations', 'eks.amazonaws.com/role-arn');
    assert.ok(annotation instanceof Unknown);
    assert.deepEqual(annotation.provenance, [
      {
        kind: 'status',
        resourceId: 's3ControllerIamRole',
        path: 's3ControllerIamRole.status.ackResourceMetadata.arn',
      },
    ]);
    assert.equal(at(sa, 'metadata', 'namespace'), 'ack-system');
    const binding = resource(g, 'clusterRoleBinding');
    assert.equal(binding.namespaced, false);
    assert.equal(at(binding.object, 'metadata', 'namespace'), undefined, 'cluster-scoped: no namespace');
    assert.equal(at(binding.object, 'subjects', 0, 'namespace'), 'ack-system');
    const container = at(resource(g, 'deployment').object, 'spec', 'template', 'spec', 'containers', 0);
    assert.equal(at(container, 'image'), 'public.ecr.aws/aws-controllers-k8s/s3-controller:1.0.18');
    assert.equal(at(container, 'args', 2), '--enable-development-logging=false');
  });
});

describe('render: kubernetes/cel-functions', () => {
  const compiled = compile(corpus('kubernetes/cel-functions/rg.yaml'));
  const instance = defaulted(corpus('kubernetes/cel-functions/instance.yaml'), compiled);

  it('evaluates kro CEL library functions, and leaves server-set instance metadata unknown', () => {
    const g = renderInstance(compiled, instance);
    assert.deepEqual(g.diagnostics, []);
    const env = at(resource(g, 'deployment').object, 'spec', 'template', 'spec', 'containers', 0, 'env') as {
      name: string;
      value: RenderedValue;
    }[];
    const value = (name: string): RenderedValue | undefined => env.find((e) => e.name === name)?.value;
    assert.equal(value('DNS_FIRST_PART'), 'a');
    assert.equal(value('LISTS_SUM'), '600');
    assert.equal(value('JSON_MARSHAL_EXAMPLE'), '{"name":"app"}');
    assert.equal(value('QUANTITY_COMPARISON'), 'small');
    const seeded = value('RANDOM_SEEDED_STRING');
    assert.ok(seeded instanceof Unknown);
    assert.equal(seeded.expression, 'random.seededString(10, schema.metadata.uid)');
    assert.deepEqual(seeded.provenance, [{ kind: 'runtime', path: 'schema.metadata.uid' }]);
    assert.equal(at(resource(g, 'service').object, 'metadata', 'labels', 'partials'), 'a.b.c');
  });
});
