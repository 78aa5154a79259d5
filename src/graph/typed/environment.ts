/**
 * The typed CEL environment of an RGD (kro-contract §5.8): `schema` (the instance without status,
 * with the full ObjectMeta, without `namespace` for cluster-scoped instances), one variable per
 * resource id typed from its kind's schema (a list for forEach collections and selector
 * externalRefs), and kro's function library.
 */
import { UNDECLARED_FUNCTIONS } from '../../cel/functions.ts';
import {
  createOverloadTable,
  fixedStruct,
  LENIENT_DYN,
  listOf,
  schemaToCelType,
  STRING,
  type CelType,
  type OverloadTable,
} from '../../cel/check/index.ts';
import { EXTENSION_OVERLOADS } from '../../cel/library/index.ts';
import type { OpenAPISchema } from '../../schemas/prune.ts';
import { embeddedSource } from '../../schemas/source.ts';

/** kro's `kro.run.Condition` (§8 Runtime): type, status, reason, message, all strings. */
export const CONDITION_TYPE = fixedStruct('kro.run.Condition', {
  type: STRING,
  status: STRING,
  reason: STRING,
  message: STRING,
});

let table: OverloadTable | undefined;

/**
 * The function table of kro's environment (§8): the standard library, the extension libraries'
 * declarations (`src/cel/library`), kro's runtime functions, and as untyped names (calls type as
 * uncertain `dyn`) the functions kro enables that have no declaration here (`UNDECLARED_FUNCTIONS`).
 */
export function kroOverloads(): OverloadTable {
  table ??= createOverloadTable(
    [
      ...EXTENSION_OVERLOADS,
      { id: 'runtime_new_condition', name: 'newCondition', member: true, params: ['kro.run.Runtime', 'map(string, string)'], result: 'kro.run.Condition' },
      { id: 'runtime_condition', name: 'condition', member: true, params: ['kro.run.Runtime', 'dyn', 'string'], result: 'kro.run.Condition' },
    ],
    UNDECLARED_FUNCTIONS,
    new Map([['kro.run.Condition', CONDITION_TYPE]]),
  ); // prettier-ignore
  return table;
}

let objectMeta: OpenAPISchema | undefined;

/** The ObjectMeta schema (from the embedded set, whatever source the templates use). */
function objectMetaSchema(): OpenAPISchema {
  if (objectMeta === undefined) {
    const cm = embeddedSource().lookup({ group: '', version: 'v1', kind: 'ConfigMap' });
    const md = cm?.schema.properties?.metadata;
    if (md === undefined) throw new Error('embedded schemas have no ObjectMeta (ConfigMap.metadata)');
    objectMeta = md;
  }
  return objectMeta;
}

/**
 * The OpenAPI schema of the `schema` variable: `{apiVersion, kind, metadata: ObjectMeta, spec}`; for a
 * cluster-scoped instance ObjectMeta has no `namespace`.
 */
export function instanceSchema(spec: OpenAPISchema, clusterScoped: boolean): OpenAPISchema {
  let metadata = objectMetaSchema();
  if (clusterScoped) {
    const { namespace: _ns, ...rest } = metadata.properties ?? {};
    metadata = { ...metadata, properties: rest };
  }
  return {
    type: 'object',
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata, spec },
  };
}

/** What the environment needs to know about one resource. */
export interface TypedResource {
  id: string;
  /** The kind's schema, or undefined when unknown (the variable is then an uncertain `dyn`). */
  schema: OpenAPISchema | undefined;
  /** forEach collections and selector externalRefs are lists of their kind. */
  collection: boolean;
}

/**
 * The variables of the typed environment (§5.8). `spec` undefined (SimpleSchema errors) makes
 * `schema` an uncertain `dyn`.
 */
export function environmentVariables(
  spec: OpenAPISchema | undefined,
  clusterScoped: boolean,
  resources: readonly TypedResource[],
): Map<string, CelType> {
  const vars = new Map<string, CelType>();
  vars.set(
    'schema',
    spec === undefined ? LENIENT_DYN : schemaToCelType(instanceSchema(spec, clusterScoped), '__type_schema'),
  );
  for (const r of resources) {
    const t = r.schema === undefined ? LENIENT_DYN : schemaToCelType(r.schema, `__type_${r.id}`);
    vars.set(r.id, r.collection && r.schema !== undefined ? listOf(t) : t);
  }
  vars.set('runtime', { kind: 'opaque', name: 'kro.run.Runtime' });
  return vars;
}
