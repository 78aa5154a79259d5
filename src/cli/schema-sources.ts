/**
 * Where `kro-guard check` gets the schemas of the templates' kinds (kro-contract §4.3): the live
 * cluster (`--kubeconfig`), the RGDs among the inputs (one RGD can nest another's kind offline),
 * CRD files (`--crds`) and the embedded Kubernetes schemas (unless `--no-embedded`, and not with a
 * cluster, which serves the built-in kinds itself).
 */
import type { ClusterSchemaSource } from '../cluster/index.ts';
import { templateGvks } from '../graph/gvks.ts';
import { CrdFileError, crdFileSource } from '../schemas/crd-files.ts';
import { rgdSchemaSource } from '../graph/rgd-source.ts';
import { chainSources, embeddedSource, type SchemaSource } from '../schemas/source.ts';

/** The schema options of the check command. */
export interface SchemaOptions {
  /** CRD files or directories (`--crds`, repeatable). */
  crds?: readonly string[];
  /** A kubeconfig: use its cluster as the authoritative source (`--kubeconfig`). */
  kubeconfig?: string;
  /**
   * The kubeconfig context (`--context`); default its current context. Alone (without `kubeconfig`)
   * it selects a context of the default kubeconfig (`$KUBECONFIG`, `~/.kube/config`).
   */
  context?: string;
  /** Use the embedded Kubernetes schemas when no cluster is given (default true; `--no-embedded`). */
  embedded?: boolean;
}

/** A schema source for one check run. */
export interface CheckSchemas {
  /** The chained source, in order: cluster, input RGDs, CRD files, embedded. */
  source: SchemaSource;
  /** The cluster member, when `--kubeconfig` was given. */
  cluster: ClusterSchemaSource | undefined;
  /** Stops the cluster source. */
  close(): Promise<void>;
}

/** A schema option that cannot be used (exit code 2); the message names the file. */
export class SchemaOptionError extends Error {
  override name = 'SchemaOptionError';
}

/**
 * Builds the source for `rgds` (the decoded RGD documents among the inputs, any values).
 *
 * @throws SchemaOptionError when a CRD path cannot be read or holds a malformed CRD, or the
 *   kubeconfig cannot be loaded.
 */
export async function checkSchemas(options: SchemaOptions, rgds: readonly unknown[]): Promise<CheckSchemas> {
  const sources: SchemaSource[] = [];
  let cluster: ClusterSchemaSource | undefined;
  if (options.kubeconfig !== undefined || options.context !== undefined) {
    // Loaded on demand: client-node takes about half a second to import.
    const { clusterSchemaSource, KubeConfigError } = await import('../cluster/index.ts');
    try {
      cluster = clusterSchemaSource({
        ...(options.kubeconfig === undefined ? {} : { kubeconfigPath: options.kubeconfig }),
        ...(options.context === undefined ? {} : { context: options.context }),
        // One-shot: no need to follow CRD changes; stored RGDs are listed once.
        informers: { crds: false, rgds: true },
      });
    } catch (e) {
      if (e instanceof KubeConfigError) throw new SchemaOptionError(e.message, { cause: e });
      throw e;
    }
    sources.push(cluster);
  }
  sources.push(rgdSchemaSource(rgds));
  if (options.crds !== undefined && options.crds.length > 0) {
    try {
      sources.push(crdFileSource(options.crds));
    } catch (e) {
      if (e instanceof CrdFileError) throw new SchemaOptionError(e.message, { cause: e });
      throw e;
    }
  }
  if (cluster === undefined && options.embedded !== false) sources.push(embeddedSource());
  const source = sources.length === 1 ? sources[0]! : chainSources(...sources);
  return {
    source,
    cluster,
    close: async () => {
      await cluster?.close();
    },
  };
}

/**
 * Prepares `schemas` for every literal template and externalRef kind of `rgds`, and returns the
 * cluster's failures for those kinds (`<group-version>: <message>`), empty without a cluster.
 */
export async function prepareSchemas(schemas: CheckSchemas, rgds: readonly unknown[]): Promise<string[]> {
  const gvks = rgds.flatMap((rgd) => templateGvks(rgd));
  await schemas.source.prepare?.(gvks);
  const cluster = schemas.cluster;
  if (cluster === undefined) return [];
  const failures = new Set<string>();
  for (const gvk of gvks) {
    const error = cluster.lastError(gvk);
    if (error !== undefined)
      failures.add(`${gvk.group === '' ? '' : `${gvk.group}/`}${gvk.version}: ${error}`);
  }
  return [...failures];
}
