/**
 * The kinds RGDs generate (kro-contract §1.2, §6.1): group default, plural, scope, which RGDs are left
 * out and why, and which RGD owns a kind two of them generate. Real RGDs from the kro v0.9.3 examples
 * where they fit.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  compareRgdAge,
  generatedKindOf,
  gvkKey,
  indexGeneratedKinds,
  instanceKinds,
  rgdIdentity,
} from '../../../src/cluster/index.ts';

const CORPUS = '../shared/corpus/kro-v0.9.3-examples';

/** Every RGD document of the corpus, with the file it came from. */
function corpusRgds(): { file: string; rgd: Record<string, unknown> }[] {
  const out: { file: string; rgd: Record<string, unknown> }[] = [];
  for (const f of readdirSync(CORPUS, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!f.endsWith('.yaml')) continue;
    for (const doc of parseAllDocuments(readFileSync(join(CORPUS, f), 'utf8'))) {
      const o = doc.toJS() as Record<string, unknown> | null;
      if (o?.kind === 'ResourceGraphDefinition') out.push({ file: f, rgd: o });
    }
  }
  return out;
}

function rgd(
  schema: Record<string, unknown>,
  metadata: Record<string, unknown> = { name: 'x' },
): Record<string, unknown> {
  return { apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata, spec: { schema } };
}

const reasonOf = (o: unknown): string => {
  const r = generatedKindOf(o);
  assert.ok('reason' in r, `expected no kind, got ${JSON.stringify(r)}`);
  return r.reason;
};

