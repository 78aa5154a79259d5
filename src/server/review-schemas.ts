/**
 * The schema source of one review worker (`review-context.ts` prepares it per review).
 *
 * Each worker thread owns its source (so with `cluster`, each runs its own CRD and RGD informers and
 * cache): `lookup` must be synchronous inside the pure engine, and a worker thread cannot read another
 * thread's objects synchronously. Sharing one cache would mean the main thread fetching and posting
 * the resolved schemas with every job (megabytes for some group-versions) or a shared-memory encoding
 * of the schemas; N informers (N = 2-4 workers, each a list plus a watch per 20 s for CRDs and RGDs)
 * cost the API server far less than that costs us. A replaced worker (after a missed deadline)
 * starts with a cold cache.
 */
import type { ClusterSchemaSource } from '../cluster/index.ts';
import { crdFileSource } from '../schemas/crd-files.ts';
import { chainSources, embeddedSource, type SchemaSource } from '../schemas/source.ts';
import type { SchemaSourceKind } from './config.ts';

/** What the pool tells each worker about schemas (structured-clonable; `workerData.schemas`). */
export interface WorkerSchemaSettings {
  source: SchemaSourceKind;
  /** For `cluster`: the kubeconfig file; absent means in-cluster. */
  kubeconfigPath?: string;
  /** CRD files and directories (both sources). */
  crdPaths?: string[];
  /** Longest a review waits for the cluster source's fetches, ms (below the review deadline). */
  prepareTimeoutMs?: number;
}

/** A worker's schema source and the cluster member when there is one. */
export interface WorkerSchemas {
  source: SchemaSource;
  cluster: ClusterSchemaSource | undefined;
}

/**
 * Builds the source of `settings`: `cluster` → the live cluster, then the CRD files; `embedded` →
 * the CRD files, then the embedded Kubernetes schemas. Without settings: embedded.
 *
 * @throws KubeConfigError when the kubeconfig (or in-cluster configuration) cannot be loaded;
 *   CrdFileError for unusable CRD paths. The worker then fails to start, and the pool reports it
 *   (`/readyz` answers 503 with the reason).
 */
export async function createWorkerSchemas(
  settings: WorkerSchemaSettings | undefined,
): Promise<WorkerSchemas> {
  const sources: SchemaSource[] = [];
  let cluster: ClusterSchemaSource | undefined;
  if (settings?.source === 'cluster') {
    const { clusterSchemaSource } = await import('../cluster/index.ts');
    cluster = clusterSchemaSource(
      settings.kubeconfigPath === undefined
        ? { inCluster: true }
        : { kubeconfigPath: settings.kubeconfigPath },
    );
    sources.push(cluster);
  }
  if (settings?.crdPaths !== undefined && settings.crdPaths.length > 0)
    sources.push(crdFileSource(settings.crdPaths));
  if (cluster === undefined) sources.push(embeddedSource());
  return { source: sources.length === 1 ? sources[0]! : chainSources(...sources), cluster };
}

/** The kinds of a review's RGD could not be fetched from the cluster (answered by the failure policy). */
export class SchemaUnavailableError extends Error {
  override name = 'SchemaUnavailableError';
}
