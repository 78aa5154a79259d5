/**
 * Rendering without an instance (symbolic mode, RGD admission): free inputs with their SimpleSchema
 * constraints, worlds over booleans and enums, representative elements of unknown lists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SymbolicString,
  Unknown,
  renderSymbolic,
  type RenderedGraph,
  type RenderedObject,
  type RenderedValue,
} from '../../../../src/graph/render/index.ts';
import { compile, corpus, testRgd } from './helpers.ts';

const rgd = testRgd(
  {
    name: 'string | pattern="^[a-z][a-z0-9-]*$" maxLength=40',
    env: 'string | enum="dev,staging,prod" default=prod',
    public: 'boolean | default=false',
    encrypt: 'boolean',
    unused: 'boolean',
    buckets: '[]Bucket',
  },
  [
    {
      id: 'main',
      template: {
        apiVersion: 's3.services.k8s.aws/v1alpha1',
        kind: 'Bucket',
        metadata: { name: '${schema.spec.name}-${schema.spec.env}' },
        spec: {
          name: '${schema.spec.name}-${schema.spec.env}',
          publicAccessBlock: { blockPublicACLs: '${!schema.spec.public}' },
        },
      },
    },
    {
      id: 'logs',
      includeWhen: ['${schema.spec.env == "prod"}'],
      template: {
        apiVersion: 's3.services.k8s.aws/v1alpha1',
        kind: 'Bucket',
        metadata: { name: '${schema.spec.name}-logs' },
        spec: {
          name: '${schema.spec.name}-logs',
          tagging: { tagSet: [{ key: 'enc', value: '${string(schema.spec.encrypt)}' }] },
        },
      },
    },
    {
      id: 'extra',
      forEach: [{ b: '${schema.spec.buckets}' }],
      template: {
        apiVersion: 's3.services.k8s.aws/v1alpha1',
        kind: 'Bucket',
        metadata: { name: '${b.name}' },
        spec: {
          name: '${b.name}',
          encryption: {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: '${b.encryption}' } }],
          },
        },
      },
    },
    {
      id: 'fixed',
      forEach: [{ zone: '${["a", "b"]}' }],
      template: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: '${schema.spec.name}-${zone}' },
        data: { zone: '${zone}', main: '${main.spec.name}' },
      },
    },
  ],
  {
    Bucket: {
      name: 'string | pattern="^[a-z0-9.-]+$"',
      encryption: 'string | enum="AES256,aws:kms" default=aws:kms',
    },
  },
);

const field = (v: RenderedValue | undefined, ...path: (string | number)[]): RenderedValue | undefined => {
  let cur = v;
  for (const seg of path) cur = (cur as Record<string | number, RenderedValue> | undefined)?.[seg];
  return cur;
};

function find(g: RenderedGraph, id: string) {
  return g.resources.filter((r) => r.id === id);
}

describe('symbolic rendering', () => {
  const compiled = compile(rgd);
  const s = renderSymbolic(compiled);

  it('enumerates the booleans and enums the templates read, defaults first', () => {
    assert.deepEqual(s.enumerated, [
      { path: 'schema.spec.encrypt', values: [false, true] },
      { path: 'schema.spec.env', values: ['prod', 'dev', 'staging'] },
      { path: 'schema.spec.public', values: [false, true] },
    ]);
    assert.equal(s.worlds.length, 12);
    assert.deepEqual(s.worlds[0]!.assignment, {
      'schema.spec.encrypt': false,
      'schema.spec.env': 'prod',
      'schema.spec.public': false,
    });
    assert.deepEqual(s.free, [
      'schema.metadata.name',
      'schema.metadata.namespace',
      'schema.spec.buckets',
      'schema.spec.name',
      'schema.spec.unused',
    ]);
    assert.deepEqual(s.diagnostics, []);
  });

  it('evaluates each world with its values', () => {
    const first = s.worlds[0]!;
    assert.deepEqual(first.excluded, []);
    const main = find(first, 'main')[0]!.object;
    assert.equal(field(main, 'spec', 'publicAccessBlock', 'blockPublicACLs'), true);
    const name = field(main, 'spec', 'name');
    assert.ok(name instanceof SymbolicString);
    assert.deepEqual(
      name.parts.map((p) => (typeof p === 'string' ? p : p.expression)),
      ['schema.spec.name', '-prod'],
    );
    assert.equal(field(find(first, 'logs')[0]!.object, 'spec', 'tagging', 'tagSet', 0, 'value'), 'false');

    const dev = s.worlds.find(
      (w) => w.assignment['schema.spec.env'] === 'dev' && w.assignment['schema.spec.public'] === true,
    )!;
    assert.deepEqual(dev.excluded, [{ id: 'logs' }]);
    assert.equal(field(find(dev, 'main')[0]!.object, 'spec', 'publicAccessBlock', 'blockPublicACLs'), false);
  });

  it('keeps free inputs unknown with their SimpleSchema constraint', () => {
    const main = find(s.worlds[0]!, 'main')[0]!.object;
    const name = (field(main, 'spec', 'name') as SymbolicString).unknowns[0]!;
    assert.deepEqual(name.provenance, [{ kind: 'input', path: 'schema.spec.name' }]);
    assert.deepEqual(name.constraint, { pattern: '^[a-z][a-z0-9-]*$', maxLength: 40 });
    // Namespaced children inherit the (unknown) instance namespace.
    const ns = field(main, 'metadata', 'namespace');
    assert.ok(ns instanceof Unknown);
    assert.deepEqual(ns.provenance, [{ kind: 'input', path: 'schema.metadata.namespace' }]);
    assert.equal(s.worlds[0]!.instance.namespace, ns);
  });

  it('renders one representative element for a list input, its fields unknown inputs', () => {
    const extra = find(s.worlds[0]!, 'extra');
    assert.equal(extra.length, 1);
    assert.equal(extra[0]!.collectionIndex, '*');
    const b = extra[0]!.iterators!.b;
    assert.ok(b instanceof Unknown);
    assert.deepEqual(b.provenance, [{ kind: 'input', path: 'schema.spec.buckets[*]' }]);
    const alg = field(
      extra[0]!.object,
      'spec',
      'encryption',
      'rules',
      0,
      'applyServerSideEncryptionByDefault',
      'sseAlgorithm',
    );
    assert.ok(alg instanceof Unknown);
    assert.equal(alg.expression, 'b.encryption');
    assert.deepEqual(alg.provenance, [{ kind: 'input', path: 'schema.spec.buckets[*].encryption' }]);
    assert.deepEqual(alg.constraint, { enum: ['AES256', 'aws:kms'] });
    const name = field(extra[0]!.object, 'metadata', 'name');
    assert.ok(name instanceof Unknown);
    assert.deepEqual(name.constraint, { pattern: '^[a-z0-9.-]+$' });
  });

  it('expands a forEach over a known list normally', () => {
    const fixed = find(s.worlds[0]!, 'fixed');
    assert.deepEqual(
      fixed.map((r) => [r.collectionIndex, field(r.object, 'data', 'zone')]),
      [
        [0, 'a'],
        [1, 'b'],
      ],
    );
    assert.ok(field(fixed[0]!.object, 'data', 'main') instanceof SymbolicString);
  });

  it('caps the worlds: inputs beyond maxWorlds stay unknown', () => {
    const capped = renderSymbolic(compiled, { maxWorlds: 4 });
    assert.deepEqual(
      capped.enumerated.map((e) => e.path),
      ['schema.spec.encrypt', 'schema.spec.public'],
    );
    assert.equal(capped.worlds.length, 4);
    assert.ok(capped.free.includes('schema.spec.env'));
    const logs = find(capped.worlds[0]!, 'logs')[0]!;
    assert.ok(logs.included instanceof Unknown);
    assert.equal(logs.included.expression, 'schema.spec.env == "prod"');
    assert.deepEqual(logs.included.provenance, [{ kind: 'input', path: 'schema.spec.env' }]);
  });

  it('reports evaluation errors at RGD paths', () => {
    const broken = compile(
      testRgd({ name: 'string' }, [
        {
          id: 'cm',
          template: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: '${schema.spec.name}' },
            data: { x: '${"abc".substring(5)}' },
          },
        },
      ]),
    );
    const out = renderSymbolic(broken);
    assert.deepEqual(
      out.diagnostics.map((d) => [d.code, d.path]),
      [['render/evaluation-error', 'spec.resources[0].template.data.x']],
    );
  });
});

describe('symbolic rendering of kro examples', () => {
  it('webapp: the default world leaves the ingress out; disabling the service leaves both out', () => {
    const s = renderSymbolic(compile(corpus('kubernetes/webapp/rg.yaml')));
    assert.deepEqual(s.enumerated, [
      { path: 'schema.spec.ingress.enabled', values: [false, true] },
      { path: 'schema.spec.service.enabled', values: [true, false] },
    ]);
    assert.deepEqual(
      s.worlds.map((w) => w.excluded.map((e) => e.id)),
      [['ingress'], ['service', 'ingress'], [], ['service', 'ingress']],
    );
    const deployment = s.worlds[0]!.resources[0]!.object;
    const port = field(deployment, 'spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort');
    assert.ok(port instanceof Unknown);
    assert.equal(port.expression, 'schema.spec.port');
  });

  it('s3bucket: the includeWhen over a free string stays an unknown condition', () => {
    const s = renderSymbolic(compile(corpus('aws/s3bucket/rg.yaml')));
    assert.equal(s.worlds.length, 1);
    const policy = s.worlds[0]!.resources.find((r) => r.id === 's3PolicyWrite')!;
    assert.ok(policy.included instanceof Unknown);
    assert.equal(policy.included.expression, 'schema.spec.access == "write"');
    const doc = (policy.object.spec as RenderedObject).policyDocument;
    assert.ok(doc instanceof SymbolicString);
    assert.deepEqual(
      [...new Set(doc.unknowns.map((u) => u.expression))],
      ['s3bucket.status.ackResourceMetadata.arn'],
    );
  });
});
