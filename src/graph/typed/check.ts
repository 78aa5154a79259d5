/**
 * The checks of an RGD that need its templates' OpenAPI schemas (kro-contract §4.3-§4.5, §5.4-§5.9):
 * schema resolution, literal values and unknown fields, scope and namespace rules, and the typed
 * CEL checks of template, forEach, includeWhen, readyWhen and status expressions.
 */
import { formatCelIssue } from '../../cel/index.ts';
import {
  BOOL,
  checkCel,
  DYN,
  formatType,
  schemaAtPath,
  schemaToCelType,
  STRING,
  type CelType,
  type CheckEnvironment,
} from '../../cel/check/index.ts';
import {
  error,
  formatPath,
  warning,
  type Diagnostic,
  type PathSegment,
} from '../../diagnostics/diagnostic.ts';
import type { GroupVersionKind, OpenAPISchema } from '../../schemas/prune.ts';
import type { ResolvedKind, SchemaSource } from '../../schemas/source.ts';
import type { ExpressionAnalyser } from '../references.ts';
import type { ResourceNode } from '../resources.ts';
import { objectGvk } from '../gvks.ts';
import { isRecord } from '../util.ts';
import { incompatibility } from './compat.ts';
import { environmentVariables, kroOverloads, type TypedResource } from './environment.ts';
import { checkTemplateLiterals } from './literals.ts';

/** Input of {@link checkTypedGraph}. */
export interface TypedGraphInput {
  /** The RGD's resource nodes (first definition of each id). */
  nodes: readonly ResourceNode[];
  analyser: ExpressionAnalyser;
  schemas: SchemaSource;
  /** `spec.schema.scope` after defaulting. */
  clusterScoped: boolean;
  /** The instance `spec` schema from SimpleSchema; undefined when it has errors. */
  specSchema: OpenAPISchema | undefined;
}

/** Output of {@link checkTypedGraph}. */
export interface TypedGraphResult {
  diagnostics: Diagnostic[];
  /** Each resource's resolved kind (absent when unknown or schemaless). */
  kinds: ReadonlyMap<string, ResolvedKind>;
  /** The typed environment, for status and condition checks. */
  env: CheckEnvironment;
}

const CRD_GVK = 'apiextensions.k8s.io/v1/CustomResourceDefinition';

function gvkText(g: GroupVersionKind): string {
  return `${g.group === '' ? '' : `${g.group}/`}${g.version}, Kind=${g.kind}`;
}

/**
 * Runs the schema-dependent checks over every resource and reports all problems.
 *
 * A kind the source does not know is an error when the source is authoritative (the live cluster:
 * kro reports `failed to get schema for resource <id>`), else a warning, and its checks are skipped.
 * Pure apart from reading `schemas` (whose `prepare` the caller has awaited).
 */
export function checkTypedGraph(input: TypedGraphInput): TypedGraphResult {
  const out: Diagnostic[] = [];
  const kinds = new Map<string, ResolvedKind>();
  const typed: TypedResource[] = [];
  for (const node of input.nodes) {
    const gvk = objectGvk(node.object);
    let resolved: ResolvedKind | undefined;
    const schemaless = gvk !== undefined && `${gvk.group}/${gvk.version}/${gvk.kind}` === CRD_GVK;
    if (gvk !== undefined && !schemaless) {
      resolved = input.schemas.lookup(gvk);
      if (resolved === undefined) {
        const p = formatPath([...node.objectPath, 'kind']);
        if (input.schemas.authoritative) {
          out.push(
            error(
              'template/unknown-kind',
              p,
              `failed to get schema for resource ${node.id}: schema not found for ${gvkText(gvk)}`,
              node.id,
            ),
          );
        } else {
          out.push(
            warning(
              'template/no-schema',
              p,
              `no schema for ${gvkText(gvk)} in ${input.schemas.name}: the typed checks of resource ${node.id} are skipped (give its CRD with --crds, or check against a cluster)`,
              node.id,
            ),
          );
        }
      } else {
        kinds.set(node.id, resolved);
      }
    }
    const collection = node.forEach.length > 0 || isSelectorRef(node);
    typed.push({ id: node.id, schema: resolved?.schema, collection });
  }

  const env: CheckEnvironment = {
    variables: environmentVariables(input.specSchema, input.clusterScoped, typed),
    overloads: kroOverloads(),
  };

  for (const node of input.nodes) {
    const kind = kinds.get(node.id);
    if (kind !== undefined) {
      if (node.objectPath[node.objectPath.length - 1] === 'template')
        out.push(
          ...checkTemplateLiterals(
            node.object,
            kind.schema,
            node.objectPath,
            node.id,
            new Set(node.fields.filter((f) => f.standalone).map((f) => formatPath(f.relPath))),
          ),
        );
      out.push(...checkScope(node, kind, input.clusterScoped));
      if (kind.namespaced === false) out.push(...checkClusterScopedIdentity(node, input.analyser));
    }
    out.push(...checkNodeExpressions(node, kind, env, input.analyser));
  }
  return { diagnostics: out, kinds, env };
}

