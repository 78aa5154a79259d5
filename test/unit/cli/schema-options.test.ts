/**
 * Where `kro-guard check` gets kind schemas: `--crds`, `--kubeconfig`/`--context`, `--no-embedded`, and
 * the RGDs among the inputs. The live-cluster run is in test/e2e/schema-sources.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { checkSchemas, prepareSchemas } from '../../../src/cli/schema-sources.ts';
import { rgd } from '../../helpers/rgd.ts';

const S3 = join('..', 'shared', 'crds', 'ack', 's3');
const BUCKET = { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const WEBAPP = { group: 'kro.run', version: 'v1alpha1', kind: 'WebApp' };

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const outer = rgd({
  name: 'outer',
  schema: { kind: 'Outer' },
  resources: [
    {
      id: 'app',
      template: {
        apiVersion: 'kro.run/v1alpha1',
        kind: 'WebApp',
        metadata: { name: 'x' },
        spec: { name: 'y' },
      },
    },
    {
      id: 'bucket',
      template: { apiVersion: BUCKET.group + '/v1alpha1', kind: 'Bucket', metadata: { name: 'b' } },
    },
  ],
});

describe("checkSchemas (the check command's schema source)", () => {
  it('chains input RGDs, CRD files and the embedded set', async () => {
    const schemas = await checkSchemas({ crds: [S3] }, [rgd({}), outer]);
    await prepareSchemas(schemas, [outer]);
    assert.equal(schemas.cluster, undefined);
    assert.equal(schemas.source.name, `rgds+crds:${S3}+embedded`);
    assert.equal(schemas.source.authoritative, false);
    assert.equal(schemas.source.lookup(WEBAPP)?.source, 'ResourceGraphDefinition webapp');
    assert.equal(schemas.source.lookup(BUCKET)?.namespaced, true);
    assert.equal(schemas.source.lookup(DEPLOYMENT)?.source, 'embedded Kubernetes v1.35.4');
    await schemas.close();
  });

  it('--no-embedded leaves the built-in kinds out', async () => {
    const schemas = await checkSchemas({ embedded: false }, []);
    assert.equal(schemas.source.lookup(DEPLOYMENT), undefined);
    assert.equal(schemas.source.name, 'rgds');
  });

  it('names a CRD path or kubeconfig that cannot be used', async () => {
    await assert.rejects(checkSchemas({ crds: ['no/such/dir'] }, []), {
      name: 'SchemaOptionError',
      message: 'cannot read no/such/dir: ENOENT',
    });
    await assert.rejects(checkSchemas({ kubeconfig: 'no/such/kubeconfig' }, []), {
      name: 'SchemaOptionError',
      message: /^cannot load kubeconfig no\/such\/kubeconfig: .*ENOENT/,
    });
  });
});

describe('kro-guard check schema flags (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kro-guard-cli-schemas-'));
  const file = join(dir, 'rgds.yaml');
  writeFileSync(file, [rgd({}), outer].map((r) => stringify(r)).join('---\n'));

  it('accepts --crds (repeatable) and --no-embedded', () => {
    // Only the schema sources are under test: no policy (the bucket template fails the default policy).
    const r = cli([
      'check',
      '--crds',
      S3,
      '--crds',
      join(S3, '..', 'iam'),
      '--no-embedded',
      '--no-default-policy',
      file,
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /2 documents: 2 accepted/);
  });

  it('exits 2 naming an unreadable --crds path or --kubeconfig', () => {
    const crds = cli(['check', '--crds', join(dir, 'missing'), file]);
    assert.equal(crds.code, 2);
    assert.equal(crds.stderr, `kro-guard check: cannot read ${join(dir, 'missing')}: ENOENT\n`);
    const kube = cli(['check', '--kubeconfig', join(dir, 'missing'), file]);
    assert.equal(kube.code, 2);
    assert.match(kube.stderr, /^kro-guard check: cannot load kubeconfig .*missing: .*ENOENT/);
  });

  it('exits 2 when the cluster cannot serve the kinds (an I/O error, not a verdict)', () => {
    // A kubeconfig whose server refuses connections.
    const kubeconfig = join(dir, 'dead.kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'dead', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'dead', context: { cluster: 'dead', user: 'u' } }],
        'current-context': 'dead',
      }),
    );
    const r = cli(['check', '--kubeconfig', kubeconfig, file]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      /kro-guard check: cluster https:\/\/127\.0\.0\.1:1: s3\.services\.k8s\.aws\/v1alpha1: GET \/apis\/s3\.services\.k8s\.aws\/v1alpha1: .*ECONNREFUSED/,
    );
    assert.equal(r.stdout, '');
    assert.ok(parse(readFileSync(kubeconfig, 'utf8')));
  });
});
