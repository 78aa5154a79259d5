/** The `serve` command: starts the webhook and stops it cleanly on SIGTERM/SIGINT. */
import { ensureDevelopmentCertificates } from '../certs/index.ts';
import { ConfigError, loadServerConfig, SERVER_ENV, startServer } from '../server/index.ts';

/**
 * Starts the server. When neither flags nor environment name a certificate and key, a development
 * CA and serving certificate are generated into `certsDir` (reused while valid).
 *
 * @returns -1 while the server runs (the process stays alive), 2 on configuration errors.
 */
export async function runServe(opts: Record<string, string | undefined>): Promise<number> {
  const env = process.env;
  const flags = {
    host: opts.host,
    port: opts.port,
    tlsCert: opts.tlsCert,
    tlsKey: opts.tlsKey,
    failurePolicy: opts.failurePolicy,
    reviewTimeoutMs: opts.reviewTimeoutMs,
    logLevel: opts.logLevel,
    workers: opts.workers,
    schemas: opts.schemas,
    kubeconfig: opts.kubeconfig,
    crds: opts.crds,
    policies: opts.policies,
    rgds: opts.rgds,
    registrar: opts.registrar,
  };
  const hasCert = (flags.tlsCert ?? env[SERVER_ENV.tlsCert]) !== undefined;
  const hasKey = (flags.tlsKey ?? env[SERVER_ENV.tlsKey]) !== undefined;
  if (hasCert !== hasKey) {
    process.stderr.write(
      'kro-guard serve: give both --tls-cert and --tls-key, or neither for a development certificate\n',
    );
    return 2;
  }
  try {
    if (!hasCert) {
      const dev = await ensureDevelopmentCertificates(opts.certsDir ?? 'certs');
      flags.tlsCert = dev.certPath;
      flags.tlsKey = dev.keyPath;
      process.stderr.write(
        `kro-guard serve: ${dev.generated ? 'generated' : 'reusing'} development certificate ${dev.certPath} (CA ${dev.caCertPath})\n`,
      );
    }
    const config = loadServerConfig(flags, env);
    const server = await startServer(config);
    const stop = (): void => {
      void server.close().finally(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    return -1;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`kro-guard serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
