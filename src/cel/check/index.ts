/** kro-guard's CEL type checker and the OpenAPI → CEL type mapping (kro-contract §5.7, §5.8). */
export {
  checkCel,
  createOverloadTable,
  type CheckEnvironment,
  type CheckIssue,
  type CheckResult,
  type OverloadTable,
} from './checker.ts';
export {
  escapeFieldName,
  isIntOrString,
  preservesUnknownFields,
  schemaAtPath,
  schemaToCelType,
} from './openapi.ts';
export { STANDARD_OVERLOADS, type OverloadDecl } from './stdlib.ts';
export { parseTypeSpec } from './type-spec.ts';
export * from './types.ts';
export { accept, joinTypes, looseEqual, sameType, substitute, type Bindings } from './unify.ts';
