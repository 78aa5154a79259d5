/**
 * The instance CRD kro generates for an RGD (kro-contract §6): synthesis (§6.1), the API server's checks
 * on it (§6.2) and kro's update rules for an existing CRD (§6.3).
 */
export { flectParts, flectPluralize, pluralizeKind } from './pluralize.ts';
export {
  buildInstanceCrd,
  instanceStatusSchema,
  DEFAULT_CONDITIONS_SCHEMA,
  DEFAULT_PRINTER_COLUMNS,
  DEFAULT_STATE_SCHEMA,
  KRO_LABELS,
  KRO_VERSION,
  type InstanceCrdInput,
} from './synthesize.ts';
export {
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from './names.ts';
export {
  checkGeneratedCrd,
  jsonPathError,
  usesOldSelf,
  validateValue,
  type CheckCrdOptions,
} from './check.ts';
export {
  ALLOW_BREAKING_CHANGES_ANNOTATION,
  checkCrdUpdate,
  compareCrdSchemas,
  compareCrdVersions,
  describeChange,
  formatFloatF,
  isKroOwned,
  summarizeBreakingChanges,
  type ChangeType,
  type CompatReport,
  type RgdIdentity,
  type SchemaChange,
} from './compat.ts';
export {
  apiSchemaPath,
  rgdPathForSchema,
  API_SCHEMA_ROOT,
  type RgdSchemaSource,
  type SchemaStep,
} from './paths.ts';
export { goFieldValue, goFloatV, goNumber, goSharpV, jsonTypeName } from './gofmt.ts';
export type { CrdNames, CrdVersion, CustomResourceDefinition, PrinterColumn } from './types.ts';
