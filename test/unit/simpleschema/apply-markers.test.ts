import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaToJSON, toOpenAPISpec, type JSONSchemaProps } from '../../../src/simpleschema/index.ts';

/** Converts `{ f: def }` and returns the field schema, the root schema and [code, message] pairs. */
function field(def: string): {
  schema: JSONSchemaProps | undefined;
  root: JSONSchemaProps;
  problems: string[][];
} {
  const r = toOpenAPISpec({ f: def }, undefined);
  for (const d of r.diagnostics) assert.equal(d.path, 'spec.schema.spec.f');
  return {
    schema: r.schema.properties?.f,
    root: r.schema,
    problems: r.diagnostics.map((d) => [d.code, d.message]),
  };
}

function accepted(def: string): JSONSchemaProps {
  const r = field(def);
  assert.deepEqual(r.problems, [], def);
  assert.ok(r.schema);
  return r.schema;
}

function rejected(def: string, code: string, message: string): JSONSchemaProps | undefined {
  const r = field(def);
  assert.deepEqual(r.problems, [[code, message]], def);
  return r.schema;
}

const VALUE = 'simpleschema/invalid-marker-value';
const TYPE = 'simpleschema/marker-type-mismatch';
const LIST = 'simpleschema/invalid-list-type';

describe('required', () => {
  it('adds the field to the parent’s required list when true', () => {
    assert.deepEqual(field('string | required=true').root.required, ['f']);
    assert.deepEqual(field('string | required=T').root.required, ['f']);
    assert.equal(field('string | required=false').root.required, undefined);
  });
  it('keeps duplicates, as kro does', () => {
    assert.deepEqual(field('string | required=true required=1').root.required, ['f', 'f']);
  });
  it('rejects a non-boolean', () => {
    rejected(
      'string | required=yes',
      VALUE,
      'failed to parse required marker value: strconv.ParseBool: parsing "yes": invalid syntax',
    );
  });
});

describe('default', () => {
  it('string: the raw text as a JSON string', () => {
    assert.equal(accepted('string | default=nginx').default, 'nginx');
    assert.equal(accepted('string | default="a b"').default, 'a b');
    assert.equal(accepted('string | default=').default, '');
    assert.equal(accepted(String.raw`string | default="a\nb"`).default, 'a\nb'); // \n survives, JSON decodes it
  });
  it('string: a value with " or \\ is invalid JSON in the CRD', () => {
    const s = rejected(
      String.raw`string | default="say \"hi\""`,
      'simpleschema/invalid-default-json',
      'default value "say "hi"" is not valid JSON (kro copies the marker text verbatim): the API server will reject the generated CRD',
    );
    assert.equal(s?.default, undefined);
    assert.equal(
      field(String.raw`string | default=C:\dir`).problems[0]?.[0],
      'simpleschema/invalid-default-json',
    );
  });
  it('integer: ParseInt, kept exact beyond 2^53', () => {
    assert.equal(accepted('integer | default=8080').default, 8080);
    assert.equal(accepted('integer | default=-3').default, -3);
    assert.equal(accepted('integer | default=9223372036854775807').default, 9223372036854775807n);
    assert.equal(
      schemaToJSON(accepted('integer | default=9007199254740993')),
      '{"type":"integer","default":9007199254740993}',
    );
  });
  it('integer: rejects what ParseInt rejects', () => {
    rejected(
      'integer | default=abc',
      'simpleschema/invalid-default',
      'default value must be a valid integer, got: abc',
    );
    rejected(
      'integer | default=1.5',
      'simpleschema/invalid-default',
      'default value must be a valid integer, got: 1.5',
    );
    rejected(
      'integer | default=9223372036854775808',
      'simpleschema/invalid-default',
      'default value must be a valid integer, got: 9223372036854775808',
    );
  });
  it('integer: ParseInt accepts +5 and 007 but they are not JSON', () => {
    rejected(
      'integer | default=+5',
      'simpleschema/invalid-default-json',
      'default value +5 is not valid JSON (kro copies the marker text verbatim): the API server will reject the generated CRD',
    );
    assert.equal(field('integer | default=007').problems[0]?.[0], 'simpleschema/invalid-default-json');
  });
  it('number (float): ParseFloat', () => {
    assert.equal(accepted('float | default=1.5').default, 1.5);
    assert.equal(accepted('float | default=1e3').default, 1000);
    rejected(
      'float | default=x',
      'simpleschema/invalid-default',
      'default value must be a valid number, got: x',
    );
    assert.equal(field('float | default=inf').problems[0]?.[0], 'simpleschema/invalid-default-json');
    assert.equal(field('float | default=0x1p-2').problems[0]?.[0], 'simpleschema/invalid-default-json');
  });
  it('boolean: ParseBool; only true/false are JSON', () => {
    assert.equal(accepted('boolean | default=false').default, false);
    rejected(
      'boolean | default=yes',
      'simpleschema/invalid-default',
      'default value must be a valid boolean, got: yes',
    );
    assert.equal(field('boolean | default=True').problems[0]?.[0], 'simpleschema/invalid-default-json');
  });
  it('other types: the raw text as JSON', () => {
    assert.deepEqual(accepted('[]string | default=["a","b"]').default, ['a', 'b']);
    assert.deepEqual(accepted('map[string]string | default={"a":"b"}').default, { a: 'b' });
    assert.deepEqual(accepted('object | default={}').default, {});
    rejected(
      '[]string | default=[a]',
      'simpleschema/invalid-default-json',
      'default value [a] is not valid JSON (kro copies the marker text verbatim): the API server will reject the generated CRD',
    );
  });
});

