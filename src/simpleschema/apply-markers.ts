/**
 * Applying parsed markers to a field's schema (kro-contract §3.4, table of valid keys). kro stops at
 * the first failing marker; here every marker is tried and each failure is returned, the failing
 * marker leaving the schema unchanged.
 */
import { CODES, type SimpleSchemaCode } from './codes.ts';
import { parseGoBool, parseGoFloat, parseGoInt } from './go-parse.ts';
import { goTrimSpace } from '../golang/strings.ts';
import type { Marker } from './markers.ts';
import { re2Error } from './re2.ts';
import type { JSONSchemaProps } from './types.ts';
import { convertDefault, convertEnum } from './values.ts';

/** One failed marker: a code from {@link CODES} and kro's message (or ours, see codes.ts). */
export interface MarkerProblem {
  code: SimpleSchemaCode;
  message: string;
}

const LIST_TYPES = ['atomic', 'set', 'map'];

/**
 * Applies `markers` in order to `schema` (mutated) for the field `fieldName`; `required=true` appends
 * `fieldName` to `parentRequired` (duplicates kept, as kro does). "Type" checks use `schema.type`, the
 * OpenAPI type after resolution (`float` is `number`, custom structs are `object`). After all markers,
 * a field with `listMapKey` needs `listType=map`. Returns every problem, in marker order.
 */
export function applyMarkers(
  schema: JSONSchemaProps,
  markers: readonly Marker[],
  fieldName: string,
  parentRequired: string[],
): MarkerProblem[] {
  const problems: MarkerProblem[] = [];
  let sawMapKey = false;
  for (const m of markers) {
    if (m.key === 'listMapKey') sawMapKey = true;
    const p = applyOne(schema, m, fieldName, parentRequired);
    if (p) problems.push(p);
  }
  if (sawMapKey && schema['x-kubernetes-list-map-keys'] !== undefined) {
    const lt = schema['x-kubernetes-list-type'];
    if (lt === undefined) {
      problems.push(listProblem('listMapKey set while listType is unset, listType must be set to map'));
    } else if (lt !== 'map') {
      problems.push(
        listProblem(`listMapKey set while listType is set to ${lt}, listType must be set to map`),
      );
    }
  }
  return problems;
}

function valueProblem(message: string): MarkerProblem {
  return { code: CODES.invalidMarkerValue, message };
}

function typeProblem(message: string): MarkerProblem {
  return { code: CODES.markerTypeMismatch, message };
}

function listProblem(message: string): MarkerProblem {
  return { code: CODES.invalidListType, message };
}

function applyOne(
  schema: JSONSchemaProps,
  m: Marker,
  fieldName: string,
  parentRequired: string[],
): MarkerProblem | undefined {
  const type = schema.type ?? '';
  switch (m.key) {
    case 'required': {
      const r = parseGoBool(m.value);
      if (!r.ok) return valueProblem(`failed to parse required marker value: ${r.error}`);
      if (r.value) parentRequired.push(fieldName);
      return undefined;
    }
    case 'default': {
      const r = convertDefault(schema.type, m.value);
      if (!r.ok) return { code: r.code, message: r.message };
      schema.default = r.value;
      return undefined;
    }
    case 'description':
      schema.description = m.value;
      return undefined;
    case 'minimum':
    case 'maximum':
      return applyBound(schema, m.key, m.value);
    case 'validation':
      if (goTrimSpace(m.value) === '') return valueProblem('validation failed');
      schema['x-kubernetes-validations'] = [
        ...(schema['x-kubernetes-validations'] ?? []),
        { rule: m.value, message: 'validation failed' },
      ];
      return undefined;
    case 'immutable': {
      const r = parseGoBool(m.value);
      if (!r.ok) return valueProblem(`failed to parse immutable marker value: ${r.error}`);
      if (r.value) {
        schema['x-kubernetes-validations'] = [
          ...(schema['x-kubernetes-validations'] ?? []),
          { rule: 'self == oldSelf', message: 'field is immutable' },
        ];
      }
      return undefined;
    }
    case 'enum': {
      const r = convertEnum(schema.type, m.value);
      if (!r.ok) return { code: r.code, message: r.message };
      schema.enum = r.value as unknown[];
      return undefined;
    }
    case 'pattern': {
      if (m.value === '') return valueProblem('pattern marker value cannot be empty');
      if (type !== 'string')
        return typeProblem(`pattern marker is only valid for string types, got type: ${type}`);
      const err = re2Error(m.value);
      if (err !== undefined) return { code: CODES.invalidPattern, message: `invalid pattern regex: ${err}` };
      schema.pattern = m.value;
      return undefined;
    }
    case 'minLength':
    case 'maxLength':
      return applyCount(schema, m.key, m.value, 'string');
    case 'minItems':
    case 'maxItems':
      return applyCount(schema, m.key, m.value, 'array');
    case 'uniqueItems':
      return applyUniqueItems(schema, m.value);
    case 'listType':
      return applyListType(schema, m.value);
    case 'listMapKey':
      return applyListMapKey(schema, m.value);
  }
}

