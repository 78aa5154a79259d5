/**
 * The HTTPS admission webhook: fastify over TLS, routes `POST /validate`, `POST /mutate`,
 * `GET /healthz`, `GET /readyz`.
 *
 * Guarantees: every well-formed AdmissionReview gets an HTTP 200 AdmissionReview within
 * `reviewTimeoutMs` of its arrival; a handler failure or missed deadline is answered by the
 * failurePolicy (`deadline.ts`) and logged at error; client mistakes (bad JSON, not an AdmissionReview,
 * too large, wrong media type, unknown route) get a 4xx JSON `{error, message}`, never a 500.
 */
import type { AddressInfo } from 'node:net';
import { LogController, fastify, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { reviewMutate } from '../admission/mutate.ts';
import { parseAdmissionReview } from '../admission/parse.ts';
import type { AdmissionReview, AdmissionReviewRequest } from '../admission/types.ts';
import { CertificateReloader, readTlsFiles } from './cert-reload.ts';
import type { ServerConfig } from './config.ts';
import { decideWithin } from './deadline.ts';
import { poolHandlers, type ReviewHandlers } from './handlers.ts';
import { webhookLogger } from './logger.ts';
import { ReviewPool } from './review-pool.ts';
import type { WorkerSchemaSettings } from './review-schemas.ts';
import type { WorkerPolicySettings } from './review-context.ts';
import { startRegistrar } from './registrar.ts';
import { isChildKind } from '../admission/targets.ts';

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `https://127.0.0.1:8443` (`localhost` when listening on every address). */
  url: string;
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** Stops accepting connections, finishes in-flight requests, stops the workers. Idempotent. */
  close(): Promise<void>;
  /** Re-reads the certificate files now; true when a new certificate was installed. */
  reloadCertificates(): Promise<boolean>;
}

/** How long startServer waits for the first review worker before answering anyway (ms). */
const WORKER_STARTUP_WAIT_MS = 20_000;
/** Time allowed to receive a whole request (ms); protects against clients that send slowly. */
const REQUEST_TIMEOUT_MS = 30_000;

interface ErrorBody {
  error: string;
  message: string;
}

function metadataName(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const meta = (obj as { metadata?: unknown }).metadata;
  if (typeof meta !== 'object' || meta === null) return undefined;
  const name = (meta as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

function errorName(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 404:
      return 'NotFound';
    case 413:
      return 'RequestEntityTooLarge';
    case 415:
      return 'UnsupportedMediaType';
    default:
      return status >= 500 ? 'InternalError' : 'ClientError';
  }
}

function clientMessage(error: FastifyError, status: number): string {
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return `request body is not valid JSON: ${error.message}`;
  }
  if (status === 415) return `${error.message}; send the AdmissionReview as application/json`;
  return error.message;
}

function listenUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host;
  return `https://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

/**
 * Starts the webhook on `config.host:config.port` with the certificate at `config.tlsCertPath` /
 * `config.tlsKeyPath`, and resolves once it listens and a review worker is ready (or 20 s passed, or
 * the workers failed to start: then `/readyz` answers 503 and reviews get the failurePolicy answer).
 *
 * @throws (rejects) when the certificate or key cannot be read or do not form a usable pair, or the
 *   address cannot be bound (EADDRINUSE, EACCES).
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  if (!(config.reviewTimeoutMs > 0))
    throw new Error(`reviewTimeoutMs must be positive, got ${config.reviewTimeoutMs}`);
  const logger = webhookLogger(config.logLevel, config.logger);
  const tls = await readTlsFiles(config.tlsCertPath, config.tlsKeyPath);

  // The engine runs only in the pool's threads; with a test-only validate handler no pool is needed.
  const testValidate = config.reviewHandlers?.validate;
  // Fetching schemas may use three quarters of a review's deadline; the check needs the rest.
  const schemas: WorkerSchemaSettings = {
    source: config.schemaSource ?? 'embedded',
    prepareTimeoutMs: Math.max(1, Math.floor(config.reviewTimeoutMs * 0.75)),
  };
  if (config.kubeconfigPath !== undefined) schemas.kubeconfigPath = config.kubeconfigPath;
  if (config.crdPaths !== undefined) schemas.crdPaths = config.crdPaths;
  const policies: WorkerPolicySettings = {
    ...(config.policyPaths === undefined ? {} : { policyPaths: config.policyPaths }),
    ...(config.rgdPaths === undefined ? {} : { rgdPaths: config.rgdPaths }),
  };
  const pool = testValidate
    ? undefined
    : new ReviewPool({ size: config.workers, logger, workerData: { schemas, policies } });
  const registrar =
    pool !== undefined && config.registrar === true && schemas.source === 'cluster'
      ? await startRegistrar(config, logger)
      : undefined;
  const handlers: ReviewHandlers = {
    ...(pool ? poolHandlers(pool) : { validate: testValidate!, mutate: (r) => reviewMutate(r) }),
    ...config.reviewHandlers,
  };
  let closing = false;

  const app = fastify({
    https: { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
    loggerInstance: logger,
    // Decisions are logged, not requests: per-request logging costs a quarter of the throughput.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });

  // Keep the body text next to the parsed value: the worker pool receives the text (one string copy)
  // rather than a structured clone of the object graph.
  const bodies = new WeakMap<FastifyRequest, string>();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    bodies.set(request, body as string);
    return parseJson(request, body as string, done);
  });

  const answer = async (
    route: keyof ReviewHandlers,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<AdmissionReview | ErrorBody> => {
    const parsed = parseAdmissionReview(request.body);
    if (!parsed.ok) {
      reply.code(400);
      return {
        error: 'BadRequest',
        message: `request body is not an admission.k8s.io/v1 AdmissionReview: ${parsed.error}`,
      };
    }
    const review: AdmissionReviewRequest = parsed.review;
    const req = review.request;
    const body = bodies.get(request) ?? '';
    const remainingMs = Math.max(1, config.reviewTimeoutMs - reply.elapsedTime);
    // /mutate only adds defaults the API server would add anyway, so it never denies, not even on
    // an internal failure: the failure policy governs /validate.
    // The child backstop is registered with failurePolicy Ignore: an internal failure allows too.
    const failurePolicy = route === 'mutate' || isChildKind(req.kind) ? 'Ignore' : config.failurePolicy;
    const decision = await decideWithin(
      req.uid,
      { timeoutMs: remainingMs, failurePolicy, deadlineMs: config.reviewTimeoutMs },
      (signal) => handlers[route](review, { body, signal }),
    );
    const fields = {
      route,
      uid: req.uid,
      kind: req.kind.kind,
      name: req.name || metadataName(req.object ?? req.oldObject),
      namespace: req.namespace || undefined,
      operation: req.operation,
      allowed: decision.review.response?.allowed,
      dryRun: req.dryRun === true,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      outcome: decision.outcome,
    };
    if (decision.outcome === 'decided') logger.info(fields, 'admission decision');
    else logger.error({ ...fields, error: decision.error, failurePolicy }, 'admission failed');
    return decision.review;
  };

  app.post('/validate', (request, reply) => answer('validate', request, reply));
  app.post('/mutate', (request, reply) => answer('mutate', request, reply));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (closing) return reply.code(503).send({ status: 'not ready', reason: 'shutting down' });
    if (pool && pool.readyWorkers === 0) {
      const reason = pool.startupError ?? 'review workers are starting';
      return reply.code(503).send({ status: 'not ready', reason });
    }
    return { status: 'ready' };
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: 'NotFound',
      message: `no route ${request.method} ${request.url}; kro-guard serves POST /validate, POST /mutate, GET /healthz, GET /readyz`,
    } satisfies ErrorBody);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status >= 500) logger.error({ err: error, url: request.url }, 'request failed');
    else logger.debug({ err: error, url: request.url, status }, 'client error');
    const message =
      status >= 500 ? `kro-guard failed internally: ${error.message}` : clientMessage(error, status);
    void reply.code(status).send({ error: errorName(status), message } satisfies ErrorBody);
  });

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await pool?.close();
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;

  const reloader = new CertificateReloader({
    certPath: config.tlsCertPath,
    keyPath: config.tlsKeyPath,
    current: tls,
    apply: (files) =>
      app.server.setSecureContext({ cert: files.cert, key: files.key, minVersion: 'TLSv1.2' }),
    logger,
    watch: config.watchCertificates ?? true,
  });

  if (pool && !(await pool.whenReady(WORKER_STARTUP_WAIT_MS))) {
    logger.error(
      { reason: pool.startupError },
      'no review worker is ready; reviews get the failurePolicy answer',
    );
  }
  logger.info(
    { url: listenUrl(config.host, port), failurePolicy: config.failurePolicy, schemas },
    'kro-guard webhook listening',
  );

  let closed: Promise<void> | undefined;
  return {
    url: listenUrl(config.host, port),
    port,
    reloadCertificates: () => reloader.reload(),
    close: () =>
      (closed ??= (async () => {
        closing = true;
        reloader.close();
        await app.close();
        await registrar?.close();
        await pool?.close();
      })()),
  };
}
