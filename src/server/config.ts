/**
 * The webhook server's configuration, and how it is read from command-line flags and environment
 * variables (flags win over the environment, which wins over the defaults).
 */
import type { Logger } from 'pino';
import { FAILURE_POLICIES, type FailurePolicy } from '../admission/failure.ts';
import type { ReviewHandlers } from './handlers.ts';

/** Configuration of {@link startServer}. Durations are milliseconds, sizes bytes. */
export interface ServerConfig {
  /** Address to listen on (`0.0.0.0`, `::`, `127.0.0.1`). */
  host: string;
  /** TCP port; 0 picks a free port (see `RunningServer.port`). */
  port: number;
  /** PEM serving certificate (chain) file; reloaded when it changes. */
  tlsCertPath: string;
  /** PEM private key file of the serving certificate. */
  tlsKeyPath: string;
  /**
   * What `/validate` answers when kro-guard fails or misses its deadline: deny (`Fail`) or allow
   * (`Ignore`). `/mutate` always allows on failure: it never denies.
   */
  failurePolicy: FailurePolicy;
  /** Deadline of one review, counted from the request's arrival; below the webhook's timeoutSeconds. */
  reviewTimeoutMs: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Logger to use instead of a new pino logger at `logLevel` (redaction is added either way). */
  logger?: Logger;
  /** Worker threads that run RGD checks; default 2-4 by CPU count. */
  workers?: number;
  /**
   * Where the review workers get the schemas of the templates' kinds (kro-contract §4.3): `cluster`
   * (the live API server: in-cluster service account, or `kubeconfigPath`; authoritative, as kro) or
   * `embedded` (Kubernetes v1.35.4's built-in kinds, plus `crdPaths`). Default: `cluster` in a pod
   * (`KUBERNETES_SERVICE_HOST` set) or when a kubeconfig is given, else `embedded`.
   */
  schemaSource?: SchemaSourceKind;
  /** Kubeconfig file for `schemaSource: cluster`; absent means the pod's service account. */
  kubeconfigPath?: string;
  /** CRD files or directories whose kinds the workers also know (`crdFileSource`). */
  crdPaths?: string[];
  /**
   * Files of CompliancePolicy and ComplianceException documents, for `embedded` schemas (with
   * `cluster` they are read from the cluster). Without any policy the built-in default applies.
   */
  policyPaths?: string[];
  /**
   * Files of ResourceGraphDefinitions whose instances kro-guard checks, for `embedded` schemas (with
   * `cluster` the RGDs are read from the cluster): local development and benchmarks.
   */
  rgdPaths?: string[];
  /**
   * Keep the instance webhooks' rules current with the kinds RGDs generate (the registrar,
   * `src/cluster/webhook-registrar.ts`). Default: on with `cluster` schemas, off otherwise.
   */
  registrar?: boolean;
  /** Reload the certificate when its files change (default true). */
  watchCertificates?: boolean;
  /**
   * TEST-ONLY: replace the review handlers (to exercise failurePolicy with a handler that throws or
   * never finishes). Production code never sets this.
   */
  reviewHandlers?: Partial<ReviewHandlers>;
}

/** The schema sources the server can use (see {@link ServerConfig.schemaSource}). */
export const SCHEMA_SOURCES = ['cluster', 'embedded'] as const;
/** One of {@link SCHEMA_SOURCES}. */
export type SchemaSourceKind = (typeof SCHEMA_SOURCES)[number];

/** Default values of {@link ServerConfig}. */
export const SERVER_DEFAULTS = {
  host: '0.0.0.0',
  port: 8443,
  tlsCertPath: 'certs/tls.crt',
  tlsKeyPath: 'certs/tls.key',
  failurePolicy: 'Fail',
  /** 4 s: below the 5 s timeoutSeconds of kro-guard's webhook configurations. */
  reviewTimeoutMs: 4000,
  /** 32 MiB: a 3 MB object plus its oldObject, JSON-escaped, fits comfortably. */
  bodyLimitBytes: 32 * 1024 * 1024,
  logLevel: 'info',
} as const satisfies Omit<ServerConfig, 'logger'>;

