/**
 * Shared pieces of the webhook integration tests: real certificates in a temp directory, a real HTTPS
 * client that trusts only the generated CA, real AdmissionReviews and corpus RGDs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { writeCertificateBundle } from '../../src/certs/files.ts';
import { generateCertificateBundle } from '../../src/certs/generate.ts';
import type { AdmissionOperation, AdmissionReview } from '../../src/admission/types.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import type { ServerConfig } from '../../src/server/config.ts';

/** A directory with `ca.crt`, `ca.key`, `tls.crt`, `tls.key` for localhost/127.0.0.1. */
export interface CertDir {
  dir: string;
  caCert: string;
  certPath: string;
  keyPath: string;
  remove(): Promise<void>;
}

export async function makeCertDir(): Promise<CertDir> {
  const dir = await mkdtemp(join(tmpdir(), 'kro-guard-it-'));
  const bundle = generateCertificateBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  const paths = await writeCertificateBundle(dir, bundle);
  return {
    dir,
    caCert: bundle.caCert,
    certPath: paths.certPath,
    keyPath: paths.keyPath,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Starts a server on 127.0.0.1, port 0, with `certs`, and the given overrides. */
export function startTestServer(
  certs: CertDir,
  overrides: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  return startServer({
    host: '127.0.0.1',
    port: 0,
    tlsCertPath: certs.certPath,
    tlsKeyPath: certs.keyPath,
    failurePolicy: 'Fail',
    reviewTimeoutMs: 4000,
    bodyLimitBytes: 32 * 1024 * 1024,
    logLevel: 'silent',
    workers: 2,
    ...overrides,
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/**
 * One HTTPS request with node:https, verifying the server against `ca` (and only `ca`).
 * `body`: a string is sent as is, anything else as JSON.
 */
export function send(
  server: { port: number },
  ca: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<HttpResult> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: server.port,
        method,
        path,
        ca,
        agent: false,
        headers:
          payload === undefined
            ? {}
            : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** POSTs an AdmissionReview and returns the response AdmissionReview (asserting HTTP 200 is the caller's job). */
export async function review(
  server: { port: number },
  ca: string,
  path: string,
  body: unknown,
): Promise<HttpResult & { review: AdmissionReview }> {
  const res = await send(server, ca, 'POST', path, body);
  return { ...res, review: res.json as AdmissionReview };
}

/** Reads an RGD (or any single-document YAML) from the shared corpus. */
export function corpusRgd(relative: string): Record<string, unknown> {
  return parse(readFileSync(join('../shared/corpus/kro-v0.9.3-examples', relative), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** An `admission.k8s.io/v1` AdmissionReview request as the API server sends it for an RGD. */
export function rgdReview(
  operation: AdmissionOperation,
  object: unknown,
  oldObject?: unknown,
  extra: Record<string, unknown> = {},
): { apiVersion: string; kind: string; request: Record<string, unknown> } {
  const named = (object ?? oldObject) as { metadata?: { name?: string } } | null;
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition' },
      resource: { group: 'kro.run', version: 'v1alpha1', resource: 'resourcegraphdefinitions' },
      requestKind: { group: 'kro.run', version: 'v1alpha1', kind: 'ResourceGraphDefinition' },
      requestResource: { group: 'kro.run', version: 'v1alpha1', resource: 'resourcegraphdefinitions' },
      name: named?.metadata?.name ?? '',
      operation,
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: object ?? null,
      oldObject: oldObject ?? null,
      dryRun: false,
      options: {
        apiVersion: 'meta.k8s.io/v1',
        kind: `${operation[0]}${operation.slice(1).toLowerCase()}Options`,
      },
      ...extra,
    },
  };
}
