import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { symbolicString, type RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedResource } from '../../../../src/graph/render/types.ts';
import { ECR_RULES } from '../../../../src/policy/rules/ecr.ts';
import { K8S_RULES, WORKLOAD_RULES } from '../../../../src/policy/rules/workloads.ts';
import { IMAGE_RULES } from '../../../../src/policy/rules/images.ts';
import {
  ackCrd,
  assertFieldsInCrd,
  corpusTemplate,
  dependsOnKinds,
  graph,
  resource,
  ruleById,
  run,
  symbolize,
  unknown,
  verdictOf,
} from './helpers.ts';

const rule = (id: string) => ruleById(K8S_RULES, id);
const ECR_HOST = '111122223333.dkr.ecr.us-east-1.amazonaws.com';

function deployment(
  podSpec: Record<string, unknown>,
  metadata: Record<string, unknown> = {},
): RenderedResource {
  return resource(
    'app',
    symbolize({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: '${schema.spec.name}', ...metadata },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'a' } }, spec: podSpec },
      },
    }) as RenderedObject,
  );
}

const withImage = (image: unknown) => deployment({ containers: [{ name: 'app', image }] });

const REPO = resource(
  'repo',
  symbolize({
    apiVersion: 'ecr.services.k8s.aws/v1alpha1',
    kind: 'Repository',
    metadata: { name: '${schema.spec.name}' },
    spec: {
      name: '${schema.spec.name}',
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: 'IMMUTABLE',
    },
  }) as RenderedObject,
);

describe('K8S rule lists', () => {
  it('K8S_RULES holds K8S-001..010 in order; WORKLOAD_RULES and IMAGE_RULES split them', () => {
    assert.deepEqual(
      K8S_RULES.map((r) => r.id),
      Array.from({ length: 10 }, (_, i) => `K8S-${String(i + 1).padStart(3, '0')}`),
    );
    assert.equal(WORKLOAD_RULES.length + IMAGE_RULES.length, K8S_RULES.length);
  });
});

