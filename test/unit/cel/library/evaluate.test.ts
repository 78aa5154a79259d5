import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBounded } from '../../../../src/cel/library/evaluate.ts';
import { env } from './helpers.ts';

function bounded(expr: string, opts = {}): { ok: boolean; message: string; ms: number; value?: unknown } {
  const t = Date.now();
  const r = evaluateBounded(env, expr, {}, opts);
  return {
    ok: r.ok,
    value: r.ok ? r.value : undefined,
    message: r.ok ? '' : r.error.message,
    ms: Date.now() - t,
  };
}

const ten = '[1,2,3,4,5,6,7,8,9,10]';

describe('evaluateBounded', () => {
  it('evaluates ordinary expressions', () => {
    const r = bounded("[1, 2, 3].map(x, x * 2).filter(x, x > 2).size() + size('ab')");
    assert.equal(r.value, 4n);
  });

  it('stops nested comprehensions over lists.range quickly', () => {
    const r = bounded(
      'lists.range(1000).map(x, lists.range(1000).map(y, lists.range(1000).map(z, z))).size()',
    );
    assert.equal(r.ok, false);
    assert.match(r.message, /step budget/);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
  });

  it('stops nested comprehensions over literal lists', () => {
    const e = `${ten}.map(a, ${ten}.map(b, ${ten}.map(c, ${ten}.map(d, ${ten}.map(f, ${ten}.map(g, a+b+c+d+f+g))))))`;
    const r = bounded(e);
    assert.equal(r.ok, false);
    assert.match(r.message, /step budget/);
  });

  it('stops string doubling and huge ranges', () => {
    let e = "'xxxxxxxxxxxxxxxx'";
    for (let i = 0; i < 30; i++) e = `cel.bind(s${i}, ${e}, s${i} + s${i})`;
    const r = bounded(e);
    assert.equal(r.ok, false);
    assert.match(r.message, /string of \d+ characters/);
    assert.match(bounded('lists.range(1000000000)').message, /list or map of 1000000000 elements/);
    assert.match(bounded("'x'.replace('', 'yyyyyyyyyy')", { maxStringLength: 5 }).message, /string of/);
  });

  it('honours custom limits and reports steps', () => {
    assert.equal(bounded('lists.range(10).map(x, x).size()', { maxSteps: 10 }).ok, false);
    const r = evaluateBounded(env, 'lists.range(10).map(x, x).size()', {}, { maxSteps: 1000 });
    assert.ok(r.ok && r.steps > 10);
  });

  it('refuses backtracking-prone regular expressions instead of hanging', () => {
    const r = bounded("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'.find('(a+)+$')");
    assert.equal(r.ok, false);
    assert.match(r.message, /nested quantifiers/);
  });

  it('returns parse and type errors instead of throwing', () => {
    assert.equal(bounded('1 +').ok, false);
    assert.equal(bounded("1 + 'a'").ok, false);
  });
});
