/**
 * The OpenAPI v3 schema shapes SimpleSchema produces (kro-contract §3.2): the subset of Kubernetes'
 * `apiextensions.k8s.io/v1` `JSONSchemaProps` that kro's SimpleSchema conversion writes, plus the few
 * extra keys other modules read from target CRD schemas.
 */

/** One `x-kubernetes-validations` entry: a CEL rule and the message the API server reports. */
export interface ValidationRule {
  rule: string;
  message: string;
}

/**
 * A structural OpenAPI v3 schema, as stored in a CRD's `openAPIV3Schema`.
 *
 * Conventions of the values this module produces:
 * - `default` and `enum` hold decoded JSON values. An integer outside ±(2^53−1) is held as a `bigint` so
 *   that it stays exact (serialise such a schema with `schemaToJSON` from `json.ts`).
 * - `minimum` / `maximum` are float64 values (Go `ParseFloat`); `minLength`, `maxLength`, `minItems`,
 *   `maxItems` are int64 values held as JS numbers (exact up to 2^53).
 * - Keys that would be empty in Go's `omitempty` JSON (`properties: {}`, `required: []`) are absent.
 */
export interface JSONSchemaProps {
  type?: string;
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-validations'?: ValidationRule[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
}
