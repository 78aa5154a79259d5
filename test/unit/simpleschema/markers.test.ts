import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKER_KEYS, parseMarkers, processMarkerValue } from '../../../src/simpleschema/index.ts';

const markers = (text: string): unknown => {
  const r = parseMarkers(text);
  assert.ok(r.ok, `expected ${JSON.stringify(text)} to tokenize: ${r.ok ? '' : r.error}`);
  return r.markers.map((m) => [m.key, m.value]);
};
const failure = (text: string): string => {
  const r = parseMarkers(text);
  assert.ok(!r.ok, `expected ${JSON.stringify(text)} to fail`);
  return r.error;
};

describe('marker tokenizer (kro-contract §3.4)', () => {
  it('splits key=value pairs on white space', () => {
    assert.deepEqual(markers(' required=true default=5'), [
      ['required', 'true'],
      ['default', '5'],
    ]);
    assert.deepEqual(markers('\tminimum=1\u00a0maximum=2'), [
      ['minimum', '1'],
      ['maximum', '2'],
    ]);
  });
  it('drops white space in keys', () => {
    assert.deepEqual(markers(' req uired=true'), [['required', 'true']]);
    assert.equal(failure('foo bar=1'), 'invalid marker key "foobar": unknown marker: foobar');
  });
  it('keeps quoted values whole and strips the quotes', () => {
    assert.deepEqual(markers(' description="a b  c" enum="x, y"'), [
      ['description', 'a b  c'],
      ['enum', 'x, y'],
    ]);
  });
  it('keeps bracketed values whole, spaces included', () => {
    assert.deepEqual(markers(' default={"a": [1, 2]} required=true'), [
      ['default', '{"a": [1, 2]}'],
      ['required', 'true'],
    ]);
    assert.deepEqual(markers(' default=["a","b"]'), [['default', '["a","b"]']]);
  });
  it('does not count brackets inside quotes', () => {
    assert.deepEqual(markers(' pattern="^[a-z]+$"'), [['pattern', '^[a-z]+$']]);
    assert.deepEqual(markers(' default="}"'), [['default', '}']]);
  });
  it('honours escaped quotes inside quotes', () => {
    assert.deepEqual(markers(String.raw` description="say \"hi\" now"`), [['description', 'say "hi" now']]);
  });
  it('a = inside a value belongs to the value', () => {
    assert.deepEqual(markers(' validation="self.a == 1"'), [['validation', 'self.a == 1']]);
    assert.deepEqual(markers(' default=a=b'), [['default', 'a=b']]);
  });
  it('an empty value is allowed', () => {
    assert.deepEqual(markers(' default='), [['default', '']]);
    assert.deepEqual(markers(' default=""'), [['default', '']]);
  });
  it('rejects an empty key', () => {
    assert.equal(failure(' =5'), 'empty marker key');
    assert.equal(failure('required=true  =5'), 'empty marker key');
  });
  it('rejects unknown keys with Go-quoted text', () => {
    assert.equal(failure(' foo=bar'), 'invalid marker key "foo": unknown marker: foo');
    assert.equal(failure(' Required=true'), 'invalid marker key "Required": unknown marker: Required');
    assert.equal(failure(' "a\tb"=1'), 'invalid marker key "\\"a\\tb\\"": unknown marker: "a\tb"');
  });
  it('every documented key is accepted', () => {
    for (const k of MARKER_KEYS) assert.deepEqual(markers(` ${k}=x`), [[k, 'x']]);
  });
  it('rejects a trailing bare word, an empty marker section and trailing white space', () => {
    assert.equal(failure(' required=true extra'), "marker key 'extra' without a value");
    assert.equal(failure(''), "marker key '' without a value");
    assert.equal(failure('   '), "marker key '' without a value");
    assert.equal(failure(' required=true '), "marker key '' without a value");
  });
  it('multi-word unquoted values leave a key without a value (kro-contract example)', () => {
    assert.equal(failure(' default=IRSA role for X'), "marker key 'roleforX' without a value");
  });
  it('rejects an unmatched closing bracket at once', () => {
    assert.equal(failure(' default=a] required=true'), 'unmatched closing bracket/brace');
    assert.equal(failure(' x}=1'), 'unmatched closing bracket/brace');
  });
  it('rejects unclosed quotes and brackets (after the missing-value check)', () => {
    assert.equal(failure(' description="abc'), 'unclosed quote');
    assert.equal(failure(' default={"a": 1'), 'unclosed bracket/brace');
    assert.equal(failure(' "abc'), `marker key '"abc' without a value`);
  });
});

describe('processMarkerValue', () => {
  it('unescapes only \\" and \\\\ inside quotes, keeps other escapes', () => {
    assert.equal(processMarkerValue(String.raw`"a\"b\\c\d\."`), String.raw`a"b\c\d\.`);
    assert.equal(processMarkerValue('"x\\"'), 'x');
  });
  it('trims unquoted values only', () => {
    assert.equal(processMarkerValue('  a b  '), 'a b');
    assert.equal(processMarkerValue('"  a  "'), '  a  ');
    assert.equal(processMarkerValue('"a" b'), '"a" b');
  });
});
