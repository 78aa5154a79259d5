import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { buildInstanceCrd, checkGeneratedCrd, type InstanceCrdInput } from '../../../src/crd/index.ts';
import { withRgdDefaults } from '../../../src/graph/defaults.ts';
import { toOpenAPISpec } from '../../../src/simpleschema/index.ts';

const CORPUS = '../shared/corpus/kro-v0.9.3-examples';

function base(extra: Partial<InstanceCrdInput> = {}): InstanceCrdInput {
  return {
    rgdName: 'my-app',
    rgdUid: 'uid-1',
    kind: 'WebApp',
    group: 'kro.run',
    apiVersion: 'v1alpha1',
    scope: 'Namespaced',
    specSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    ...extra,
  };
}

describe('buildInstanceCrd (kro-contract §6.1)', () => {
  it('names the CRD <plural>.<group> with kro names', () => {
    const crd = buildInstanceCrd(base({ kind: 'Policy', group: 'example.com' }));
    assert.equal(crd.metadata.name, 'policies.example.com');
    assert.deepEqual(crd.spec.names, {
      kind: 'Policy',
      listKind: 'PolicyList',
      plural: 'policies',
      singular: 'policy',
    });
    assert.equal(crd.spec.group, 'example.com');
  });

  it('has one served, stored version with the status subresource and the scope', () => {
    const crd = buildInstanceCrd(base({ scope: 'Cluster', apiVersion: 'v2beta1' }));
    assert.equal(crd.spec.scope, 'Cluster');
    assert.equal(crd.spec.versions.length, 1);
    const v = crd.spec.versions[0]!;
    assert.equal(v.name, 'v2beta1');
    assert.equal(v.served, true);
    assert.equal(v.storage, true);
    assert.deepEqual(v.subresources, { status: {} });
  });

  it('builds the root schema; spec is never required at the root', () => {
    const crd = buildInstanceCrd(base());
    const root = crd.spec.versions[0]!.schema!.openAPIV3Schema!;
    assert.equal(root.type, 'object');
    assert.equal(root.required, undefined);
    assert.deepEqual(Object.keys(root.properties!), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(root.properties!.metadata, { type: 'object' });
    assert.deepEqual(root.properties!.spec, base().specSchema);
  });

  it('adds state and conditions to the inferred status, unless defined', () => {
    const crd = buildInstanceCrd(
      base({
        statusSchema: { type: 'object', properties: { state: { type: 'integer' }, url: { type: 'string' } } },
      }),
    );
    const status = crd.spec.versions[0]!.schema!.openAPIV3Schema!.properties!.status!;
    assert.deepEqual(status.properties!.state, { type: 'integer' });
    assert.deepEqual(status.properties!.url, { type: 'string' });
    assert.equal(status.properties!.conditions!.type, 'array');
    assert.deepEqual(Object.keys(status.properties!.conditions!.items!.properties!).sort(), [
      'lastTransitionTime',
      'message',
      'observedGeneration',
      'reason',
      'status',
      'type',
    ]);
    const plain = buildInstanceCrd(base()).spec.versions[0]!.schema!.openAPIV3Schema!.properties!.status!;
    assert.equal(plain.type, 'object');
    assert.deepEqual(plain.properties!.state, { type: 'string' });
  });

  it('uses the default printer columns when the RGD has none', () => {
    for (const cols of [undefined, []]) {
      const v = buildInstanceCrd(base({ additionalPrinterColumns: cols })).spec.versions[0]!;
      assert.deepEqual(
        v.additionalPrinterColumns!.map((c) => [c.name, c.type, c.jsonPath]),
        [
          ['State', 'string', '.status.state'],
          ['Ready', 'string', '.status.conditions[?(@.type=="Ready")].status'],
          ['Age', 'date', '.metadata.creationTimestamp'],
        ],
      );
    }
  });

  it('replaces the columns with the RGD columns, dropping unknown keys and zero values', () => {
    const v = buildInstanceCrd(
      base({
        additionalPrinterColumns: [
          { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 0, bogus: 1 },
          { name: 'Port', type: 'integer', jsonPath: '.spec.port', priority: 1, description: 'port' },
        ],
      }),
    ).spec.versions[0]!;
    assert.deepEqual(v.additionalPrinterColumns, [
      { name: 'Image', type: 'string', jsonPath: '.spec.image' },
      { name: 'Port', type: 'integer', jsonPath: '.spec.port', description: 'port', priority: 1 },
    ]);
  });

  it('copies schema metadata and sets kro ownership labels over it', () => {
    const crd = buildInstanceCrd(
      base({
        metadata: {
          labels: { team: 'a', 'kro.run/owned': 'false' },
          annotations: { note: 'x' },
        },
      }),
    );
    assert.deepEqual(crd.metadata.labels, {
      'kro.run/kro-version': 'v0.9.3',
      'kro.run/owned': 'true',
      'kro.run/resource-graph-definition-id': 'uid-1',
      'kro.run/resource-graph-definition-name': 'my-app',
      team: 'a',
    });
    assert.deepEqual(crd.metadata.annotations, { note: 'x' });
    assert.equal(buildInstanceCrd(base()).metadata.annotations, undefined);
  });

  it('is deterministic and does not share the input schema', () => {
    const input = base();
    const a = buildInstanceCrd(input);
    const b = buildInstanceCrd(input);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    a.spec.versions[0]!.schema!.openAPIV3Schema!.properties!.spec!.type = 'string';
    assert.equal(input.specSchema.type, 'object');
  });
});

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (name.endsWith('.yaml')) out.push(p);
  }
  return out;
}

