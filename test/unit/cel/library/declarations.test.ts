import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KRO_FUNCTIONS, KRO_MEMBER_FUNCTIONS } from '../../../../src/cel/functions.ts';
import { formatType, parseTypeSpec } from '../../../../src/cel/check/index.ts';
import { EXTENSION_OVERLOADS } from '../../../../src/cel/library/declarations.ts';
import { CEL_JS_BUILTINS_KEPT, handlerFor } from '../../../../src/cel/library/register.ts';

describe('parseTypeSpec on the declarations', () => {
  it('parses every declared parameter and result type, and round-trips it through formatType', () => {
    const types = new Set(EXTENSION_OVERLOADS.flatMap((o) => [...o.params, o.result]));
    for (const t of types) assert.equal(formatType(parseTypeSpec(t)), t);
  });

  it('classifies kinds', () => {
    assert.deepEqual(parseTypeSpec('map(string, list(optional_type(V)))'), {
      kind: 'map',
      key: { kind: 'primitive', name: 'string' },
      value: { kind: 'list', elem: { kind: 'optional', elem: { kind: 'param', name: 'V' } } },
    });
    assert.deepEqual(parseTypeSpec('google.protobuf.Duration'), {
      kind: 'primitive',
      name: 'google.protobuf.Duration',
    });
    assert.deepEqual(parseTypeSpec('net.IP'), { kind: 'opaque', name: 'net.IP' });
  });

  it('rejects malformed types', () => {
    for (const bad of ['', 'list(', 'list(int', 'map(int)', 'set(int)', 'foo', 'list(int) x', 'list()']) {
      assert.throws(() => parseTypeSpec(bad), /bad type spec/, bad);
    }
  });
});

describe('EXTENSION_OVERLOADS', () => {
  it('has unique ids and consistent member/params', () => {
    const ids = EXTENSION_OVERLOADS.map((o) => o.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const o of EXTENSION_OVERLOADS) if (o.member) assert.ok(o.params.length >= 1, o.id);
  });

  it('declares the cel-go/k8s/kro ids checked against the cel-spec checked ASTs', () => {
    const byId = new Map(EXTENSION_OVERLOADS.map((o) => [o.id, o]));
    assert.deepEqual(byId.get('string_char_at_int')?.params, ['string', 'int']);
    assert.equal(byId.get('optional_ofNonZeroValue')?.name, 'optional.ofNonZeroValue');
    assert.equal(byId.get('list_google.protobuf.Duration_sort')?.result, 'list(google.protobuf.Duration)');
    assert.equal(byId.get('list_duration_sum_duration')?.result, 'google.protobuf.Duration');
    assert.equal(byId.get('quantity_sign')?.member, false);
    assert.equal(byId.get('cidr_ip')?.member, true);
    assert.equal(byId.get('map_merge')?.result, 'map(K, V)');
  });

  it('has a runtime for every overload (or keeps the cel-js built-in)', () => {
    for (const o of EXTENSION_OVERLOADS) {
      assert.ok(handlerFor(o.id) !== undefined || CEL_JS_BUILTINS_KEPT.has(o.id), o.id);
    }
  });

  it('declares every function of kro-contract section 8, in the call style kro uses', () => {
    // The contract's table, provider by provider (macros and runtime.* are the checker's own).
    const globals = [
      'base64.encode',
      'base64.decode',
      'lists.range',
      'strings.quote',
      'optional.of',
      'optional.ofNonZeroValue',
      'optional.none',
      'url',
      'isURL',
      'quantity',
      'isQuantity',
      'ip',
      'isIP',
      'cidr',
      'isCIDR',
      'semver',
      'isSemver',
      'random.seededString',
      'random.seededInt',
      'json.unmarshal',
      'json.marshal',
      'hash.fnv64a',
      'hash.sha256',
      'hash.md5',
      'lists.setAtIndex',
      'lists.insertAtIndex',
      'lists.removeAtIndex',
    ];
    const members = [
      'charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim',
      'join', 'format', 'reverse', 'slice', 'flatten', 'sort', 'distinct', 'first', 'last', 'hasValue', 'value',
      'or', 'orValue', 'isSorted', 'sum', 'min', 'max', 'getScheme', 'getHost', 'getHostname', 'getPort',
      'getEscapedPath', 'getQuery', 'find', 'findAll', 'add', 'sub', 'isLessThan', 'isGreaterThan', 'compareTo',
      'asInteger', 'asApproximateFloat', 'isInteger', 'family', 'isLoopback', 'containsIP',
      'containsCIDR', 'prefixLength', 'masked', 'major', 'minor', 'patch', 'merge',
    ]; // prettier-ignore
    const declared = (name: string, member: boolean): boolean =>
      EXTENSION_OVERLOADS.some((o) => o.name === name && o.member === member);
    assert.deepEqual(
      globals.filter((n) => !declared(n, false)),
      [],
    );
    assert.deepEqual(
      members.filter((n) => !declared(n, true)),
      [],
    );
    // The inspector's catalogue is derived from these declarations.
    for (const n of globals) assert.ok(KRO_FUNCTIONS.has(n), n);
    for (const n of members) assert.ok(KRO_MEMBER_FUNCTIONS.has(n), n);
  });
});