describe('description', () => {
  it('sets the description', () => {
    assert.equal(accepted('string | description="The name"').description, 'The name');
  });
});

describe('minimum / maximum', () => {
  it('parse as floats, on any type', () => {
    assert.deepEqual(accepted('integer | minimum=1 maximum=1e2'), {
      type: 'integer',
      minimum: 1,
      maximum: 100,
    });
    assert.equal(accepted('string | minimum=-0.5').minimum, -0.5);
  });
  it('report kro’s (sic) texts', () => {
    rejected(
      'integer | minimum=one',
      VALUE,
      'failed to parse minimum enum value: strconv.ParseFloat: parsing "one": invalid syntax',
    );
    rejected(
      'integer | maximum=1e999',
      VALUE,
      'failed to parse maximum enum value: strconv.ParseFloat: parsing "1e999": value out of range',
    );
  });
  it('reject infinite and NaN bounds, which cannot be written as JSON', () => {
    rejected(
      'integer | maximum=inf',
      'simpleschema/unencodable-value',
      'maximum inf is not a finite number and cannot be encoded as JSON: kro cannot create the generated CRD',
    );
  });
});

describe('validation and immutable', () => {
  it('appends CEL rules in order', () => {
    assert.deepEqual(
      accepted('string | validation="self != \'x\'" immutable=true')['x-kubernetes-validations'],
      [
        { rule: "self != 'x'", message: 'validation failed' },
        { rule: 'self == oldSelf', message: 'field is immutable' },
      ],
    );
    assert.equal(accepted('string | immutable=false')['x-kubernetes-validations'], undefined);
  });
  it('rejects a blank rule and a non-boolean immutable', () => {
    rejected('string | validation="  "', VALUE, 'validation failed');
    rejected(
      'string | immutable=maybe',
      VALUE,
      'failed to parse immutable marker value: strconv.ParseBool: parsing "maybe": invalid syntax',
    );
  });
});

describe('enum', () => {
  it('string and integer values, trimmed', () => {
    assert.deepEqual(accepted('string | enum="a, b ,c"').enum, ['a', 'b', 'c']);
    assert.deepEqual(accepted('integer | enum="1,-2, 3"').enum, [1, -2, 3]);
  });
  it('rejects empty parts, bad integers and other types', () => {
    rejected('string | enum="a,,b"', VALUE, 'empty enum values are not allowed');
    rejected('float | enum=""', VALUE, 'empty enum values are not allowed');
    rejected(
      'integer | enum="1,x"',
      VALUE,
      'failed to parse integer enum value: strconv.ParseInt: parsing "x": invalid syntax',
    );
    rejected(
      'float | enum="1,2"',
      TYPE,
      'enum values only supported for string and integer types, got type: number',
    );
    rejected(
      'boolean | enum="true"',
      TYPE,
      'enum values only supported for string and integer types, got type: boolean',
    );
  });
  it('rejects integers whose text is not JSON', () => {
    rejected(
      'integer | enum="+1"',
      'simpleschema/unencodable-value',
      'enum value +1 is not valid JSON (kro copies it verbatim): the API server will reject the generated CRD',
    );
  });
});

describe('pattern', () => {
  it('accepts RE2 patterns on strings, with escapes kept', () => {
    assert.equal(accepted(String.raw`string | pattern="^\d+\.\d+$"`).pattern, String.raw`^\d+\.\d+$`);
  });
  it('rejects empty, non-string and invalid patterns', () => {
    rejected('string | pattern=""', VALUE, 'pattern marker value cannot be empty');
    rejected(
      'integer | pattern="^a$"',
      TYPE,
      'pattern marker is only valid for string types, got type: integer',
    );
    rejected(
      'string | pattern="^(?=a)"',
      'simpleschema/invalid-pattern',
      'invalid pattern regex: error parsing regexp: invalid or unsupported Perl syntax: `(?=`',
    );
  });
});