/** The log levels pino accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Command-line values (strings as commander gives them, or numbers). Absent means "not given". */
export interface ServerFlags {
  host?: string;
  port?: string | number;
  tlsCert?: string;
  tlsKey?: string;
  failurePolicy?: string;
  reviewTimeoutMs?: string | number;
  bodyLimitBytes?: string | number;
  logLevel?: string;
  workers?: string | number;
  schemas?: string;
  kubeconfig?: string;
  /** Comma-separated CRD paths. */
  crds?: string;
  /** Comma-separated policy file paths. */
  policies?: string;
  /** Comma-separated RGD file paths. */
  rgds?: string;
  /** `on` or `off`. */
  registrar?: string;
}

/** Environment variable read for each flag. */
export const SERVER_ENV = {
  host: 'KRO_GUARD_HOST',
  port: 'KRO_GUARD_PORT',
  tlsCert: 'KRO_GUARD_TLS_CERT',
  tlsKey: 'KRO_GUARD_TLS_KEY',
  failurePolicy: 'KRO_GUARD_FAILURE_POLICY',
  reviewTimeoutMs: 'KRO_GUARD_REVIEW_TIMEOUT_MS',
  bodyLimitBytes: 'KRO_GUARD_BODY_LIMIT_BYTES',
  logLevel: 'KRO_GUARD_LOG_LEVEL',
  workers: 'KRO_GUARD_WORKERS',
  schemas: 'KRO_GUARD_SCHEMAS',
  kubeconfig: 'KRO_GUARD_KUBECONFIG',
  crds: 'KRO_GUARD_CRDS',
  policies: 'KRO_GUARD_POLICIES',
  rgds: 'KRO_GUARD_RGDS',
  registrar: 'KRO_GUARD_REGISTRAR',
} as const satisfies Record<keyof ServerFlags, string>;

const FLAG_NAMES: Record<keyof ServerFlags, string> = {
  host: '--host',
  port: '--port',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
  failurePolicy: '--failure-policy',
  reviewTimeoutMs: '--review-timeout-ms',
  bodyLimitBytes: '--body-limit-bytes',
  logLevel: '--log-level',
  workers: '--workers',
  schemas: '--schemas',
  kubeconfig: '--kubeconfig',
  crds: '--crds',
  policies: '--policies',
  rgds: '--rgds',
  registrar: '--registrar',
};

/** A configuration value that is missing or invalid; the message names the flag or variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The raw value of one setting and where it came from, or undefined when given nowhere. */
function pick(
  key: keyof ServerFlags,
  flags: ServerFlags,
  env: Env,
): { value: string; source: string } | undefined {
  const flag = flags[key];
  if (flag !== undefined) return { value: String(flag), source: FLAG_NAMES[key] };
  const fromEnv = env[SERVER_ENV[key]];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: SERVER_ENV[key] };
  return undefined;
}

function integer(
  key: keyof ServerFlags,
  flags: ServerFlags,
  env: Env,
  min: number,
  max: number,
): number | undefined {
  const raw = pick(key, flags, env);
  if (raw === undefined) return undefined;
  const text = raw.value.trim();
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(
      `invalid ${raw.source} ${JSON.stringify(raw.value)}: must be an integer from ${min} to ${max}`,
    );
  }
  return n;
}

function text(key: keyof ServerFlags, flags: ServerFlags, env: Env): string | undefined {
  const raw = pick(key, flags, env);
  if (raw === undefined) return undefined;
  if (raw.value.trim() === '') throw new ConfigError(`invalid ${raw.source}: must not be empty`);
  return raw.value;
}

function oneOf<T extends string>(
  key: keyof ServerFlags,
  flags: ServerFlags,
  env: Env,
  allowed: readonly T[],
): T | undefined {
  const raw = pick(key, flags, env);
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw.value as T)) {
    throw new ConfigError(
      `invalid ${raw.source} ${JSON.stringify(raw.value)}: must be one of ${allowed.join(', ')}`,
    );
  }
  return raw.value as T;
}

