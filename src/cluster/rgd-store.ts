/**
 * The ResourceGraphDefinitions in the cluster, whole, kept current by an informer (`Reflector` on
 * `kro.run/v1alpha1 resourcegraphdefinitions`), and indexed by the kind each generates
 * (`generated-kinds.ts`): the admission of an instance finds its RGD here without calling the API
 * server, and the webhook registrar derives the instance webhooks' rules from it.
 *
 * Every stored RGD counts, whatever its `status.state`: instances of an RGD kro rejected are still
 * checked against it (see `generated-kinds.ts`). When two RGDs generate the same kind, the oldest
 * owns it (`compareRgdAge`), as kro gives the CRD to the first.
 *
 * Edge module: network I/O through the informer.
 */
import type { GroupVersionKind } from '../schemas/prune.ts';
import { openConnection, type ClusterConnectionOptions } from './connection.ts';
import {
  gvkKey,
  indexGeneratedKinds,
  type GeneratedKind,
  type GeneratedKindIndex,
} from './generated-kinds.ts';
import { Reflector } from './reflector.ts';
import { toStoredObject, type StoredObject } from './stored-object.ts';

/** The collection the store watches. */
export const RGD_COLLECTION_PATH = '/apis/kro.run/v1alpha1/resourcegraphdefinitions';

/** Options of {@link rgdStore}. */
export interface RgdStoreOptions extends ClusterConnectionOptions {
  /** Deadline of one list page request, ms; default 10000. */
  requestTimeoutMs?: number;
  /** Server-side end of each watch, seconds; default 20 (see `Reflector`). */
  watchTimeoutSeconds?: number;
}

/** The RGD that owns a generated kind, with its identity. */
export interface RgdOfKind {
  /** The whole RGD as stored (without `metadata.managedFields`), frozen. */
  rgd: StoredObject;
  name: string;
  uid: string;
  generation: number;
  resourceVersion: string;
  /** The generated kind with its plural resource and scope. */
  kind: GeneratedKind;
}

/** One RGD added (`previous` undefined), changed, or removed (`current` undefined). */
export interface RgdChange {
  name: string;
  previous: StoredObject | undefined;
  current: StoredObject | undefined;
}

/** The RGDs of the cluster. Close it to stop the informer. */
export interface RgdStore {
  /**
   * The RGD generating `gvk` (group `kro.run` when the RGD sets none), or undefined. When several
   * RGDs generate it, the oldest (creationTimestamp, then name).
   */
  byGeneratedKind(gvk: GroupVersionKind): RgdOfKind | undefined;
  /** Every stored RGD, sorted by name. */
  all(): StoredObject[];
  /** The stored RGD of that name. */
  get(name: string): StoredObject | undefined;
  /** The generated kinds with their owners, and the RGDs that own none (shadowed or skipped). */
  index(): GeneratedKindIndex<StoredObject>;
  /** Resolves after the first list attempt, successful or not. */
  readonly synced: Promise<void>;
  /**
   * True when the store reflects the cluster: the last list succeeded, or answered 404 because the
   * RGD CRD is not installed (no RGDs), and no watch failure is pending a re-list.
   */
  readonly ready: boolean;
  /** The informer's last failure since its last successful list (404 included). */
  readonly lastError: string | undefined;
  /** Incremented on every change; cache derived data on it. */
  readonly version: number;
  /**
   * Calls `listener` for every RGD added, changed or removed (after each list and for each watch
   * event). Exceptions are caught and ignored. Returns the function that removes the listener.
   */
  onChange(listener: (change: RgdChange) => void): () => void;
  /** Stops the informer (and closes the connection when the store opened it). Idempotent. */
  close(): void;
}

/**
 * Starts an RGD store for the cluster of `options`. Needs RBAC `list` and `watch` on
 * `resourcegraphdefinitions.kro.run`. When kro is not installed the list answers 404: the store is
 * empty and `ready`, and lists again with the informer's backoff (up to 30 s) until the CRD exists.
 *
 * @throws KubeConfigError when a kubeconfig must be loaded and cannot be.
 */
export function rgdStore(options: RgdStoreOptions = {}): RgdStore {
  const { http, owned } = openConnection(options);
  const objects = new Map<string, StoredObject>();
  const listeners = new Set<(change: RgdChange) => void>();
  let version = 0;
  let indexed: { version: number; index: GeneratedKindIndex<StoredObject> } | undefined;
  let closed = false;

  const reflector = new Reflector<StoredObject>({
    http,
    path: RGD_COLLECTION_PATH,
    transform: toStoredObject,
    onChange: (name, previous, current) => {
      if (current === undefined) objects.delete(name);
      else objects.set(name, current);
      version++;
      for (const listener of listeners) {
        try {
          listener({ name, previous, current });
        } catch {
          // A listener's failure must not stop the others or the informer.
        }
      }
    },
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.watchTimeoutSeconds === undefined
      ? {}
      : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
  });
  reflector.start();

  const index = (): GeneratedKindIndex<StoredObject> => {
    if (indexed?.version !== version) indexed = { version, index: indexGeneratedKinds(objects.values()) };
    return indexed.index;
  };

  return {
    byGeneratedKind(gvk) {
      const entry = index().byGvk.get(gvkKey(gvk));
      if (entry === undefined) return undefined;
      const { name, uid, generation, resourceVersion } = entry.identity;
      return { rgd: entry.rgd, name, uid, generation, resourceVersion, kind: entry.kind };
    },
    all: () => [...objects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o),
    get: (name) => objects.get(name),
    index,
    synced: reflector.synced,
    get ready() {
      return reflector.lists > 0 && (reflector.lastError === undefined || reflector.absent);
    },
    get lastError() {
      return reflector.lastError;
    },
    get version() {
      return version;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      reflector.stop();
      listeners.clear();
      if (owned) http.close();
    },
  };
}
