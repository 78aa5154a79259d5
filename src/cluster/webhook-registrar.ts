/**
 * Keeps the `rules` of kro-guard's instance webhooks equal to the kinds the cluster's RGDs generate
 * (kro-contract §6.1, §7), so that instances of a new RGD are checked from the moment kro serves
 * their kind, without sending every write of the cluster to kro-guard (manifests/README.md explains
 * the choice against matching `*` with matchConditions).
 *
 * How: the desired rules come from the RGD store (`instanceWebhookRules` over its generated kinds),
 * less the kinds whose CRD exists and is not kro's (`instanceKinds`; a CRD informer tells them apart).
 * A sync GETs each webhook configuration and, when the named webhook's rules differ, sends a JSON
 * Patch that tests the webhook's index and sets its `rules` (`webhookRulesPatch`): no other webhook
 * and no other field (`clientConfig.caBundle`, failure policy, selectors) is ever written. A patch
 * the API server refuses because the webhooks were reordered meanwhile (422) or that conflicts (409)
 * is retried from a new GET, twice.
 *
 * When: after RGD changes (coalesced over `debounceMs`), every `resyncMs` (which also undoes drift:
 * a configuration deleted and re-applied by the emergency procedure gets its rules back), and after
 * a failure with a backoff (1 s doubling up to `resyncMs`). Nothing is written while the RGD store
 * does not reflect the cluster (`ready` false), nor before the CRD informer has listed: stale rules
 * are better than rules computed from a partial list. Several kro-guard replicas compute the same rules from the same RGDs and converge.
 *
 * Dry-run: these writes happen outside admission, so the webhooks keep `sideEffects: NoneOnDryRun`.
 * RBAC: `get` and `patch` on the two configurations, by name; `list` and `watch` on
 * `customresourcedefinitions.apiextensions.k8s.io`.
 *
 * Edge module: network I/O.
 */
import { openConnection, type ClusterConnectionOptions } from './connection.ts';
import { KRO_OWNED_LABEL, instanceKinds } from './generated-kinds.ts';
import { Reflector } from './reflector.ts';
import type { RgdStore } from './rgd-store.ts';
import { instanceWebhookRules, webhookRulesPatch, type WebhookRule } from './webhook-rules.ts';

/** The log methods the registrar uses (a pino logger fits). */
export interface RegistrarLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** The names of the two instance webhooks, as in manifests/webhooks.yaml. */
export interface InstanceWebhookNames {
  /** In the ValidatingWebhookConfiguration; default `validate.instances.kro-guard.io`. */
  instancesValidate: string;
  /** In the MutatingWebhookConfiguration; default `mutate.instances.kro-guard.io`. */
  instancesMutate: string;
}

/** The defaults of {@link WebhookRegistrarOptions}. */
export const DEFAULT_CONFIGURATION_NAME = 'kro-guard';
export const DEFAULT_INSTANCE_WEBHOOK_NAMES: InstanceWebhookNames = {
  instancesValidate: 'validate.instances.kro-guard.io',
  instancesMutate: 'mutate.instances.kro-guard.io',
};

/** Options of {@link startWebhookRegistrar}. */
export interface WebhookRegistrarOptions {
  /** The cluster (a shared client is not closed by the registrar). */
  connection: ClusterConnectionOptions;
  /** Where the RGDs come from. */
  rgds: Pick<RgdStore, 'index' | 'ready' | 'lastError' | 'onChange' | 'synced'>;
  /** `metadata.name` of both webhook configurations; default `kro-guard`. */
  configurationName?: string;
  /** The webhooks whose rules are managed; default {@link DEFAULT_INSTANCE_WEBHOOK_NAMES}. */
  webhookNames?: InstanceWebhookNames;
  /** Rule changes at info, failures at warn (each distinct failure once); default: silent. */
  logger?: RegistrarLogger;
  /** Delay between the first RGD change and the sync covering it, ms; default 250. */
  debounceMs?: number;
  /** Period of the drift check, ms; default 30000. */
  resyncMs?: number;
  /** Deadline of one GET or PATCH, ms; default 10000. */
  requestTimeoutMs?: number;
  /** Server-side end of each watch of the CRD informer, seconds; default 20 (see `Reflector`). */
  watchTimeoutSeconds?: number;
}