interface CorpusRgd {
  file: string;
  rgd: {
    metadata: { name: string };
    spec: { schema: Record<string, unknown> };
  };
}

function corpusRgds(): CorpusRgd[] {
  const out: CorpusRgd[] = [];
  for (const file of corpusFiles(CORPUS)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = withRgdDefaults(doc.toJS()) as { kind?: string } | null;
      if (value?.kind === 'ResourceGraphDefinition') out.push({ file, rgd: value as CorpusRgd['rgd'] });
    }
  }
  return out;
}

function crdFor({ rgd }: CorpusRgd) {
  const s = rgd.spec.schema;
  const spec = toOpenAPISpec(s.spec, s.types);
  return {
    diagnostics: spec.diagnostics,
    crd: buildInstanceCrd({
      rgdName: rgd.metadata.name,
      kind: s.kind as string,
      group: s.group as string,
      apiVersion: s.apiVersion as string,
      scope: s.scope as 'Namespaced' | 'Cluster',
      specSchema: spec.schema,
      additionalPrinterColumns: s.additionalPrinterColumns as unknown[] | undefined,
      metadata: s.metadata as InstanceCrdInput['metadata'],
    }),
  };
}

describe('CRDs of the kro v0.9.3 example RGDs (end to end)', () => {
  const rgds = corpusRgds();

  it('finds the example RGDs', () => {
    assert.ok(rgds.length >= 30, `only ${rgds.length} RGDs`);
  });

  it('the webapp example gives webapps.kro.run with its defaults in the spec schema', () => {
    const webapp = rgds.find((r) => r.file.endsWith('kubernetes/webapp/rg.yaml'))!;
    const { crd } = crdFor(webapp);
    assert.equal(crd.metadata.name, 'webapps.kro.run');
    const spec = crd.spec.versions[0]!.schema!.openAPIV3Schema!.properties!.spec!;
    assert.equal(spec.properties!.port!.default, 8080);
    assert.deepEqual(spec.properties!.service, {
      type: 'object',
      properties: { enabled: { type: 'boolean', default: true } },
      default: {},
    });
    assert.equal(crd.metadata.labels!['kro.run/resource-graph-definition-name'], 'webapp.kro.run');
  });

  it('the additionalPrinterColumns example replaces the default columns', () => {
    const r = rgds.find((x) => x.file.endsWith('additionalPrinterColumns/rg.yaml'))!;
    const cols = crdFor(r).crd.spec.versions[0]!.additionalPrinterColumns!;
    const raw = r.rgd.spec.schema.additionalPrinterColumns as { jsonPath: string }[];
    assert.deepEqual(
      cols.map((c) => c.jsonPath),
      raw.map((c) => c.jsonPath),
    );
  });

  it('every example whose SimpleSchema converts cleanly yields a CRD the API server accepts', () => {
    let checked = 0;
    for (const r of rgds) {
      const { crd, diagnostics } = crdFor(r);
      if (diagnostics.some((d) => d.severity === 'error')) continue;
      const group = r.rgd.spec.schema.group as string;
      assert.equal(crd.metadata.name, `${crd.spec.names.plural}.${group}`, r.file);
      assert.deepEqual(
        checkGeneratedCrd(crd).filter((d) => d.severity === 'error'),
        [],
        r.file,
      );
      checked++;
    }
    assert.ok(checked >= 25, `only ${checked} checked`);
  });
});
