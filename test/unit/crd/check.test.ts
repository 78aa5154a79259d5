import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildInstanceCrd,
  checkGeneratedCrd,
  jsonPathError,
  usesOldSelf,
  type CheckCrdOptions,
  type InstanceCrdInput,
} from '../../../src/crd/index.ts';
import { toOpenAPISpec, type JSONSchemaProps } from '../../../src/simpleschema/index.ts';

function input(extra: Partial<InstanceCrdInput> = {}): InstanceCrdInput {
  return {
    rgdName: 'demo',
    kind: 'Demo',
    group: 'kro.run',
    apiVersion: 'v1alpha1',
    scope: 'Namespaced',
    specSchema: { type: 'object' },
    ...extra,
  };
}

/** Builds the CRD of a SimpleSchema spec/types and checks it; returns `path | message` lines. */
function checkSimple(spec: unknown, types?: unknown, options: CheckCrdOptions = {}): string[] {
  const r = toOpenAPISpec(spec, types);
  assert.deepEqual(r.diagnostics, [], 'SimpleSchema must convert cleanly');
  const crd = buildInstanceCrd(input({ specSchema: r.schema }));
  return checkGeneratedCrd(crd, { rgdSchemaSource: { spec, types }, ...options }).map(
    (d) => `${d.severity} ${d.code} ${d.path} | ${d.message}`,
  );
}

function checkSchema(specSchema: JSONSchemaProps, options: CheckCrdOptions = {}): string[] {
  return checkGeneratedCrd(buildInstanceCrd(input({ specSchema })), options).map(
    (d) => `${d.severity} ${d.code} ${d.path} | ${d.message}`,
  );
}

const SPEC = 'spec.validation.openAPIV3Schema.properties[spec]';

