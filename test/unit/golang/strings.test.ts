import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareGoStrings, goQuote, goTrimSpace } from '../../../src/golang/strings.ts';

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

describe('Go string helpers', () => {
  it('goTrimSpace trims Go’s white space: NEL yes, BOM no', () => {
    assert.equal(goTrimSpace('\u0085 a b\t\n'), 'a b');
    assert.equal(goTrimSpace('\ufeffa'), '\ufeffa');
  });
  it('goQuote writes strconv.Quote text', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\x07\x7f'), '"\\n\\a\\x7f"');
    assert.equal(goQuote('é\u200b\u{1F600}\u{E0001}'), '"é\\u200b\u{1F600}\\U000e0001"');
  });
  it('compareGoStrings orders by code point (UTF-8 bytes), not UTF-16 units', () => {
    assert.ok(compareGoStrings('\uffff', '\u{10000}') < 0);
    assert.ok('\uffff' > '\u{10000}'); // what JS would say
    assert.deepEqual(['b', 'B', 'a', 'ab'].sort(compareGoStrings), ['B', 'a', 'ab', 'b']);
  });
});
