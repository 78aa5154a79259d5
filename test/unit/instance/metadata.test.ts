/**
 * ObjectMeta of instances: name and generateName, labels, annotations, namespace by scope, immutable
 * name on UPDATE, and decoding problems. Texts as kube-apiserver 1.35 prints them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileInstanceSchema } from '../../../src/instance/index.ts';
import { errorMessages, generatedSchema } from './helpers.ts';

const schema = generatedSchema({ name: 'string' });
const compiled = compileInstanceSchema(schema);
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function admitMeta(metadata: unknown, operation: 'CREATE' | 'UPDATE' = 'CREATE', oldMetadata?: unknown) {
  const obj = { apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', metadata, spec: {} };
  const old = oldMetadata === undefined ? undefined : { ...obj, metadata: oldMetadata };
  return compiled.admit(obj, old === undefined ? { operation } : { operation, oldObject: old });
}

describe('name', () => {
  it('must be a DNS-1123 subdomain', () => {
    assert.deepEqual(errorMessages(admitMeta({ name: 'my-app.v1' })), []);
    assert.deepEqual(errorMessages(admitMeta({ name: 'Bad_Name' })), [
      `metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN}`,
    ]);
    assert.deepEqual(errorMessages(admitMeta({ name: 'a'.repeat(254) })), [
      `metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
    ]);
  });

  it('is required unless generateName is set, which is checked with its trailing dash masked', () => {
    assert.deepEqual(errorMessages(admitMeta({})), [
      'metadata.name: Required value: name or generateName is required',
    ]);
    assert.deepEqual(errorMessages(admitMeta(undefined)), [
      'metadata.name: Required value: name or generateName is required',
    ]);
    assert.deepEqual(errorMessages(admitMeta({ generateName: 'web-' })), []);
    assert.deepEqual(errorMessages(admitMeta({ generateName: 'Gen-' })), [
      `metadata.generateName: Invalid value: "Gen-": ${SUBDOMAIN}`,
    ]);
  });

  it('and namespace are immutable on UPDATE', () => {
    const r = admitMeta({ name: 'b', namespace: 'x' }, 'UPDATE', { name: 'a', namespace: 'y' });
    assert.deepEqual(errorMessages(r), [
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "x": field is immutable',
    ]);
  });
});

describe('labels and annotations', () => {
  it('checks label keys and values, reported at the label', () => {
    const r = admitMeta({ name: 'a', labels: { 'bad key': 'v', k: 'bad value!', 'example.com/ok': 'fine' } });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.path} ${d.message}`),
      [
        "metadata.labels.bad key metadata.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        "metadata.labels.k metadata.labels: Invalid value: \"bad value!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    );
  });

  it('checks annotation keys case-insensitively, and their total size', () => {
    assert.deepEqual(errorMessages(admitMeta({ name: 'a', annotations: { 'Example.COM/Key': 'v' } })), []);
    assert.deepEqual(errorMessages(admitMeta({ name: 'a', annotations: { 'a/b/c': 'x' } })), [
      "metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
    assert.deepEqual(errorMessages(admitMeta({ name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } })), [
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });
});

describe('namespace and decoding', () => {
  it('follows the scope given at compile time', () => {
    const cluster = compileInstanceSchema(schema, { scope: 'Cluster' });
    const r = cluster.admit(
      { metadata: { name: 'a', namespace: 'default' }, spec: {} },
      { operation: 'CREATE' },
    );
    assert.deepEqual(errorMessages(r), ['metadata.namespace: Forbidden: not allowed on this type']);
    const namespaced = compileInstanceSchema(schema, { scope: 'Namespaced' });
    const bad = namespaced.admit(
      { metadata: { name: 'a', namespace: 'Default' }, spec: {} },
      { operation: 'CREATE' },
    );
    assert.equal(errorMessages(bad).length, 1);
    assert.match(
      errorMessages(bad)[0]!,
      /^metadata\.namespace: Invalid value: "Default": a lowercase RFC 1123 label/,
    );
  });

  it('drops and reports a field of the wrong JSON type', () => {
    const r = admitMeta({ name: 'a', labels: { n: 1 } });
    assert.deepEqual(r.object.metadata, { name: 'a' });
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.code} ${d.path}`),
      ['instance/invalid-metadata metadata.labels'],
    );
  });
});
