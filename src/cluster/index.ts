/**
 * kro-guard's edge to the cluster (network I/O): the live cluster as a schema source
 * (`schema-source.ts`), the stores of RGDs and of kro-guard's policies and exceptions, and the
 * registrar that keeps the instance webhooks' rules current.
 */
export { clusterSchemaSource } from './schema-source.ts';
export type {
  ClusterSchemaSource,
  ClusterSchemaSourceOptions,
  ClusterSourceError,
  ClusterSourceStats,
} from './schema-source.ts';
export { loadKubeConfig, KubeHttp, KubeConfigError, KubeRequestError } from './kube.ts';
export type { KubeConnectionOptions, KubeHttpResponse, KubeRequestOptions } from './kube.ts';
export { openConnection } from './connection.ts';
export type { ClusterConnectionOptions, OpenedConnection } from './connection.ts';
export { Reflector } from './reflector.ts';
export type { ReflectorOptions } from './reflector.ts';
export { TtlLru } from './lru.ts';
export type { TtlLruOptions } from './lru.ts';
export { toStoredObject } from './stored-object.ts';
export type { StoredObject } from './stored-object.ts';
export {
  KRO_OWNED_LABEL,
  compareRgdAge,
  generatedKindOf,
  gvkKey,
  indexGeneratedKinds,
  instanceKinds,
  rgdIdentity,
} from './generated-kinds.ts';
export type {
  ForeignKind,
  GeneratedKind,
  GeneratedKindEntry,
  GeneratedKindIndex,
  RgdIdentity,
  ShadowedRgd,
  SkippedRgd,
} from './generated-kinds.ts';
export { rgdStore, RGD_COLLECTION_PATH } from './rgd-store.ts';
export type { RgdChange, RgdOfKind, RgdStore, RgdStoreOptions } from './rgd-store.ts';
export {
  policyStore,
  COMPLIANCE_EXCEPTIONS_PATH,
  COMPLIANCE_POLICIES_PATH,
  POLICY_GROUP,
  POLICY_VERSION,
} from './policy-store.ts';
export type { PolicyStore, PolicyStoreError, PolicyStoreOptions } from './policy-store.ts';
export {
  INSTANCE_OPERATIONS,
  canonicalRules,
  describeRulesChange,
  instanceWebhookRules,
  ruleResources,
  sameRules,
  webhookRulesPatch,
} from './webhook-rules.ts';
export type { JsonPatchOperation, RulesPatchResult, WebhookRule } from './webhook-rules.ts';
export {
  startWebhookRegistrar,
  DEFAULT_CONFIGURATION_NAME,
  DEFAULT_INSTANCE_WEBHOOK_NAMES,
} from './webhook-registrar.ts';
export type {
  InstanceWebhookNames,
  RegistrarLogger,
  WebhookRegistrar,
  WebhookRegistrarOptions,
} from './webhook-registrar.ts';
