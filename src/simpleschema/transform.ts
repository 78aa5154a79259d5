/**
 * Building OpenAPI schemas from parsed SimpleSchema trees (kro-contract §3.2 conversion table, parent
 * default rule, alias `required`). Custom types are registered with {@link SchemaBuilder.defineType}
 * before the spec that uses them is built.
 */
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { applyMarkers } from './apply-markers.ts';
import { CODES } from './codes.ts';
import { compareGoStrings } from '../golang/strings.ts';
import type { FieldNode, StructNode } from './spec-tree.ts';
import type { TypeExpr } from './type-grammar.ts';
import type { JSONSchemaProps } from './types.ts';

interface CustomType {
  schema: JSONSchemaProps;
  required: boolean;
}

/** Sets an own enumerable property (safe for keys such as `__proto__`). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Turns parsed trees into schemas, collecting diagnostics in {@link SchemaBuilder.diagnostics}.
 *
 * Unresolvable custom names: while building `types` ({@link SchemaBuilder.buildingTypes} set) they
 * are silent, since the type graph check already reported them (`node X does not exist`, self
 * references, cycles). While building the spec, a name declared in `types` that could not be built is
 * silent too (its own error is reported); any other name gives `unknown type: <name>`.
 * A field whose type cannot be resolved is left out of its parent.
 */
export class SchemaBuilder {
  /** Every problem found while building. */
  readonly diagnostics: Diagnostic[] = [];
  /** True while custom types are built. */
  buildingTypes = false;
  private readonly declared: ReadonlySet<string>;
  private readonly types = new Map<string, CustomType>();

  /** `declaredTypes`: every key of `schema.types`, built or not. */
  constructor(declaredTypes: ReadonlySet<string>) {
    this.declared = declaredTypes;
  }

  /** Registers a built custom type; `required` is true for an alias carrying `required=true`. */
  defineType(name: string, schema: JSONSchemaProps, required: boolean): void {
    this.types.set(name, { schema, required });
  }

  /** The built custom types, by name. */
  definedTypes(): ReadonlyMap<string, { schema: JSONSchemaProps; required: boolean }> {
    return this.types;
  }

  /**
   * An object schema for a struct: `properties` from the fields that build, `required` sorted (Go
   * order, duplicates kept), and `default: {}` when some child has a default and nothing is required.
   */
  buildStruct(node: StructNode): JSONSchemaProps {
    const schema: JSONSchemaProps = { type: 'object' };
    const props: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    let childHasDefault = false;
    for (const { name, node: child } of node.fields) {
      const s = child.kind === 'struct' ? this.buildStruct(child) : this.buildField(child, required);
      if (!s) continue;
      setOwn(props, name, s);
      if (s.default !== undefined) childHasDefault = true;
    }
    if (Object.keys(props).length > 0) schema.properties = props;
    if (required.length > 0) schema.required = [...required].sort(compareGoStrings);
    else if (childHasDefault) schema.default = {};
    return schema;
  }

  /**
   * The schema of a field: its resolved type, plus `required` inherited from an alias type, plus its
   * markers. `parentRequired` receives the field's name when it is required.
   */
  buildField(node: FieldNode, parentRequired: string[]): JSONSchemaProps | undefined {
    const schema = this.resolve(node.type, node.path);
    if (!schema) return undefined;
    if (node.type.kind === 'custom' && this.types.get(node.type.name)?.required)
      parentRequired.push(node.name);
    const where = formatPath(node.path);
    for (const p of applyMarkers(schema, node.markers, node.name, parentRequired)) {
      this.diagnostics.push(error(p.code, where, p.message));
    }
    return schema;
  }

  private resolve(t: TypeExpr, path: PathSegment[]): JSONSchemaProps | undefined {
    switch (t.kind) {
      case 'atomic':
        return { type: t.name === 'float' ? 'number' : t.name };
      case 'object':
        return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      case 'slice': {
        const items = this.resolve(t.elem, path);
        return items && { type: 'array', items };
      }
      case 'map': {
        const value = this.resolve(t.value, path);
        return value && { type: 'object', additionalProperties: value };
      }
      case 'custom': {
        const found = this.types.get(t.name);
        if (found) return structuredClone(found.schema);
        if (!this.buildingTypes && !this.declared.has(t.name)) {
          this.diagnostics.push(error(CODES.unknownType, formatPath(path), `unknown type: ${t.name}`));
        }
        return undefined;
      }
    }
  }
}
