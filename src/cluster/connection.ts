/**
 * How the cluster-facing parts of kro-guard (the RGD and policy stores, the webhook registrar) get
 * their {@link KubeHttp}: a client they are given and share (the caller closes it), or one they
 * open from a kubeconfig and close themselves.
 */
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { KubeHttp, loadKubeConfig, type KubeConnectionOptions } from './kube.ts';

/** Where to connect: an open client, an already loaded kubeconfig, or how to load one. */
export interface ClusterConnectionOptions extends KubeConnectionOptions {
  /** An open client to share; it wins over everything else and is never closed by the user of it. */
  http?: KubeHttp;
  /** An already loaded kubeconfig (wins over `kubeconfigPath`, `context`, `inCluster`). */
  kubeConfig?: KubeConfig;
}

/** A client and whether its user must close it. */
export interface OpenedConnection {
  http: KubeHttp;
  /** True when the client was opened here (the user closes it); false for a shared `http`. */
  owned: boolean;
}

/**
 * The client of `options`: `options.http` as is, or a new one for `options.kubeConfig`, or for the
 * kubeconfig `loadKubeConfig(options)` loads.
 *
 * @throws KubeConfigError when a kubeconfig must be loaded and cannot be (see `loadKubeConfig`).
 */
export function openConnection(options: ClusterConnectionOptions): OpenedConnection {
  if (options.http !== undefined) return { http: options.http, owned: false };
  return { http: new KubeHttp(options.kubeConfig ?? loadKubeConfig(options)), owned: true };
}