function applyBound(
  schema: JSONSchemaProps,
  key: 'minimum' | 'maximum',
  value: string,
): MarkerProblem | undefined {
  const r = parseGoFloat(value);
  // "enum" (sic): kro's own wording.
  if (!r.ok) return valueProblem(`failed to parse ${key} enum value: ${r.error}`);
  if (!Number.isFinite(r.value)) {
    return {
      code: CODES.unencodableValue,
      message: `${key} ${value} is not a finite number and cannot be encoded as JSON: kro cannot create the generated CRD`,
    };
  }
  schema[key] = r.value;
  return undefined;
}

function applyCount(
  schema: JSONSchemaProps,
  key: 'minLength' | 'maxLength' | 'minItems' | 'maxItems',
  value: string,
  requiredType: 'string' | 'array',
): MarkerProblem | undefined {
  const type = schema.type ?? '';
  if (type !== requiredType) {
    return typeProblem(`${key} marker is only valid for ${requiredType} types, got type: ${type}`);
  }
  const r = parseGoInt(value);
  if (!r.ok) return valueProblem(`failed to parse ${key} value: ${r.error}`);
  schema[key] = Number(r.value);
  return undefined;
}

function applyUniqueItems(schema: JSONSchemaProps, value: string): MarkerProblem | undefined {
  const r = parseGoBool(value);
  if (!r.ok) return valueProblem(`failed to parse uniqueItems marker value: ${r.error}`);
  const type = schema.type ?? '';
  if (type !== 'array')
    return typeProblem(`uniqueItems marker is only valid for array types, got type: ${type}`);
  if (!r.value) return undefined;
  const current = schema['x-kubernetes-list-type'];
  if (current !== undefined && current !== 'set') {
    return listProblem(`cannot set unique when listType is set to ${current}`);
  }
  schema['x-kubernetes-list-type'] = 'set';
  return undefined;
}

function applyListType(schema: JSONSchemaProps, value: string): MarkerProblem | undefined {
  if (schema.type !== 'array') return typeProblem('listType marker only applies to array types');
  if (!LIST_TYPES.includes(value)) {
    return valueProblem(`unsupported value for listType ${value}, needs to be one of atomic, set, or map`);
  }
  const current = schema['x-kubernetes-list-type'];
  if (current !== undefined && current !== value) {
    return listProblem(`listType attempting to overwrite set type of ${current}, with ${value}`);
  }
  schema['x-kubernetes-list-type'] = value;
  return undefined;
}

function applyListMapKey(schema: JSONSchemaProps, value: string): MarkerProblem | undefined {
  if (schema.type !== 'array') return typeProblem('listMapKey marker only applies to array types');
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  if (keys.includes(value)) return listProblem(`duplicate listMapKey marker, value ${value}`);
  schema['x-kubernetes-list-map-keys'] = [...keys, value];
  return undefined;
}
