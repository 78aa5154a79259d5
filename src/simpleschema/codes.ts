/**
 * The stable diagnostic codes of the SimpleSchema module (kro-contract §3). Every diagnostic
 * {@link ./index.ts toOpenAPISpec} returns uses one of these; tests and users match on them.
 *
 * | code | when |
 * |---|---|
 * | `simpleschema/spec-not-object` | `spec.schema.spec` is present but not a map |
 * | `simpleschema/types-not-object` | `spec.schema.types` is present but not a map |
 * | `simpleschema/unexpected-value` | a field (or type) value is neither a string nor a map (`unexpected type: int64`) |
 * | `simpleschema/invalid-type` | the type part breaks the grammar (§3.2): `empty type`, `map key must be string`, … |
 * | `simpleschema/unknown-type` | a name that is neither built in nor a custom type (`unknown type: X`) |
 * | `simpleschema/invalid-marker` | the marker tokenizer fails (§3.4): unknown key, missing value, unclosed quote, … |
 * | `simpleschema/invalid-marker-value` | a marker value does not parse (ParseBool/ParseInt/ParseFloat, empty enum, …) |
 * | `simpleschema/marker-type-mismatch` | a marker used on a type it does not apply to |
 * | `simpleschema/invalid-default` | `default=` does not parse as the field's type |
 * | `simpleschema/invalid-default-json` | kro accepts the default but its raw text is not JSON: the CRD cannot be created (L3) |
 * | `simpleschema/unencodable-value` | an enum value or bound kro accepts but cannot encode in the CRD (L3) |
 * | `simpleschema/invalid-pattern` | `pattern=` is not a valid RE2 expression |
 * | `simpleschema/invalid-list-type` | `uniqueItems` / `listType` / `listMapKey` conflicts |
 * | `simpleschema/missing-type-reference` | a custom type refers to an undefined type (`node X does not exist`) |
 * | `simpleschema/type-self-reference` | a custom type refers to itself |
 * | `simpleschema/type-cycle` | custom types refer to each other in a cycle |
 */
export const CODES = {
  specNotObject: 'simpleschema/spec-not-object',
  typesNotObject: 'simpleschema/types-not-object',
  unexpectedValue: 'simpleschema/unexpected-value',
  invalidType: 'simpleschema/invalid-type',
  unknownType: 'simpleschema/unknown-type',
  invalidMarker: 'simpleschema/invalid-marker',
  invalidMarkerValue: 'simpleschema/invalid-marker-value',
  markerTypeMismatch: 'simpleschema/marker-type-mismatch',
  invalidDefault: 'simpleschema/invalid-default',
  invalidDefaultJson: 'simpleschema/invalid-default-json',
  unencodableValue: 'simpleschema/unencodable-value',
  invalidPattern: 'simpleschema/invalid-pattern',
  invalidListType: 'simpleschema/invalid-list-type',
  missingTypeReference: 'simpleschema/missing-type-reference',
  typeSelfReference: 'simpleschema/type-self-reference',
  typeCycle: 'simpleschema/type-cycle',
} as const;

/** One of the {@link CODES} values. */
export type SimpleSchemaCode = (typeof CODES)[keyof typeof CODES];
