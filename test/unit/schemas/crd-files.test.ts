/**
 * CRD files as a schema source: the real ACK CRDs of ../shared/crds/ack (read in place), the synthetic
 * CRDs of fixtures/crds, and the errors for files that cannot be used. What the API server publishes
 * for the same CRDs is compared in test/e2e/schema-sources.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CrdFileError,
  crdComponentName,
  crdFileSource,
  crdSourceFromDocuments,
  expandCrdPaths,
  publishedCrdSchema,
} from '../../../src/schemas/index.ts';
import { prop } from '../../helpers/schema.ts';

const ACK = join('..', 'shared', 'crds', 'ack');
const EXAMPLES = join('test', 'unit', 'schemas', 'fixtures', 'crds', 'example-crds.yaml');

describe('crdFileSource on the ACK CRDs', () => {
  const source = crdFileSource([ACK]);

  it('loads every CRD file, one kind each, none skipped', () => {
    const files = expandCrdPaths([ACK]);
    assert.equal(files.length, 70);
    assert.equal(source.kinds.length, 70);
    assert.deepEqual(new Set(source.kinds.map((k) => k.file)), new Set(files));
    assert.deepEqual(source.skipped, []);
    assert.equal(source.authoritative, false);
    assert.equal(source.name, `crds:${ACK}`);
    for (const k of source.kinds) assert.ok(source.lookup(k.gvk), `${k.file}: ${k.gvk.kind}`);
  });

  it('s3 Bucket: namespaced, the CRD schema with ObjectMeta metadata', () => {
    const bucket = source.lookup({ group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' });
    assert.ok(bucket);
    assert.equal(bucket.namespaced, true);
    assert.equal(bucket.source, join(ACK, 's3', 's3.services.k8s.aws_buckets.yaml'));
    const schema = bucket.schema;
    assert.equal(schema.type, 'object');
    assert.deepEqual(Object.keys(schema.properties!), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual(prop(schema, 'spec').required, ['name']);
    assert.equal(prop(schema, 'spec', 'name').type, 'string');
    assert.equal(prop(schema, 'spec', 'tagging', 'tagSet').items?.properties?.key?.type, 'string');
    assert.equal(prop(schema, 'apiVersion').type, 'string');
    // metadata is ObjectMeta, as the API server publishes it (the CRD itself says only type: object).
    assert.equal(prop(schema, 'metadata', 'labels').additionalProperties !== undefined, true);
    assert.equal(prop(schema, 'metadata', 'creationTimestamp').format, 'date-time');
    assert.equal(prop(schema, 'metadata', 'ownerReferences').items?.properties?.uid?.type, 'string');
    assert.deepEqual(schema['x-kubernetes-group-version-kind'], [
      { group: 's3.services.k8s.aws', kind: 'Bucket', version: 'v1alpha1' },
    ]);
    assert.ok(Object.isFrozen(schema));
  });

  it('iam Role: namespaced, required fields and nested lists', () => {
    const role = source.lookup({ group: 'iam.services.k8s.aws', version: 'v1alpha1', kind: 'Role' });
    assert.ok(role);
    assert.equal(role.namespaced, true);
    assert.deepEqual([...(prop(role.schema, 'spec').required ?? [])].sort(), [
      'assumeRolePolicyDocument',
      'name',
    ]);
    assert.equal(prop(role.schema, 'spec', 'maxSessionDuration').format, 'int64');
    assert.equal(prop(role.schema, 'spec', 'policies').type, 'array');
    assert.equal(prop(role.schema, 'status', 'conditions').items?.properties?.status?.type, 'string');
  });

  it('matching is exact: another version, group or kind is unknown', () => {
    assert.equal(source.lookup({ group: 's3.services.k8s.aws', version: 'v1', kind: 'Bucket' }), undefined);
    assert.equal(
      source.lookup({ group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'bucket' }),
      undefined,
    );
    assert.equal(source.lookup({ group: '', version: 'v1', kind: 'ConfigMap' }), undefined);
  });
});

describe('crdFileSource on synthetic CRDs', () => {
  const source = crdFileSource([EXAMPLES]);
  const widget = source.lookup({ group: 'example.com', version: 'v1', kind: 'Widget' });

  it('reads multi-document files and List items; skips other documents with a reason', () => {
    assert.deepEqual(
      source.kinds.map((k) => [k.gvk.group, k.gvk.version, k.gvk.kind, k.namespaced, k.document, k.item]),
      [
        ['example.com', 'v1', 'Widget', false, 0, undefined],
        ['example.com', 'v1beta1', 'Widget', false, 0, undefined],
        ['example.org', 'v1', 'Gadget', true, 2, 0],
      ],
    );
    assert.deepEqual(source.skipped, [
      { file: EXAMPLES, document: 1, reason: 'not a CustomResourceDefinition (v1 ConfigMap)' },
    ]);
  });

  it('leaves out versions that are not served (the API server does not publish them)', () => {
    assert.equal(source.lookup({ group: 'example.com', version: 'v2', kind: 'Widget' }), undefined);
  });

  it('Cluster scope, int-or-string, embedded resources as the API server publishes them', () => {
    assert.ok(widget);
    assert.equal(widget.namespaced, false);
    assert.deepEqual(prop(widget.schema, 'spec', 'port').anyOf, [{ type: 'integer' }, { type: 'string' }]);
    const tpl = prop(widget.schema, 'spec', 'tpl');
    assert.deepEqual(tpl.required, ['kind', 'apiVersion']);
    assert.equal(prop(tpl, 'metadata', 'name').type, 'string');
    assert.equal(tpl['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(prop(widget.schema, 'spec', 'withDefault').default, 'x');
    assert.deepEqual(prop(widget.schema, 'spec', 'rules')['x-kubernetes-validations'], [
      { rule: "self != 'y'", message: 'must not be y' },
    ]);
  });

  it('replaces what a CRD declares for the root apiVersion, kind and metadata, and for embedded objects', () => {
    const gadget = source.lookup({ group: 'example.org', version: 'v1', kind: 'Gadget' });
    assert.ok(gadget);
    assert.deepEqual(gadget.schema.required, ['spec']);
    assert.equal(gadget.schema.description, 'A gadget.');
    assert.match(String(prop(gadget.schema, 'apiVersion').description), /^APIVersion defines/);
    assert.equal(prop(gadget.schema, 'metadata', 'name').maxLength, undefined);
    const emb = prop(gadget.schema, 'spec', 'emb');
    assert.deepEqual(emb.required, ['spec', 'kind', 'apiVersion']);
    assert.equal(prop(emb, 'apiVersion').enum, undefined);
    assert.deepEqual(prop(emb, 'spec', 'inner').required, ['kind', 'apiVersion']);
    assert.deepEqual(prop(gadget.schema, 'spec', 'list').items?.required, ['kind', 'apiVersion']);
    assert.deepEqual(prop(gadget.schema, 'spec', 'mapped').additionalProperties, {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    });
  });
});

describe('publishedCrdSchema and crdComponentName', () => {
  it('names components after the reversed group', () => {
    assert.equal(
      crdComponentName({ group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' }),
      'aws.k8s.services.s3.v1alpha1.Bucket',
    );
  });

  it('keeps $refs to ObjectMeta, sorts keys and does not modify its input', () => {
    const input = {
      type: 'object',
      properties: { spec: { type: 'object' }, apiVersion: { type: 'string' } },
    };
    const copy = structuredClone(input);
    const out = publishedCrdSchema(input, { group: 'a.b', version: 'v1', kind: 'C' });
    assert.deepEqual(input, copy);
    assert.deepEqual(Object.keys(out.properties!), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(out.properties?.metadata?.allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ]);
  });
});

describe('crdFileSource errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kro-guard-crds-'));
  const crd = (group: string, extra = ''): string => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {kind: Thing, plural: things}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object}}
${extra}`;

  it('names the path that cannot be read', () => {
    assert.throws(() => crdFileSource([join(dir, 'missing.yaml')]), {
      name: 'CrdFileError',
      message: `cannot read ${join(dir, 'missing.yaml')}: ENOENT`,
    });
  });

  it('names file and document of a YAML syntax error', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, `${crd('a.example')}---\nkind: [unclosed\n`);
    assert.throws(
      () => crdFileSource([file]),
      (e: unknown) => {
        assert.ok(e instanceof CrdFileError);
        assert.match(
          e.message,
          new RegExp(`^${file.replaceAll('.', '\\.')}: document 1: YAML syntax error at line \\d+`),
        );
        return true;
      },
    );
  });

  it('rejects a v1 CRD the API server would reject, naming file, document and field', () => {
    const file = join(dir, 'noscope.yaml');
    writeFileSync(file, crd('b.example').replace('scope: Namespaced', 'scope: Global'));
    assert.throws(() => crdFileSource([file]), {
      message: `${file}: document 0: CustomResourceDefinition "things.b.example": spec.scope must be Namespaced or Cluster`,
    });
  });

  it('skips v1beta1 CRDs and repeated GVKs with a reason; walks directories, sorted, skipping hidden entries', () => {
    const sub = join(dir, 'tree');
    mkdirSync(join(sub, 'nested'), { recursive: true });
    mkdirSync(join(sub, '.hidden'));
    writeFileSync(join(sub, 'b.yaml'), crd('c.example'));
    writeFileSync(join(sub, 'nested', 'a.yml'), crd('c.example'));
    writeFileSync(
      join(sub, 'old.json'),
      JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'CustomResourceDefinition' }),
    );
    writeFileSync(join(sub, '.hidden', 'x.yaml'), 'not: [valid');
    writeFileSync(join(sub, 'README.md'), '# not read');
    const source = crdFileSource([sub]);
    assert.deepEqual(
      source.kinds.map((k) => k.file),
      [join(sub, 'b.yaml')],
    );
    assert.deepEqual(
      source.skipped.map((s) => [s.file, s.reason]),
      [
        [
          join(sub, 'nested', 'a.yml'),
          `c.example/v1/Thing is already defined by ${join(sub, 'b.yaml')}: document 0`,
        ],
        [
          join(sub, 'old.json'),
          'apiextensions.k8s.io/v1beta1 CustomResourceDefinitions are not served by Kubernetes since 1.22; convert to apiextensions.k8s.io/v1',
        ],
      ],
    );
  });

  it('crdSourceFromDocuments is pure over parsed values', () => {
    const source = crdSourceFromDocuments([{ file: 'mem', document: 0, value: null }], 'memory');
    assert.equal(source.name, 'memory');
    assert.deepEqual(source.skipped, [
      { file: 'mem', document: 0, reason: 'not a CustomResourceDefinition (a null)' },
    ]);
  });
});
