import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Optional } from '@marcbachmann/cel-js';
import { ev, evError } from './helpers.ts';

describe('ext.Lists and cel.OptionalTypes', () => {
  it('slices, flattens, sorts, reverses and de-duplicates', () => {
    assert.deepEqual(ev('[1,2,3,4].slice(1, 3)'), [2n, 3n]);
    assert.equal(evError('[1,2].slice(-1, 1)'), 'cannot slice(-1, 1), negative indexes not supported');
    assert.equal(evError('[1,2].slice(1, 3)'), 'cannot slice(1, 3), list is length 2');
    assert.deepEqual(ev('[1,[2,[3,[4]]]].flatten(2)'), [1n, 2n, 3n, [4n]]);
    assert.equal(evError('[1].flatten(-1)'), 'level must be non-negative');
    assert.deepEqual(ev("['b', 'c', 'a'].sort()"), ['a', 'b', 'c']);
    assert.equal(evError("[1, 'b'].sort()"), 'list elements must have the same type');
    assert.deepEqual(ev('[5, 3, 1, 2].reverse()'), [2n, 1n, 3n, 5n]);
    assert.deepEqual(ev("[1, 'b', 2, 'b', 1.0].distinct()"), [1n, 'b', 2n]);
    assert.deepEqual(ev('lists.range(3)'), [0n, 1n, 2n]);
  });

  it('returns optionals from first/last and ofNonZeroValue', () => {
    assert.equal(ev('[1, 2, 3].last().value()'), 3n);
    assert.equal(ev("[].first().orValue('x')"), 'x');
    assert.ok(ev('optional.ofNonZeroValue([])') instanceof Optional);
    assert.equal(ev("optional.ofNonZeroValue('').hasValue()"), false);
    assert.deepEqual(ev('optional.unwrap([optional.of(1), optional.none(), optional.of(3)])'), [1n, 3n]);
    assert.equal(ev('optional.of(2).optMap(x, x * 10).value()'), 20n);
    assert.equal(ev('optional.none().optMap(x, x * 10).hasValue()'), false);
  });
});

describe('k8s Lists', () => {
  it('sums, finds extremes and positions', () => {
    assert.equal(ev('[1, 2, 3].sum()'), 6n);
    assert.equal(ev('[1.5, 2.5].sum()'), 4);
    assert.equal(ev('[3, 1, 2].min()'), 1n);
    assert.equal(ev("['a', 'c', 'b'].max()"), 'c');
    assert.equal(evError('[].max()'), 'max called on empty list');
    assert.equal(ev('[1, 2, 2].isSorted()'), true);
    assert.equal(ev('[2, 1].isSorted()'), false);
    assert.equal(ev("['a', 'b', 'b', 'c'].lastIndexOf('b')"), 2n);
    assert.equal(ev('[1.0].indexOf(1.1)'), -1n);
    assert.equal(evError('[9223372036854775807, 1].sum()'), 'integer overflow');
  });
});

describe('kro Lists and Maps', () => {
  it('sets, inserts and removes by index', () => {
    assert.deepEqual(ev('lists.setAtIndex([1, 2, 3], 1, 99)'), [1n, 99n, 3n]);
    assert.deepEqual(ev('lists.insertAtIndex([1, 2, 3], 3, 99)'), [1n, 2n, 3n, 99n]);
    assert.deepEqual(ev('lists.removeAtIndex([1, 2, 3], 0)'), [2n, 3n]);
    assert.equal(evError('lists.setAtIndex([1], 1, 2)'), 'lists.setAtIndex: index 1 out of bounds [0, 1)');
    assert.equal(
      evError('lists.insertAtIndex([1], -1, 2)'),
      'lists.insertAtIndex: index -1 out of bounds [0, 1]',
    );
  });

  it('merges maps with the argument winning', () => {
    assert.deepEqual(ev("{'a': 1, 'c': 5}.merge({'a': 2, 'b': 2})"), { a: 2n, c: 5n, b: 2n });
  });
});