/** A running registrar. */
export interface WebhookRegistrar {
  /** Why the last sync did not complete (undefined after a complete one). */
  readonly lastError: string | undefined;
  /** When a sync last completed: both configurations checked and, where needed, patched. */
  readonly lastSync: Date | undefined;
  /** Patches sent so far. */
  readonly writes: number;
  /** The rules of the last sync that got as far as computing them (`[]` before). */
  desiredRules(): WebhookRule[];
  /** Runs a sync now (after one already running); resolves when it is done. Never rejects. */
  sync(): Promise<void>;
  /** Stops timers and listeners, waits for a running sync, closes an owned connection. Idempotent. */
  close(): Promise<void>;
}

const ADMISSION_API = '/apis/admissionregistration.k8s.io/v1';
const ATTEMPTS = 3;
const SILENT: RegistrarLogger = { info: () => undefined, warn: () => undefined };

/**
 * Starts the registrar: a first sync once the RGD store has listed, then as described in the module
 * comment.
 *
 * @throws KubeConfigError when a kubeconfig must be loaded and cannot be.
 */
export function startWebhookRegistrar(options: WebhookRegistrarOptions): WebhookRegistrar {
  const { http, owned } = openConnection(options.connection);
  const rgds = options.rgds;
  const configurationName = options.configurationName ?? DEFAULT_CONFIGURATION_NAME;
  const names = options.webhookNames ?? DEFAULT_INSTANCE_WEBHOOK_NAMES;
  const logger = options.logger ?? SILENT;
  const debounceMs = options.debounceMs ?? 250;
  const resyncMs = options.resyncMs ?? 30_000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const targets = [
    { resource: 'validatingwebhookconfigurations', webhook: names.instancesValidate },
    { resource: 'mutatingwebhookconfigurations', webhook: names.instancesMutate },
  ] as const;

  let closed = false;
  let lastError: string | undefined;
  let lastSync: Date | undefined;
  let writes = 0;
  let failures = 0;
  let desired: WebhookRule[] = [];
  let debounceTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  /** `name: reason` of RGDs already reported as generating no usable kind. */
  let reported = new Set<string>();

  // CRD name → kro owns it. Only the label is kept (CRDs can be megabytes).
  const crds = new Reflector<boolean>({
    http,
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    transform: (o) => {
      const labels = (o.metadata as { labels?: Record<string, unknown> } | undefined)?.labels;
      return labels?.[KRO_OWNED_LABEL] === 'true';
    },
    onChange: (_name, previous, current) => {
      // Only a CRD whose ownership matters can change the rules: one that appears, goes, or changes hands.
      if (previous !== current) schedule();
    },
    requestTimeoutMs: timeoutMs,
    ...(options.watchTimeoutSeconds === undefined
      ? {}
      : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
  });

  const reportUnusable = (foreign: readonly { rgd: string; crd: string }[]): void => {
    const index = rgds.index();
    const now = new Set<string>();
    for (const s of index.skipped) {
      const key = `${s.name}: ${s.reason}`;
      now.add(key);
      if (!reported.has(key))
        logger.warn({ rgd: s.name, reason: s.reason }, 'RGD generates no kind to register');
    }
    for (const s of index.shadowed) {
      const key = `${s.name}: ${s.kind.group}/${s.kind.version} ${s.kind.kind} owned by ${s.ownedBy}`;
      now.add(key);
      if (!reported.has(key))
        logger.warn(
          {
            rgd: s.name,
            group: s.kind.group,
            version: s.kind.version,
            kind: s.kind.kind,
            ownedBy: s.ownedBy,
          },
          'RGD generates a kind an older RGD already generates; its instances are checked against the older one',
        );
    }
    for (const f of foreign) {
      const key = `${f.rgd}: foreign ${f.crd}`;
      now.add(key);
      if (!reported.has(key))
        logger.warn(
          { rgd: f.rgd, crd: f.crd },
          "RGD generates the kind of a CRD that is not kro's; not registered",
        );
    }
    reported = now;
  };

  /** Brings one configuration's webhook to `rules`. @throws Error with the reason it could not. */
  const reconcile = async (resource: string, webhook: string, rules: WebhookRule[]): Promise<void> => {
    const path = `${ADMISSION_API}/${resource}/${encodeURIComponent(configurationName)}`;
    let lastFailure = '';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const configuration = await http.getJson(path, { timeoutMs });
      const result = webhookRulesPatch(configuration, webhook, rules);
      if (result.state === 'unchanged') return;
      if (result.state === 'missing') throw new Error(`${resource}/${configurationName}: ${result.reason}`);
      try {
        await http.request('PATCH', path, {
          timeoutMs,
          body: JSON.stringify(result.patch),
          contentType: 'application/json-patch+json',
        });
      } catch (e) {
        const status = (e as { status?: number }).status;
        lastFailure = e instanceof Error ? e.message : String(e);
        if (status === 409 || status === 422) continue; // changed meanwhile: read again
        throw e;
      }
      writes++;
      logger.info(
        {
          configuration: `${resource}/${configurationName}`,
          webhook,
          added: result.change.added,
          removed: result.change.removed,
          rules: rules.length,
        },
        'instance webhook rules updated',
      );
      return;
    }
    throw new Error(
      `${resource}/${configurationName}: not updated after ${ATTEMPTS} attempts: ${lastFailure}`,
    );
  };

  const scheduleRetry = (): void => {
    if (closed) return;
    clearTimeout(retryTimer);
    const delay = Math.min(resyncMs, 1000 * 2 ** failures);
    failures++;
    retryTimer = setTimeout(() => void sync(), delay);
    retryTimer.unref();
  };

  const fail = (message: string): void => {
    if (message !== lastError) logger.warn({ error: message }, 'instance webhook rules not synced');
    lastError = message;
    scheduleRetry();
  };

  const once = async (): Promise<void> => {
    if (closed) return;
    if (!rgds.ready) {
      fail(`the RGD list is not current: ${rgds.lastError ?? 'first list pending'}`);
      return;
    }
    if (crds.lists === 0 || crds.lastError !== undefined) {
      fail(`the CRD list is not current: ${crds.lastError ?? 'first list pending'}`);
      return;
    }
    const owned = crds.values();
    const { kinds, foreign } = instanceKinds(rgds.index().byGvk.values(), (name) => owned.get(name));
    reportUnusable(foreign);
    const rules = instanceWebhookRules(kinds);
    desired = rules;
    const errors: string[] = [];
    for (const { resource, webhook } of targets) {
      try {
        await reconcile(resource, webhook, rules);
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
      if (closed) return;
    }
    if (errors.length > 0) {
      fail(errors.join('; '));
      return;
    }
    if (lastError !== undefined) logger.info({}, 'instance webhook rules synced again');
    lastError = undefined;
    lastSync = new Date();
    failures = 0;
    clearTimeout(retryTimer);
  };

  /** A sync `debounceMs` after the first of a burst of changes. */
  function schedule(): void {
    if (closed || debounceTimer !== undefined) return;
    debounceTimer = setTimeout(() => {
      debounceTimer = undefined;
      void sync();
    }, debounceMs);
    debounceTimer.unref();
  }

  const sync = (): Promise<void> => {
    if (closed) return chain;
    // A sync that has not started yet will see the latest RGDs: share it.
    if (queued !== undefined) return queued;
    const next = chain
      .then(async () => {
        queued = undefined;
        await once();
      })
      .catch(() => undefined);
    queued = next;
    chain = next;
    return next;
  };

  const unsubscribe = rgds.onChange(schedule);
  const resyncTimer = setInterval(() => void sync(), resyncMs);
  resyncTimer.unref();
  crds.start();
  void Promise.all([rgds.synced, crds.synced]).then(() => sync());

  return {
    get lastError() {
      return lastError;
    },
    get lastSync() {
      return lastSync;
    },
    get writes() {
      return writes;
    },
    desiredRules: () => structuredClone(desired),
    sync,
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      crds.stop();
      clearTimeout(debounceTimer);
      clearTimeout(retryTimer);
      clearInterval(resyncTimer);
      await chain;
      if (owned) http.close();
    },
  };
}
