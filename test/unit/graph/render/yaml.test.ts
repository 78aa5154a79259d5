/**
 * externalRefs in a rendering, and the YAML stream `kro-guard render` prints.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  Unknown,
  renderInstance,
  renderSymbolic,
  renderedToYaml,
  type RenderedObject,
} from '../../../../src/graph/render/index.ts';
import { compile, corpus, defaulted, testInstance, testRgd } from './helpers.ts';

const rgd = testRgd({ name: 'string', enabled: 'boolean | default=true' }, [
  {
    id: 'settings',
    externalRef: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'platform-settings' } },
  },
  {
    id: 'app',
    includeWhen: ['${schema.spec.enabled}'],
    template: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${schema.spec.name}' },
      data: { region: '${settings.data.region}', source: '${settings.metadata.name}' },
    },
  },
]);

describe('externalRefs', () => {
  const compiled = compile(rgd);
  const g = renderInstance(compiled, defaulted(testInstance({ name: 'web' }), compiled));

  it('renders the reference, in the instance namespace, and leaves its contents unknown', () => {
    assert.deepEqual(g.diagnostics, []);
    const ref = g.resources.find((r) => r.id === 'settings')!;
    assert.equal(ref.external, true);
    assert.deepEqual(ref.templatePath, ['spec', 'resources', 0, 'externalRef']);
    assert.deepEqual(ref.object, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'platform-settings', namespace: 'team-a' },
    });
    const data = g.resources.find((r) => r.id === 'app')!.object.data as RenderedObject;
    assert.equal(data.source, 'platform-settings');
    assert.ok(data.region instanceof Unknown);
    assert.deepEqual(data.region.provenance, [
      { kind: 'status', resourceId: 'settings', path: 'settings.data.region' },
    ]);
  });

  it('prints only the children, unknowns as ${expression}', () => {
    const text = renderedToYaml(g);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as RenderedObject);
    assert.equal(docs.length, 1);
    assert.deepEqual(docs[0], {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web', namespace: 'team-a' },
      data: { region: '${settings.data.region}', source: 'platform-settings' },
    });
    assert.match(text, /^# resource app\napiVersion: v1\n/);
  });
});

describe('renderedToYaml', () => {
  it('writes one commented document per child, with the unknown inclusion condition', () => {
    const compiled = compile(corpus('aws/s3bucket/rg.yaml'));
    const s = renderSymbolic(compiled);
    const text = renderedToYaml(s.worlds[0]!);
    const docs = parseAllDocuments(text);
    assert.equal(docs.length, 2);
    assert.match(text, /^# resource s3bucket\n/);
    assert.match(
      text,
      /\n---\n# resource s3PolicyWrite \(included: when \$\{schema\.spec\.access == "write"\}\)\n/,
    );
    const policy = docs[1]!.toJS() as { spec: { policyDocument: string; name: string } };
    assert.equal(policy.spec.name, '${schema.spec.name}-s3-write-policy');
    const doc = JSON.parse(policy.spec.policyDocument) as { Statement: { Resource: string[] }[] };
    assert.deepEqual(doc.Statement[0]!.Resource, ['${s3bucket.status.ackResourceMetadata.arn}/*']);
  });

  it('names collection elements with their index', () => {
    const compiled = compile(
      testRgd({ zones: '[]string' }, [
        {
          id: 'zone',
          forEach: [{ z: '${schema.spec.zones}' }],
          template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${z}' } },
        },
      ]),
    );
    const text = renderedToYaml(renderInstance(compiled, testInstance({ zones: ['a', 'b'] })));
    assert.deepEqual(
      text.split('\n').filter((l) => l.startsWith('#')),
      ['# resource zone[0]', '# resource zone[1]'],
    );
    assert.equal(renderedToYaml(renderInstance(compiled, testInstance({ zones: [] }))), '');
  });
});
