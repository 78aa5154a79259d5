import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  IMMUTABLE_SCHEMA_FIELDS,
  SCHEMA_API_VERSION_PATTERN,
  SCHEMA_KIND_PATTERN,
  SCHEMA_SCOPES,
  checkRgdCrd,
} from '../../../src/graph/rgd-crd.ts';
import { withRgdDefaults } from '../../../src/graph/defaults.ts';
import { rgd } from '../../helpers/rgd.ts';

const lines = (obj: unknown, old?: unknown): string[] =>
  checkRgdCrd(withRgdDefaults(obj), old === undefined ? undefined : withRgdDefaults(old)).map(
    (d) => `${d.path}: ${d.message}`,
  );

describe('RGD CRD rules (L1, kro-contract §1)', () => {
  it('accepts a minimal RGD', () => {
    assert.deepEqual(lines(rgd({})), []);
  });

  it('requires spec and spec.schema', () => {
    assert.deepEqual(
      lines({ apiVersion: 'kro.run/v1alpha1', kind: 'ResourceGraphDefinition', metadata: { name: 'x' } }),
      ['spec: Required value'],
    );
    assert.deepEqual(lines({ metadata: { name: 'x' }, spec: {} }), ['spec.schema: Required value']);
  });

  it('requires schema apiVersion and kind, and checks their patterns', () => {
    const noKind = rgd({});
    delete ((noKind.spec as Record<string, unknown>).schema as Record<string, unknown>).kind;
    assert.deepEqual(lines(noKind), ['spec.schema.kind: Required value']);
    assert.deepEqual(lines(rgd({ schema: { apiVersion: 'v1', kind: 'Web' } })), []);
    assert.deepEqual(lines(rgd({ schema: { apiVersion: 'v2beta3', kind: 'Web' } })), []);
    assert.deepEqual(lines(rgd({ schema: { apiVersion: '1.0', kind: 'webApp' } })), [
      `spec.schema.apiVersion: Invalid value: "1.0": spec.schema.apiVersion in body should match '^v[0-9]+(alpha[0-9]+|beta[0-9]+)?$'`,
      `spec.schema.kind: Invalid value: "webApp": spec.schema.kind in body should match '^[A-Z][a-zA-Z0-9]{0,62}$'`,
    ]);
    assert.deepEqual(lines(rgd({ schema: { kind: 7 } })), [
      'spec.schema.kind: Invalid value: "integer": spec.schema.kind in body must be of type string: "integer"',
    ]);
  });

  it('caps the kind at 63 characters', () => {
    assert.deepEqual(lines(rgd({ schema: { kind: 'A' + 'b'.repeat(62) } })), []);
    assert.equal(lines(rgd({ schema: { kind: 'A' + 'b'.repeat(63) } })).length, 1);
  });

  it('restricts scope to Namespaced or Cluster', () => {
    assert.deepEqual(lines(rgd({ schema: { scope: 'Cluster' } })), []);
    assert.deepEqual(lines(rgd({ schema: { scope: 'Global' } })), [
      'spec.schema.scope: Unsupported value: "Global": supported values: "Namespaced", "Cluster"',
    ]);
  });

  it('requires exactly one of template or externalRef', () => {
    const ok = { id: 'a', template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } };
    assert.deepEqual(lines(rgd({ resources: [ok] })), []);
    assert.deepEqual(lines(rgd({ resources: [{ id: 'a' }] })), [
      'spec.resources[0]: Invalid value: "object": exactly one of template or externalRef must be provided',
    ]);
    const both = { ...ok, externalRef: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } };
    assert.deepEqual(lines(rgd({ resources: [both] })), [
      'spec.resources[0]: Invalid value: "object": exactly one of template or externalRef must be provided',
    ]);
  });

  it('requires the resource id', () => {
    assert.deepEqual(
      lines(rgd({ resources: [{ template: { apiVersion: 'v1', kind: 'X', metadata: {} } }] })),
      ['spec.resources[0].id: Required value'],
    );
  });

  it('checks externalRef fields and exactly one of name or selector', () => {
    const ref = (metadata: unknown) =>
      rgd({ resources: [{ id: 'a', externalRef: { apiVersion: 'v1', kind: 'ConfigMap', metadata } }] });
    assert.deepEqual(lines(ref({ name: 'cm' })), []);
    assert.deepEqual(lines(ref({ selector: { matchLabels: { a: 'b' } } })), []);
    assert.deepEqual(lines(ref({})), [
      'spec.resources[0].externalRef.metadata: Invalid value: "object": exactly one of name or selector must be provided',
    ]);
    assert.deepEqual(lines(ref({ name: 'cm', selector: {} })), [
      'spec.resources[0].externalRef.metadata: Invalid value: "object": exactly one of name or selector must be provided',
    ]);
    assert.deepEqual(lines(ref({ name: '' })), [
      'spec.resources[0].externalRef.metadata.name: Invalid value: "": spec.resources[0].externalRef.metadata.name in body should be at least 1 chars long',
    ]);
    assert.deepEqual(lines(rgd({ resources: [{ id: 'a', externalRef: { kind: 'ConfigMap' } }] })), [
      'spec.resources[0].externalRef.apiVersion: Required value',
      'spec.resources[0].externalRef.metadata: Required value',
    ]);
  });

  it('requires each forEach entry to have exactly one property', () => {
    const withForEach = (forEach: unknown) =>
      rgd({ resources: [{ id: 'a', template: { apiVersion: 'v1', kind: 'X', metadata: {} }, forEach }] });
    assert.deepEqual(lines(withForEach([{ x: '${[1]}' }])), []);
    assert.deepEqual(lines(withForEach([{ x: '${[1]}', y: '${[2]}' }])), [
      'spec.resources[0].forEach[0]: Too many: 2: must have at most 1 items',
    ]);
    assert.deepEqual(lines(withForEach([{}])), [
      'spec.resources[0].forEach[0]: Invalid value: 0: spec.resources[0].forEach[0] in body should have at least 1 properties',
    ]);
  });

  it('checks types of readyWhen, includeWhen and printer columns', () => {
    const r = rgd({
      schema: { additionalPrinterColumns: [{ name: 'x', jsonPath: '.spec.x' }] },
      resources: [
        {
          id: 'a',
          template: { apiVersion: 'v1', kind: 'X', metadata: {} },
          readyWhen: [true],
          includeWhen: 'x',
        },
      ],
    });
    assert.deepEqual(lines(r), [
      'spec.schema.additionalPrinterColumns[0].type: Required value',
      'spec.resources[0].readyWhen[0]: Invalid value: "boolean": spec.resources[0].readyWhen[0] in body must be of type string: "boolean"',
      'spec.resources[0].includeWhen: Invalid value: "string": spec.resources[0].includeWhen in body must be of type array: "string"',
    ]);
  });

  it('rejects a metadata.name that is not a DNS subdomain', () => {
    assert.deepEqual(lines(rgd({ name: 'web.app-1' })), []);
    assert.equal(
      lines(rgd({ name: 'Web_App' }))[0]?.startsWith('metadata.name: Invalid value: "Web_App"'),
      true,
    );
  });

  it('makes apiVersion, kind, group and scope immutable on UPDATE', () => {
    const old = rgd({});
    assert.deepEqual(lines(rgd({ schema: { spec: { other: 'string' } } }), old), []);
    assert.deepEqual(lines(rgd({ schema: { kind: 'Other' } }), old), [
      'spec.schema.kind: Invalid value: "Other": kind is immutable',
    ]);
    assert.deepEqual(
      lines(rgd({ schema: { apiVersion: 'v2', group: 'example.com', scope: 'Cluster' } }), old),
      [
        'spec.schema.apiVersion: Invalid value: "v2": apiVersion is immutable',
        'spec.schema.group: Invalid value: "example.com": group is immutable',
        'spec.schema.scope: Invalid value: "Cluster": scope is immutable',
      ],
    );
    // The defaulted group equals an explicit kro.run: no change.
    assert.deepEqual(lines(rgd({ schema: { group: 'kro.run' } }), old), []);
  });

  it('matches the patterns, enums and required fields of kro v0.9.3 RGD CRD', () => {
    const crd = parse(readFileSync('../shared/crds/kro/kro.run_resourcegraphdefinitions.yaml', 'utf8'));
    const spec = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    const schema = spec.properties.schema;
    assert.equal(schema.properties.apiVersion.pattern, SCHEMA_API_VERSION_PATTERN.source);
    assert.equal(schema.properties.kind.pattern, SCHEMA_KIND_PATTERN.source);
    assert.deepEqual(schema.properties.scope.enum, [...SCHEMA_SCOPES]);
    assert.deepEqual(schema.required, ['apiVersion', 'kind', 'scope']);
    assert.deepEqual(spec.required, ['schema']);
    for (const f of IMMUTABLE_SCHEMA_FIELDS) {
      assert.deepEqual(schema.properties[f]['x-kubernetes-validations'], [
        { message: `${f} is immutable`, rule: 'self == oldSelf' },
      ]);
    }
    const item = spec.properties.resources.items;
    assert.deepEqual(item.required, ['id']);
    assert.equal(
      item['x-kubernetes-validations'][0].message,
      'exactly one of template or externalRef must be provided',
    );
    assert.deepEqual(item.properties.externalRef.required, ['apiVersion', 'kind', 'metadata']);
    assert.equal(
      item.properties.externalRef.properties.metadata['x-kubernetes-validations'][0].message,
      'exactly one of name or selector must be provided',
    );
    assert.equal(item.properties.forEach.items.maxProperties, 1);
    assert.equal(item.properties.forEach.items.minProperties, 1);
  });
});