function pathList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * Builds a {@link ServerConfig} from flags and environment variables (`KRO_GUARD_HOST`,
 * `KRO_GUARD_PORT`, `KRO_GUARD_TLS_CERT`, `KRO_GUARD_TLS_KEY`, `KRO_GUARD_FAILURE_POLICY`,
 * `KRO_GUARD_REVIEW_TIMEOUT_MS`, `KRO_GUARD_BODY_LIMIT_BYTES`, `KRO_GUARD_LOG_LEVEL`,
 * `KRO_GUARD_WORKERS`, `KRO_GUARD_SCHEMAS`, `KRO_GUARD_KUBECONFIG`, `KRO_GUARD_CRDS`,
 * `KRO_GUARD_POLICIES`, `KRO_GUARD_RGDS`, `KRO_GUARD_REGISTRAR`). A flag wins
 * over its variable; an empty variable counts as unset; anything else falls back to
 * {@link SERVER_DEFAULTS}. `KRO_GUARD_CRDS` / `--crds`, `KRO_GUARD_POLICIES` / `--policies` and
 * `KRO_GUARD_RGDS` / `--rgds` are comma-separated lists of paths; `KRO_GUARD_REGISTRAR` is `on` or `off`.
 *
 * Ranges: port 0-65535; reviewTimeoutMs 1-29000 (the API server's webhook timeout is at most 30 s);
 * bodyLimitBytes 1024 to 1 GiB; workers 1-64; failurePolicy exactly `Fail` or `Ignore` (as in
 * the webhook configuration); logLevel a pino level; schemas `cluster` or `embedded` (default: see
 * {@link ServerConfig.schemaSource}; `cluster` needs a kubeconfig or `KUBERNETES_SERVICE_HOST`).
 *
 * @throws ConfigError naming the flag or variable and the accepted values, e.g.
 *   `invalid KRO_GUARD_PORT "http": must be an integer from 0 to 65535`.
 */
export function loadServerConfig(flags: ServerFlags, env: Env): ServerConfig {
  const config: ServerConfig = {
    host: text('host', flags, env) ?? SERVER_DEFAULTS.host,
    port: integer('port', flags, env, 0, 65535) ?? SERVER_DEFAULTS.port,
    tlsCertPath: text('tlsCert', flags, env) ?? SERVER_DEFAULTS.tlsCertPath,
    tlsKeyPath: text('tlsKey', flags, env) ?? SERVER_DEFAULTS.tlsKeyPath,
    failurePolicy: oneOf('failurePolicy', flags, env, FAILURE_POLICIES) ?? SERVER_DEFAULTS.failurePolicy,
    reviewTimeoutMs: integer('reviewTimeoutMs', flags, env, 1, 29_000) ?? SERVER_DEFAULTS.reviewTimeoutMs,
    bodyLimitBytes: integer('bodyLimitBytes', flags, env, 1024, 1024 ** 3) ?? SERVER_DEFAULTS.bodyLimitBytes,
    logLevel: oneOf('logLevel', flags, env, LOG_LEVELS) ?? SERVER_DEFAULTS.logLevel,
  };
  const workers = integer('workers', flags, env, 1, 64);
  if (workers !== undefined) config.workers = workers;
  const kubeconfig = text('kubeconfig', flags, env);
  const inPod = (env['KUBERNETES_SERVICE_HOST'] ?? '') !== '';
  const schemaSource =
    oneOf('schemas', flags, env, SCHEMA_SOURCES) ??
    (inPod || kubeconfig !== undefined ? 'cluster' : 'embedded');
  if (schemaSource === 'cluster' && kubeconfig === undefined && !inPod) {
    throw new ConfigError(
      `schemas "cluster" needs ${FLAG_NAMES.kubeconfig} / ${SERVER_ENV.kubeconfig} outside a pod (KUBERNETES_SERVICE_HOST is not set)`,
    );
  }
  config.schemaSource = schemaSource;
  if (kubeconfig !== undefined) config.kubeconfigPath = kubeconfig;
  const crds = pathList(text('crds', flags, env));
  if (crds.length > 0) config.crdPaths = crds;
  const policies = pathList(text('policies', flags, env));
  if (policies.length > 0) config.policyPaths = policies;
  const rgds = pathList(text('rgds', flags, env));
  if (rgds.length > 0) config.rgdPaths = rgds;
  const registrar = oneOf('registrar', flags, env, ['on', 'off'] as const);
  config.registrar = registrar === undefined ? schemaSource === 'cluster' : registrar === 'on';
  return config;
}
