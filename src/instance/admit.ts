/**
 * Admission of an instance (an object of a kind an RGD generates) as the Kubernetes API server does it
 * from kro's generated CRD (kro-contract §7, §6.1): what it stores on CREATE/UPDATE, and the errors it
 * reports.
 *
 * Why a compiled walker of its own rather than ajv: the pipeline is Kubernetes-specific at every step
 * (structural pruning with `x-kubernetes-preserve-unknown-fields`, null dropping, defaults in list
 * items and map values, `int-or-string`, list types, ratcheting on UPDATE, CEL rules with `self`/
 * `oldSelf`) and so are the message texts and field names the API server prints; ajv would need each
 * of them as a plugin and its messages rewritten, and its `removeAdditional`/`useDefaults` differ
 * from the API server's (nulls, defaults under preserve-unknown). One compiled tree of plain objects
 * (schema-node.ts) walked by small pure functions is simpler and fast: a small kro instance is
 * admitted in a few microseconds.
 *
 * Order, as in the API server: decode-time pruning, null dropping and defaulting (structural.ts) and
 * ObjectMeta coercion (metadata.ts); `status` dropped on CREATE and taken from the old object on
 * UPDATE (the CRD has the status subresource); then validation: ObjectMeta, OpenAPI (validate.ts),
 * list types, and, when none of the errors so far is of a blocking kind (unsupported value, required,
 * too long, too many, wrong type), the `x-kubernetes-validations` rules (rules.ts). Blocking errors
 * add the API server's `<nil>: Invalid value: null: some validation rules were not checked …` when the
 * schema has rules.
 *
 * Not covered: `kind`/`apiVersion` checks (the caller routes by GVK), `allOf`/`anyOf`/`oneOf`/`not`,
 * embedded resources' metadata validation, server-assigned metadata, the `scale` subresource.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { createEvaluationEnvironment } from '../cel/library/register.ts';
import { error, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { invalid, toDiagnostic, type FieldError } from './field-errors.ts';
import { child, type FieldPath } from './field-path.ts';
import {
  itemCorrelations,
  keyCorrelation,
  rootCorrelation,
  UNCORRELATED,
  type Correlated,
} from './correlation.ts';
import { coerceObjectMeta, validateObjectMeta } from './metadata.ts';
import { compileRules, evaluateRules, OBJECT_BUDGET, type CompiledRule, type RuleBudget } from './rules.ts';
import { compileSchemaNode, deepCopy, isObject, setOwn, type SchemaNode } from './schema-node.ts';
import { structural } from './structural.ts';
import { validateObject } from './validate.ts';

/** Options of {@link compileInstanceSchema}. */
export interface CompileInstanceSchemaOptions {
  /**
   * The CEL environment for `x-kubernetes-validations` rules; default: a new
   * `createEvaluationEnvironment()` (a few milliseconds), made only when the schema has rules.
   */
  celEnvironment?: Environment;
  /** The kind's scope (`spec.scope` of the CRD); `metadata.namespace` is checked only when given. */
  scope?: 'Namespaced' | 'Cluster';
}

/** Options of {@link CompiledInstanceSchema.admit}. */
export interface AdmitOptions {
  operation: 'CREATE' | 'UPDATE';
  /** The stored object, on UPDATE: enables ratcheting and transition rules (`oldSelf`). */
  oldObject?: unknown;
}

/** The object as the API server would store it, and every error it would report (sorted). */
export interface AdmitResult {
  object: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

/** A CRD schema compiled for admission; cache it per RGD generation. */
export interface CompiledInstanceSchema {
  /** The compiled root schema node. */
  readonly root: SchemaNode;
  /**
   * Admits `object` (see the module docs). Never throws, never mutates `object` or `oldObject`,
   * deterministic. A non-object input gives `instance/not-an-object` and an empty object.
   */
  admit(object: unknown, options: AdmitOptions): AdmitResult;
}

/** Error types after which the API server does not evaluate CEL rules (`hasBlockingErr`). */
function isBlocking(e: FieldError): boolean {
  return (
    e.type === 'Unsupported value' ||
    e.type === 'Required value' ||
    e.type === 'Too long' ||
    e.type === 'Too many' ||
    e.code === 'instance/invalid-type' ||
    e.code === 'instance/invalid-format' ||
    e.code === 'instance/invalid-metadata'
  );
}

const RULES_NOT_CHECKED =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

const TYPE_META = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * The stored form of a whole object: `apiVersion`/`kind` kept, `metadata` coerced, the rest pruned and
 * defaulted by the root schema; `status` dropped unless `keepStatus`.
 */
function storedObject(
  obj: Record<string, unknown>,
  root: SchemaNode,
  keepStatus: boolean,
): { object: Record<string, unknown>; metaErrors: FieldError[] } {
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    if (TYPE_META.has(k) || (k === 'status' && !keepStatus) || obj[k] === undefined) continue;
    setOwn(body, k, obj[k]);
  }
  const rest = structural(body, root) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (obj.apiVersion !== undefined) out.apiVersion = deepCopy(obj.apiVersion);
  if (obj.kind !== undefined) out.kind = deepCopy(obj.kind);
  const { meta, errors } = coerceObjectMeta(obj.metadata);
  if (isObject(obj.metadata)) out.metadata = meta;
  for (const k of Object.keys(rest)) {
    if (TYPE_META.has(k) || (k === 'status' && !keepStatus)) continue;
    setOwn(out, k, rest[k]);
  }
  return { object: out, metaErrors: errors };
}