function isSelectorRef(node: ResourceNode): boolean {
  const md = node.object.metadata;
  return (
    node.objectPath[node.objectPath.length - 1] === 'externalRef' && isRecord(md) && md.selector !== undefined
  );
}

/** §4.5: namespace rules that need the kind's scope. */
function checkScope(node: ResourceNode, kind: ResolvedKind, clusterScoped: boolean): Diagnostic[] {
  const md = isRecord(node.object.metadata) ? node.object.metadata : {};
  const path = formatPath([...node.objectPath, 'metadata', 'namespace']);
  if (kind.namespaced === false && md.namespace !== undefined) {
    return [
      error(
        'template/cluster-scoped-namespace',
        path,
        `resource "${node.id}" is cluster-scoped and must not set metadata.namespace`,
        node.id,
      ),
    ];
  }
  if (kind.namespaced === true && clusterScoped && !isSelectorRef(node)) {
    const ns = md.namespace;
    if (typeof ns !== 'string' || ns.trim() === '') {
      return [
        error(
          'template/namespace-required',
          path,
          `resource "${node.id}" is namespaced and must set metadata.namespace when the instance CRD is cluster-scoped`,
          node.id,
        ),
      ];
    }
  }
  return [];
}

/**
 * §5.4's identity rule for cluster-scoped kinds: there `metadata.namespace` does not count, so an
 * iterator used only in the namespace is missing (the untyped check, which cannot know the scope,
 * counted it).
 */
function checkClusterScopedIdentity(node: ResourceNode, analyser: ExpressionAnalyser): Diagnostic[] {
  if (node.forEach.length === 0) return [];
  const inName = new Set<string>();
  const inNamespace = new Set<string>();
  for (const field of node.fields) {
    const [a, b, ...rest] = field.relPath;
    if (a !== 'metadata' || (b !== 'name' && b !== 'namespace') || rest.length > 0) continue;
    for (const ex of field.expressions) {
      const r = analyser.analyse(ex.expression);
      if (!r.ok) return [];
      for (const i of r.inspection.identifiers) (b === 'name' ? inName : inNamespace).add(i);
    }
  }
  const names = node.forEach.map((d) => d.name);
  // Iterators missing from both are already reported by the scope-blind check.
  if (names.some((n) => !inName.has(n) && !inNamespace.has(n))) return [];
  const missing = names.filter((n) => !inName.has(n));
  if (missing.length === 0) return [];
  return [
    error(
      'graph/foreach-identity',
      formatPath([...node.objectPath, 'metadata', 'name']),
      `node "${node.id}": all forEach dimensions must be used to produce a unique resource identity, missing: [${missing.join(' ')}]`,
      node.id,
    ),
  ];
}

function issuesText(expression: string, issues: readonly { message: string; offset: number }[]): string {
  return issues.map((i) => formatCelIssue(expression, i.message, i.offset)).join('\n');
}

function withVariables(env: CheckEnvironment, extra: ReadonlyMap<string, CelType>): CheckEnvironment {
  if (extra.size === 0) return env;
  const variables = new Map(env.variables);
  for (const [k, v] of extra) variables.set(k, v);
  return { variables, overloads: env.overloads };
}

function isBool(t: CelType): boolean {
  return t === BOOL || (t.kind === 'optional' && t.elem === BOOL);
}

