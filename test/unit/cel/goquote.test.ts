import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goQuote } from '../../../src/cel/index.ts';

describe('goQuote (Go strconv.Quote)', () => {
  it('keeps printable text and escapes quotes and backslashes', () => {
    assert.equal(goQuote('ab c-é😀'), '"ab c-é😀"');
    assert.equal(goQuote('say "x" \\ y'), '"say \\"x\\" \\\\ y"');
    assert.equal(goQuote(''), '""');
  });

  it('writes control characters by name or as \\xHH', () => {
    assert.equal(goQuote('\u0007\b\f\n\r\t\v'), '"\\a\\b\\f\\n\\r\\t\\v"');
    assert.equal(goQuote('\u0000\u001b\u007f'), '"\\x00\\x1b\\x7f"');
  });

  it('writes other non-printable characters as \\uHHHH or \\UHHHHHHHH', () => {
    assert.equal(goQuote('\u0085\u00a0\u2028\u200b\ufeff'), '"\\u0085\\u00a0\\u2028\\u200b\\ufeff"');
    assert.equal(goQuote('\u{e0001}\u{10fffd}'), '"\\U000e0001\\U0010fffd"');
  });

  it('writes a lone surrogate as U+FFFD, as Go’s decoders would have', () => {
    assert.equal(goQuote('a\ud800b'), '"a\ufffdb"');
  });
});
