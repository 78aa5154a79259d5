/**
 * The schema sources against a real kube-apiserver (kro's CRDs installed, kro not running): the
 * cluster source resolves built-in kinds, CRD kinds and kinds of stored RGDs, follows CRDs created
 * after it started, reports fetch failures without throwing, and closes without leaving handles; CRD
 * files give the same schemas offline as the API server publishes for the same CRDs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clusterSchemaSource, type ClusterSchemaSource } from '../../src/cluster/index.ts';
import { crdFileSource, type GroupVersionKind, type OpenAPISchema } from '../../src/schemas/index.ts';
import { REPO_ROOT, SHARED_DIR, pollUntil, startControlPlane, type ControlPlane } from '../harness/index.ts';
import { makeCertDir, review, rgdReview, startTestServer } from '../integration/helpers.ts';

const ACK = join(SHARED_DIR, 'crds', 'ack');
const EXAMPLE_CRDS = join(REPO_ROOT, 'test', 'unit', 'schemas', 'fixtures', 'crds', 'example-crds.yaml');

const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const NAMESPACE = { group: '', version: 'v1', kind: 'Namespace' };
const BUCKET = { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' };
const ROLE = { group: 'iam.services.k8s.aws', version: 'v1alpha1', kind: 'Role' };

/**
 * Differences between two resolved schemas, ignoring `description` (the embedded ObjectMeta has
 * none). Walks at most `depth` schema levels (resolved schemas can be cyclic).
 */
