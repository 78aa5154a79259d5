/**
 * Connecting to a Kubernetes API server: the kubeconfig (or in-cluster service account) through
 * `@kubernetes/client-node`, and plain authenticated requests of raw JSON with the kubeconfig's TLS
 * options and credentials. Raw JSON on purpose: client-node's typed models rename `x-kubernetes-*`,
 * `default` and `enum`, and it has no helper for `/openapi/v3`.
 *
 * client-node 2.x (2.0.1): the maintained line, on undici 8, which needs Node >= 22.19; kro-guard runs on
 * Node 24 (`engines`), so the 1.x line kept for Node 20 is not needed. It is imported by module path
 * (`dist/config.js`, `dist/watch.js`), not through its index: the index loads every generated API
 * model (about 1 s on our machines, against about 0.4 s). The package has no `exports` map, so these
 * paths are public in practice; a major upgrade must re-check them.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';

/** How to find the cluster. */
export interface KubeConnectionOptions {
  /** A kubeconfig file. Without it (and without `inCluster`): `$KUBECONFIG`, `~/.kube/config`, in-cluster. */
  kubeconfigPath?: string;
  /** The kubeconfig context to use instead of its `current-context`. */
  context?: string;
  /** Use the pod's service account (`KUBERNETES_SERVICE_HOST`, `/var/run/secrets/kubernetes.io/serviceaccount`). */
  inCluster?: boolean;
}

/** A kubeconfig that cannot be loaded or names no usable cluster. */
export class KubeConfigError extends Error {
  override name = 'KubeConfigError';
}

/**
 * Loads the connection settings.
 *
 * @throws KubeConfigError when the file cannot be read or parsed, the context does not exist, or
 *   the result has no current cluster (with the file or context in the message).
 */
