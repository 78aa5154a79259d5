import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanCelSyntax } from '../../../src/cel/index.ts';

const texts = (e: string): string[] => scanCelSyntax(e).tokens.map((t) => `${t.kind}:${t.text}`);

describe('scanCelSyntax tokens (cel-go lexical rules)', () => {
  it('reads literals with prefixes and triple quotes, numbers, operators; skips comments', () => {
    assert.deepEqual(texts('r"a\\" + b\'x\' + """t"\n""" + 0x1Fu + 1.5e3 + 2u // c [?\n>= x.y'), [
      'string:r"a\\"',
      'op:+',
      "bytes:b'x'",
      'op:+',
      'string:"""t"\n"""',
      'op:+',
      'number:0x1Fu',
      'op:+',
      'number:1.5e3',
      'op:+',
      'number:2u',
      'op:>=',
      'ident:x',
      'op:.',
      'ident:y',
    ]);
  });

  it('keeps escaped quotes inside strings and marks unknown characters invalid', () => {
    assert.deepEqual(texts('"a\\"[?" @ é'), ['string:"a\\"[?"', 'invalid:@', 'invalid:é']);
  });

  it('finds nothing to report in ordinary kro expressions', () => {
    const scan = scanCelSyntax('schema.spec.?x.orValue([1, 2][?0]) == {"a": c ? d : e}.a');
    assert.deepEqual([scan.unsupported, scan.errors], [[], []]);
  });

  it('reports cel-go-only constructs and cel-go-only errors with offsets', () => {
    const scan = scanCelSyntax('[?a] + f(x,) + (p ? q ? r : s : t)');
    assert.deepEqual(scan.unsupported, [
      { construct: 'optional list or map entries ([?e], {?k: v})', offset: 1 },
    ]);
    assert.deepEqual(
      scan.errors.map((e) => e.offset),
      [11, 22],
    );
  });
});
