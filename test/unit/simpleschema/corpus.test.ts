/**
 * Converts the SimpleSchema of every RGD in kro v0.9.3's examples and checks hand-derived outcomes
 * for a few of them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { toOpenAPISpec, type SimpleSchemaResult } from '../../../src/simpleschema/index.ts';

const CORPUS = join(import.meta.dirname, '../../../../shared/corpus/kro-v0.9.3-examples');

function* yamlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* yamlFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

interface Converted {
  file: string;
  result: SimpleSchemaResult;
}

function convertCorpus(): Converted[] {
  const out: Converted[] = [];
  for (const file of yamlFiles(CORPUS)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      if (doc.errors.length > 0) continue; // e.g. kubernetes/core-dns: duplicate keys, not loadable
      const obj = doc.toJS() as {
        kind?: unknown;
        spec?: { schema?: { spec?: unknown; types?: unknown } };
      } | null;
      if (obj?.kind !== 'ResourceGraphDefinition') continue;
      const schema = obj.spec?.schema;
      out.push({ file: relative(CORPUS, file), result: toOpenAPISpec(schema?.spec, schema?.types) });
    }
  }
  return out;
}

const converted = convertCorpus();
const byFile = (file: string): SimpleSchemaResult => {
  const hit = converted.find((c) => c.file === file);
  assert.ok(hit, `no RGD in ${file}`);
  return hit.result;
};

describe('kro v0.9.3 example RGDs', () => {
  it('converts every RGD without throwing, with paths inside spec.schema', () => {
    assert.ok(converted.length >= 39, `only ${converted.length} RGDs found`);
    for (const { result } of converted) {
      assert.equal(result.schema.type, 'object');
      for (const d of result.diagnostics) assert.match(d.path, /^spec\.schema\.(spec|types)\b/);
    }
  });

  it('kubernetes/webapp/rg.yaml: the schema kro generates', () => {
    const r = byFile('kubernetes/webapp/rg.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.schema, {
      type: 'object',
      properties: {
        image: { type: 'string', default: 'nginx' },
        ingress: {
          type: 'object',
          properties: { enabled: { type: 'boolean', default: false } },
          default: {},
        },
        name: { type: 'string' },
        namespace: { type: 'string', default: 'default' },
        port: { type: 'integer', default: 8080 },
        replicas: { type: 'integer', default: 1 },
        service: { type: 'object', properties: { enabled: { type: 'boolean', default: true } }, default: {} },
        serviceAccount: { type: 'string', default: 'default' },
      },
      default: {},
    });
  });

  it('kubernetes/defaults/rg.yaml: JSON list default, required root, defaulted nested object', () => {
    const r = byFile('kubernetes/defaults/rg.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.schema.required, ['required']);
    assert.equal(r.schema.default, undefined);
    const p = r.schema.properties!;
    assert.deepEqual(p.elements, { type: 'array', items: { type: 'string' }, default: ['a', 'b', 'c', 'd'] });
    assert.deepEqual(p.element, { type: 'string', default: 'e' });
    assert.deepEqual(p.config, {
      type: 'object',
      properties: {
        field: { type: 'string' },
        field2: { type: 'integer', default: 200 },
        field3: { type: 'integer', default: 2002 },
      },
      default: {},
    });
  });

  it('aws/podidenity/rg.yaml: an empty quoted default is a default', () => {
    const r = byFile('aws/podidenity/rg.yaml');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.schema.properties?.policyARN, { type: 'string', default: '' });
    assert.deepEqual(r.schema.default, {});
  });

  it('ACK controller RGDs with an unquoted multi-word default are rejected, as kro does', () => {
    const r = byFile('aws/ack-controller/controllers/ec2-controller.yaml');
    assert.deepEqual(r.diagnostics, [
      {
        severity: 'error',
        code: 'simpleschema/invalid-marker',
        path: 'spec.schema.spec.values.iamRole.roleDescription',
        message:
          "marker key 'roleforACKEC2controllerdeploymentonEKSclusterusingkroResourcegroup' without a value",
      },
    ]);
    // The rest of the schema is still built: the field keeps its type, siblings keep theirs.
    assert.deepEqual(r.schema.properties?.values?.properties?.iamRole, {
      type: 'object',
      properties: {
        maxSessionDuration: { type: 'integer', default: 3600 },
        oidcProvider: { type: 'string' },
        roleDescription: { type: 'string' },
      },
      required: ['oidcProvider'],
    });
    const rejected = converted.filter((c) => c.result.diagnostics.length > 0).map((c) => c.file);
    assert.deepEqual(rejected.sort(), [
      'aws/ack-controller/controllers/ec2-controller.yaml',
      'aws/ack-controller/controllers/ecr-controller.yaml',
      'aws/ack-controller/controllers/ecr-public-controller.yaml',
      'aws/ack-controller/controllers/eks-controller.yaml',
      'aws/ack-controller/controllers/s3-controller.yaml',
      'aws/ack-controller/controllers/sqs-controller.yaml',
      'aws/ack-controller/resourcegroup.yaml',
    ]);
  });
});
