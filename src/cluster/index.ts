/**
 * The live cluster as a schema source (edge module: network I/O). See `schema-source.ts`.
 */
export { clusterSchemaSource } from './schema-source.ts';
export type {
  ClusterSchemaSource,
  ClusterSchemaSourceOptions,
  ClusterSourceError,
  ClusterSourceStats,
} from './schema-source.ts';
export { loadKubeConfig, KubeHttp, KubeConfigError, KubeRequestError } from './kube.ts';
export type { KubeConnectionOptions, KubeHttpResponse } from './kube.ts';
export { Reflector } from './reflector.ts';
export type { ReflectorOptions } from './reflector.ts';
export { TtlLru } from './lru.ts';
export type { TtlLruOptions } from './lru.ts';
