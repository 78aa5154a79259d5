/**
 * pruneGroupVersion (what `npm run schemas:dump` keeps of an OpenAPI v3 document) and the lazy `$ref`
 * resolution of createSchemaSet, on small documents shaped like the API server's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createSchemaSet,
  pruneGroupVersion,
  withoutDescriptions,
  type OpenAPIDocument,
  type OpenAPISchema,
} from '../../../src/schemas/index.ts';

const ref = (name: string): OpenAPISchema => ({ $ref: `#/components/schemas/${name}` });
const gvk = (group: string, version: string, kind: string) => [{ group, version, kind }];

/** A document of group `example.io`, version `v1`, with one namespaced and one cluster-scoped kind. */
function document(): OpenAPIDocument {
  return {
    components: {
      schemas: {
        'io.example.v1.Widget': {
          description: 'A widget.',
          type: 'object',
          properties: {
            metadata: { description: 'Standard metadata.', default: {}, allOf: [ref('meta.ObjectMeta')] },
            spec: { allOf: [ref('io.example.v1.WidgetSpec')] },
          },
          'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Widget'),
        },
        'io.example.v1.WidgetSpec': {
          type: 'object',
          properties: {
            description: { description: 'A field named description.', type: 'string' },
            parts: { type: 'array', items: ref('io.example.v1.Part') },
            mode: { type: 'string', default: 'fast', enum: ['fast', 'slow'] },
            extra: { type: 'object', default: { description: 'a value, not a keyword' } },
          },
        },
        'io.example.v1.Part': {
          type: 'object',
          properties: {
            children: { type: 'array', items: ref('io.example.v1.Part') },
            name: { type: 'string' },
          },
        },
        'io.example.v1.Gadget': {
          type: 'object',
          properties: { metadata: { allOf: [ref('meta.ObjectMeta')] } },
          'x-kubernetes-group-version-kind': gvk('example.io', 'v1', 'Gadget'),
        },
        'meta.ObjectMeta': { type: 'object', properties: { name: { type: 'string', description: 'Name.' } } },
        'meta.DeleteOptions': {
          type: 'object',
          'x-kubernetes-group-version-kind': [
            { group: '', version: 'v1', kind: 'DeleteOptions' },
            { group: 'example.io', version: 'v1', kind: 'DeleteOptions' },
          ],
        },
        'io.other.v1.Unrelated': {
          type: 'object',
          'x-kubernetes-group-version-kind': gvk('other.io', 'v1', 'Thing'),
        },
        'io.example.v1.Orphan': { type: 'string' },
      },
    },
    paths: {
      '/apis/example.io/v1/namespaces/{namespace}/widgets': {
        post: { 'x-kubernetes-group-version-kind': { group: 'example.io', version: 'v1', kind: 'Widget' } },
      },
      '/apis/example.io/v1/widgets': {
        get: { 'x-kubernetes-group-version-kind': { group: 'example.io', version: 'v1', kind: 'Widget' } },
      },
      '/apis/example.io/v1/gadgets/{name}': {
        put: { 'x-kubernetes-group-version-kind': { group: 'example.io', version: 'v1', kind: 'Gadget' } },
        parameters: [{ name: 'name' }],
      },
      '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}/scale': {
        put: { 'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
      },
    },
  };
}

