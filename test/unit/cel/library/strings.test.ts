import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Environment } from '@marcbachmann/cel-js';
import { formatFixed, formatScientific, formatShortest } from '../../../../src/cel/library/strings.ts';
import { ev, evError } from './helpers.ts';

describe('ext.Strings', () => {
  it('indexes by code point, also with astral characters', () => {
    assert.equal(ev("'😀ab'.charAt(1)"), 'a');
    assert.equal(ev("'😀ab😀b'.indexOf('b')"), 2n);
    assert.equal(ev("'😀ab😀b'.lastIndexOf('b')"), 4n);
    assert.equal(ev("'😀ab😀b'.indexOf('b', 3)"), 4n);
    assert.equal(ev("'😀abc'.substring(1, 3)"), 'ab');
    assert.equal(ev("'😀abc'.substring(4)"), '');
    assert.equal(ev("'😀a'.reverse()"), 'a😀');
    assert.deepEqual(ev("'a😀b'.split('')"), ['a', '😀', 'b']);
  });

  it('rejects out-of-range and negative indexes with cel-go messages', () => {
    assert.equal(evError("'abc'.charAt(-1)"), 'index out of range: -1');
    assert.equal(evError("'abc'.charAt(4)"), 'index out of range: 4');
    assert.equal(evError("'abc'.substring(2, 1)"), 'invalid substring range. start: 2, end: 1');
    assert.equal(evError("'abc'.indexOf('a', 3)"), 'index out of range: 3');
    assert.equal(ev("'abc'.charAt(3)"), '');
  });

  it('changes the case of ASCII letters only', () => {
    assert.equal(ev("'TacoCÆt Xii'.lowerAscii()"), 'tacocÆt xii');
    assert.equal(ev("'TacoCæt Xii'.upperAscii()"), 'TACOCæT XII');
  });

  it('does not change cel-js built-ins of other environments', () => {
    assert.equal(new Environment().evaluate("'ÀB'.lowerAscii()"), 'àb');
  });

  it('trims Go white space', () => {
    assert.equal(ev("'\\u0085 x\\t\\u3000'.trim()"), 'x');
    assert.equal(ev("'\\ufeffx'.trim()"), '\ufeffx');
  });

  it('replaces and splits with limits like Go', () => {
    assert.equal(ev("'aaa'.replace('a', 'b', 2)"), 'bba');
    assert.equal(ev("'aaa'.replace('a', 'b', -1)"), 'bbb');
    assert.equal(ev("'ab'.replace('', '-')"), '-a-b-');
    assert.deepEqual(ev("'a b c'.split(' ', 2)"), ['a', 'b c']);
    assert.deepEqual(ev("'a b c'.split(' ', 0)"), []);
  });

  it('quotes and formats', () => {
    assert.equal(ev("strings.quote('a\\nb\"')"), '"a\\nb\\""');
    assert.equal(ev("'%d-%s-%x-%o-%b'.format([7, [1, 'a'], 255, 8, 5])"), '7-[1, a]-ff-10-101');
    assert.equal(ev("'%.0f %.1f %e'.format([2.5, 0.25, 1234.5])"), '2 0.2 1.234500e+03');
    assert.equal(ev("'%s'.format([{'b': 1, 'a': 2}])"), '{a: 2, b: 1}');
    assert.equal(evError("'%d %d'.format([1])"), 'index 1 out of range');
    assert.match(evError("'%d'.format(['x'])"), /^error during formatting: decimal clause/);
  });

  it('formats floats exactly like Go', () => {
    assert.equal(formatFixed(0.5, 0), '0');
    assert.equal(formatFixed(2.5, 0), '2');
    assert.equal(formatFixed(-0.0000001, 3), '-0.000');
    assert.equal(formatFixed(1e21, 1), '1000000000000000000000.0');
    assert.equal(formatScientific(0.000123, 2), '1.23e-04');
    assert.equal(formatScientific(9.999, 2), '1.00e+01');
    assert.equal(formatShortest(1e21), '1000000000000000000000');
    assert.equal(formatShortest(1.5e-7), '0.00000015');
  });
});
