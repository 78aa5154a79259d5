/**
 * SimpleSchema → OpenAPI v3 (kro-contract §3): the `spec` schema of the CRD kro generates for an RGD.
 * Entry point: {@link toOpenAPISpec}. Unlike kro, which stops at the first error (in random map
 * order), every problem is reported, each at its field path.
 */
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { CODES } from './codes.ts';
import { loadCustomTypes } from './custom-types.ts';
import { isMap, parseStruct } from './spec-tree.ts';
import { SchemaBuilder } from './transform.ts';
import type { JSONSchemaProps } from './types.ts';

export { CODES, type SimpleSchemaCode } from './codes.ts';
export { applyMarkers, type MarkerProblem } from './apply-markers.ts';
export { parseGoBool, parseGoFloat, parseGoInt, type GoParseResult } from './go-parse.ts';
export { schemaToJSON } from './json.ts';
export {
  MARKER_KEYS,
  parseMarkers,
  processMarkerValue,
  type Marker,
  type MarkerKey,
  type MarkerParseResult,
} from './markers.ts';
export { re2Error } from './re2.ts';
export { analyseTypeGraph, type TypeGraphAnalysis } from './type-graph.ts';
export {
  MAX_TYPE_NESTING,
  parseFieldDefinition,
  parseType,
  type FieldDefinition,
  type TypeExpr,
  type TypeParseResult,
} from './type-grammar.ts';
export type { JSONSchemaProps, ValidationRule } from './types.ts';

/** The outcome of {@link toOpenAPISpec}. */
export interface SimpleSchemaResult {
  /**
   * The `spec` schema kro would generate. Best effort when there are errors: fields whose type cannot
   * be resolved are left out, failing markers are not applied, so later checks can still run.
   */
  schema: JSONSchemaProps;
  /** Every problem, sorted by `sortDiagnostics`; paths are absolute in the RGD (`spec.schema.spec.x`). */
  diagnostics: Diagnostic[];
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'number' || typeof v === 'bigint' ? 'number' : 'string';
}

function asMap(
  v: unknown,
  path: string,
  code: string,
  what: string,
  diags: Diagnostic[],
): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (isMap(v)) return v;
  diags.push(
    error(
      code,
      path,
      `failed to unmarshal ${what}: json: cannot unmarshal ${jsonKind(v)} into Go value of type map[string]interface {}`,
    ),
  );
  return {};
}

/**
 * Converts `spec.schema.spec` (`spec`) and `spec.schema.types` (`types`), both raw decoded YAML/JSON
 * values and either possibly `undefined`, into the OpenAPI schema of the instance `spec`
 * (kro-contract §3.1–§3.5). A `spec` or `types` that is present but not a map gives one error at
 * `spec.schema.spec` / `spec.schema.types` and is treated as empty. Diagnostic codes: see
 * {@link CODES}; messages are kro's innermost texts (without `field x:` wrappers, see custom-types.ts).
 * Pure; never throws for any JSON-like input.
 */
export function toOpenAPISpec(spec: unknown, types: unknown): SimpleSchemaResult {
  const diags: Diagnostic[] = [];
  const rawTypes = asMap(types, 'spec.schema.types', CODES.typesNotObject, 'predefined types', diags);
  const rawSpec = asMap(spec, 'spec.schema.spec', CODES.specNotObject, 'spec schema', diags);
  const builder = new SchemaBuilder(new Set(Object.keys(rawTypes)));
  loadCustomTypes(rawTypes, builder, diags);
  const root = parseStruct(rawSpec, ['spec', 'schema', 'spec'], diags);
  const schema = builder.buildStruct(root);
  return { schema, diagnostics: sortDiagnostics([...diags, ...builder.diagnostics]) };
}
