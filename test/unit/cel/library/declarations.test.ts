import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KRO_FUNCTIONS, KRO_MEMBER_FUNCTIONS } from '../../../../src/cel/functions.ts';
import {
  EXTENSION_FUNCTION_NAMES,
  EXTENSION_OVERLOADS,
  formatTypeSyntax,
  parseTypeSyntax,
} from '../../../../src/cel/library/declarations.ts';
import { CEL_JS_BUILTINS_KEPT, handlerFor } from '../../../../src/cel/library/register.ts';

describe('parseTypeSyntax', () => {
  it('parses every declared parameter and result type, and round-trips it', () => {
    const types = new Set(EXTENSION_OVERLOADS.flatMap((o) => [...o.params, o.result]));
    for (const t of types) assert.equal(formatTypeSyntax(parseTypeSyntax(t)), t);
  });

  it('classifies kinds', () => {
    assert.deepEqual(parseTypeSyntax('map(string, list(optional_type(V)))'), {
      kind: 'map',
      key: { kind: 'primitive', name: 'string' },
      value: { kind: 'list', elem: { kind: 'optional', elem: { kind: 'param', name: 'V' } } },
    });
    assert.deepEqual(parseTypeSyntax('google.protobuf.Duration'), {
      kind: 'primitive',
      name: 'google.protobuf.Duration',
    });
    assert.deepEqual(parseTypeSyntax('net.IP'), { kind: 'opaque', name: 'net.IP' });
  });

  it('rejects malformed types', () => {
    for (const bad of ['', 'list(', 'list(int', 'map(int)', 'set(int)', 'foo', 'list(int) x', 'list()']) {
      assert.throws(() => parseTypeSyntax(bad), /invalid type syntax/, bad);
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

  it('matches the names in src/cel/functions.ts except for the reported differences', () => {
    const globals = new Set(EXTENSION_OVERLOADS.filter((o) => !o.member).map((o) => o.name));
    const members = new Set(EXTENSION_OVERLOADS.filter((o) => o.member).map((o) => o.name));
    const std = [
      'has',
      'int',
      'uint',
      'double',
      'string',
      'bytes',
      'bool',
      'dyn',
      'type',
      'duration',
      'timestamp',
    ];
    const stdRest = ['size', 'matches', 'cel.bind', 'omit'];
    const stdMembers = [
      'size',
      'matches',
      'contains',
      'startsWith',
      'endsWith',
      'getFullYear',
      'getMonth',
      'getDayOfYear',
    ];
    const stdMembers2 = ['getDayOfMonth', 'getDate', 'getDayOfWeek', 'getHours', 'getMinutes', 'getSeconds'];
    const notExt = new Set([
      ...std,
      ...stdRest,
      ...stdMembers,
      ...stdMembers2,
      'getMilliseconds',
      'newCondition',
      'condition',
    ]);
    // k8s declares `sign` as a global overload (sign(q)); functions.ts lists it as a member.
    assert.deepEqual(
      [...globals].filter((n) => !KRO_FUNCTIONS.has(n)),
      ['sign'],
    );
    assert.deepEqual(
      [...members].filter((n) => !KRO_MEMBER_FUNCTIONS.has(n)),
      [],
    );
    assert.deepEqual(
      [...KRO_FUNCTIONS].filter((n) => !globals.has(n) && !notExt.has(n)),
      [],
    );
    // deepMerge is kro HEAD only (not in the pinned kro); sign: see above.
    assert.deepEqual(
      [...KRO_MEMBER_FUNCTIONS].filter((n) => !members.has(n) && !notExt.has(n)),
      ['sign', 'deepMerge'],
    );
    assert.equal(EXTENSION_FUNCTION_NAMES.size, new Set([...globals, ...members]).size);
  });
});
