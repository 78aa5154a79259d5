import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { re2Error } from '../../../src/simpleschema/index.ts';

describe('re2Error (pattern= validity, RE2 approximation)', () => {
  it('accepts ordinary patterns', () => {
    for (const p of [
      '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      String.raw`^\d{3}-\d{4}$`,
      String.raw`^arn:aws:iam::\d{12}:role/.+$`,
      '(a|b)*c+?',
      String.raw`\.\-\/\#`,
      String.raw`[\d-z]`,
      'x{2,}y{0,1000}',
    ]) {
      assert.equal(re2Error(p), undefined, p);
    }
  });
  it('accepts RE2-only syntax that JavaScript spells differently', () => {
    for (const p of [
      '(?i)abc',
      '(?i:a)b',
      '(?s-m:a.)',
      '(?P<name>x)',
      '(?<name>x)',
      String.raw`\Aabc\z`,
      String.raw`\Qa.b*\E+`,
      String.raw`\pL\PN\p{Greek}\p{^Lu}`,
      '[[:alpha:]_-]+',
      '[^[:space:]]',
      'a{',
      'a}',
      'a{,3}',
      'a{01}',
      ']',
      '[]a]',
      String.raw`\012\x41\x{1F600}\a\v`,
    ]) {
      assert.equal(re2Error(p), undefined, p);
    }
  });
  it('rejects lookarounds with Go’s texts', () => {
    assert.equal(re2Error('(?=a)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`');
    assert.equal(re2Error('a(?!b)'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`');
    assert.equal(re2Error('(?<=a)b'), 'error parsing regexp: invalid named capture: `(?<=a)b`');
    assert.equal(re2Error('(?<!a)b>'), 'error parsing regexp: invalid named capture: `(?<!a)b>`');
  });
  it('rejects backreferences', () => {
    assert.equal(re2Error(String.raw`(a)\1`), 'error parsing regexp: invalid escape sequence: `\\1`');
    assert.equal(re2Error(String.raw`(a)\9`), 'error parsing regexp: invalid escape sequence: `\\9`');
    assert.equal(re2Error(String.raw`(?<x>a)\k<x>`), 'error parsing regexp: invalid escape sequence: `\\k`');
  });
  it('rejects other things RE2 does not support', () => {
    assert.equal(re2Error('a{1001}'), 'error parsing regexp: invalid repeat count: `{1001}`');
    assert.equal(re2Error('a{3,2}'), 'error parsing regexp: invalid repeat count: `{3,2}`');
    assert.equal(re2Error('(?x)a'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?x`');
    assert.equal(re2Error('(?-)a'), 'error parsing regexp: invalid or unsupported Perl syntax: `(?-)`');
    assert.equal(re2Error('[[:word2:]]'), 'error parsing regexp: invalid character class range: `[:word2:]`');
    assert.equal(re2Error(String.raw`\e`), 'error parsing regexp: invalid escape sequence: `\\e`');
    assert.equal(re2Error(String.raw`[\b]`), 'error parsing regexp: invalid escape sequence: `\\b`');
    assert.equal(re2Error('\\'), 'error parsing regexp: trailing backslash at end of expression: ``');
    assert.equal(re2Error('(?P<1-a>x)'), 'error parsing regexp: invalid named capture: `(?P<1-a>`');
  });
  it('rejects what JavaScript also rejects, with JavaScript’s description', () => {
    assert.equal(re2Error('(abc'), 'error parsing regexp: Unterminated group');
    assert.equal(re2Error('[a'), 'error parsing regexp: Unterminated character class');
    assert.equal(re2Error('*a'), 'error parsing regexp: Nothing to repeat');
    assert.match(re2Error('[z-a]') ?? '', /^error parsing regexp: /);
  });
});
