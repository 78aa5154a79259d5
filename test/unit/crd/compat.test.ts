import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildInstanceCrd,
  checkCrdUpdate,
  compareCrdSchemas,
  formatFloatF,
  isKroOwned,
  summarizeBreakingChanges,
  type CustomResourceDefinition,
  type InstanceCrdInput,
} from '../../../src/crd/index.ts';
import type { JSONSchemaProps } from '../../../src/simpleschema/index.ts';

const descriptions = (old: JSONSchemaProps, neu: JSONSchemaProps) => {
  const r = compareCrdSchemas(old, neu);
  return {
    breaking: r.breaking.map((c) => c.description),
    nonBreaking: r.nonBreaking.map((c) => c.description),
  };
};

function crd(spec: JSONSchemaProps, extra: Partial<InstanceCrdInput> = {}): CustomResourceDefinition {
  return buildInstanceCrd({
    rgdName: 'demo',
    rgdUid: 'u1',
    kind: 'Demo',
    group: 'kro.run',
    apiVersion: 'v1alpha1',
    scope: 'Namespaced',
    specSchema: spec,
    ...extra,
  });
}

const obj = (properties: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps =>
  required ? { type: 'object', properties, required } : { type: 'object', properties };

describe('compareCrdSchemas (kro compat.Compare)', () => {
  it('reports nothing for equal schemas', () => {
    const s = obj({ a: { type: 'string', enum: ['x'] } }, ['a']);
    assert.deepEqual(compareCrdSchemas(s, structuredClone(s)), { breaking: [], nonBreaking: [] });
  });

  it('flags removed properties and type changes (and stops below a type change)', () => {
    const old = obj({ a: { type: 'string' }, b: obj({ c: { type: 'string' } }) });
    const neu = obj({ b: { type: 'string' } });
    assert.deepEqual(descriptions(old, neu).breaking, [
      'Property a was removed',
      'Type changed from object to string',
    ]);
  });

  it('flags newly required existing fields and new required fields without default', () => {
    const old = obj({ a: { type: 'string' } });
    const neu = obj({ a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string', default: 'x' } }, [
      'a',
      'b',
      'c',
    ]);
    const d = descriptions(old, neu);
    // kro's quirk: the new required property's change is described as optional.
    assert.deepEqual(d.breaking, ['Optional property b was added', 'Field a is newly required']);
    assert.deepEqual(d.nonBreaking, ['Optional property c was added']);
  });

  it('flags a default removed from a required field', () => {
    const old = obj({ a: { type: 'string', default: 'x' } }, ['a']);
    const neu = obj({ a: { type: 'string' } }, ['a']);
    const d = descriptions(old, neu);
    assert.deepEqual(d.breaking, ['Default value removed from required field a']);
    assert.deepEqual(d.nonBreaking, ['Default value was changed from "x" to ']);
  });

  it('flags removed enum values only when both sides have an enum', () => {
    assert.deepEqual(
      descriptions(
        obj({ a: { type: 'string', enum: ['a', 'b'] } }),
        obj({ a: { type: 'string', enum: ['a', 'c'] } }),
      ),
      { breaking: ['Enum value "b" was removed'], nonBreaking: ['Enum value "c" was added'] },
    );
    assert.deepEqual(
      descriptions(obj({ a: { type: 'string' } }), obj({ a: { type: 'string', enum: ['a'] } })).breaking,
      [],
    );
  });

  it('flags added and changed patterns, not removed ones', () => {
    assert.deepEqual(descriptions({ type: 'string' }, { type: 'string', pattern: '^a$' }).breaking, [
      'Validation pattern ^a$ was added',
    ]);
    assert.deepEqual(
      descriptions({ type: 'string', pattern: '^a$' }, { type: 'string', pattern: '^b$' }).breaking,
      ['Validation pattern changed from ^a$ to ^b$'],
    );
    assert.deepEqual(descriptions({ type: 'string', pattern: '^a$' }, { type: 'string' }), {
      breaking: [],
      nonBreaking: ['Validation pattern ^a$ was removed'],
    });
  });

  it('flags tightened bounds and accepts relaxed ones', () => {
    const d = descriptions(
      { type: 'integer', minimum: 1, maximum: 10 },
      { type: 'integer', minimum: 2, maximum: 20, minLength: 1 },
    );
    assert.deepEqual(d.breaking, ['Minimum was increased from 1 to 2', 'MinLength constraint 1 was added']);
    assert.deepEqual(d.nonBreaking, ['Maximum was increased from 10 to 20']);
    assert.deepEqual(
      descriptions(
        { type: 'array', items: { type: 'string' }, maxItems: 3 },
        { type: 'array', items: { type: 'string' }, maxItems: 2 },
      ).breaking,
      ['MaxItems was decreased from 3 to 2'],
    );
    assert.deepEqual(descriptions({ type: 'number' }, { type: 'number', minimum: 0.5 }).breaking, [
      'Minimum constraint 0.5 was added',
    ]);
  });

  it('flags removed array items', () => {
    assert.deepEqual(descriptions({ type: 'array', items: { type: 'string' } }, { type: 'array' }).breaking, [
      'Property items was removed',
    ]);
  });

  it('is deterministic: keys in Go string order', () => {
    const old = obj({ z: { type: 'string' }, a: { type: 'string' }, m: { type: 'string' } });
    assert.deepEqual(descriptions(old, obj({})).breaking, [
      'Property a was removed',
      'Property m was removed',
      'Property z was removed',
    ]);
  });
});

describe('summarizeBreakingChanges (kro Report.String)', () => {
  it('lists three changes and counts the rest', () => {
    const old = obj({
      a: { type: 'string' },
      b: { type: 'string' },
      c: { type: 'string' },
      d: { type: 'string' },
      e: { type: 'string' },
    });
    const r = compareCrdSchemas(old, obj({}));
    assert.equal(
      summarizeBreakingChanges(r.breaking),
      'Property a was removed; Property b was removed; Property c was removed; and 2 more changes',
    );
    assert.equal(
      summarizeBreakingChanges(r.breaking.slice(0, 2)),
      'Property a was removed; Property b was removed',
    );
    assert.equal(summarizeBreakingChanges([]), 'no breaking changes');
  });
});

describe('formatFloatF (Go FormatFloat f, -1)', () => {
  it('never uses an exponent', () => {
    assert.equal(formatFloatF(1), '1');
    assert.equal(formatFloatF(0.25), '0.25');
    assert.equal(formatFloatF(1e21), '1000000000000000000000');
    assert.equal(formatFloatF(1.5e-7), '0.00000015');
  });
});

describe('checkCrdUpdate (kro CRDWrapper.Ensure)', () => {
  const oldSpec = obj({ name: { type: 'string' }, port: { type: 'integer' } });

  it('accepts compatible updates', () => {
    const newSpec = obj({ name: { type: 'string' }, port: { type: 'integer' }, extra: { type: 'string' } });
    assert.deepEqual(checkCrdUpdate(crd(oldSpec), crd(newSpec), { name: 'demo' }), []);
  });

  it('rejects a CRD kro does not own', () => {
    const existing = crd(oldSpec);
    existing.metadata.labels = { 'app.kubernetes.io/managed-by': 'helm' };
    assert.deepEqual(
      checkCrdUpdate(existing, crd(oldSpec), { name: 'demo' }).map((d) => d.message),
      ['failed to update CRD demoes.kro.run: CRD already exists and is not owned by KRO'],
    );
    assert.equal(isKroOwned({ 'app.kubernetes.io/managed-by': 'kro' }), true);
    assert.equal(isKroOwned({ 'kro.run/owned': 'false', 'app.kubernetes.io/managed-by': 'kro' }), false);
  });

  it('rejects a CRD owned by another RGD', () => {
    const existing = crd(oldSpec, { rgdName: 'other' });
    assert.deepEqual(
      checkCrdUpdate(existing, crd(oldSpec), { name: 'demo' }).map((d) => `${d.code} ${d.message}`),
      [
        'crd/owned-by-other-rgd failed to update CRD demoes.kro.run: CRD is owned by another ResourceGraphDefinition other',
      ],
    );
  });

  it('adopts a CRD of the same RGD name with another uid', () => {
    assert.deepEqual(checkCrdUpdate(crd(oldSpec, { rgdUid: 'old' }), crd(oldSpec), { name: 'demo' }), []);
  });

  it('rejects breaking changes with kro message, at the RGD field of the first change', () => {
    const ds = checkCrdUpdate(crd(oldSpec), crd(obj({ name: { type: 'integer' } })), {
      name: 'demo',
      schemaSource: { spec: { name: 'integer' } },
    });
    assert.deepEqual(
      ds.map((d) => `${d.severity} ${d.code} ${d.path} | ${d.message}`),
      [
        'error crd/breaking-change spec.schema.spec.name | cannot update CRD demoes.kro.run: breaking changes detected: Type changed from string to integer; Property port was removed',
      ],
    );
  });

  it('turns breaking changes into a warning with kro.run/allow-breaking-changes', () => {
    const ds = checkCrdUpdate(crd(oldSpec), crd(obj({})), {
      name: 'demo',
      annotations: { 'kro.run/allow-breaking-changes': 'true' },
    });
    assert.deepEqual(
      ds.map((d) => `${d.severity} ${d.code}`),
      ['warning crd/breaking-change-allowed'],
    );
    const notTrue = checkCrdUpdate(crd(oldSpec), crd(obj({})), {
      name: 'demo',
      annotations: { 'kro.run/allow-breaking-changes': 'yes' },
    });
    assert.equal(notTrue[0]!.code, 'crd/breaking-change');
  });

  it('treats a version rename as the only change', () => {
    const ds = checkCrdUpdate(crd(oldSpec), crd(obj({}), { apiVersion: 'v1beta1' }), { name: 'demo' });
    assert.deepEqual(
      ds.map((d) => `${d.path} | ${d.message}`),
      [
        'spec.schema.apiVersion | cannot update CRD demoes.kro.run: breaking changes detected: Type changed from v1alpha1 to v1beta1',
      ],
    );
  });

  it('flags served true→false and status subresource removal', () => {
    const desired = crd(oldSpec);
    desired.spec.versions[0]!.served = false;
    delete desired.spec.versions[0]!.subresources;
    assert.deepEqual(
      checkCrdUpdate(crd(oldSpec), desired, { name: 'demo' }).map((d) => d.message),
      [
        'cannot update CRD demoes.kro.run: breaking changes detected: Type changed from true to false; Property status was removed',
      ],
    );
  });

  it('reports what the API server rejects when breaking changes are allowed', () => {
    const existing = crd(oldSpec);
    existing.status = { storedVersions: ['v1alpha1'] };
    const ds = checkCrdUpdate(existing, crd(obj({}), { apiVersion: 'v1' }), {
      name: 'demo',
      annotations: { 'kro.run/allow-breaking-changes': 'true' },
    });
    assert.deepEqual(
      ds.map((d) => `${d.code} ${d.message}`),
      [
        'crd/breaking-change-allowed breaking changes to CRD demoes.kro.run are allowed by annotation kro.run/allow-breaking-changes: Type changed from v1alpha1 to v1',
        'crd/update-rejected CustomResourceDefinition.apiextensions.k8s.io "demoes.kro.run" is invalid: status.storedVersions[0]: Invalid value: "v1alpha1": must appear in spec.versions',
      ],
    );
  });

  it('reports kro errors for CRDs that do not have exactly one version', () => {
    const existing = crd(oldSpec);
    existing.spec.versions.push({ ...existing.spec.versions[0]!, name: 'v2' });
    assert.deepEqual(
      checkCrdUpdate(existing, crd(oldSpec), { name: 'demo' }).map((d) => d.message),
      [
        'failed to check schema compatibility: expected exactly one version in each CRD, got 2 old and 1 new versions',
      ],
    );
  });
});
