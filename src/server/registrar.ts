/**
 * Starting the webhook registrar in the server's main thread (one writer per process): an RGD
 * store and `startWebhookRegistrar`, which keeps the instance webhooks' rules equal to the kinds the
 * cluster's RGDs generate (manifests/README.md explains why kro-guard registers kinds rather than
 * matching everything).
 */
import type { Logger } from 'pino';
import type { ServerConfig } from './config.ts';

/** A running registrar and its RGD store. */
export interface RunningRegistrar {
  close(): Promise<void>;
}

/** Starts the RGD store and the registrar with the server's cluster connection. */
export async function startRegistrar(config: ServerConfig, logger: Logger): Promise<RunningRegistrar> {
  const { rgdStore, startWebhookRegistrar } = await import('../cluster/index.ts');
  const connection =
    config.kubeconfigPath === undefined ? { inCluster: true } : { kubeconfigPath: config.kubeconfigPath };
  const rgds = rgdStore(connection);
  const registrar = startWebhookRegistrar({
    connection,
    rgds,
    logger: {
      info: (fields, message) => logger.info(fields, message),
      warn: (fields, message) => logger.warn(fields, message),
    },
  });
  return {
    async close() {
      await registrar.close();
      rgds.close();
    },
  };
}
