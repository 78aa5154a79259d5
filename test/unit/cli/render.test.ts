/**
 * `kro-guard render` as a user runs it: real process, corpus files, exit codes and output formats.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';

const CORPUS = '../shared/corpus/kro-v0.9.3-examples';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'render', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kro-guard render (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kro-guard-render-'));

  it('prints the children of a corpus instance as YAML, CRD defaults applied, unknowns as ${...}', () => {
    const r = cli([
      '--rgd',
      `${CORPUS}/aws/s3bucket/rg.yaml`,
      '--crds',
      '../shared/crds/ack',
      `${CORPUS}/aws/s3bucket/instance.yaml`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, Record<string, string>>);
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Bucket', 'Policy'],
    );
    assert.deepEqual(docs[0]!.metadata, { name: 's3demo-11223344', namespace: 'default' });
    assert.match(docs[1]!.spec!.policyDocument!, /"\$\{s3bucket\.status\.ackResourceMetadata\.arn\}\/\*"/);
    assert.match(r.stdout, /^# resource s3bucket\n/);
  });

  it('prints JSON with -o json and exits 1 when kro would fail on the instance', () => {
    const rgd = join(dir, 'rgd.yaml');
    writeFileSync(
      rgd,
      `apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata: {name: apps.kro.run}
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec: {name: string, replicas: integer | default=2}
  resources:
    - id: cm
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \${schema.spec.name}
        data:
          short: \${schema.spec.name.substring(10)}
          replicas: \${string(schema.spec.replicas)}
`,
    );
    const instance = join(dir, 'app.yaml');
    writeFileSync(
      instance,
      'apiVersion: kro.run/v1alpha1\nkind: App\nmetadata: {name: web}\nspec: {name: web}\n',
    );
    const r = cli(['--rgd', rgd, '-o', 'json', instance]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      instance: { name: string; namespace: string };
      resources: { id: string; included: unknown; object: { data: Record<string, string> } }[];
      diagnostics: { path: string; code: string }[];
    };
    assert.deepEqual(out.instance, { name: 'web', namespace: 'default' });
    assert.equal(out.resources[0]!.object.data.replicas, '2');
    assert.equal(out.resources[0]!.object.data.short, '${schema.spec.name.substring(10)}');
    assert.deepEqual(
      out.diagnostics.map((d) => [d.code, d.path]),
      [['render/evaluation-error', 'resources[cm].data.short']],
    );
    assert.match(r.stderr, /app\.yaml: error: resources\[cm\]\.data\.short: failed to evaluate/);

    // The API server would reject this instance (replicas is an integer): nothing is rendered.
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: kro.run/v1alpha1\nkind: App\nmetadata: {name: web}\nspec: {name: web, replicas: two}\n',
    );
    const rejected = cli(['--rgd', rgd, bad]);
    assert.equal(rejected.code, 1);
    assert.equal(rejected.stdout, '');
    assert.match(rejected.stderr, /would reject the instance/);
    assert.match(rejected.stderr, /spec\.replicas/);
  });

  it('exits 1 without output when kro rejects the RGD', () => {
    const instance = join(dir, 's3controller.yaml');
    writeFileSync(
      instance,
      'apiVersion: kro.run/v1alpha1\nkind: S3Controller\nmetadata: {name: s3, namespace: kro}\nspec: {}\n',
    );
    const r = cli([
      '--rgd',
      `${CORPUS}/aws/ack-controller/controllers/s3-controller.yaml`,
      '--crds',
      '../shared/crds/ack',
      instance,
    ]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /the RGD is rejected/);
    assert.match(r.stderr, /marker key .* without a value/);
  });

  it('exits 2 on usage errors', () => {
    const wrongKind = cli([
      '--rgd',
      `${CORPUS}/aws/s3bucket/rg.yaml`,
      `${CORPUS}/kubernetes/webapp/instance.yaml`,
    ]);
    assert.equal(wrongKind.code, 2);
    assert.match(wrongKind.stderr, /no instance of kro\.run\/v1alpha1 S3Bucket/);
    const missing = cli(['--rgd', join(dir, 'nope.yaml'), `${CORPUS}/aws/s3bucket/instance.yaml`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.yaml: ENOENT/);
    assert.equal(cli([`${CORPUS}/aws/s3bucket/instance.yaml`]).code, 2);
  });
});
