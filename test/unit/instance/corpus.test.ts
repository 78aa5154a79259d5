/**
 * Instance admission with the CRDs kro-guard generates for real RGDs of kro v0.9.3's examples
 * (../shared/corpus), offline: embedded Kubernetes schemas plus the ACK CRDs, as the corpus test does.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkRgd } from '../../../src/graph/index.ts';
import {
  compileInstanceSchema,
  instancePatch,
  type CompiledInstanceSchema,
} from '../../../src/instance/index.ts';
import { chainSources, crdFileSource, embeddedSource } from '../../../src/schemas/index.ts';
import { errorMessages } from './helpers.ts';

const ROOT = '../shared/corpus/kro-v0.9.3-examples';
const schemas = chainSources(embeddedSource(), crdFileSource(['../shared/crds/ack']));

function yamlFile(path: string): Record<string, unknown> {
  return parse(readFileSync(`${ROOT}/${path}`, 'utf8')) as Record<string, unknown>;
}

function compiledFromRgd(path: string): CompiledInstanceSchema {
  const result = checkRgd(yamlFile(path), { schemas });
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const schema = result.crd?.spec.versions[0]?.schema?.openAPIV3Schema;
  assert.ok(schema, `${path} generates a CRD`);
  return compileInstanceSchema(schema);
}

describe('kubernetes/webapp', () => {
  const compiled = compiledFromRgd('kubernetes/webapp/rg.yaml');
  const inst = yamlFile('kubernetes/webapp/instance.yaml');

  it('fills the defaults of instance.yaml, nested ones under `service: {}` too', () => {
    const r = compiled.admit(inst, { operation: 'CREATE' });
    assert.deepEqual(errorMessages(r), []);
    assert.deepEqual(r.object.spec, {
      name: 'test-app',
      port: 80,
      ingress: { enabled: true },
      service: { enabled: true },
      image: 'nginx',
      namespace: 'default',
      replicas: 1,
      serviceAccount: 'default',
    });
    assert.deepEqual(r.object.metadata, { name: 'test-app' });
  });

  it('defaults a missing spec from `default: {}` (spec is not required at the root)', () => {
    const r = compiled.admit({ ...inst, spec: undefined }, { operation: 'CREATE' });
    assert.deepEqual(errorMessages(r), []);
    assert.deepEqual(r.object.spec, {
      image: 'nginx',
      ingress: { enabled: false },
      namespace: 'default',
      port: 8080,
      replicas: 1,
      service: { enabled: true },
      serviceAccount: 'default',
    });
  });

  it('reports wrong types with the API server texts', () => {
    const r = compiled.admit(
      { ...inst, spec: { name: 'x', port: '80', replicas: 1.5, ingress: { enabled: 'yes' } } },
      { operation: 'CREATE' },
    );
    assert.deepEqual(errorMessages(r), [
      'spec.ingress.enabled: Invalid value: "string": spec.ingress.enabled in body must be of type boolean: "string"',
      'spec.port: Invalid value: "string": spec.port in body must be of type integer: "string"',
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    ]);
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.code} ${d.path}`),
      [
        'instance/invalid-type spec.ingress.enabled',
        'instance/invalid-type spec.port',
        'instance/invalid-type spec.replicas',
      ],
    );
  });

  it('patches in exactly the defaults, and nothing for an admitted object', () => {
    const r = compiled.admit(inst, { operation: 'CREATE' });
    assert.deepEqual(instancePatch(inst, r.object), [
      { op: 'add', path: '/spec/service/enabled', value: true },
      { op: 'add', path: '/spec/image', value: 'nginx' },
      { op: 'add', path: '/spec/namespace', value: 'default' },
      { op: 'add', path: '/spec/replicas', value: 1 },
      { op: 'add', path: '/spec/serviceAccount', value: 'default' },
    ]);
    assert.deepEqual(instancePatch(r.object, compiled.admit(r.object, { operation: 'CREATE' }).object), []);
  });
});

describe('kubernetes/defaults', () => {
  const compiled = compiledFromRgd('kubernetes/defaults/rg.yaml');
  const inst = yamlFile('kubernetes/defaults/instance.yaml');

  it('fills scalar, list and nested defaults of instance.yaml', () => {
    const r = compiled.admit(inst, { operation: 'CREATE' });
    assert.deepEqual(errorMessages(r), []);
    assert.deepEqual(r.object.spec, {
      name: 'app3',
      config: { field2: 200, field3: 2002 },
      required: 15,
      element: 'e',
      elements: ['a', 'b', 'c', 'd'],
      enabled: true,
      number: 100,
    });
  });

  it('requires `required`, and gives no spec default (spec has a required field)', () => {
    const missing = compiled.admit({ ...inst, spec: { name: 'x' } }, { operation: 'CREATE' });
    assert.deepEqual(errorMessages(missing), ['spec.required: Required value']);
    const noSpec = compiled.admit({ ...inst, spec: undefined }, { operation: 'CREATE' });
    assert.deepEqual(errorMessages(noSpec), []);
    assert.equal(Object.hasOwn(noSpec.object, 'spec'), false);
  });

  it('gives every object its own copy of a list default', () => {
    const a = compiled.admit(inst, { operation: 'CREATE' }).object.spec as { elements: string[] };
    a.elements.push('mutated');
    const b = compiled.admit(inst, { operation: 'CREATE' }).object.spec as { elements: string[] };
    assert.deepEqual(b.elements, ['a', 'b', 'c', 'd']);
  });
});

describe('aws/s3bucket', () => {
  const compiled = compiledFromRgd('aws/s3bucket/rg.yaml');

  it('defaults `access` and prunes unknown fields of instance.yaml-like objects', () => {
    const inst = yamlFile('aws/s3bucket/instance.yaml');
    const r = compiled.admit(
      { ...inst, spec: { ...(inst.spec as object), versioning: true }, status: { state: 'ACTIVE' } },
      { operation: 'CREATE' },
    );
    assert.deepEqual(errorMessages(r), []);
    assert.deepEqual(r.object, {
      apiVersion: 'kro.run/v1alpha1',
      kind: 'S3Bucket',
      metadata: { name: 's3demo', namespace: 'default' },
      spec: { name: 's3demo-11223344', access: 'write' },
    });
  });
});

describe('aws/rds-postgres', () => {
  const compiled = compiledFromRgd('aws/rds-postgres/rg.yaml');
  const base = {
    apiVersion: 'kro.run/v1alpha1',
    kind: 'RDSPostgres',
    metadata: { name: 'db', namespace: 'default' },
  };

  it('fills the five defaults of a minimal instance', () => {
    const r = compiled.admit(
      { ...base, spec: { name: 'db', vpcID: 'vpc-1', subnetIDs: ['subnet-a', 'subnet-b'] } },
      { operation: 'CREATE' },
    );
    assert.deepEqual(errorMessages(r), []);
    assert.deepEqual(r.object.spec, {
      name: 'db',
      vpcID: 'vpc-1',
      subnetIDs: ['subnet-a', 'subnet-b'],
      namespace: 'default',
      instanceClass: 'db.t4g.micro',
      allocatedStorage: 20,
      engineVersion: '16.10',
      dbName: 'postgres',
      masterUsername: 'postgres',
    });
  });

  it('rejects a list that is not a list of strings, and a bad metadata.name', () => {
    const r = compiled.admit(
      {
        ...base,
        metadata: { name: 'DB_1' },
        spec: { name: 'db', subnetIDs: 'subnet-a', allocatedStorage: '20' },
      },
      { operation: 'CREATE' },
    );
    assert.deepEqual(errorMessages(r), [
      "metadata.name: Invalid value: \"DB_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      'spec.allocatedStorage: Invalid value: "string": spec.allocatedStorage in body must be of type integer: "string"',
      'spec.subnetIDs: Invalid value: "string": spec.subnetIDs in body must be of type array: "string"',
    ]);
  });
});