function schemaDiff(a: unknown, b: unknown, path = '', depth = 40, out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    if (!Object.is(a, b)) out.push(`${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`);
    return out;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: array vs object`);
    return out;
  }
  if (depth === 0) return out;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'description') continue;
    schemaDiff(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
      depth - 1,
      out,
    );
  }
  return out;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
}

const ms = (n: number): string => `${n.toFixed(1)} ms`;

describe('schema sources on a real API server', () => {
  let cp: ControlPlane;
  let source: ClusterSchemaSource;

  before(async () => {
    cp = await startControlPlane({ kro: false });
    await cp.kubectl(['apply', '--server-side', '-f', join(ACK, 's3'), '-f', join(ACK, 'iam')]);
    await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    source = clusterSchemaSource({ kubeconfigPath: cp.kubeconfigPath, watchTimeoutSeconds: 5 });
  });

  after(async () => {
    await source?.close();
    await cp?.stop();
  });

  test('resolves built-in kinds with their scope, and CRD kinds', async () => {
    const [, cold] = await timed(() => source.prepare([DEPLOYMENT, NAMESPACE, BUCKET, ROLE]));
    const [, warm] = await timed(() => source.prepare([DEPLOYMENT, NAMESPACE, BUCKET, ROLE]));
    const [, oneCold] = await timed(() => source.prepare([{ group: 'batch', version: 'v1', kind: 'Job' }]));
    process.stderr.write(
      `[schema-sources] prepare: 4 group-versions cold ${ms(cold)} (informers' first list included), ` +
        `cached ${ms(warm)}, one cold group-version ${ms(oneCold)}\n`,
    );
    const deployment = source.lookup(DEPLOYMENT);
    assert.ok(deployment);
    assert.equal(deployment.namespaced, true);
    assert.equal(deployment.source, 'cluster');
    assert.equal(deployment.schema.properties?.spec?.properties?.replicas?.type, 'integer');
    // $refs are resolved: the pod template's containers are reachable.
    const containers = deployment.schema.properties?.spec?.properties?.template?.properties?.spec?.properties
      ?.containers as OpenAPISchema | undefined;
    assert.equal(containers?.items?.properties?.image?.type, 'string');

    const namespace = source.lookup(NAMESPACE);
    assert.equal(namespace?.namespaced, false);

    const bucket = source.lookup(BUCKET);
    assert.ok(bucket);
    assert.equal(bucket.namespaced, true);
    assert.deepEqual(bucket.schema.properties?.spec?.required, ['name']);
    assert.equal(bucket.schema.properties?.metadata?.properties?.labels?.type, 'object');
    assert.equal(
      source.lookup(ROLE)?.schema.properties?.spec?.properties?.assumeRolePolicyDocument?.type,
      'string',
    );
    assert.ok(warm < cold);
    assert.deepEqual(source.errors(), []);
  });

  test('an unknown kind or group-version is undefined, and not a failure', async () => {
    const nope = { group: 'apps', version: 'v1', kind: 'Nope' };
    const gone = { group: 'nothing.example', version: 'v1', kind: 'Thing' };
    await source.prepare([nope, gone]);
    assert.equal(source.lookup(nope), undefined);
    assert.equal(source.lookup(gone), undefined);
    assert.equal(source.lastError(nope), undefined);
    assert.equal(source.lastError(gone), undefined);
    assert.equal(source.authoritative, true);
  });

  test('a CRD created after the source started becomes resolvable (informer invalidation)', async () => {
    const widget = { group: 'example.com', version: 'v1', kind: 'Widget' };
    await source.prepare([widget]);
    assert.equal(source.lookup(widget), undefined); // now cached as absent
    const t0 = performance.now();
    await cp.kubectl(['apply', '--server-side', '-f', EXAMPLE_CRDS]);
    const applied = performance.now();
    await pollUntil(
      'Widget resolvable',
      async () => {
        await source.prepare([widget]);
        return source.lookup(widget) !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    process.stderr.write(
      `[schema-sources] kubectl apply of the CRDs took ${ms(applied - t0)}; ` +
        `Widget resolvable ${ms(performance.now() - applied)} after it returned\n`,
    );
    assert.equal(source.lookup(widget)?.namespaced, false);
    assert.ok(source.stats().invalidations > 0);

    await cp.kubectl(['delete', 'crd', 'widgets.example.com']);
    await pollUntil(
      'Widget gone',
      async () => {
        await source.prepare([widget]);
        return source.lookup(widget) === undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    await cp.kubectl(['apply', '--server-side', '-f', EXAMPLE_CRDS]);
  });

  test('the kind of a stored RGD resolves before kro creates its CRD', async () => {
    const probe = { group: 'kro.run', version: 'v1alpha1', kind: 'SchemaProbe' };
    await source.prepare([probe]);
    assert.equal(source.lookup(probe), undefined);
    const rgd = {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'ResourceGraphDefinition',
      metadata: { name: 'schema-probe' },
      spec: {
        schema: {
          apiVersion: 'v1alpha1',
          kind: 'SchemaProbe',
          scope: 'Cluster',
          spec: { name: 'string | required=true', replicas: 'integer | default=2' },
          status: { ready: '${cm.data.ready}' },
        },
        resources: [
          {
            id: 'cm',
            template: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: '${schema.spec.name}', namespace: 'default' },
            },
          },
        ],
      },
    };
    await cp.kubectl(['apply', '-f', '-'], { input: JSON.stringify(rgd) });
    await pollUntil(
      'SchemaProbe resolvable',
      async () => {
        await source.prepare([probe]);
        return source.lookup(probe) !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    const resolved = source.lookup(probe)!;
    assert.equal(resolved.namespaced, false);
    assert.equal(resolved.source, 'ResourceGraphDefinition schema-probe');
    assert.deepEqual(resolved.schema.properties?.spec?.required, ['name']);
    assert.equal(resolved.schema.properties?.spec?.properties?.replicas?.default, 2);
    assert.equal(resolved.schema.properties?.status?.properties?.state?.type, 'string');
    assert.equal(resolved.schema.properties?.metadata?.properties?.name?.type, 'string');
    // No CRD was created (kro is not running).
    const crd = await cp.kubectl(['get', 'crd', 'schemaprobes.kro.run'], { allowFailure: true });
    assert.notEqual(crd.code, 0);
  });

  test('CRD files give the schemas the API server publishes (ACK and synthetic CRDs)', async () => {
    const files = crdFileSource([ACK, EXAMPLE_CRDS]);
    const dirs = [
      'dynamodb',
      'ec2',
      'ecr',
      'eks',
      'elasticache',
      'kms',
      'rds',
      'secretsmanager',
      'sns',
      'sqs',
    ];
    await cp.kubectl(['apply', '--server-side', ...dirs.flatMap((d) => ['-f', join(ACK, d)])]);
    await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
    const gvks: GroupVersionKind[] = files.kinds.map((k) => k.gvk);
    assert.ok(gvks.length >= 73, `${gvks.length} kinds`);
    const missing: string[] = [];
    await pollUntil(
      'every CRD kind published',
      async () => {
        await source.prepare(gvks);
        missing.splice(
          0,
          missing.length,
          ...gvks.filter((g) => source.lookup(g) === undefined).map((g) => g.kind),
        );
        return missing.length === 0;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    ).catch((e: unknown) => assert.fail(`${String(e)}; missing: ${missing.join(', ')}`));
    for (const kind of files.kinds) {
      const offline = files.lookup(kind.gvk)!;
      const online = source.lookup(kind.gvk)!;
      assert.equal(offline.namespaced, online.namespaced, kind.gvk.kind);
      assert.deepEqual(schemaDiff(offline.schema, online.schema), [], `${kind.file}: ${kind.gvk.kind}`);
    }
    // Versions with served: false are not published, and CRD files leave them out too.
    const v2 = { group: 'example.com', version: 'v2', kind: 'Widget' };
    await source.prepare([v2]);
    assert.equal(source.lookup(v2), undefined);
    assert.equal(files.lookup(v2), undefined);
  });

  test('fetch failures never throw: lookup is undefined and the error is reported', async () => {
    const dead = join(cp.dir, 'dead.kubeconfig');
    // The same credentials, a port where nothing listens.
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(cp.kubeconfigPath, 'utf8');
    await writeFile(dead, text.replace(cp.serverUrl, 'https://127.0.0.1:1'));
    const broken = clusterSchemaSource({
      kubeconfigPath: dead,
      requestTimeoutMs: 1000,
      prepareTimeoutMs: 2000,
    });
    try {
      await broken.prepare([DEPLOYMENT]);
      assert.equal(broken.lookup(DEPLOYMENT), undefined);
      assert.match(broken.lastError(DEPLOYMENT) ?? '', /GET \/apis\/apps\/v1: .*ECONNREFUSED/);
      const subjects = broken.errors().map((e) => e.subject);
      assert.ok(subjects.includes('apps/v1'), subjects.join(','));
      assert.ok(subjects.includes('informer customresourcedefinitions'), subjects.join(','));
    } finally {
      await broken.close();
    }
  });

  test('kro-guard check --kubeconfig uses the live cluster, RGDs stored there included', async () => {
    const dir = join(cp.dir, 'cli');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'outer.yaml');
    const outer = {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'ResourceGraphDefinition',
      metadata: { name: 'outer' },
      spec: {
        schema: { apiVersion: 'v1alpha1', kind: 'Outer', spec: { name: 'string' } },
        resources: [
          {
            id: 'probe',
            template: {
              apiVersion: 'kro.run/v1alpha1',
              kind: 'SchemaProbe',
              metadata: { name: 'x' },
              spec: { name: 'y' },
            },
          },
          {
            id: 'bucket',
            template: {
              apiVersion: 's3.services.k8s.aws/v1alpha1',
              kind: 'Bucket',
              metadata: { name: 'b' },
              spec: { name: 'b' },
            },
          },
          { id: 'deploy', template: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } },
        ],
      },
    };
    await writeFile(file, JSON.stringify(outer));
    const t0 = performance.now();
    const result = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'check',
          // This test is about schemas; its bucket template is not meant to comply.
          '--no-default-policy',
          '--kubeconfig',
          cp.kubeconfigPath,
          '--format',
          'json',
          file,
        ],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, err });
      });
    });
    process.stderr.write(
      `[schema-sources] kro-guard check --kubeconfig: ${ms(performance.now() - t0)} (process)\n`,
    );
    assert.equal(result.code, 0, result.err + result.out);
    assert.equal((JSON.parse(result.out) as { summary: { accepted: number } }).summary.accepted, 1);
  });

  test('webhook workers with the cluster source: decided when it serves the kinds, failure policy when it cannot', async () => {
    const certs = await makeCertDir();
    const rgd = {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'ResourceGraphDefinition',
      metadata: { name: 'bucketed' },
      spec: {
        schema: { apiVersion: 'v1alpha1', kind: 'Bucketed', spec: { name: 'string' } },
        resources: [
          {
            id: 'bucket',
            template: {
              apiVersion: 's3.services.k8s.aws/v1alpha1',
              kind: 'Bucket',
              metadata: { name: '${schema.spec.name}' },
              spec: { name: '${schema.spec.name}' },
            },
          },
        ],
      },
    };
    const dead = join(cp.dir, 'dead-webhook.kubeconfig');
    const { readFile } = await import('node:fs/promises');
    await writeFile(
      dead,
      (await readFile(cp.kubeconfigPath, 'utf8')).replace(cp.serverUrl, 'https://127.0.0.1:1'),
    );
    const live = await startTestServer(certs, {
      schemaSource: 'cluster',
      kubeconfigPath: cp.kubeconfigPath,
      workers: 1,
    });
    const broken = await startTestServer(certs, {
      schemaSource: 'cluster',
      kubeconfigPath: dead,
      workers: 1,
    });
    try {
      const t0 = performance.now();
      const ok = await review(live, certs.caCert, '/validate', rgdReview('CREATE', rgd));
      const first = performance.now() - t0;
      const t1 = performance.now();
      await review(live, certs.caCert, '/validate', rgdReview('CREATE', rgd));
      process.stderr.write(
        `[schema-sources] /validate with the cluster source: first review ${ms(first)}, second ${ms(performance.now() - t1)}\n`,
      );
      assert.equal(ok.status, 200);
      assert.equal(ok.review.response?.allowed, true, JSON.stringify(ok.review.response));
      const failed = await review(broken, certs.caCert, '/validate', rgdReview('CREATE', rgd));
      assert.equal(failed.review.response?.allowed, false);
      assert.equal(failed.review.response?.status?.code, 500);
      assert.match(
        failed.review.response?.status?.message ?? '',
        /^kro-guard failed internally: .*cluster schemas unavailable: GET \/apis\/s3\.services\.k8s\.aws\/v1alpha1: .*ECONNREFUSED.*; the request is denied because failurePolicy is Fail$/,
      );
    } finally {
      await live.close();
      await broken.close();
      await certs.remove();
    }
  });

  test('close() leaves nothing running: a process that used a source exits by itself', async () => {
    const code = [
      `import { clusterSchemaSource } from ${JSON.stringify(join(REPO_ROOT, 'src', 'cluster', 'index.ts'))};`,
      `const s = clusterSchemaSource({ kubeconfigPath: ${JSON.stringify(cp.kubeconfigPath)} });`,
      `await s.prepare([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);`,
      `if (s.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' }) === undefined) process.exit(3);`,
      `await s.close();`,
      `console.log('closed');`,
    ].join('\n');
    const t0 = performance.now();
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode, out });
      });
    });
    assert.equal(result.out.trim(), 'closed');
    assert.equal(result.code, 0, 'the child exited by itself (not killed after 20 s)');
    assert.ok(performance.now() - t0 < 15_000);
  });
});