describe('generatedKindOf', () => {
  const corpus = corpusRgds();

  it('gives every corpus RGD a kind in kro.run, Namespaced (the defaults), at its apiVersion', () => {
    assert.ok(corpus.length >= 30, `${corpus.length} RGDs`);
    for (const { file, rgd: r } of corpus) {
      const result = generatedKindOf(r);
      assert.ok('kind' in result, `${file}: ${JSON.stringify(result)}`);
      const schema = (r.spec as { schema: { kind: string; apiVersion: string } }).schema;
      assert.deepEqual(
        {
          group: result.kind.group,
          version: result.kind.version,
          kind: result.kind.kind,
          scope: result.kind.scope,
        },
        { group: 'kro.run', version: schema.apiVersion, kind: schema.kind, scope: 'Namespaced' },
        file,
      );
    }
  });

  it('names the resource as kro names the CRD (<plural>.<group>), as the examples named after it show', () => {
    // These examples are named after the CRD kro creates for them.
    const named = corpus.filter(({ rgd: r }) =>
      [
        'somethings.kro.run',
        'ecrpubliccontrollers.kro.run',
        'ecrcontrollers.kro.run',
        'sqscontrollers.kro.run',
        'ekscontrollers.kro.run',
      ].includes(rgdIdentity(r).name),
    );
    assert.ok(named.length >= 5, `${named.length}`);
    for (const { file, rgd: r } of named) {
      const result = generatedKindOf(r);
      assert.ok('kind' in result, file);
      assert.equal(`${result.kind.resource}.${result.kind.group}`, rgdIdentity(r).name, file);
    }
  });

  it('uses spec.schema.group and scope when set, and flect plurals', () => {
    assert.deepEqual(
      generatedKindOf(
        rgd({ apiVersion: 'v1beta2', kind: 'Policy', group: 'platform.example.com', scope: 'Cluster' }),
      ),
      {
        kind: {
          group: 'platform.example.com',
          version: 'v1beta2',
          kind: 'Policy',
          resource: 'policies',
          scope: 'Cluster',
        },
      },
    );
  });

  it('leaves out what cannot be a served kind, saying why', () => {
    assert.match(reasonOf({ kind: 'ConfigMap', apiVersion: 'v1' }), /not a kro\.run ResourceGraphDefinition/);
    assert.match(
      reasonOf({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', spec: {} }),
      /spec\.schema is not an object/,
    );
    assert.match(reasonOf(rgd({ apiVersion: 'v1', kind: 'webApp' })), /spec\.schema\.kind "webApp"/);
    assert.match(reasonOf(rgd({ apiVersion: '1.0', kind: 'WebApp' })), /spec\.schema\.apiVersion "1\.0"/);
    assert.match(reasonOf(rgd({ apiVersion: 'v1', kind: 'WebApp', scope: 'Global' })), /scope "Global"/);
    // The API server refuses a CRD whose group has no dot, or is not a DNS subdomain (kro-contract §6.2).
    assert.match(reasonOf(rgd({ apiVersion: 'v1', kind: 'WebApp', group: 'local' })), /group "local"/);
    assert.match(
      reasonOf(rgd({ apiVersion: 'v1', kind: 'WebApp', group: 'My_Group.io' })),
      /group "My_Group\.io"/,
    );
    // flect's plural of a lower-cased acronym ending in s is not a valid resource name.
    assert.match(reasonOf(rgd({ apiVersion: 'v1', kind: 'Dns' })), /plural "dnsDNSes"/);
  });

  it("leaves out kro's, kro-guard's and built-in APIs", () => {
    for (const schema of [
      { apiVersion: 'v1alpha1', kind: 'ResourceGraphDefinition' },
      { apiVersion: 'v1alpha1', kind: 'GraphRevision', group: 'internal.kro.run' },
      { apiVersion: 'v1alpha1', kind: 'CompliancePolicy', group: 'kro-guard.io' },
      { apiVersion: 'v1', kind: 'Ingress', group: 'networking.k8s.io' },
      { apiVersion: 'v1', kind: 'Thing', group: 'k8s.io' },
      { apiVersion: 'v1', kind: 'Thing', group: 'x.kubernetes.io' },
    ]) {
      assert.match(reasonOf(rgd(schema)), /is reserved/, JSON.stringify(schema));
    }
    // A resource of kro.run that is not kro's own is fine, and so is a group that merely ends in "k8s.io".
    assert.ok('kind' in generatedKindOf(rgd({ apiVersion: 'v1alpha1', kind: 'Graph' })));
    assert.ok('kind' in generatedKindOf(rgd({ apiVersion: 'v1', kind: 'Thing', group: 'myk8s.io' })));
  });
});

describe('indexGeneratedKinds', () => {
  const webapp = (name: string, creationTimestamp?: string) =>
    rgd(
      { apiVersion: 'v1alpha1', kind: 'WebApp' },
      { name, uid: `uid-${name}`, generation: 2, resourceVersion: '7', creationTimestamp },
    );
  const key = gvkKey({ group: 'kro.run', version: 'v1alpha1', kind: 'WebApp' });

  it('gives a kind two RGDs generate to the older one, whatever the input order', () => {
    const older = webapp('zeta', '2025-01-01T00:00:00Z');
    const newer = webapp('alpha', '2025-06-01T00:00:00Z');
    for (const input of [
      [older, newer],
      [newer, older],
    ]) {
      const index = indexGeneratedKinds(input);
      assert.equal(index.byGvk.size, 1);
      assert.equal(index.byGvk.get(key)?.rgd, older);
      assert.deepEqual(index.byGvk.get(key)?.identity, {
        name: 'zeta',
        uid: 'uid-zeta',
        generation: 2,
        resourceVersion: '7',
        creationTimestamp: '2025-01-01T00:00:00Z',
      });
      assert.deepEqual(
        index.shadowed.map((s) => [s.name, s.kind.resource, s.ownedBy]),
        [['alpha', 'webapps', 'zeta']],
      );
    }
  });

  it('breaks a timestamp tie by name, and ranks a missing timestamp last', () => {
    const tie = indexGeneratedKinds([
      webapp('b', '2025-01-01T00:00:00Z'),
      webapp('a', '2025-01-01T00:00:00Z'),
    ]);
    assert.equal(tie.byGvk.get(key)?.identity.name, 'a');
    const missing = indexGeneratedKinds([webapp('a'), webapp('b', '2030-01-01T00:00:00Z')]);
    assert.equal(missing.byGvk.get(key)?.identity.name, 'b');
    assert.equal(
      compareRgdAge(rgdIdentity(webapp('a')), rgdIdentity(webapp('a', '2025-01-01T00:00:00Z'))),
      1,
    );
    assert.equal(compareRgdAge(rgdIdentity(webapp('a')), rgdIdentity(webapp('a'))), 0);
  });

  it('keeps different versions, groups and kinds apart, and lists skipped RGDs by name', () => {
    const index = indexGeneratedKinds([
      webapp('w1'),
      rgd({ apiVersion: 'v1beta1', kind: 'WebApp' }, { name: 'w2' }),
      rgd({ apiVersion: 'v1alpha1', kind: 'WebApp', group: 'apps.example.com' }, { name: 'w3' }),
      rgd({ apiVersion: 'v1alpha1', kind: 'Dns' }, { name: 'd' }),
      rgd({ apiVersion: 'v1alpha1', kind: 'X', group: 'nodot' }, { name: 'c' }),
    ]);
    assert.deepEqual([...index.byGvk.keys()].sort(), [
      'apps.example.com/v1alpha1, Kind=WebApp',
      'kro.run/v1alpha1, Kind=WebApp',
      'kro.run/v1beta1, Kind=WebApp',
    ]);
    assert.deepEqual(
      index.skipped.map((s) => s.name),
      ['c', 'd'],
    );
    assert.deepEqual(index.shadowed, []);
  });

  it('indexes the whole corpus; same-kind examples shadow each other', () => {
    const rgds = corpusRgds().map(({ file, rgd: r }) => ({
      ...r,
      // Distinct names, as they would be in one cluster.
      metadata: { ...(r.metadata as object), name: file },
    }));
    const index = indexGeneratedKinds(rgds);
    assert.deepEqual(index.skipped, []);
    assert.equal(index.byGvk.size + index.shadowed.length, rgds.length);
    // e.g. kubernetes/defaults and kubernetes/cel-functions both generate Something.
    const something = index.byGvk.get(gvkKey({ group: 'kro.run', version: 'v1alpha1', kind: 'Something' }));
    assert.ok(something);
    assert.ok(
      index.shadowed.some((s) => s.kind.kind === 'Something' && s.ownedBy === something.identity.name),
    );
  });
});

describe('instanceKinds', () => {
  it("keeps kinds whose CRD is kro's or not there yet, and leaves out those of another owner's CRD", () => {
    const index = indexGeneratedKinds([
      rgd({ apiVersion: 'v1alpha1', kind: 'WebApp' }, { name: 'webapp' }),
      rgd({ apiVersion: 'v1alpha1', kind: 'Database' }, { name: 'database' }),
      rgd({ apiVersion: 'v1alpha1', kind: 'Bucket', group: 's3.services.k8s.aws' }, { name: 'bucket' }),
    ]);
    const crds = new Map([
      ['webapps.kro.run', true],
      ['buckets.s3.services.k8s.aws', false],
    ]);
    const { kinds, foreign } = instanceKinds(index.byGvk.values(), (name) => crds.get(name));
    assert.deepEqual(kinds.map((k) => `${k.resource}.${k.group}`).sort(), [
      'databases.kro.run',
      'webapps.kro.run',
    ]);
    assert.deepEqual(foreign, [{ rgd: 'bucket', crd: 'buckets.s3.services.k8s.aws' }]);
  });
});
