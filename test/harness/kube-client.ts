/**
 * A minimal HTTPS client for the test API server: node:https with the kubeconfig's CA, client
 * certificate and key (mutual TLS, verifying the server against that CA only).
 */
import { Agent, request } from 'node:https';

/** PEM credentials and address of an API server. */
export interface KubeCredentials {
  /** `https://127.0.0.1:<port>`, no trailing slash. */
  serverUrl: string;
  /** CA certificate(s) that signed the API server's serving certificate. */
  ca: string;
  /** Client certificate and its private key. */
  cert: string;
  key: string;
}

/** An HTTP answer; `body` is the raw text. */
export interface KubeResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** A keep-alive client; call `close()` when done so the process can exit. */
export interface KubeClient {
  /**
   * `GET <serverUrl><path>` (path with leading slash, query allowed). Resolves for any HTTP status;
   * rejects on network/TLS errors or when no answer arrived within `timeoutMs` (default 30000).
   */
  get(path: string, options?: { accept?: string; timeoutMs?: number }): Promise<KubeResponse>;
  /** Like `get`, but requires HTTP 200 and parses the body as JSON. @throws Error otherwise. */
  getJson(path: string, options?: { timeoutMs?: number }): Promise<unknown>;
  /** Closes the keep-alive sockets. */
  close(): void;
}

/** Creates a {@link KubeClient} for `credentials`. */
export function createKubeClient(credentials: KubeCredentials): KubeClient {
  const base = new URL(credentials.serverUrl);
  const agent = new Agent({
    keepAlive: true,
    ca: credentials.ca,
    cert: credentials.cert,
    key: credentials.key,
    servername: base.hostname === '127.0.0.1' ? undefined : base.hostname,
  });
  const get: KubeClient['get'] = (path, options = {}) =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: 'GET',
          path,
          headers: { accept: options.accept ?? 'application/json' },
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: res.headers['content-type'],
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`GET ${path}: no answer within ${options.timeoutMs ?? 30_000} ms`)),
      );
      req.on('error', reject);
      req.end();
    });
  return {
    get,
    async getJson(path, options = {}) {
      const res = await get(path, options);
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
      return JSON.parse(res.body) as unknown;
    },
    close: () => agent.destroy(),
  };
}
