import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoBool, parseGoFloat, parseGoInt } from '../../../src/simpleschema/index.ts';

describe('parseGoBool', () => {
  it('accepts exactly the twelve spellings of strconv.ParseBool', () => {
    for (const s of ['1', 't', 'T', 'TRUE', 'true', 'True'])
      assert.deepEqual(parseGoBool(s), { ok: true, value: true });
    for (const s of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
      assert.deepEqual(parseGoBool(s), { ok: true, value: false });
    }
  });
  it('rejects anything else with Go’s error text', () => {
    assert.deepEqual(parseGoBool('yes'), {
      ok: false,
      error: 'strconv.ParseBool: parsing "yes": invalid syntax',
    });
    assert.equal(parseGoBool('tRUE').ok, false);
    assert.equal(parseGoBool(' true').ok, false);
    assert.equal(parseGoBool('').ok, false);
  });
});

describe('parseGoInt (base 10, 64 bits)', () => {
  it('accepts a sign and leading zeros, keeps int64 exact', () => {
    assert.deepEqual(parseGoInt('+5'), { ok: true, value: 5n });
    assert.deepEqual(parseGoInt('-12'), { ok: true, value: -12n });
    assert.deepEqual(parseGoInt('007'), { ok: true, value: 7n });
    assert.deepEqual(parseGoInt('9223372036854775807'), { ok: true, value: 9223372036854775807n });
    assert.deepEqual(parseGoInt('-9223372036854775808'), { ok: true, value: -9223372036854775808n });
  });
  it('rejects spaces, underscores, prefixes, decimals', () => {
    for (const s of [' 1', '1 ', '1_000', '0x10', '1.0', '', '+', '1e3']) {
      assert.deepEqual(parseGoInt(s), {
        ok: false,
        error: `strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`,
      });
    }
  });
  it('reports int64 overflow as out of range', () => {
    assert.deepEqual(parseGoInt('9223372036854775808'), {
      ok: false,
      error: 'strconv.ParseInt: parsing "9223372036854775808": value out of range',
    });
    assert.equal(parseGoInt('-9223372036854775809').ok, false);
  });
});

describe('parseGoFloat (64 bits)', () => {
  const ok = (s: string, v: number): void => assert.deepEqual(parseGoFloat(s), { ok: true, value: v }, s);
  const bad = (s: string): void =>
    assert.deepEqual(
      parseGoFloat(s),
      { ok: false, error: `strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax` },
      s,
    );

  it('parses decimals and exponents', () => {
    ok('1', 1);
    ok('-2.5', -2.5);
    ok('.5', 0.5);
    ok('5.', 5);
    ok('1e3', 1000);
    ok('1E+3', 1000);
    ok('2.5e-3', 0.0025);
    ok('1e-400', 0);
  });
  it('parses inf, infinity (signed) and nan (unsigned), in any case', () => {
    ok('inf', Infinity);
    ok('+Inf', Infinity);
    ok('-INFINITY', -Infinity);
    assert.ok(Number.isNaN((parseGoFloat('NaN') as { value: number }).value));
    assert.ok(Number.isNaN((parseGoFloat('nan') as { value: number }).value));
    bad('+nan');
    bad('infx');
    bad('infinit');
  });
  it('parses hexadecimal floats, which need a p exponent, with exact rounding', () => {
    ok('0x1p-2', 0.25);
    ok('0x1.8p1', 3);
    ok('0X.8P1', 1);
    ok('-0x10p0', -16);
    ok('0x1p-1074', 5e-324);
    ok('0x1p-1075', 0); // tie, rounds to even (zero)
    ok('0x3p-1076', 5e-324); // 0.75 of the smallest subnormal rounds up
    ok('0x1.fffffffffffffp1023', 1.7976931348623157e308);
    bad('0x1');
    bad('0xp1');
  });
  it('accepts underscores only between digits or after a base prefix', () => {
    ok('1_000', 1000);
    ok('1_0.2_5e1_0', 10.25e10);
    ok('0x_1p0', 1);
    bad('_1');
    bad('1_');
    bad('1__0');
    bad('1_.5');
    bad('1_e5');
  });
  it('rejects other syntax', () => {
    for (const s of ['', '.', ' 1', '1 ', '1e', '1e+', 'abc', '1,5', '--1', '0b1']) bad(s);
  });
  it('reports overflow as out of range', () => {
    assert.deepEqual(parseGoFloat('1e309'), {
      ok: false,
      error: 'strconv.ParseFloat: parsing "1e309": value out of range',
    });
    assert.equal(parseGoFloat('-1e400').ok, false);
    assert.equal(parseGoFloat('0x1.fffffffffffff8p1023').ok, false);
  });
});