/** §5.4-§5.7 for one resource: forEach, template expressions, includeWhen, readyWhen. */
function checkNodeExpressions(
  node: ResourceNode,
  kind: ResolvedKind | undefined,
  env: CheckEnvironment,
  analyser: ExpressionAnalyser,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const id = node.id;
  const prefix = `failed to validate resource "${id}": `;
  const at = (path: readonly PathSegment[]): string => formatPath(path);

  // forEach (§5.4): each dimension must return a list; its iterator gets the element type.
  const iterators = new Map<string, CelType>();
  for (const dim of node.forEach) {
    if (dim.expression === undefined) continue;
    const a = analyser.analyse(dim.expression);
    if (!a.ok) continue;
    const r = checkCel(a.ast, env);
    if (r.issues.length > 0) {
      out.push(
        error(
          'cel/type-error',
          at(dim.path),
          `${prefix}node "${id}": forEach iterator "${dim.name}": failed to type-check expression "${dim.expression}": ${issuesText(dim.expression, r.issues)}`,
          id,
        ),
      );
      iterators.set(dim.name, DYN);
      continue;
    }
    if (r.type.kind === 'list') {
      iterators.set(dim.name, r.type.elem);
    } else if (r.type.kind === 'dyn' && r.uncertain) {
      iterators.set(dim.name, r.type);
    } else {
      const t = formatType(r.type);
      out.push(
        error(
          'cel/foreach-not-list',
          at(dim.path),
          `${prefix}node "${id}": forEach iterator "${dim.name}" must return a list, got "${t}": type "${t}" is not a list type`,
          id,
        ),
      );
      iterators.set(dim.name, DYN);
    }
  }
  const tenv = withVariables(env, iterators);

  // Template expressions (§5.7).
  for (const field of node.fields) {
    const rel = formatPath(field.relPath);
    const expected: CelType =
      kind === undefined
        ? DYN
        : (() => {
            const sub = schemaAtPath(kind.schema, field.relPath);
            return sub === undefined ? DYN : schemaToCelType(sub, expectedName(id, field.relPath));
          })();
    if (field.standalone) {
      const ex = field.expressions[0]!;
      const a = analyser.analyse(ex.expression);
      if (!a.ok) continue;
      const r = checkCel(a.ast, tenv);
      if (r.issues.length > 0) {
        out.push(
          error(
            'cel/type-error',
            at(field.path),
            `${prefix}failed to compile template expression "${ex.expression}" at path "${rel}": ${issuesText(ex.expression, r.issues)}`,
            id,
          ),
        );
        continue;
      }
      const why = incompatibility(r.type, expected);
      if (why !== undefined) {
        out.push(
          error(
            'cel/type-mismatch',
            at(field.path),
            `${prefix}type mismatch in resource "${id}" at path "${rel}": expression "${ex.expression}" returns type "${formatType(r.type)}" but expected "${formatType(expected)}": ${why}`,
            id,
          ),
        );
      }
      continue;
    }
    // A string template compiles to `"lit" + (e1) + ...` (templateToCel): every part must be a string.
    let failed = false;
    // The left operand of this part's `+` is a string unless the template starts with this part.
    let leading = field.expressions[0]!.start > 0;
    for (const ex of field.expressions) {
      const a = analyser.analyse(ex.expression);
      if (!a.ok) {
        failed = true;
        continue;
      }
      const r = checkCel(a.ast, tenv);
      if (r.issues.length > 0) {
        failed = true;
        out.push(
          error(
            'cel/type-error',
            at(field.path),
            `${prefix}failed to compile template expression "${field.text}" at path "${rel}": ${issuesText(ex.expression, r.issues)}`,
            id,
          ),
        );
      } else if (r.type !== STRING && r.type.kind !== 'dyn' && r.type.kind !== 'error') {
        failed = true;
        const pair = leading ? `string, ${formatType(r.type)}` : `${formatType(r.type)}, string`;
        out.push(
          error(
            'cel/type-error',
            at(field.path),
            `${prefix}failed to compile template expression "${field.text}" at path "${rel}": found no matching overload for '_+_' applied to '(${pair})'`,
            id,
          ),
        );
      }
      leading = true;
    }
    if (!failed) {
      const why = incompatibility(STRING, expected);
      if (why !== undefined) {
        out.push(
          error(
            'cel/type-mismatch',
            at(field.path),
            `${prefix}type mismatch in resource "${id}" at path "${rel}": expression "${field.text}" returns type "string" but expected "${formatType(expected)}": ${why}`,
            id,
          ),
        );
      }
    }
  }

  // includeWhen (§5.5) and readyWhen (§5.6): bool or optional_type(bool); `dyn` is rejected.
  const conditions = (
    entries: ResourceNode['includeWhen'],
    what: 'includeWhen' | 'readyWhen',
    cenv: CheckEnvironment,
  ): void => {
    for (const entry of entries) {
      if (entry.expression === undefined) continue;
      const a = analyser.analyse(entry.expression);
      if (!a.ok) continue;
      const r = checkCel(a.ast, cenv);
      const e = entry.expression;
      if (r.issues.length > 0) {
        out.push(
          error(
            'cel/type-error',
            at(entry.path),
            `${prefix}failed to type-check ${what} expression "${e}" in resource "${id}": ${issuesText(e, r.issues)}`,
            id,
          ),
        );
      } else if (!isBool(r.type) && !(r.type.kind === 'dyn' && r.uncertain) && r.type.kind !== 'error') {
        out.push(
          error(
            'cel/condition-not-bool',
            at(entry.path),
            `${prefix}${what} expression "${e}" in resource "${id}" must return bool or optional_type(bool), but returns "${formatType(r.type)}"`,
            id,
          ),
        );
      }
    }
  };
  conditions(node.includeWhen, 'includeWhen', env);
  const each = env.variables.get(id);
  const readyEnv =
    node.forEach.length > 0 && each !== undefined
      ? withVariables(env, new Map([['each', each.kind === 'list' ? each.elem : each]]))
      : env;
  conditions(node.readyWhen, 'readyWhen', readyEnv);
  return out;
}

/** kro's type name of the field at `rel` in resource `id`: `__type_<id>.spec.containers.@idx.image`. */
function expectedName(id: string, rel: readonly PathSegment[]): string {
  return [`__type_${id}`, ...rel.map((s) => (typeof s === 'number' ? '@idx' : s))].join('.');
}
