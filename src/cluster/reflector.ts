/**
 * An informer for one kind of object: list, then watch from the list's resourceVersion, with
 * client-node's `Watch` for the watch stream. The watch of client-node can end or stall without
 * telling (engineering notes §1), so:
 * - every watch asks the server to end it after `watchTimeoutSeconds` (default 20 s); a clean end
 *   starts the next watch from the last resourceVersion seen (bookmarks included);
 * - client-node aborts a watch that receives no bytes for 30 s, and a watchdog here re-lists when
 *   nothing at all happened for `livenessMs` (default `watchTimeoutSeconds + 30` s: a watch that
 *   never ended, or whose end was never reported);
 * - any watch error (network, timeout, `410 Gone`, an `ERROR` event) and any list failure leads to a
 *   new list, after a backoff (250 ms doubling to 30 s, reset by a successful list).
 * After each list the store is diffed against the previous one, so consumers see one `onChange` per
 * object that was added, changed (by resourceVersion) or removed, also across a gap in the watch.
 *
 * Objects are keyed by `metadata.name`, or `<namespace>/<name>` when they have a namespace, so a
 * namespaced kind can be watched across all namespaces (`/apis/<group>/<version>/<resource>`).
 */
import { Watch } from '@kubernetes/client-node/dist/watch.js';
import type { KubeHttp } from './kube.ts';

/** Options of {@link Reflector}. */
export interface ReflectorOptions<T> {
  /** Requests go through this client (list) and its kubeconfig (watch). */
  http: KubeHttp;
  /** The collection path, e.g. `/apis/apiextensions.k8s.io/v1/customresourcedefinitions`. */
  path: string;
  /** What to keep of each object (keep it small: CRDs can be megabytes). */
  transform: (object: Record<string, unknown>) => T;
  /**
   * Called for each object added, changed or removed (`previous` / `current` undefined then), after
   * each list and for each watch event. `name` is the object's key (`<namespace>/<name>` for
   * namespaced objects). Exceptions are caught and ignored.
   */
  onChange: (name: string, previous: T | undefined, current: T | undefined) => void;
  /** Deadline of one list page request, ms; default 10000. */
  requestTimeoutMs?: number;
  /** Server-side end of each watch, seconds; default 20 (below client-node's 30 s inactivity limit). */
  watchTimeoutSeconds?: number;
  /** Objects per list page; default 100. */
  pageSize?: number;
  /**
   * Re-list when a watch has shown no activity (no event, no new watch) for this long, ms; default
   * `(watchTimeoutSeconds + 30) * 1000`. Checked every `min(5000, livenessMs / 2)` ms.
   */
  livenessMs?: number;
}

interface Stored<T> {
  resourceVersion: string;
  value: T;
}

const INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;
const MAX_WATCHDOG_INTERVAL_MS = 5_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The store key (`name`, or `namespace/name`) and resourceVersion of an object. */
function metaOf(o: Record<string, unknown>): { name: string; resourceVersion: string } | undefined {
  const meta = o.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string') return undefined;
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  return {
    name: namespace === undefined ? meta.name : `${namespace}/${meta.name}`,
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '',
  };
}

/** A list+watch loop keeping `transform`ed objects by key. Start it with {@link start}. */
export class Reflector<T> {
  readonly #options: ReflectorOptions<T>;
  readonly #watch: Watch;
  readonly #store = new Map<string, Stored<T>>();
  readonly #timeoutSeconds: number;
  readonly #livenessMs: number;
  #resourceVersion = '';
  /** Incremented whenever the current list/watch is abandoned; callbacks of older ones are ignored. */
  #generation = 0;
  #state: 'idle' | 'listing' | 'watching' | 'waiting' | 'stopped' = 'idle';
  #controller: AbortController | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #lastActivity = 0;
  #failures = 0;
  #lastError: string | undefined;
  #lists = 0;
  #absent = false;
  #resolveSynced: () => void = () => undefined;
  /** Resolves after the first list attempt, successful or not. */
  readonly synced: Promise<void>;

