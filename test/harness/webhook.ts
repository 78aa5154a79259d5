/**
 * kro-guard's real webhook server, in this process, registered with a test control plane through
 * `manifests/local-dev/webhooks-url.yaml` (the same webhook configurations as production, calling a
 * URL instead of a Service).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseAllDocuments, stringify } from 'yaml';
import { generateCertificateBundle, writeCertificateBundle } from '../../src/certs/index.ts';
import { loadServerConfig, startServer } from '../../src/server/index.ts';
import type { ControlPlane } from './control-plane.ts';
import { REPO_ROOT } from './paths.ts';
import { pollUntil } from './poll.ts';

/** The template `startWebhook` applies; it has `${KRO_GUARD_URL}` and `${CA_BUNDLE}` placeholders. */
export const LOCAL_DEV_WEBHOOKS = join(REPO_ROOT, 'manifests', 'local-dev', 'webhooks-url.yaml');

/** Options of {@link startWebhook}. */
export interface WebhookOptions {
  /** pino level of the server's log (`logs()`); default `info` (one line per decision). */
  logLevel?: string;
  /** Deadline for the registration proof (a denied dry-run), ms; default 30000. */
  registrationTimeoutMs?: number;
}

/** One `admission decision` (or `admission failed`) line of the server's log. */
export interface WebhookDecision {
  route: 'validate' | 'mutate';
  uid: string;
  kind: string;
  name?: string;
  operation: string;
  allowed?: boolean;
  dryRun: boolean;
  outcome: string;
  msg: string;
}

/** A running, registered kro-guard. */
export interface RunningWebhook {
  /** Base URL, `https://127.0.0.1:<port>`. */
  url: string;
  /** The `caBundle` put into the configurations: base64 (one line) of the serving CA's PEM. */
  caBundle: string;
  /** `metadata.name` of the configurations and the webhook names, as read from the template. */
  names: { configuration: string; validating: string; mutating: string };
  /** The server's JSON log so far. */
  logs(): string;
  /** The decisions logged so far, oldest first. */
  decisions(): WebhookDecision[];
  /** Closes the server (the configurations stay registered). Idempotent. */
  stop(): Promise<void>;
  /** Deletes both webhook configurations (missing ones are fine). */
  unregister(): Promise<void>;
}

/** An RGD every kro-guard denies (unknown identifier) and the API server's CRD schema accepts. */
const REGISTRATION_PROBE = stringify({
  apiVersion: 'kro.run/v1alpha1',
  kind: 'ResourceGraphDefinition',
  metadata: { name: 'kro-guard-registration-probe' },
  spec: {
    schema: { apiVersion: 'v1alpha1', kind: 'RegistrationProbe', spec: { name: 'string' } },
    resources: [
      {
        id: 'cm',
        template: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: '${kroGuardProbe.metadata.name}' },
        },
      },
    ],
  },
});

/** The text kubectl prints when a validating webhook denies a request: `admission webhook "<name>" denied the request`. */
export function deniedBy(webhookName: string): string {
  return `admission webhook "${webhookName}" denied the request`;
}

/**
 * Starts kro-guard (`loadServerConfig` + `startServer` from `src/server`, port 0 on 127.0.0.1, a new
 * CA and serving certificate for `127.0.0.1`/`localhost` from `src/certs` in `<cp.dir>/kro-guard-certs`,
 * log in `<cp.dir>/kro-guard.log`), applies `manifests/local-dev/webhooks-url.yaml` with the URL and
 * CA bundle substituted, and waits until a server-side dry-run of a known-invalid RGD is denied by
 * kro-guard's validating webhook (which proves the registration is live). The server is also closed
 * by `cp.stop()`.
 *
 * @throws Error when the template lacks a placeholder, the server cannot start, kubectl fails, or
 *   the dry-run is not denied by kro-guard within `registrationTimeoutMs` (the server is closed then).
 */
