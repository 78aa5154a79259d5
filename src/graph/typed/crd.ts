/**
 * The CRD kro would generate for an RGD (kro-contract §6.1) and the API server's checks on it (§6.2),
 * with `x-kubernetes-validations` rules compiled by kro-guard's CEL checker.
 */
import { buildInstanceCrd, checkGeneratedCrd, type CustomResourceDefinition } from '../../crd/index.ts';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import type { OpenAPISchema } from '../../schemas/prune.ts';
import type { JSONSchemaProps } from '../../simpleschema/types.ts';
import { isRecord } from '../util.ts';
import { compileValidationRule } from './validation-rules.ts';

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/**
 * Builds the generated CRD of `rgd` (defaults applied) from its instance spec schema and inferred
 * status schema, and checks it as the API server will when kro creates it.
 */
export function generatedCrd(
  rgd: unknown,
  specSchema: JSONSchemaProps,
  statusSchema: OpenAPISchema | undefined,
): { crd: CustomResourceDefinition | undefined; diagnostics: Diagnostic[] } {
  if (!isRecord(rgd) || !isRecord(rgd.spec) || !isRecord(rgd.spec.schema))
    return { crd: undefined, diagnostics: [] };
  const s = rgd.spec.schema;
  const md = isRecord(rgd.metadata) ? rgd.metadata : {};
  if (typeof s.kind !== 'string' || typeof s.apiVersion !== 'string')
    return { crd: undefined, diagnostics: [] };
  const schemaMeta = isRecord(s.metadata) ? s.metadata : {};
  const labels = stringMap(schemaMeta.labels);
  const annotations = stringMap(schemaMeta.annotations);
  const crd = buildInstanceCrd({
    rgdName: typeof md.name === 'string' ? md.name : '',
    ...(typeof md.uid === 'string' ? { rgdUid: md.uid } : {}),
    kind: s.kind,
    group: typeof s.group === 'string' ? s.group : '',
    apiVersion: s.apiVersion,
    scope: s.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    specSchema,
    ...(statusSchema !== undefined ? { statusSchema: statusSchema as JSONSchemaProps } : {}),
    ...(Array.isArray(s.additionalPrinterColumns)
      ? { additionalPrinterColumns: s.additionalPrinterColumns }
      : {}),
    metadata: { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
  });
  const diagnostics = checkGeneratedCrd(crd, {
    compileRule: (rule, schema) => compileValidationRule(rule, schema as OpenAPISchema),
    rgdSchemaSource: { spec: s.spec, types: s.types },
  });
  return { crd, diagnostics };
}
