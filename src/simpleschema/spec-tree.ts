/**
 * Parsing a raw SimpleSchema map (`schema.spec`, or one entry of `schema.types`) into a tree of
 * structs and typed fields, reporting every malformed field (kro-contract §3.1, §3.2, §3.4).
 * Nothing is resolved here; custom type names stay names.
 */
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { CODES } from './codes.ts';
import { compareGoStrings } from '../golang/strings.ts';
import { parseMarkers, type Marker } from './markers.ts';
import { parseFieldDefinition, parseType, typeReferences, type TypeExpr } from './type-grammar.ts';

/** A field given as a definition string, with its parsed type and markers. */
export interface FieldNode {
  kind: 'field';
  /** The key in the parent map (for an alias type: the type's name). */
  name: string;
  /** Absolute path of the field in the RGD, e.g. `['spec', 'schema', 'spec', 'replicas']`. */
  path: PathSegment[];
  type: TypeExpr;
  /** Empty when the marker section failed to tokenize (that error is reported separately). */
  markers: Marker[];
}

/** A nested map: an object whose fields are listed in Go string order. */
export interface StructNode {
  kind: 'struct';
  path: PathSegment[];
  fields: { name: string; node: SpecNode }[];
}

/** A node of the parsed tree. */
export type SpecNode = FieldNode | StructNode;

/** True for a JSON object (not null, not an array). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The Go type name (`%T`) of a decoded YAML/JSON value as kro sees it (kro-contract §3.1): `int64`
 * for integral numbers, `float64`, `bool`, `<nil>`, `[]interface {}`, `string`, `map[string]interface {}`.
 * (A YAML `1.0` arrives here as the integer 1, so it is named `int64`; kro would say `float64`.)
 */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'map[string]interface {}';
}

/**
 * Parses one field definition string at `path`. Reports (into `diags`) a type grammar error
 * (`simpleschema/invalid-type`) and, independently, a marker tokenizer error
 * (`simpleschema/invalid-marker`). Returns `undefined` when the type part is invalid.
 */
export function parseFieldNode(
  text: string,
  name: string,
  path: PathSegment[],
  diags: Diagnostic[],
): FieldNode | undefined {
  const where = formatPath(path);
  const def = parseFieldDefinition(text);
  const t = parseType(def.typeText);
  if (!t.ok) diags.push(error(CODES.invalidType, where, t.error));
  let markers: Marker[] = [];
  if (def.markerText !== undefined) {
    const m = parseMarkers(def.markerText);
    if (m.ok) markers = m.markers;
    else diags.push(error(CODES.invalidMarker, where, m.error));
  }
  return t.ok ? { kind: 'field', name, path, type: t.type, markers } : undefined;
}

/**
 * Parses a field value: a string is a definition, a map a nested struct; anything else is reported
 * as `unexpected type: <GoType>` (`simpleschema/unexpected-value`) and yields `undefined`.
 */
export function parseNode(
  value: unknown,
  name: string,
  path: PathSegment[],
  diags: Diagnostic[],
): SpecNode | undefined {
  if (typeof value === 'string') return parseFieldNode(value, name, path, diags);
  if (isMap(value)) return parseStruct(value, path, diags);
  diags.push(error(CODES.unexpectedValue, formatPath(path), `unexpected type: ${goTypeName(value)}`));
  return undefined;
}

/** Parses a map of fields; bad fields are reported and left out. */
export function parseStruct(
  obj: Record<string, unknown>,
  path: PathSegment[],
  diags: Diagnostic[],
): StructNode {
  const fields: StructNode['fields'] = [];
  for (const name of Object.keys(obj).sort(compareGoStrings)) {
    const node = parseNode(obj[name], name, [...path, name], diags);
    if (node) fields.push({ name, node });
  }
  return { kind: 'struct', path, fields };
}

/** One use of a custom type name inside a tree: the name and the path of the field using it. */
export interface TypeReference {
  name: string;
  path: PathSegment[];
}

/** Every custom type name the tree uses, with where, in field order. */
export function collectReferences(node: SpecNode): TypeReference[] {
  if (node.kind === 'field') return typeReferences(node.type).map((name) => ({ name, path: node.path }));
  return node.fields.flatMap((f) => collectReferences(f.node));
}