describe('S18: workload image from a graph ECR repository', () => {
  const image = '${repo.status.repositoryURI}:${schema.spec.tag}';
  const d = withImage(image);
  const g = graph([REPO, d]);
  const allow = { allowedRegistries: [`${ECR_HOST}/`] };
  it('the repository passes ECR-001 and ECR-002', () => {
    assertFieldsInCrd(ackCrd('ecr', 'repositories'), REPO.object);
    assert.equal(verdictOf(run(ruleById(ECR_RULES, 'ECR-001'), REPO)), 'pass');
    assert.equal(verdictOf(run(ruleById(ECR_RULES, 'ECR-002'), REPO)), 'pass');
  });
  it('K8S-003 passes at RGD admission: the registry is graph-owned ECR', () => {
    const results = run(rule('K8S-003'), d, g, allow);
    assert.equal(verdictOf(results), 'pass');
    assert.match(results[0]!.reason, /graph ECR repository "repo"/);
  });
  it('K8S-004 defers the tag to the instance; a literal latest fails', () => {
    const deferred = run(rule('K8S-004'), d, g);
    assert.equal(verdictOf(deferred), 'unknown');
    assert.deepEqual(dependsOnKinds(deferred), ['input']);
    assert.equal(
      verdictOf(run(rule('K8S-004'), withImage('${repo.status.repositoryURI}:latest'), g)),
      'fail',
    );
    assert.equal(
      verdictOf(run(rule('K8S-004'), withImage('${repo.status.repositoryURI}:v1.4.2'), g)),
      'pass',
    );
    assert.equal(
      verdictOf(run(rule('K8S-004'), withImage('${repo.status.repositoryURI}'), g)),
      'fail',
      'no tag',
    );
  });
  it('a status URI of a resource that is not an ECR Repository is not graph-owned ECR', () => {
    const other = resource('repo', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    assert.equal(verdictOf(run(rule('K8S-003'), d, graph([other, d]), allow)), 'unknown');
  });
  it('variant: a free-form image defers; the instance choosing docker.io fails, ECR passes', () => {
    assert.equal(
      verdictOf(run(rule('K8S-003'), withImage('${schema.spec.image}'), undefined, allow)),
      'unknown',
    );
    assert.equal(
      verdictOf(run(rule('K8S-003'), withImage('docker.io/library/nginx:1.27'), undefined, allow)),
      'fail',
    );
    assert.equal(verdictOf(run(rule('K8S-003'), withImage('nginx:1.27'), undefined, allow)), 'fail');
    assert.equal(
      verdictOf(run(rule('K8S-003'), withImage(`${ECR_HOST}/team/app:1.0`), undefined, allow)),
      'pass',
    );
  });
});

describe('K8S-003 allowed registries', () => {
  const verdictFor = (image: unknown, allowedRegistries: string[]) =>
    verdictOf(run(rule('K8S-003'), withImage(image), undefined, { allowedRegistries }));
  it('passes every image with an empty allow-list', () => {
    assert.equal(verdictFor('nginx', []), 'pass');
    assert.equal(verdictFor('${schema.spec.image}', []), 'pass');
  });
  it('anchors entries at a path boundary', () => {
    assert.equal(verdictFor(`${ECR_HOST}.evil.io/app:1`, [ECR_HOST]), 'fail');
    assert.equal(verdictFor(`${ECR_HOST}/app:1`, [ECR_HOST]), 'pass');
    assert.equal(verdictFor('ghcr.io/org-evil/app:1', ['ghcr.io/org']), 'fail');
    assert.equal(verdictFor('ghcr.io/org/app:1', ['ghcr.io/org/']), 'pass');
  });
  it('normalizes Docker Hub names (library/, index.docker.io)', () => {
    assert.equal(verdictFor('nginx:1.27', ['docker.io/library/']), 'pass');
    assert.equal(verdictFor('index.docker.io/library/nginx:1.27', ['docker.io/library']), 'pass');
    assert.equal(verdictFor('bitnami/redis:7', ['docker.io/library/']), 'fail');
  });
  it('decides a template by its literal registry host', () => {
    assert.equal(
      verdictFor(`${ECR_HOST}/\${schema.spec.name}:\${schema.spec.tag}`, [`${ECR_HOST}/`]),
      'pass',
    );
    assert.equal(verdictFor('docker.io/${schema.spec.name}:1', [`${ECR_HOST}/`]), 'fail');
    assert.equal(verdictFor('ghcr.io/${schema.spec.org}/app:1', ['ghcr.io/acme/']), 'unknown');
    assert.equal(verdictFor('ghcr.io/acme/app:${schema.spec.tag}', ['ghcr.io/acme/app']), 'pass');
    assert.equal(verdictFor('${schema.spec.registry}/app:1', [`${ECR_HOST}/`]), 'unknown');
    assert.equal(verdictFor('docker.io/nginx:${schema.spec.tag}', ['docker.io/library/nginx']), 'pass');
    assert.equal(verdictFor('docker.io/ngin${schema.spec.x}', ['docker.io/library/']), 'unknown');
    assert.equal(
      verdictFor('app:${schema.spec.tag}', ['docker.io/library/']),
      'unknown',
      'the tag could inject a host',
    );
  });
  it('uses the SimpleSchema enum of a bare input', () => {
    const image = unknown('schema.spec.image', { enum: [`${ECR_HOST}/a:1`, `${ECR_HOST}/b:2`] });
    assert.equal(verdictFor(image, [`${ECR_HOST}/`]), 'pass');
  });
});

describe('K8S-004/005 tags and digests', () => {
  const v = (id: string, image: unknown) => verdictOf(run(rule(id), withImage(image)));
  it('K8S-004', () => {
    assert.equal(v('K8S-004', 'nginx'), 'fail');
    assert.equal(v('K8S-004', 'nginx:latest'), 'fail');
    assert.equal(v('K8S-004', 'nginx:1.27'), 'pass');
    assert.equal(v('K8S-004', 'localhost:5000/app'), 'fail', 'the :5000 is a port, not a tag');
    assert.equal(v('K8S-004', `nginx@sha256:${'a'.repeat(64)}`), 'pass');
    assert.equal(v('K8S-004', '${schema.spec.image}'), 'unknown');
    assert.equal(v('K8S-004', '${schema.spec.registry}/app'), 'fail');
    assert.equal(v('K8S-004', 'ghcr.io/acme/${schema.spec.name}'), 'unknown');
    assert.equal(v('K8S-004', 'app:v${schema.spec.version}'), 'pass');
    const tag = (values: string[]) => symbolicString(['app:', unknown('schema.spec.tag', { enum: values })]);
    assert.equal(v('K8S-004', tag(['1.0', '1.1'])), 'pass');
    assert.equal(v('K8S-004', tag(['latest', '1.0'])), 'unknown');
    assert.equal(v('K8S-004', tag(['latest'])), 'fail');
  });
  it('K8S-005', () => {
    assert.equal(v('K8S-005', 'nginx:1.27'), 'fail');
    assert.equal(v('K8S-005', `nginx:1.27@sha256:${'b'.repeat(64)}`), 'pass');
    assert.equal(v('K8S-005', 'app@${schema.spec.digest}'), 'pass');
    assert.equal(v('K8S-005', 'app:${schema.spec.tag}'), 'unknown');
    assert.equal(rule('K8S-005').optional, true);
  });
});

describe('K8S-001/002 resources', () => {
  const res = (resources: unknown, init?: unknown) =>
    deployment({
      containers: [{ name: 'app', image: 'x:1', ...(resources === undefined ? {} : { resources }) }],
      ...(init ? { initContainers: [{ name: 'init', image: 'x:1', resources: init }] } : {}),
    });
  it('K8S-001 needs a memory limit (and a CPU limit with requireCpuLimit)', () => {
    assert.equal(verdictOf(run(rule('K8S-001'), res({ limits: { memory: '256Mi' } }))), 'pass');
    assert.equal(
      verdictOf(
        run(rule('K8S-001'), res({ limits: { memory: '256Mi' } }), undefined, { requireCpuLimit: true }),
      ),
      'fail',
    );
    assert.equal(verdictOf(run(rule('K8S-001'), res(undefined))), 'fail');
    assert.equal(
      verdictOf(run(rule('K8S-001'), res({ limits: { memory: '${schema.spec.memory}' } }))),
      'pass',
      'a value from the instance is still set',
    );
    assert.equal(verdictOf(run(rule('K8S-001'), res({ limits: '${schema.spec.limits}' }))), 'unknown');
    assert.equal(
      verdictOf(run(rule('K8S-001'), res({ limits: { memory: '1Gi' } }, {}))),
      'fail',
      'init containers too',
    );
  });
  it('K8S-002 counts a limit as the request (Kubernetes defaulting)', () => {
    assert.equal(verdictOf(run(rule('K8S-002'), res({ limits: { memory: '1Gi', cpu: '1' } }))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-002'), res({ requests: { memory: '1Gi' } }))), 'fail');
  });
});

describe('K8S-006/007/008', () => {
  it('K8S-006 needs readOnlyRootFilesystem: true on every container', () => {
    const ro = (v: unknown) =>
      deployment({
        containers: [{ name: 'a', image: 'x:1', securityContext: { readOnlyRootFilesystem: v } }],
      });
    assert.equal(verdictOf(run(rule('K8S-006'), ro(true))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-006'), ro(false))), 'fail');
    assert.equal(
      verdictOf(run(rule('K8S-006'), deployment({ containers: [{ name: 'a', image: 'x:1' }] }))),
      'fail',
    );
  });
  it('K8S-007 reads the pod, then its ServiceAccount in the graph', () => {
    const pod = (extra: Record<string, unknown>) =>
      deployment({ containers: [{ name: 'a', image: 'x:1' }], ...extra });
    assert.equal(verdictOf(run(rule('K8S-007'), pod({ automountServiceAccountToken: false }))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-007'), pod({}))), 'fail');
    const d = pod({ serviceAccountName: '${schema.spec.name}-sa' });
    const sa = (automount: unknown) =>
      resource(
        'sa',
        symbolize({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: '${schema.spec.name}-sa' },
          ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
        }) as RenderedObject,
      );
    assert.equal(verdictOf(run(rule('K8S-007'), d, graph([sa(false), d]))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-007'), d, graph([sa(undefined), d]))), 'fail');
  });
  it('K8S-008 reads the namespace (or the instance namespace) and the service account', () => {
    const d = (ns: unknown, sa?: string) =>
      deployment(
        { containers: [{ name: 'a', image: 'x:1' }], ...(sa ? { serviceAccountName: sa } : {}) },
        ns === undefined ? {} : { namespace: ns },
      );
    assert.equal(verdictOf(run(rule('K8S-008'), d('team-a', 'app'))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-008'), d('default', 'app'))), 'fail');
    assert.equal(verdictOf(run(rule('K8S-008'), d('team-a'))), 'fail', 'default service account');
    assert.equal(
      verdictOf(run(rule('K8S-008'), d(undefined, 'app'), graph([], { namespace: 'default' }))),
      'fail',
    );
    const symbolic = run(
      rule('K8S-008'),
      d(undefined, 'app'),
      graph([], { namespace: unknown('schema.metadata.namespace') }),
    );
    assert.equal(verdictOf(symbolic), 'unknown');
  });
});

describe('K8S-009/010 exposure', () => {
  const service = (spec: Record<string, unknown>, annotations?: Record<string, unknown>) =>
    resource(
      'svc',
      symbolize({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', ...(annotations ? { annotations } : {}) },
        spec,
      }) as RenderedObject,
    );
  it('K8S-009', () => {
    assert.equal(
      verdictOf(run(rule('K8S-009'), service({ type: 'ClusterIP', ports: [{ port: 80 }] }))),
      'pass',
    );
    assert.equal(verdictOf(run(rule('K8S-009'), service({ type: 'NodePort' }))), 'fail');
    assert.equal(verdictOf(run(rule('K8S-009'), service({ externalIPs: ['1.2.3.4'] }))), 'fail');
    assert.equal(verdictOf(run(rule('K8S-009'), service({ type: 'LoadBalancer' }))), 'fail');
    const internal = { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' };
    assert.equal(verdictOf(run(rule('K8S-009'), service({ type: 'LoadBalancer' }, internal))), 'pass');
    const tls = {
      'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:us-east-1:1:certificate/x',
    };
    assert.equal(verdictOf(run(rule('K8S-009'), service({ type: 'LoadBalancer' }, tls))), 'pass');
    assert.equal(verdictOf(run(rule('K8S-009'), service({ type: '${schema.spec.serviceType}' }))), 'unknown');
  });
  it('K8S-010 on the kro corpus webapp Ingress', () => {
    const file = '../shared/corpus/kro-v0.9.3-examples/kubernetes/webapp/rg.yaml';
    const ing = resource('ingress', symbolize(corpusTemplate(file, 'ingress')) as RenderedObject);
    const results = run(rule('K8S-010'), ing);
    assert.equal(verdictOf(results), 'fail');
    assert.ok(
      results.some((r) => r.path.join('.') === 'spec.tls'),
      'no TLS',
    );
  });
  it('K8S-010 passes TLS with hosts and an internal scheme', () => {
    const ing = resource(
      'ing',
      symbolize({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'i', annotations: { 'alb.ingress.kubernetes.io/scheme': 'internal' } },
        spec: { tls: [{ hosts: ['app.example.com'] }], rules: [{ host: '${schema.spec.name}.example.com' }] },
      }) as RenderedObject,
    );
    assert.equal(verdictOf(run(rule('K8S-010'), ing)), 'pass');
  });
});