export async function startWebhook(cp: ControlPlane, options: WebhookOptions = {}): Promise<RunningWebhook> {
  const template = await readFile(LOCAL_DEV_WEBHOOKS, 'utf8');
  for (const placeholder of ['${KRO_GUARD_URL}', '${CA_BUNDLE}']) {
    if (!template.includes(placeholder))
      throw new Error(`${LOCAL_DEV_WEBHOOKS} has no ${placeholder} placeholder`);
  }

  const bundle = generateCertificateBundle({
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 2,
  });
  const paths = await writeCertificateBundle(join(cp.dir, 'kro-guard-certs'), bundle);
  const logPath = join(cp.dir, 'kro-guard.log');
  const level = options.logLevel ?? 'info';
  const config = loadServerConfig(
    { host: '127.0.0.1', port: 0, tlsCert: paths.certPath, tlsKey: paths.keyPath, logLevel: level },
    process.env,
  );
  const destination = pino.destination({ dest: logPath, sync: true });
  config.logger = pino({ level }, destination);
  config.watchCertificates = false;
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (e) {
    destination.end();
    throw e;
  }
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= server.close().finally(() => {
      destination.end();
    }));
  cp.onStop(stop);

  try {
    const caBundle = Buffer.from(bundle.caCert).toString('base64');
    const manifest = template.replaceAll('${KRO_GUARD_URL}', server.url).replaceAll('${CA_BUNDLE}', caBundle);
    const names = webhookNames(manifest);
    await cp.kubectl(['apply', '-f', '-'], { input: manifest });

    const denial = deniedBy(names.validating);
    await pollUntil(
      `a dry-run denied by ${names.validating}`,
      async () => {
        const r = await cp.kubectl(['apply', '--dry-run=server', '-f', '-'], {
          input: REGISTRATION_PROBE,
          allowFailure: true,
        });
        if (r.code === 0) throw new Error('the invalid probe RGD was admitted');
        if (!r.stderr.includes(denial)) throw new Error(r.stderr.trim());
        return true;
      },
      { timeoutMs: options.registrationTimeoutMs ?? 30_000, intervalMs: 200 },
    );

    const logs = (): string => {
      try {
        return readFileSync(logPath, 'utf8');
      } catch {
        return '';
      }
    };
    return {
      url: server.url,
      caBundle,
      names,
      logs,
      decisions: () => parseDecisions(logs()),
      stop,
      unregister: async () => {
        await cp.kubectl([
          'delete',
          '--ignore-not-found',
          `validatingwebhookconfiguration/${names.configuration}`,
          `mutatingwebhookconfiguration/${names.configuration}`,
        ]);
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

interface WebhookConfigDoc {
  kind?: string;
  metadata?: { name?: string };
  webhooks?: { name?: string }[];
}

/** Configuration and webhook names of the (substituted) template. @throws Error if one is missing. */
function webhookNames(manifest: string): RunningWebhook['names'] {
  const docs = parseAllDocuments(manifest).map((d) => d.toJS() as WebhookConfigDoc | null);
  const find = (kind: string): WebhookConfigDoc => {
    const doc = docs.find((d) => d?.kind === kind);
    if (!doc?.metadata?.name || !doc.webhooks?.[0]?.name)
      throw new Error(`${LOCAL_DEV_WEBHOOKS}: no ${kind} with a webhook`);
    return doc;
  };
  const validating = find('ValidatingWebhookConfiguration');
  const mutating = find('MutatingWebhookConfiguration');
  if (validating.metadata!.name !== mutating.metadata!.name) {
    throw new Error(`${LOCAL_DEV_WEBHOOKS}: the two configurations have different names`);
  }
  return {
    configuration: validating.metadata!.name!,
    validating: validating.webhooks![0]!.name!,
    mutating: mutating.webhooks![0]!.name!,
  };
}

function parseDecisions(log: string): WebhookDecision[] {
  const out: WebhookDecision[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as Partial<WebhookDecision>;
      if (entry.msg === 'admission decision' || entry.msg === 'admission failed')
        out.push(entry as WebhookDecision);
    } catch {
      // not JSON
    }
  }
  return out;
}
