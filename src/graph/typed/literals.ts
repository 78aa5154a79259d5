/**
 * kro's walk of a template against its kind's OpenAPI schema (kro-contract §4.4): every literal value
 * must fit the schema, unknown fields are rejected, and string templates (`a-${x}`) may only fill
 * string fields. Standalone `${...}` values are left to the typed expression checks (§5.7).
 */
import { isIntOrString, preservesUnknownFields } from '../../cel/check/index.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../../diagnostics/diagnostic.ts';
import type { OpenAPISchema } from '../../schemas/prune.ts';
import { MAX_WALK_DEPTH } from '../expressions.ts';
import { isRecord } from '../util.ts';

/** The expected types kro derives from a schema node (§4.4 step 2). `any` accepts everything. */
function expectedTypes(s: OpenAPISchema): string[] {
  if (preservesUnknownFields(s)) return ['any'];
  if (s['x-kubernetes-int-or-string'] === true) return ['string', 'integer'];
  const alternatives = [...(s.oneOf ?? []), ...(s.anyOf ?? [])];
  if (alternatives.length > 0) {
    const out: string[] = [];
    for (const sub of alternatives) {
      if (typeof sub.type === 'string' && !out.includes(sub.type)) out.push(sub.type);
      if ((sub.required !== undefined || sub.not !== undefined) && !out.includes('object'))
        out.push('object');
    }
    return out;
  }
  if (typeof s.type === 'string' && s.type !== '') return [s.type];
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) return ['any'];
  return [];
}

function hasValidType(s: OpenAPISchema): boolean {
  return (
    (typeof s.type === 'string' && s.type !== '') ||
    (s.oneOf?.length ?? 0) > 0 ||
    (s.anyOf?.length ?? 0) > 0 ||
    (s.additionalProperties !== undefined && s.additionalProperties !== false) ||
    preservesUnknownFields(s) ||
    isIntOrString(s)
  );
}

function goKind(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'float64';
  return typeof v;
}

function scalarFits(v: unknown, types: readonly string[]): boolean {
  if (types.includes('any')) return true;
  if (typeof v === 'boolean') return types.includes('boolean') || types.includes('bool');
  if (typeof v === 'number') {
    if (types.includes('number')) return true;
    return Number.isInteger(v) && (types.includes('integer') || types.includes('int'));
  }
  return false;
}

/**
 * Checks `template` against `schema` (its kind's whole object schema) as kro's parser does, and
 * returns every problem (kro stops at the first). Paths in messages are relative to the template
 * (`spec.template.spec.containers[0].image`); diagnostic paths are absolute (`base` + relative).
 *
 * Source: kro-contract §4.4 (`pkg/graph/parser/parser.go`); messages are kro's, prefixed with
 * `failed to extract CEL expressions from schema for resource <id>: ` as kro wraps them (§2 5.1.6).
 * `standalonePaths` holds the template-relative paths (`formatPath`) of the standalone `${...}`
 * values the expression scan found; those fields are typed later (§5.7).
 */
export function checkTemplateLiterals(
  template: Record<string, unknown>,
  schema: OpenAPISchema,
  base: readonly PathSegment[],
  id: string,
  standalonePaths: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const prefix = `failed to extract CEL expressions from schema for resource ${id}: `;
  const rel: PathSegment[] = [];
  const report = (code: string, message: string, at: readonly PathSegment[] = rel): void => {
    out.push(error(code, formatPath([...base, ...at]), prefix + message, id));
  };

  const walk = (value: unknown, s: OpenAPISchema, depth: number): void => {
    if (depth > MAX_WALK_DEPTH) return; // reported by the expression scan
    const p = formatPath(rel);
    if (!hasValidType(s)) {
      report(
        'template/schema-without-type',
        `schema at path ${p} has no valid type, OneOf, AnyOf, or AdditionalProperties`,
      );
      return;
    }
    const types = expectedTypes(s);
    if (types.length === 0) {
      report('template/unknown-schema-type', `unknown schema type at path ${p}`);
      return;
    }
    const typesText = types.join(' or ');
    if (value === null || value === undefined) return;
    if (isRecord(value)) {
      if (preservesUnknownFields(s)) return;
      const apAllowed = s.additionalProperties !== undefined && s.additionalProperties !== false;
      if (!types.includes('object') && !types.includes('any') && !apAllowed) {
        report('template/type-mismatch', `expected ${typesText} type for path ${p}, got object`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        rel.push(k);
        const sub =
          s.properties?.[k] ??
          (typeof s.additionalProperties === 'object'
            ? s.additionalProperties
            : s.additionalProperties === true
              ? {}
              : undefined);
        if (sub === undefined) {
          report(
            'template/unknown-field',
            `error getting field schema for path ${formatPath(rel)}: schema not found for field ${k}`,
          );
        } else {
          walk(v, sub, depth + 1);
        }
        rel.pop();
      }
      return;
    }
    if (Array.isArray(value)) {
      if (preservesUnknownFields(s)) return;
      if (!types.includes('array') && !types.includes('any')) {
        report('template/type-mismatch', `expected ${typesText} type for path ${p}, got array`);
        return;
      }
      if (s.items === undefined) {
        if (types.includes('any')) return;
        report(
          'template/invalid-array-schema',
          `invalid array schema for path ${p}: items schema is missing`,
        );
        return;
      }
      value.forEach((item, i) => {
        rel.push(i);
        walk(item, s.items!, depth + 1);
        rel.pop();
      });
      return;
    }
    if (typeof value === 'string') {
      const standalone = standalonePaths.has(p);
      if (standalone) return; // typed later (§5.7)
      if (!types.includes('string') && !types.includes('any')) {
        report('template/type-mismatch', `expected ${typesText} type for path ${p}, got string`);
      }
      return;
    }
    if (!scalarFits(value, types)) {
      report('template/type-mismatch', `expected ${typesText} type for path ${p}, got ${goKind(value)}`);
    }
  };
  walk(template, schema, 0);
  return out;
}