describe('checkGeneratedCrd: names, group, metadata', () => {
  it('accepts a plain CRD', () => {
    assert.deepEqual(checkSimple({ name: 'string', replicas: 'integer | default=1 minimum=1' }), []);
  });

  it('rejects a group without a dot and a non-DNS group', () => {
    const lines = (group: string) =>
      checkGeneratedCrd(buildInstanceCrd(input({ group }))).map((d) => `${d.path} | ${d.message}`);
    assert.deepEqual(lines('example'), [
      'spec.schema.group | spec.group: Invalid value: "example": should be a domain with at least one dot',
    ]);
    const bad = lines('Example.com');
    assert.equal(bad.length, 2); // the group and the CRD name
    assert.match(
      bad.join('\n'),
      /spec\.group: Invalid value: "Example\.com": a lowercase RFC 1123 subdomain/,
    );
  });

  it('rejects the plural flect gives lower-case acronym kinds ending in s', () => {
    const ds = checkGeneratedCrd(buildInstanceCrd(input({ kind: 'Dns' })));
    assert.ok(
      ds.some(
        (d) =>
          d.code === 'crd/invalid-names' &&
          d.path === 'spec.schema.kind' &&
          d.message.startsWith('spec.names.plural: Invalid value: "dnsDNSes": a DNS-1035 label'),
      ),
    );
  });

  it('rejects an RGD name longer than 63 characters in the ownership label', () => {
    const ds = checkGeneratedCrd(buildInstanceCrd(input({ rgdName: 'a'.repeat(64) })));
    assert.deepEqual(
      ds.map((d) => `${d.code} ${d.path} | ${d.message}`),
      [
        `crd/invalid-label metadata.name | metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
      ],
    );
  });

  it('rejects invalid user labels at their RGD path', () => {
    const ds = checkGeneratedCrd(buildInstanceCrd(input({ metadata: { labels: { team: 'bad value' } } })));
    assert.equal(ds.length, 1);
    assert.equal(ds[0]!.path, 'spec.schema.metadata.labels.team');
    assert.match(ds[0]!.message, /^metadata\.labels: Invalid value: "bad value": a valid label must be/);
  });

  it('reports names taken by another CRD of the group', () => {
    const other = buildInstanceCrd(input({ kind: 'Other', rgdName: 'x' }));
    other.spec.names.kind = 'Demo';
    const ds = checkGeneratedCrd(buildInstanceCrd(input()), { existingCrds: [other] });
    assert.deepEqual(
      ds.map((d) => d.code),
      ['crd/name-conflict'],
    );
    assert.match(ds[0]!.message, /^"Demo" is already in use/);
    const elsewhere = buildInstanceCrd(input({ group: 'other.io' }));
    assert.deepEqual(checkGeneratedCrd(buildInstanceCrd(input()), { existingCrds: [elsewhere] }), []);
  });
});

describe('checkGeneratedCrd: defaults', () => {
  it('validates defaults against minimum/maximum with the API server wording', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { replicas: { type: 'integer', minimum: 1, maximum: 5, default: 0 } },
    };
    assert.deepEqual(checkSchema(schema), [
      `error crd/invalid-default spec.schema.spec.replicas | ${SPEC}.properties[replicas].default: Invalid value: 0:  in body should be greater than or equal to 1`,
    ]);
  });

  it('validates type, enum, pattern and lengths (runes) of string defaults', () => {
    const lines = checkSchema({
      type: 'object',
      properties: {
        a: { type: 'integer', default: 'x' },
        b: { type: 'string', enum: ['x', 'y'], default: 'z' },
        c: { type: 'string', pattern: '^a+$', default: 'b' },
        d: { type: 'string', maxLength: 2, default: 'ééé' },
        e: { type: 'string', minLength: 3, default: 'éé' },
        f: { type: 'string', maxLength: 2, default: 'éé' },
      },
    });
    assert.deepEqual(lines, [
      `error crd/invalid-default spec.schema.spec.a | ${SPEC}.properties[a].default: Invalid value: "string":  in body must be of type integer: "string"`,
      `error crd/invalid-default spec.schema.spec.b | ${SPEC}.properties[b].default: Unsupported value: "z": supported values: "x", "y"`,
      `error crd/invalid-default spec.schema.spec.c | ${SPEC}.properties[c].default: Invalid value: "b":  in body should match '^a+$'`,
      `error crd/invalid-default spec.schema.spec.d | ${SPEC}.properties[d].default: Too long: may not be more than 2 bytes`,
      `error crd/invalid-default spec.schema.spec.e | ${SPEC}.properties[e].default: Invalid value: "éé":  in body should be at least 3 chars long`,
    ]);
  });

  it('validates nested object defaults: required, unknown fields, nested values, items', () => {
    const lines = checkSchema({
      type: 'object',
      properties: {
        cfg: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, size: { type: 'integer', maximum: 3 } },
          default: { size: 9, extra: true },
        },
        list: { type: 'array', maxItems: 1, items: { type: 'integer' }, default: [1, 'two'] },
      },
    });
    assert.deepEqual(lines, [
      `error crd/default-unknown-fields spec.schema.spec.cfg | ${SPEC}.properties[cfg].default: Invalid value: map[string]interface {}{"extra":true, "size":9}: must not have unknown fields`,
      `error crd/invalid-default spec.schema.spec.cfg | ${SPEC}.properties[cfg].default.name: Required value`,
      `error crd/invalid-default spec.schema.spec.cfg | ${SPEC}.properties[cfg].default.size: Invalid value: 9: size in body should be less than or equal to 3`,
      `error crd/invalid-default spec.schema.spec.list | ${SPEC}.properties[list].default.[1]: Invalid value: "string": [1] in body must be of type integer: "string"`,
      `error crd/invalid-default spec.schema.spec.list | ${SPEC}.properties[list].default: Too many: 2: must have at most 1 items`,
    ]);
  });

  it('maps a default inside a custom type to spec.schema.types', () => {
    const spec = { cfg: 'Cfg', items: '[]Item' };
    const types = { Cfg: { port: 'integer | default=80 minimum=1' }, Item: { n: 'integer | default=1' } };
    const r = toOpenAPISpec(spec, types);
    const port = r.schema.properties!.cfg!.properties!.port!;
    port.default = 0; // what a bad default would give
    const n = r.schema.properties!.items!.items!.properties!.n!;
    n.default = 'x';
    const ds = checkGeneratedCrd(buildInstanceCrd(input({ specSchema: r.schema })), {
      rgdSchemaSource: { spec, types },
    });
    assert.deepEqual(
      ds.map((d) => d.path),
      ['spec.schema.types.Cfg.port', 'spec.schema.types.Item.n'],
    );
  });

  it('skips defaults when the schema is not structural', () => {
    const lines = checkSchema({
      type: 'object',
      properties: { x: { default: 1 }, y: { type: 'integer', default: 'a' } },
    });
    assert.deepEqual(lines, [
      `error crd/structural-schema spec.schema.spec.x | ${SPEC}.properties[x].type: Required value: must not be empty for specified object fields`,
    ]);
  });
});

describe('checkGeneratedCrd: list types', () => {
  it('requires list-map keys to be required or defaulted (SimpleSchema listMapKey)', () => {
    const lines = checkSimple(
      { ports: '[]Port | listType=map listMapKey=name' },
      { Port: { name: 'string', port: 'integer' } },
    );
    assert.deepEqual(lines, [
      `error crd/list-map-key spec.schema.spec.ports | ${SPEC}.properties[ports].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
    assert.deepEqual(
      checkSimple(
        { ports: '[]Port | listType=map listMapKey=name' },
        { Port: { name: 'string | required=true' } },
      ),
      [],
    );
  });

  it('reports list-map keys that are not item properties and object items of a set', () => {
    const lines = checkSchema({
      type: 'object',
      properties: {
        a: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['id'],
          items: { type: 'object', properties: { name: { type: 'string' } } },
        },
        b: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object' } },
      },
    });
    assert.deepEqual(lines, [
      `error crd/list-map-key spec.schema.spec.a | ${SPEC}.properties[a].x-kubernetes-list-map-keys: Invalid value: []string{"id"}: entries must all be names of item properties`,
      `error crd/list-type spec.schema.spec.b | ${SPEC}.properties[b].items.x-kubernetes-map-type: Invalid value: "set": must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
  });
});

describe('checkGeneratedCrd: x-kubernetes-validations', () => {
  it('calls compileRule for every rule with its schema and path, and reports its errors', () => {
    const calls: string[] = [];
    const lines = checkSimple(
      { replicas: 'integer | validation="self > 0"', name: 'string | validation="self.size() >"' },
      undefined,
      {
        compileRule: (rule, schema, path) => {
          calls.push(`${path} ${schema.type} ${rule}`);
          return rule.endsWith('>') ? 'ERROR: <input>:1:13: Syntax error: mismatched input' : undefined;
        },
      },
    );
    assert.deepEqual(calls.sort(), [
      `${SPEC}.properties[name].x-kubernetes-validations[0].rule string self.size() >`,
      `${SPEC}.properties[replicas].x-kubernetes-validations[0].rule integer self > 0`,
    ]);
    assert.deepEqual(lines, [
      `error crd/rule-compile spec.schema.spec.name | ${SPEC}.properties[name].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.size() >", Message:"validation failed", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:13: Syntax error: mismatched input`,
    ]);
  });

  it('forbids transition rules (immutable=true) inside items of a list that is not a map', () => {
    const lines = checkSimple({ items: '[]Item' }, { Item: { id: 'string | immutable=true' } });
    assert.deepEqual(lines, [
      `error crd/transition-rule spec.schema.types.Item.id | ${SPEC}.properties[items].items.properties[id].x-kubernetes-validations[0].rule: Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${SPEC}.properties[items]`,
    ]);
    assert.deepEqual(checkSimple({ id: 'string | immutable=true' }), []);
  });

  it('checks rule and message presence', () => {
    const lines = checkSchema({
      type: 'object',
      properties: {
        a: { type: 'string', 'x-kubernetes-validations': [{ rule: ' ', message: 'm' }] },
        b: { type: 'string', 'x-kubernetes-validations': [{ rule: 'true', message: 'two\nlines' }] },
      },
    });
    assert.deepEqual(lines, [
      `error crd/validation-rule spec.schema.spec.a | ${SPEC}.properties[a].x-kubernetes-validations[0].rule: Required value: rule is not specified`,
      `error crd/validation-rule spec.schema.spec.b | ${SPEC}.properties[b].x-kubernetes-validations[0].message: Invalid value: "two\\nlines": message must not contain line breaks`,
    ]);
  });

  it('detects oldSelf outside string literals', () => {
    assert.equal(usesOldSelf('self == oldSelf'), true);
    assert.equal(usesOldSelf('oldSelf.x == self.x'), true);
    assert.equal(usesOldSelf('self == "oldSelf"'), false);
    assert.equal(usesOldSelf('self.oldSelfish == 1'), false);
  });
});

describe('checkGeneratedCrd: printer columns', () => {
  it('checks type, format and the JSONPath', () => {
    const crd = buildInstanceCrd(
      input({
        additionalPrinterColumns: [
          { name: 'A', type: 'text', jsonPath: 'spec.a' },
          { name: 'B', type: 'string', format: 'uuid', jsonPath: '.spec.b' },
          { name: 'C', type: 'string', jsonPath: '.spec[' },
        ],
      }),
    );
    assert.deepEqual(
      checkGeneratedCrd(crd).map((d) => `${d.severity} ${d.path} | ${d.message}`),
      [
        'error spec.schema.additionalPrinterColumns[0].jsonPath | spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.a": must be a simple json path starting with .',
        'error spec.schema.additionalPrinterColumns[0].type | spec.additionalPrinterColumns[0].type: Invalid value: "text": must be one of boolean,date,integer,number,string',
        'error spec.schema.additionalPrinterColumns[1].format | spec.additionalPrinterColumns[1].format: Invalid value: "uuid": must be one of byte,date,date-time,double,float,int32,int64,password',
        'warning spec.schema.additionalPrinterColumns[2].jsonPath | spec.additionalPrinterColumns[2].JSONPath: ".spec[" is not a valid JSONPath (unterminated array): the API server accepts the CRD but cannot serve tables for it ("unrecognized column definition")',
      ],
    );
  });

  it('parses the JSONPath forms kro and users write', () => {
    for (const ok of [
      '{.status.state}',
      '{.status.conditions[?(@.type=="Ready")].status}',
      '{.metadata.creationTimestamp}',
      "{.spec.items[0]['name']}",
      '{.spec.items[*].name}',
      '{.spec.items[1:3]}',
      '{..name}',
    ]) {
      assert.equal(jsonPathError(ok), undefined, ok);
    }
    for (const bad of ['{.spec[}', '{.spec.a!}', '{.spec.a', '{.x[?(@.a ==]}']) {
      assert.notEqual(jsonPathError(bad), undefined, bad);
    }
  });
});
