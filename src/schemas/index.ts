/**
 * Kubernetes' OpenAPI v3 schemas embedded in kro-guard (`loadEmbeddedSchemas`), and the pruning that
 * `npm run schemas:dump` applies to the API server's documents.
 */
export { loadEmbeddedSchemas, createSchemaSet, EMBEDDED_SCHEMAS_URL } from './embedded.ts';
export type { EmbeddedSchemaFile, EmbeddedSchemaSet, KindSchema } from './embedded.ts';
export {
  pruneGroupVersion,
  withoutDescriptions,
  forEachSubSchema,
  groupVersionKey,
  refName,
  SCHEMA_REF_PREFIX,
} from './prune.ts';
export type { OpenAPISchema, OpenAPIDocument, GroupVersionKind, PrunedGroupVersion } from './prune.ts';
export { embeddedSource, chainSources, NO_SCHEMAS } from './source.ts';
export type { ResolvedKind, SchemaSource } from './source.ts';
export {
  crdComponentName,
  objectMetaComponents,
  publishedCrdSchema,
  publishedSchemaSet,
  OBJECT_META_NAME,
} from './crd-schema.ts';
export type { PublishedKind } from './crd-schema.ts';
export {
  crdFileSource,
  crdSourceFromDocuments,
  expandCrdPaths,
  readCrdFile,
  CrdFileError,
} from './crd-files.ts';
export type { CrdFileSource, CrdInputDocument, CrdKind, SkippedCrdDocument } from './crd-files.ts';