  constructor(options: ReflectorOptions<T>) {
    this.#options = options;
    this.#watch = new Watch(options.http.kubeConfig);
    this.#timeoutSeconds = options.watchTimeoutSeconds ?? 20;
    this.#livenessMs = options.livenessMs ?? (this.#timeoutSeconds + 30) * 1000;
    this.synced = new Promise((resolve) => (this.#resolveSynced = resolve));
  }

  /** The last list or watch failure since the last successful list, for messages. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  /**
   * True while the collection does not exist: the last list answered `404 Not Found` (the kind's CRD
   * is not installed). The store is then empty and the list is retried with the usual backoff.
   */
  get absent(): boolean {
    return this.#absent;
  }

  /** Number of lists done (successful or not): 1 after the initial list, more after failures. */
  get lists(): number {
    return this.#lists;
  }

  /** The current objects by key (`name`, or `namespace/name`). */
  values(): Map<string, T> {
    return new Map([...this.#store].map(([k, v]) => [k, v.value]));
  }

  /** Lists and starts watching. Idempotent. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#watchdog = setInterval(
      () => this.#checkLiveness(),
      Math.min(MAX_WATCHDOG_INTERVAL_MS, this.#livenessMs / 2),
    );
    this.#watchdog.unref();
    void this.#relist();
  }

  /** Lists again now when waiting for a retry (e.g. the kind's CRD was just created). */
  kick(): void {
    if (this.#state !== 'waiting') return;
    this.#failures = 0;
    void this.#relist();
  }

  /** Stops watching and cancels retries. Idempotent. */
  stop(): void {
    this.#state = 'stopped';
    this.#generation++;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#watchdog);
    this.#controller?.abort();
    this.#controller = undefined;
    this.#resolveSynced();
  }

  #checkLiveness(): void {
    if (this.#state !== 'watching') return;
    const silentMs = performance.now() - this.#lastActivity;
    if (silentMs > this.#livenessMs) {
      this.#fail(`watch of ${this.#options.path} silent for ${Math.round(silentMs / 1000)} s`);
    }
  }

  /** Abandons the current list/watch and lists again after the backoff. */
  #fail(message: string): void {
    if (this.#state === 'stopped') return;
    this.#lastError = message;
    this.#generation++;
    this.#controller?.abort();
    this.#controller = undefined;
    this.#state = 'waiting';
    const delay = Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** this.#failures);
    this.#failures++;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => void this.#relist(), delay);
    this.#retryTimer.unref();
  }

  async #list(generation: number): Promise<Map<string, Stored<T>> | undefined> {
    const items = new Map<string, Stored<T>>();
    const limit = this.#options.pageSize ?? 100;
    let next = '';
    for (;;) {
      const query = `?limit=${limit}${next === '' ? '' : `&continue=${encodeURIComponent(next)}`}`;
      const page = await this.#options.http.getJson(`${this.#options.path}${query}`, {
        timeoutMs: this.#options.requestTimeoutMs ?? 10_000,
      });
      if (generation !== this.#generation) return undefined;
      if (!isObject(page) || !Array.isArray(page.items))
        throw new Error(`GET ${this.#options.path}: not a list`);
      for (const item of page.items as unknown[]) {
        if (!isObject(item)) continue;
        const meta = metaOf(item);
        if (meta !== undefined)
          items.set(meta.name, {
            resourceVersion: meta.resourceVersion,
            value: this.#options.transform(item),
          });
      }
      const listMeta = isObject(page.metadata) ? page.metadata : {};
      if (typeof listMeta.resourceVersion === 'string') this.#resourceVersion = listMeta.resourceVersion;
      next = typeof listMeta.continue === 'string' ? listMeta.continue : '';
      if (next === '') return items;
    }
  }

  async #relist(): Promise<void> {
    if (this.#state === 'stopped') return;
    const generation = ++this.#generation;
    this.#state = 'listing';
    this.#lastActivity = performance.now();
    let items: Map<string, Stored<T>> | undefined;
    try {
      items = await this.#list(generation);
    } catch (e) {
      if (generation !== this.#generation) return;
      this.#lists++;
      // A list that fails (the kind does not exist yet, no permission, no network) leaves the store
      // empty rather than stale only when the collection is gone (404); other failures keep it.
      this.#absent = (e as { status?: number }).status === 404;
      if (this.#absent) this.#replace(new Map());
      this.#fail(e instanceof Error ? e.message : String(e));
      this.#resolveSynced();
      return;
    }
    if (items === undefined || generation !== this.#generation) return;
    this.#lists++;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#absent = false;
    this.#replace(items);
    this.#resolveSynced();
    void this.#startWatch(generation);
  }

  /** Replaces the store with `items`, reporting every difference. */
  #replace(items: Map<string, Stored<T>>): void {
    for (const [name, old] of this.#store) {
      if (!items.has(name)) {
        this.#store.delete(name);
        this.#notify(name, old.value, undefined);
      }
    }
    for (const [name, item] of items) {
      const old = this.#store.get(name);
      if (old !== undefined && old.resourceVersion === item.resourceVersion) continue;
      this.#store.set(name, item);
      this.#notify(name, old?.value, item.value);
    }
  }

  #notify(name: string, previous: T | undefined, current: T | undefined): void {
    try {
      this.#options.onChange(name, previous, current);
    } catch {
      // A consumer's failure must not stop the informer.
    }
  }

  #onEvent(phase: string, object: unknown): void {
    this.#lastActivity = performance.now();
    if (!isObject(object)) return;
    if (phase === 'ERROR') {
      // e.g. 410 Gone: the resourceVersion is too old; list again.
      const message = typeof object.message === 'string' ? object.message : JSON.stringify(object);
      this.#fail(`watch of ${this.#options.path}: ${message}`);
      return;
    }
    const meta = metaOf(object);
    if (meta === undefined) return;
    if (meta.resourceVersion !== '') this.#resourceVersion = meta.resourceVersion;
    if (phase === 'BOOKMARK') return;
    const old = this.#store.get(meta.name);
    if (phase === 'DELETED') {
      if (old === undefined) return;
      this.#store.delete(meta.name);
      this.#notify(meta.name, old.value, undefined);
    } else if (phase === 'ADDED' || phase === 'MODIFIED') {
      const value = this.#options.transform(object);
      this.#store.set(meta.name, { resourceVersion: meta.resourceVersion, value });
      this.#notify(meta.name, old?.value, value);
    }
  }

  async #startWatch(generation: number): Promise<void> {
    if (generation !== this.#generation) return;
    this.#state = 'watching';
    this.#lastActivity = performance.now();
    const query = {
      resourceVersion: this.#resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: this.#timeoutSeconds,
    };
    const done = (err: unknown): void => {
      if (generation !== this.#generation) return;
      if (err === null || err === undefined) {
        void this.#startWatch(generation); // the server ended it (timeoutSeconds): go on from here
      } else {
        this.#fail(`watch of ${this.#options.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    try {
      const controller = await this.#watch.watch(
        this.#options.path,
        query,
        (phase: string, object: unknown) => {
          if (generation === this.#generation) this.#onEvent(phase, object);
        },
        done,
      );
      if (generation !== this.#generation) controller.abort();
      else this.#controller = controller;
    } catch (e) {
      if (generation === this.#generation)
        this.#fail(`watch of ${this.#options.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