export function loadKubeConfig(options: KubeConnectionOptions): KubeConfig {
  const kc = new KubeConfig();
  const where =
    options.inCluster === true
      ? 'in-cluster configuration'
      : options.kubeconfigPath !== undefined
        ? `kubeconfig ${options.kubeconfigPath}`
        : 'default kubeconfig';
  try {
    if (options.inCluster === true) {
      if (process.env['KUBERNETES_SERVICE_HOST'] === undefined)
        throw new Error('KUBERNETES_SERVICE_HOST is not set (not running in a pod)');
      kc.loadFromCluster();
    } else if (options.kubeconfigPath !== undefined) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
    if (options.context !== undefined) {
      if (kc.getContextObject(options.context) === null)
        throw new Error(`no context ${JSON.stringify(options.context)}`);
      kc.setCurrentContext(options.context);
    }
  } catch (e) {
    throw new KubeConfigError(`cannot load ${where}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  if (kc.getCurrentCluster() === null) throw new KubeConfigError(`${where}: no current cluster`);
  return kc;
}

/** A response of {@link KubeHttp.request} (and `get`). */
export interface KubeHttpResponse {
  status: number;
  /** The body as text (UTF-8). */
  text: string;
}

/** Options of {@link KubeHttp.request}. */
export interface KubeRequestOptions {
  /** Whole-request deadline, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Request body, sent as UTF-8 (objects are not serialised here: pass JSON text). */
  body?: string;
  /**
   * `Content-Type` of the body; default `application/json`. PATCHes name their kind:
   * `application/json-patch+json` (RFC 6902), `application/merge-patch+json`,
   * `application/strategic-merge-patch+json`, `application/apply-patch+yaml`.
   */
  contentType?: string;
}

/** A failed request: network error, timeout, or a non-2xx status (`status` is then set). */
export class KubeRequestError extends Error {
  override name = 'KubeRequestError';
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** Largest response body read (the biggest OpenAPI document we met, ec2's, is about 1.1 MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Authenticated requests against the current cluster of a {@link KubeConfig}: TLS (CA, client
 * certificate, `insecure-skip-tls-verify`, `tls-server-name`) and credentials (token, token file,
 * exec and auth providers) come from client-node's `applyToHTTPSOptions`, evaluated per request so
 * rotated tokens are picked up.
 */
export class KubeHttp {
  readonly kubeConfig: KubeConfig;
  readonly server: string;
  readonly #agents = new Set<http.Agent>();
  #closed = false;

  /** @throws KubeConfigError when the kubeconfig has no current cluster. */
  constructor(kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new KubeConfigError('the kubeconfig has no current cluster');
    this.kubeConfig = kubeConfig;
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /**
   * GET `path` (absolute, e.g. `/apis/apps/v1`, query included) and read the whole body.
   *
   * @param options.timeoutMs whole-request deadline in milliseconds.
   * @returns status and body text for 2xx answers.
   * @throws KubeRequestError for network errors, timeouts, bodies over 64 MiB and non-2xx statuses
   *   (`GET /apis/x/v1: 404 Not Found: <server message>`).
   */
  get(path: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<KubeHttpResponse> {
    return this.request('GET', path, options);
  }

  /**
   * Sends `method` to `path` (absolute, query included) with an optional body and reads the whole
   * answer.
   *
   * @returns status and body text for 2xx answers.
   * @throws KubeRequestError for network errors, timeouts, bodies over 64 MiB and non-2xx statuses
   *   (`<METHOD> <path>: <status> <status text>: <server message>`, `status` set; a `409 Conflict`
   *   is the API server's optimistic-concurrency failure).
   */
  async request(method: string, path: string, options: KubeRequestOptions): Promise<KubeHttpResponse> {
    if (this.#closed) throw new KubeRequestError(`${method} ${path}: client closed`);
    const url = new URL(this.server + path);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(options.body));
    }
    const requestOptions: https.RequestOptions = { method, headers };
    await this.kubeConfig.applyToHTTPSOptions(requestOptions);
    const plain = url.protocol === 'http:';
    if (plain) delete requestOptions.agent;
    else if (requestOptions.agent instanceof http.Agent) this.#agents.add(requestOptions.agent);
    return new Promise<KubeHttpResponse>((resolve, reject) => {
      const fail = (e: unknown): void =>
        reject(
          e instanceof KubeRequestError
            ? e
            : new KubeRequestError(
                `${method} ${path}: ${e instanceof Error ? e.message : String(e)}`,
                undefined,
                { cause: e },
              ),
        );
      const req = (plain ? http : https).request(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) req.destroy(new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) resolve({ status, text });
          else
            fail(
              new KubeRequestError(
                `${method} ${path}: ${status} ${http.STATUS_CODES[status] ?? ''}${statusMessage(text)}`,
                status,
              ),
            );
        });
      });
      const timer = setTimeout(
        () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      timer.unref();
      const onAbort = (): void => {
        req.destroy(new Error('aborted'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
      req.on('close', () => options.signal?.removeEventListener('abort', onAbort));
      req.end(options.body);
    });
  }

  /** GET `path` and parse the body as JSON. @throws KubeRequestError as {@link get}, or for invalid JSON. */
  getJson(path: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown> {
    return this.requestJson('GET', path, options);
  }

  /**
   * {@link request} and parse the answer as JSON.
   * @throws KubeRequestError as {@link request}, or when the answer is not JSON.
   */
  async requestJson(method: string, path: string, options: KubeRequestOptions): Promise<unknown> {
    const res = await this.request(method, path, options);
    try {
      return JSON.parse(res.text) as unknown;
    } catch (e) {
      throw new KubeRequestError(`${method} ${path}: the answer is not JSON`, res.status, { cause: e });
    }
  }

  /** Closes idle keep-alive connections; later requests fail. Idempotent. */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents) agent.destroy();
    this.#agents.clear();
  }
}

/** `: <message>` of a `metav1.Status` body, or `''`. */
function statusMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' && body.message !== '' ? `: ${body.message}` : '';
  } catch {
    return '';
  }
}