interface CelWalk {
  readonly env: Environment;
  readonly rules: ReadonlyMap<SchemaNode, readonly CompiledRule[]>;
  readonly budget: RuleBudget;
  readonly errors: FieldError[];
  readonly warnings: Map<CompiledRule, Diagnostic>;
}

function celWalk(
  w: CelWalk,
  v: unknown,
  node: SchemaNode,
  path: FieldPath | undefined,
  c: Correlated,
  root: boolean,
): void {
  if (v === null || v === undefined || w.budget.exhausted) return;
  const rules = w.rules.get(node);
  if (rules !== undefined) {
    const old = c.exact && c.corr?.hasOld === true ? { value: c.corr.old } : undefined;
    const site = { node, value: v, path, old, root, correlation: c.corr };
    evaluateRules(w.env, rules, site, w.budget, w.errors, w.warnings);
  }
  if (Array.isArray(v)) {
    const items = node.items;
    if (items === undefined || !items.subtreeHasRules) return;
    const corrs = c.corr === undefined ? undefined : itemCorrelations(c, node, v);
    for (let i = 0; i < v.length && !w.budget.exhausted; i++)
      celWalk(w, v[i], items, child(path, i, 'index'), corrs?.[i] ?? c, false);
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (w.budget.exhausted) return;
      const prop = node.properties?.get(k);
      const schema = prop ?? node.additional;
      if (schema === undefined || !schema.subtreeHasRules) continue;
      const kc = c.corr === undefined ? c : keyCorrelation(c, k, v[k], root);
      celWalk(w, v[k], schema, child(path, k, prop !== undefined ? 'property' : 'key'), kc, false);
    }
  }
}

function collectRules(env: Environment, node: SchemaNode, out: Map<SchemaNode, CompiledRule[]>): void {
  if (!node.subtreeHasRules) return;
  if (node.rawRules.length > 0) out.set(node, compileRules(env, node));
  for (const c of node.properties?.values() ?? []) collectRules(env, c, out);
  if (node.additional !== undefined) collectRules(env, node.additional, out);
  if (node.items !== undefined) collectRules(env, node.items, out);
}

/**
 * Compiles a CRD version's `openAPIV3Schema` (an object such as `crd.spec.versions[0].schema.
 * openAPIV3Schema` of `checkRgd(...).crd`) for {@link CompiledInstanceSchema.admit}: the walk plan,
 * patterns, formats and CEL rules, once. Nothing is cached globally. A malformed schema compiles to a
 * permissive one (keywords of the wrong JSON type are not checked).
 *
 * @throws Error only when a new CEL environment is needed and kro-guard's CEL libraries cannot be
 *   registered on cel-js (an incompatible cel-js upgrade; `createEvaluationEnvironment`).
 */
export function compileInstanceSchema(
  openAPIV3Schema: unknown,
  options: CompileInstanceSchemaOptions = {},
): CompiledInstanceSchema {
  const root = compileSchemaNode(openAPIV3Schema);
  const rules = new Map<SchemaNode, CompiledRule[]>();
  let env: Environment | undefined;
  if (root.subtreeHasRules) {
    env = options.celEnvironment ?? createEvaluationEnvironment();
    collectRules(env, root, rules);
  }
  const scope = options.scope;

  function admit(object: unknown, admitOptions: AdmitOptions): AdmitResult {
    if (!isObject(object)) {
      return {
        object: {},
        diagnostics: [error('instance/not-an-object', '', 'the instance must be a JSON object')],
      };
    }
    const update = admitOptions.operation === 'UPDATE' && isObject(admitOptions.oldObject);
    const old = update
      ? storedObject(admitOptions.oldObject as Record<string, unknown>, root, true).object
      : undefined;
    const { object: admitted, metaErrors } = storedObject(object, root, false);
    if (old !== undefined && Object.hasOwn(old, 'status')) admitted.status = deepCopy(old.status);

    const errors: FieldError[] = [...metaErrors];
    const metaOptions = {
      ...(scope !== undefined ? { scope } : {}),
      ...(old !== undefined ? { oldMeta: isObject(old.metadata) ? old.metadata : {} } : {}),
    };
    errors.push(...validateObjectMeta(isObject(admitted.metadata) ? admitted.metadata : {}, metaOptions));
    const correlated = old !== undefined ? rootCorrelation(admitted, old) : UNCORRELATED;
    const found = validateObject(admitted, root, correlated);
    errors.push(...found.errors);
    if (found.listErrors.length > 0) {
      const oldListErrors =
        old !== undefined && validateObject(old, root, UNCORRELATED, true).listErrors.length > 0;
      if (!oldListErrors) errors.push(...found.listErrors);
    }

    const warnings = new Map<CompiledRule, Diagnostic>();
    if (env !== undefined) {
      if (errors.some(isBlocking)) {
        errors.push(invalid('instance/validation-skipped', undefined, '<nil>', null, RULES_NOT_CHECKED));
      } else {
        const budget = { remaining: OBJECT_BUDGET, exhausted: false };
        celWalk({ env, rules, budget, errors, warnings }, admitted, root, undefined, correlated, true);
      }
    }
    const diagnostics = sortDiagnostics([...errors.map(toDiagnostic), ...warnings.values()]);
    return { object: admitted, diagnostics };
  }

  return { root, admit };
}
