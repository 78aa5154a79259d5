/** The LRU + TTL cache of the cluster schema source (kro's resolver cache: 500 entries, 5 minutes). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TtlLru } from '../../../src/cluster/lru.ts';

describe('TtlLru', () => {
  it('evicts the least recently used entry beyond maxEntries; get refreshes recency, peek does not', () => {
    const lru = new TtlLru<string, number>({ maxEntries: 2, ttlMs: 1000, now: () => 0 });
    lru.set('a', 1);
    lru.set('b', 2);
    assert.equal(lru.get('a'), 1); // a is now the most recent
    lru.set('c', 3); // evicts b
    assert.deepEqual(lru.keys(), ['a', 'c']);
    assert.equal(lru.peek('a'), 1);
    lru.set('d', 4); // evicts a: peek did not make it recent
    assert.deepEqual(lru.keys(), ['c', 'd']);
    assert.equal(lru.size, 2);
  });

  it('keeps expired entries readable but not fresh; per-entry TTL', () => {
    let now = 0;
    const lru = new TtlLru<string, string>({ maxEntries: 10, ttlMs: 100, now: () => now });
    lru.set('long', 'x');
    lru.set('short', 'y', 10);
    now = 50;
    assert.equal(lru.isFresh('long'), true);
    assert.equal(lru.isFresh('short'), false);
    assert.equal(lru.get('short'), 'y');
    now = 100;
    assert.equal(lru.isFresh('long'), false);
    assert.equal(lru.isFresh('missing'), false);
    lru.set('long', 'z');
    assert.equal(lru.isFresh('long'), true);
    assert.equal(lru.delete('long'), true);
    assert.equal(lru.delete('long'), false);
    lru.clear();
    assert.equal(lru.size, 0);
  });

  it('rejects nonsense sizes', () => {
    assert.throws(() => new TtlLru({ maxEntries: 0, ttlMs: 1 }), /maxEntries must be an integer >= 1/);
    assert.throws(() => new TtlLru({ maxEntries: 1, ttlMs: -1 }), /ttlMs must be >= 0/);
  });
});
