/**
 * A least-recently-used map whose entries also expire, like the schema cache of kro's resolver
 * (kro-contract §4.3: 500 entries, 5 minutes). Pure; time comes from an injectable clock.
 */

/** Options of {@link TtlLru}. */
export interface TtlLruOptions {
  /** Most entries kept; adding one more evicts the least recently used. At least 1. */
  maxEntries: number;
  /** Milliseconds an entry stays fresh after it was set (see {@link TtlLru.get} and `isFresh`). */
  ttlMs: number;
  /** Current time in milliseconds; default `performance.now`. */
  now?: () => number;
}

interface Entry<V> {
  value: V;
  /** When the entry stops being fresh (clock milliseconds). */
  expiresAt: number;
}

/**
 * A map with LRU eviction and per-entry expiry. `get` returns stale (expired) entries too, so a
 * caller can keep answering from old data while it refreshes; `isFresh` tells them apart; `peek`
 * reads without touching the recency order.
 *
 * @throws Error from the constructor when `maxEntries` < 1 or `ttlMs` < 0.
 */
export class TtlLru<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: TtlLruOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new Error(`maxEntries must be an integer >= 1, got ${options.maxEntries}`);
    if (!(options.ttlMs >= 0)) throw new Error(`ttlMs must be >= 0, got ${options.ttlMs}`);
    this.#max = options.maxEntries;
    this.#ttl = options.ttlMs;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Number of entries (fresh or stale). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key` (possibly stale), marked as most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** The value of `key` without changing the recency order. */
  peek(key: K): V | undefined {
    return this.#entries.get(key)?.value;
  }

  /** True when `key` is present and younger than its time to live. */
  isFresh(key: K): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#now() < entry.expiresAt;
  }

  /**
   * Stores `value`, fresh for `ttlMs` (default: the cache's), as the most recently used entry, and
   * evicts the least recently used entries beyond `maxEntries`.
   */
  set(key: K, value: V, ttlMs: number = this.#ttl): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Removes `key`; true when it was present. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** The keys, least recently used first. */
  keys(): K[] {
    return [...this.#entries.keys()];
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