describe('minLength / maxLength / minItems / maxItems', () => {
  it('apply to strings and arrays', () => {
    assert.deepEqual(accepted('string | minLength=1 maxLength=63'), {
      type: 'string',
      minLength: 1,
      maxLength: 63,
    });
    assert.deepEqual(accepted('[]string | minItems=1 maxItems=3'), {
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
      maxItems: 3,
    });
  });
  it('check the type first, then the value', () => {
    rejected(
      'integer | minLength=x',
      TYPE,
      'minLength marker is only valid for string types, got type: integer',
    );
    rejected(
      '[]string | maxLength=2',
      TYPE,
      'maxLength marker is only valid for string types, got type: array',
    );
    rejected('string | minItems=1', TYPE, 'minItems marker is only valid for array types, got type: string');
    rejected('object | maxItems=1', TYPE, 'maxItems marker is only valid for array types, got type: object');
    rejected(
      'string | minLength=1.5',
      VALUE,
      'failed to parse minLength value: strconv.ParseInt: parsing "1.5": invalid syntax',
    );
    rejected(
      '[]string | maxItems=x',
      VALUE,
      'failed to parse maxItems value: strconv.ParseInt: parsing "x": invalid syntax',
    );
  });
});

describe('uniqueItems', () => {
  it('sets listType set (not uniqueItems)', () => {
    assert.deepEqual(accepted('[]string | uniqueItems=true'), {
      type: 'array',
      items: { type: 'string' },
      'x-kubernetes-list-type': 'set',
    });
    assert.equal(accepted('[]string | uniqueItems=false')['x-kubernetes-list-type'], undefined);
  });
  it('parses the boolean before checking the type', () => {
    rejected(
      'string | uniqueItems=x',
      VALUE,
      'failed to parse uniqueItems marker value: strconv.ParseBool: parsing "x": invalid syntax',
    );
    rejected(
      'string | uniqueItems=true',
      TYPE,
      'uniqueItems marker is only valid for array types, got type: string',
    );
  });
  it('conflicts with another listType', () => {
    rejected(
      '[]string | listType=atomic uniqueItems=true',
      LIST,
      'cannot set unique when listType is set to atomic',
    );
    assert.equal(accepted('[]string | listType=set uniqueItems=true')['x-kubernetes-list-type'], 'set');
  });
});

describe('listType and listMapKey', () => {
  it('accept a list map with several keys', () => {
    assert.deepEqual(accepted('[]object | listType=map listMapKey=name listMapKey=port'), {
      type: 'array',
      items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name', 'port'],
    });
    assert.equal(accepted('[]string | listType=atomic')['x-kubernetes-list-type'], 'atomic');
  });
  it('listType: array only, known values, no overwrite', () => {
    rejected('string | listType=set', TYPE, 'listType marker only applies to array types');
    rejected(
      '[]string | listType=list',
      VALUE,
      'unsupported value for listType list, needs to be one of atomic, set, or map',
    );
    rejected(
      '[]string | uniqueItems=true listType=atomic',
      LIST,
      'listType attempting to overwrite set type of set, with atomic',
    );
  });
  it('listMapKey: array only, no duplicates, needs listType=map', () => {
    const r = field('string | listMapKey=a');
    assert.deepEqual(r.problems, [[TYPE, 'listMapKey marker only applies to array types']]);
    assert.deepEqual(field('[]object | listType=map listMapKey=a listMapKey=a').problems, [
      [LIST, 'duplicate listMapKey marker, value a'],
    ]);
    rejected(
      '[]object | listMapKey=a',
      LIST,
      'listMapKey set while listType is unset, listType must be set to map',
    );
    rejected(
      '[]object | listType=set listMapKey=a',
      LIST,
      'listMapKey set while listType is set to set, listType must be set to map',
    );
  });
});

describe('several failing markers', () => {
  it('are all reported and the good ones still apply', () => {
    const r = field('integer | minimum=x default=5 maxLength=3 required=true');
    assert.deepEqual(r.problems, [
      [VALUE, 'failed to parse minimum enum value: strconv.ParseFloat: parsing "x": invalid syntax'],
      [TYPE, 'maxLength marker is only valid for string types, got type: integer'],
    ]);
    assert.deepEqual(r.schema, { type: 'integer', default: 5 });
    assert.deepEqual(r.root.required, ['f']);
  });
});
