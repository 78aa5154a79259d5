/**
 * The two HTTPS targets of the benchmark — kro-guard's real webhook server and a bare echo server
 * that answers fixed bytes — plus the throw-away certificates they share.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCertificateBundle, writeCertificateBundle } from '../../src/certs/index.ts';
import { loadServerConfig, startServer } from '../../src/server/index.ts';

/** Host every server of the benchmark listens on (and the serving certificate's IP SAN). */
export const BENCH_HOST = '127.0.0.1';

/** A CA and a serving certificate for {@link BENCH_HOST}, on disk in a temp directory. */
export interface BenchCertificates {
  caCert: string;
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** Deletes the temp directory. */
  remove(): Promise<void>;
}

/** A listening benchmark target. */
export interface Target {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Stops the server, dropping keep-alive connections. */
  close(): Promise<void>;
}

/** An HTTP response read to the end. */
export interface FetchedResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** Generates a fresh CA + serving certificate (SANs localhost, 127.0.0.1) into a new temp directory. */
export async function makeBenchCertificates(): Promise<BenchCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'kro-guard-bench-'));
  const bundle = generateCertificateBundle({ dnsNames: ['localhost'], ipAddresses: [BENCH_HOST] });
  const paths = await writeCertificateBundle(dir, bundle);
  return {
    caCert: bundle.caCert,
    cert: bundle.cert,
    key: bundle.key,
    certPath: paths.certPath,
    keyPath: paths.keyPath,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What kro-guard's review workers know besides the embedded Kubernetes schemas (all optional). */
export interface KroGuardInputs {
  /** CRD files or directories (`--crds`): the schemas of the ACK kinds. */
  crdPaths?: string[];
  /** CompliancePolicy / ComplianceException files (`--policies`). */
  policyPaths?: string[];
  /** RGD files whose generated kinds are instances (`--rgds`). */
  rgdPaths?: string[];
}

/**
 * Starts kro-guard's real webhook server in-process (reviews run in its worker-thread pool, sized by
 * its own default) on {@link BENCH_HOST}, a free port, log level `warn`, embedded schemas plus
 * `inputs`. The paths go through `loadServerConfig` as the `--crds`, `--policies` and `--rgds` flags
 * would, so the benchmark configures the server exactly as `kro-guard serve` does.
 */
export async function startKroGuard(certs: BenchCertificates, inputs: KroGuardInputs = {}): Promise<Target> {
  const list = (paths: string[] | undefined): string | undefined =>
    paths === undefined || paths.length === 0 ? undefined : paths.join(',');
  const config = loadServerConfig(
    {
      host: BENCH_HOST,
      port: 0,
      tlsCert: certs.certPath,
      tlsKey: certs.keyPath,
      logLevel: 'warn',
      schemas: 'embedded',
      crds: list(inputs.crdPaths),
      policies: list(inputs.policyPaths),
      rgds: list(inputs.rgdPaths),
    },
    {},
  );
  const server = await startServer(config);
  return { url: `https://${BENCH_HOST}:${server.port}`, port: server.port, close: () => server.close() };
}

/**
 * Starts a bare `node:https` server on {@link BENCH_HOST}, a free port, that reads each request body
 * to the end and answers every POST with 200, `content-type: application/json` and exactly `reply`
 * (anything else gets 405). It is the floor: TLS, HTTP parsing and body transfer, no work.
 */
export async function startEcho(certs: BenchCertificates, reply: Buffer): Promise<Target> {
  const server = createServer({ cert: certs.cert, key: certs.key, minVersion: 'TLSv1.2' }, (req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST', 'content-length': 0 }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length }).end(reply);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, BENCH_HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${BENCH_HOST}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * One `POST <path>` of `body` as application/json to `https://127.0.0.1:<port>`, verifying the
 * server's certificate against `ca` only (node's default `rejectUnauthorized: true`).
 */
export function postVerified(port: number, ca: string, path: string, body: Buffer): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: BENCH_HOST,
        port,
        path,
        method: 'POST',
        ca,
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
