/**
 * kro-guard's own configuration objects in the cluster, `kro-guard.io/v1alpha1` CompliancePolicies
 * (cluster-scoped) and ComplianceExceptions (namespaced, watched across all namespaces), kept
 * current by two informers (`Reflector`). The objects are stored raw: parsing and validating them
 * is `src/policy/config/`'s job. `version` changes with every change, so a caller can keep the
 * compiled policy set until it moves.
 *
 * The CRDs may be missing (kro-guard installed without them, or before them): a list answering 404
 * leaves that kind empty, is not an error, and is retried with the informer's backoff (250 ms
 * doubling to 30 s), so policies created after the CRD appears are seen within about 30 s.
 *
 * Edge module: network I/O through the informers.
 */
import { openConnection, type ClusterConnectionOptions } from './connection.ts';
import { Reflector } from './reflector.ts';
import { toStoredObject, type StoredObject } from './stored-object.ts';

/** kro-guard's API group and version. */
export const POLICY_GROUP = 'kro-guard.io';
export const POLICY_VERSION = 'v1alpha1';
/** The collections the store watches (exceptions: all namespaces). */
export const COMPLIANCE_POLICIES_PATH = `/apis/${POLICY_GROUP}/${POLICY_VERSION}/compliancepolicies`;
export const COMPLIANCE_EXCEPTIONS_PATH = `/apis/${POLICY_GROUP}/${POLICY_VERSION}/complianceexceptions`;

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

/** Options of {@link policyStore}. */
export interface PolicyStoreOptions extends ClusterConnectionOptions {
  /** Deadline of one list page request, ms; default 10000. */
  requestTimeoutMs?: number;
  /** Server-side end of each watch, seconds; default 20 (see `Reflector`). */
  watchTimeoutSeconds?: number;
}

/** A failure of one of the informers (a missing CRD is not one). */
export interface PolicyStoreError {
  /** `compliancepolicies` or `complianceexceptions`. */
  resource: string;
  message: string;
}

/** The policies and exceptions of the cluster. Close it to stop the informers. */
export interface PolicyStore {
  /** Every CompliancePolicy, sorted by name; `[]` when the CRD is not installed. */
  policies(): StoredObject[];
  /** Every ComplianceException, sorted by namespace then name; `[]` when the CRD is not installed. */
  exceptions(): StoredObject[];
  /** Incremented on every change of either list. */
  readonly version: number;
  /**
   * Whether each kind is served: false before its first list and while its last list answered 404
   * (the CRD is not installed).
   */
  readonly installed: { policies: boolean; exceptions: boolean };
  /** Resolves after both informers' first list attempt, successful or not. */
  readonly synced: Promise<void>;
  /** Current informer failures other than a missing CRD (network, authorisation, server errors). */
  errors(): PolicyStoreError[];
  /** Calls `listener` after every change (exceptions ignored). Returns the function that removes it. */
  onChange(listener: () => void): () => void;
  /** Stops the informers (and closes the connection when the store opened it). Idempotent. */
  close(): void;
}

/**
 * Starts a policy store for the cluster of `options`. Needs RBAC `list` and `watch` on
 * `compliancepolicies.kro-guard.io` and `complianceexceptions.kro-guard.io`.
 *
 * @throws KubeConfigError when a kubeconfig must be loaded and cannot be.
 */
export function policyStore(options: PolicyStoreOptions = {}): PolicyStore {
  const { http, owned } = openConnection(options);
  const listeners = new Set<() => void>();
  let version = 0;
  let closed = false;

  const informer = (path: string) => {
    const objects = new Map<string, StoredObject>();
    const reflector = new Reflector<StoredObject>({
      http,
      path,
      transform: toStoredObject,
      onChange: (key, _previous, current) => {
        if (current === undefined) objects.delete(key);
        else objects.set(key, current);
        version++;
        for (const listener of listeners) {
          try {
            listener();
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
    // Keys are `name` (policies) or `namespace/name` (exceptions; neither part contains `/`).
    const sorted = (): StoredObject[] =>
      [...objects.entries()]
        .map(([key, o]) => [key.split('/'), o] as const)
        .sort(([a], [b]) => compareKeys(a, b))
        .map(([, o]) => o);
    return { reflector, sorted };
  };
  const policies = informer(COMPLIANCE_POLICIES_PATH);
  const exceptions = informer(COMPLIANCE_EXCEPTIONS_PATH);
  const synced = Promise.all([policies.reflector.synced, exceptions.reflector.synced]).then(() => undefined);
  const installed = (r: Reflector<StoredObject>): boolean => r.lists > 0 && !r.absent;

  return {
    policies: policies.sorted,
    exceptions: exceptions.sorted,
    get version() {
      return version;
    },
    get installed() {
      return { policies: installed(policies.reflector), exceptions: installed(exceptions.reflector) };
    },
    synced,
    errors() {
      const out: PolicyStoreError[] = [];
      for (const [resource, { reflector }] of [
        ['compliancepolicies', policies],
        ['complianceexceptions', exceptions],
      ] as const) {
        if (reflector.lastError !== undefined && !reflector.absent)
          out.push({ resource, message: reflector.lastError });
      }
      return out;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      policies.reflector.stop();
      exceptions.reflector.stop();
      listeners.clear();
      if (owned) http.close();
    },
  };
}