describe('pruneGroupVersion', () => {
  const pruned = pruneGroupVersion(document(), 'example.io', 'v1');

  it("keeps the group-version's kinds and what they reach, and nothing else", () => {
    assert.deepEqual(Object.keys(pruned.schemas), [
      'io.example.v1.Gadget',
      'io.example.v1.Part',
      'io.example.v1.Widget',
      'io.example.v1.WidgetSpec',
      'meta.DeleteOptions',
      'meta.ObjectMeta',
    ]);
  });

  it('drops description keywords only, keeps $refs, defaults and a field named description', () => {
    const widget = pruned.schemas['io.example.v1.Widget']!;
    assert.equal(widget.description, undefined);
    assert.deepEqual(widget.properties!['metadata'], { default: {}, allOf: [ref('meta.ObjectMeta')] });
    const spec = pruned.schemas['io.example.v1.WidgetSpec']!;
    assert.deepEqual(spec.properties!['description'], { type: 'string' });
    assert.deepEqual(spec.properties!['extra'], {
      type: 'object',
      default: { description: 'a value, not a keyword' },
    });
    assert.deepEqual(spec.properties!['parts'], { type: 'array', items: ref('io.example.v1.Part') });
    assert.deepEqual(pruned.schemas['meta.ObjectMeta'], {
      type: 'object',
      properties: { name: { type: 'string' } },
    });
  });

  it("trims x-kubernetes-group-version-kind to the group-version's own entries", () => {
    assert.deepEqual(pruned.schemas['meta.DeleteOptions']!['x-kubernetes-group-version-kind'], [
      { group: 'example.io', version: 'v1', kind: 'DeleteOptions' },
    ]);
  });

  it('reads the scope of each kind from the paths', () => {
    assert.deepEqual(pruned.namespaced, { Gadget: false, Widget: true });
  });

  it('does not modify the document', () => {
    const doc = document();
    pruneGroupVersion(doc, 'example.io', 'v1');
    assert.deepEqual(doc, document());
  });

  it('refuses a document without kinds of the group-version, or with a dangling $ref', () => {
    assert.throws(
      () => pruneGroupVersion(document(), 'example.io', 'v2'),
      /no schema has x-kubernetes-group-version-kind example\.io\/v2/,
    );
    const doc = document();
    delete doc.components!.schemas!['io.example.v1.Part'];
    assert.throws(
      () => pruneGroupVersion(doc, 'example.io', 'v1'),
      /\$ref to missing schema io\.example\.v1\.Part/,
    );
    assert.throws(() => pruneGroupVersion({}, 'example.io', 'v1'), /no components\.schemas/);
  });

  it('withoutDescriptions handles allOf arrays and boolean additionalProperties', () => {
    assert.deepEqual(
      withoutDescriptions({
        description: 'x',
        allOf: [{ description: 'y', type: 'string' }],
        additionalProperties: true,
        items: { description: 'z', type: 'integer' },
      }),
      { allOf: [{ type: 'string' }], additionalProperties: true, items: { type: 'integer' } },
    );
  });
});

describe('createSchemaSet over a pruned group-version', () => {
  const pruned = pruneGroupVersion(document(), 'example.io', 'v1');
  const set = createSchemaSet({
    kubernetesVersion: 'v0.0.0-test',
    generatedBy: 'test',
    descriptions: 'omitted',
    version: {},
    groupVersions: { 'example.io/v1': pruned.schemas },
    namespaced: { 'example.io/v1': pruned.namespaced },
  });

  it('resolves $refs and allOf wrappers, keeping the wrapper default', () => {
    const widget = set.lookup({ group: 'example.io', version: 'v1', kind: 'Widget' });
    assert.ok(widget);
    assert.equal(widget.namespaced, true);
    const metadata = widget.schema.properties!['metadata']!;
    assert.deepEqual(metadata.default, {});
    assert.equal(metadata.allOf, undefined);
    assert.equal(metadata.properties!['name']!.type, 'string');
    const spec = widget.schema.properties!['spec']!;
    assert.equal(spec.properties!['mode']!.default, 'fast');
    assert.deepEqual(spec.properties!['mode']!.enum, ['fast', 'slow']);
  });

  it('a self-referencing schema resolves to the same object at every depth', () => {
    const widget = set.lookup({ group: 'example.io', version: 'v1', kind: 'Widget' })!;
    const part = widget.schema.properties!['spec']!.properties!['parts']!.items!;
    assert.equal(part.properties!['children']!.items, part);
    assert.equal(part.properties!['children']!.items!.properties!['children']!.items, part);
  });

  it('a shared schema has one resolved view', () => {
    const widget = set.lookup({ group: 'example.io', version: 'v1', kind: 'Widget' })!;
    const gadget = set.lookup({ group: 'example.io', version: 'v1', kind: 'Gadget' })!;
    assert.equal(gadget.namespaced, false);
    // Gadget's metadata is a bare allOf wrapper: exactly the ObjectMeta view; Widget's adds a default.
    assert.equal(
      gadget.schema.properties!['metadata']!.properties,
      widget.schema.properties!['metadata']!.properties,
    );
  });

  it('finds kinds only in their own group-version', () => {
    assert.equal(set.lookup({ group: 'example.io', version: 'v1', kind: 'Thing' }), undefined);
    assert.equal(set.lookup({ group: 'other.io', version: 'v1', kind: 'Thing' }), undefined);
    assert.equal(set.lookup({ group: '', version: 'v1', kind: 'DeleteOptions' }), undefined);
    assert.equal(
      set.lookup({ group: 'example.io', version: 'v1', kind: 'DeleteOptions' })?.namespaced,
      undefined,
    );
    assert.deepEqual(set.groupVersions(), ['example.io/v1']);
    assert.equal(set.kubernetesVersion, 'v0.0.0-test');
  });
});
