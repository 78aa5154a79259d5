/**
 * The instance as rendering sees it. With an instance: the object itself (kro hides its `status`).
 * Without one (symbolic mode, RGD admission): an object built from the SimpleSchema whose fields are
 * unknown inputs, except the finite-domain inputs the templates read (booleans, enums), which take
 * one value per world.
 */
import type { JSONSchemaProps } from '../../simpleschema/types.ts';
import { isRecord } from '../util.ts';
import type { CompiledGraph } from './compiled.ts';
import { referenceText } from './references.ts';
import { Unknown, type InputConstraint, type RenderedObject, type RenderedValue } from './symbolic.ts';
import { fromJson } from './values.ts';

/** An input with a finite domain, in the order of its values (default first). */
export interface FiniteInput {
  /** CEL path (`schema.spec.ingress.enabled`). */
  path: string;
  values: RenderedValue[];
}

/**
 * The `schema` variable of an instance: the object without `status` (kro strips it before
 * evaluating, `pkg/runtime` `withStatusOmitted`), as a rendered value.
 */
export function instanceValue(instance: Record<string, unknown>): RenderedObject {
  const out: RenderedObject = {};
  for (const [k, v] of Object.entries(instance)) if (k !== 'status' && v !== undefined) out[k] = fromJson(v);
  return out;
}

/**
 * What the SimpleSchema says about the input at a CEL path below `schema.spec`
 * (`schema.spec.buckets[*].name`): its pattern, enum, format, maxLength, minimum and maximum.
 * Undefined when the path is not below `schema.spec` or the schema has no such field.
 */
export function constraintAt(spec: JSONSchemaProps | undefined, path: string): InputConstraint | undefined {
  const schema = schemaAt(spec, path);
  if (schema === undefined) return undefined;
  const c: InputConstraint = {};
  if (schema.pattern !== undefined) c.pattern = schema.pattern;
  if (schema.enum !== undefined) c.enum = schema.enum.map(fromJson);
  if (schema.format !== undefined) c.format = schema.format;
  if (schema.maxLength !== undefined) c.maxLength = schema.maxLength;
  if (schema.minimum !== undefined) c.minimum = schema.minimum;
  if (schema.maximum !== undefined) c.maximum = schema.maximum;
  return Object.keys(c).length > 0 ? c : undefined;
}

const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[(\*|\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

function schemaAt(spec: JSONSchemaProps | undefined, path: string): JSONSchemaProps | undefined {
  if (spec === undefined || !path.startsWith('schema.spec')) return undefined;
  let rest = path.slice('schema.spec'.length);
  let s: JSONSchemaProps | undefined = spec;
  while (rest !== '' && s !== undefined) {
    const m = STEP.exec(rest);
    if (m === null) return undefined;
    rest = rest.slice(m[0].length);
    if (m[2] !== undefined) {
      s = s.items;
    } else {
      const key = m[1] ?? (JSON.parse(m[3]!) as string);
      const extra: JSONSchemaProps | boolean | undefined = s.additionalProperties;
      s = s.properties?.[key] ?? (isRecord(extra) ? extra : undefined);
    }
  }
  return s;
}

/**
 * The inputs with a finite domain that some expression reads (the reference itself or a field
 * below it): booleans (`[default, other]`, `[false, true]` without a default) and enums (default
 * first, then the enum's order). Only object properties are considered, not list items or map
 * values. In schema order.
 */
export function finiteInputs(compiled: CompiledGraph): FiniteInput[] {
  const out: FiniteInput[] = [];
  const read = (path: string): boolean => {
    for (const r of compiled.schemaReferences)
      if (r === path || r.startsWith(`${path}.`) || r.startsWith(`${path}[`)) return true;
    return false;
  };
  const visit = (s: JSONSchemaProps, path: string): void => {
    if (s.properties !== undefined) {
      for (const [k, sub] of Object.entries(s.properties)) visit(sub, referenceText(path, [k]));
      return;
    }
    const values = domainOf(s);
    if (values !== undefined && read(path)) out.push({ path, values });
  };
  if (compiled.specSchema !== undefined) visit(compiled.specSchema, 'schema.spec');
  return out;
}

function domainOf(s: JSONSchemaProps): RenderedValue[] | undefined {
  const dflt = s.default === undefined ? undefined : fromJson(s.default);
  if (s.enum !== undefined && s.enum.length > 0) {
    const values = s.enum.map(fromJson);
    const i = values.findIndex((v) => v === dflt);
    return i > 0 ? [values[i]!, ...values.slice(0, i), ...values.slice(i + 1)] : values;
  }
  if (s.type === 'boolean') return dflt === true ? [true, false] : [false, true];
  return undefined;
}

/**
 * The `schema` variable of a symbolic world: `apiVersion` and `kind` of the instance kind,
 * `metadata.name`/`namespace` unknown, and `spec` built from the SimpleSchema: nested objects with
 * properties as objects, every other field an {@link Unknown} input (with its constraint), except
 * the paths in `assignment`, which take the given value.
 *
 * @param located called with every unknown created (their provenance path is their place).
 * @returns the object and the CEL paths of the inputs left unknown, in schema order.
 */
export function symbolicInstance(
  compiled: CompiledGraph,
  assignment: ReadonlyMap<string, RenderedValue>,
  located: (u: Unknown) => Unknown,
): { value: RenderedObject; free: string[] } {
  const free: string[] = [];
  const input = (path: string, constraint?: InputConstraint): Unknown => {
    free.push(path);
    return located(new Unknown(path, [{ kind: 'input', path }], constraint));
  };
  const build = (s: JSONSchemaProps, path: string): RenderedValue => {
    const assigned = assignment.get(path);
    if (assigned !== undefined) return assigned;
    if (s.properties !== undefined) {
      const out: RenderedObject = {};
      for (const [k, sub] of Object.entries(s.properties)) out[k] = build(sub, referenceText(path, [k]));
      return out;
    }
    return input(path, constraintAt(compiled.specSchema, path));
  };
  const metadata: RenderedObject = { name: input('schema.metadata.name') };
  if (!compiled.clusterScoped) metadata.namespace = input('schema.metadata.namespace');
  const value: RenderedObject = {
    apiVersion: compiled.instanceApiVersion,
    kind: compiled.instanceKind,
    metadata,
  };
  if (compiled.specSchema !== undefined) value.spec = build(compiled.specSchema, 'schema.spec');
  return { value, free };
}
