/**
 * Graph expansion: the children kro's instance controller would create for one instance (or one
 * symbolic world), resource by resource in topological order (kro `pkg/runtime` `Node`):
 *
 * - inclusion (`IsIgnored`): a resource is left out when a resource it depends on is left out
 *   (exclusion is contagious along every dependency: template, forEach and includeWhen
 *   references), or when one of its includeWhen entries is false; an unknown entry (or an unknown
 *   dependency) makes the inclusion unknown (kro-contract §5.5);
 * - forEach (`evaluateForEach`, `cartesianProduct`): the dimensions in order, the cartesian product
 *   with the last dimension varying fastest, an empty dimension giving no element, more than 1000
 *   elements an error (§5.4, §7); a dimension whose list is unknown renders one representative
 *   element (`collectionIndex: '*'`) whose iterator is unknown;
 * - templates: a standalone `${...}` replaces the field with its value; a string template is the
 *   concatenation of its literal text and holes, each hole a string (§5.1); `omit()` removes the
 *   field (§5.10);
 * - namespaces (`normalizeNamespaces`): a namespaced child (or externalRef) without a namespace
 *   takes the instance's (§7).
 *
 * Other resources are visible as their rendered objects; what they do not hold (status, defaults,
 * an externalRef's contents) is unknown (see `evaluate.ts`).
 */
import { error, formatPath, type PathSegment } from '../../diagnostics/diagnostic.ts';
import type {
  CompiledEntry,
  CompiledExpression,
  CompiledField,
  CompiledGraph,
  CompiledNode,
} from './compiled.ts';
import { type Evaluator, type MissingPolicy, type Outcome, type Scope, type Variable } from './evaluate.ts';
import {
  SymbolicString,
  Unknown,
  isRenderedObject,
  symbolicString,
  type RenderedObject,
  type RenderedValue,
} from './symbolic.ts';
import type { RenderedGraph, RenderedResource, RenderMode } from './types.ts';
import { removeAll, setAt } from './object-paths.ts';
import { OMIT, copyRendered, fromJson, typeName } from './values.ts';

/** kro's default `--rgd-max-collection-size` (kro-contract §7). */
export const MAX_COLLECTION_SIZE = 1000;

/** What one expansion starts from. */
export interface ExpansionInput {
  mode: RenderMode;
  /** The `schema` variable and how fields missing from it read. */
  schema: RenderedObject;
  schemaMissing: MissingPolicy;
  instance: RenderedGraph['instance'];
  assignment: Record<string, unknown>;
}

type State = { excluded: true } | { excluded: false; included: true | Unknown };

/**
 * Expands the compiled graph for one instance or world. Never throws; evaluation problems are
 * diagnostics (instance mode: paths `resources[<id>][<index>].<field>`; symbolic mode: RGD paths).
 */
export function expand(compiled: CompiledGraph, input: ExpansionInput, evaluator: Evaluator): RenderedGraph {
  return new Expansion(compiled, input, evaluator).run();
}

class Expansion {
  private readonly compiled: CompiledGraph;
  private readonly input: ExpansionInput;
  private readonly evaluator: Evaluator;
  private readonly scope = new Map<string, Variable>();
  private readonly states = new Map<string, State>();
  private readonly graph: RenderedGraph;

  constructor(compiled: CompiledGraph, input: ExpansionInput, evaluator: Evaluator) {
    this.compiled = compiled;
    this.input = input;
    this.evaluator = evaluator;
    this.scope.set('schema', { value: input.schema, missing: input.schemaMissing });
    this.graph = {
      mode: input.mode,
      instance: input.instance,
      resources: [],
      excluded: [],
      assignment: input.assignment,
      diagnostics: [],
    };
  }

  run(): RenderedGraph {
    for (const node of this.compiled.nodes) {
      const included = this.inclusion(node);
      if (included === false) {
        this.states.set(node.id, { excluded: true });
        this.graph.excluded.push({ id: node.id });
        continue;
      }
      this.states.set(node.id, { excluded: false, included });
      const missing: MissingPolicy = { kind: 'status', resourceId: node.id };
      if (node.forEach.length === 0) {
        const object = this.renderObject(node, this.scope, undefined, new Map());
        this.push(node, object, included);
        this.scope.set(node.id, { value: object, missing });
      } else {
        this.scope.set(node.id, { value: this.collection(node, included), missing });
      }
    }
    return this.graph;
  }

  /** `false` (left out), `true`, or the unknown condition. */
  private inclusion(node: CompiledNode): boolean | Unknown {
    const unknowns: Unknown[] = [];
    for (const dep of node.deps) {
      const s = this.states.get(dep);
      if (s === undefined) continue;
      if (s.excluded) return false;
      if (s.included !== true) unknowns.push(s.included);
    }
    for (const entry of node.includeWhen) {
      if (entry.expression === undefined) continue;
      const out = this.evaluator.evaluate(entry.expression, this.scope);
      const path = this.entryPath(node, entry);
      if (!out.ok) {
        this.fail(path, node, entry.expression, out.error);
        unknowns.push(runtimeUnknown(entry.expression));
      } else if (out.value === false) {
        return false;
      } else if (out.value instanceof Unknown) {
        unknowns.push(out.value);
      } else if (out.value !== true) {
        this.graph.diagnostics.push(
          error(
            'render/include-when-not-bool',
            path,
            `includeWhen expression "${entry.expression.text}" returned ${typeName(out.value)}, not a bool`,
            node.id,
          ),
        );
        unknowns.push(runtimeUnknown(entry.expression));
      }
    }
    return conjunction(unknowns);
  }

  /** Expands a forEach collection; returns what dependents see as its value. */
  private collection(node: CompiledNode, included: true | Unknown): RenderedValue {
    const dimensions: { name: string; values: RenderedValue[] }[] = [];
    let representative = false;
    let total = 1;
    const collectionUnknown = (): Unknown =>
      this.evaluator.locate(new Unknown(node.id, [{ kind: 'status', resourceId: node.id, path: node.id }]));
    for (const dim of node.forEach) {
      if (dim.expression === undefined) return collectionUnknown();
      const out = this.evaluator.evaluate(dim.expression, this.scope);
      const path = this.entryPath(node, dim);
      if (!out.ok) {
        this.fail(path, node, dim.expression, out.error);
        return collectionUnknown();
      }
      let values: RenderedValue[];
      if (Array.isArray(out.value)) {
        values = out.value;
      } else if (out.value instanceof Unknown) {
        values = [this.evaluator.element(out.value, dim.name)];
        representative = true;
      } else {
        this.graph.diagnostics.push(
          error(
            'render/foreach-not-list',
            path,
            `forEach "${dim.name}": expression "${dim.expression.text}" returned ${typeName(out.value)}, not a list`,
            node.id,
          ),
        );
        return collectionUnknown();
      }
      if (values.length === 0) return [];
      total *= values.length;
      if (total > MAX_COLLECTION_SIZE) {
        this.graph.diagnostics.push(
          error(
            'render/collection-too-large',
            this.collectionPath(node),
            `node "${node.id}": collection size of ${total} is over the maximum collection size of ${MAX_COLLECTION_SIZE}`,
            node.id,
          ),
        );
        return collectionUnknown();
      }
      dimensions.push({ name: dim.name, values });
    }

    const shared = new Map<CompiledExpression, Outcome>();
    const elements: RenderedObject[] = [];
    const indices = dimensions.map(() => 0);
    for (let index = 0; index < total; index++) {
      const iterators: Record<string, unknown> = {};
      const scope = new Map(this.scope);
      dimensions.forEach((d, i) => {
        const value = d.values[indices[i]!]!;
        iterators[d.name] = value;
        scope.set(d.name, { value, missing: { kind: 'error' } });
      });
      const collectionIndex = representative ? '*' : index;
      const object = this.renderObject(node, scope, collectionIndex, shared);
      this.push(node, object, included, collectionIndex, iterators);
      elements.push(object);
      for (let i = indices.length - 1; i >= 0; i--) {
        indices[i]!++;
        if (indices[i]! < dimensions[i]!.values.length) break;
        indices[i] = 0;
      }
    }
    this.checkIdentities(node, elements);
    return representative ? collectionUnknown() : elements;
  }

  /** Renders a template with the given scope; `shared` caches expressions without iterators. */
  private renderObject(
    node: CompiledNode,
    scope: Scope,
    collectionIndex: number | '*' | undefined,
    shared: Map<CompiledExpression, Outcome>,
  ): RenderedObject {
    const object = fromJson(node.object) as RenderedObject;
    const omitted: (readonly PathSegment[])[] = [];
    for (const field of node.fields) {
      const value = this.renderField(node, field, scope, collectionIndex, shared);
      if (value === OMIT) omitted.push(field.relPath);
      else setAt(object, field.relPath, value);
    }
    removeAll(object, omitted);
    if (node.namespaced === true) this.inheritNamespace(object);
    return object;
  }

  private renderField(
    node: CompiledNode,
    field: CompiledField,
    scope: Scope,
    collectionIndex: number | '*' | undefined,
    shared: Map<CompiledExpression, Outcome>,
  ): RenderedValue | typeof OMIT {
    const path = this.fieldPath(node, field, collectionIndex);
    const evaluate = (e: CompiledExpression): RenderedValue | typeof OMIT => {
      let out = e.usesIterators ? undefined : shared.get(e);
      const fresh = out === undefined;
      out ??= this.evaluator.evaluate(e, scope);
      if (!e.usesIterators) shared.set(e, out);
      if (out.ok) return out.value;
      if (fresh) this.fail(path, node, e, out.error);
      return runtimeUnknown(e);
    };
    if (field.standalone) {
      const value = evaluate(field.segments[0] as CompiledExpression);
      return value === OMIT || typeof value !== 'object' || value === null ? value : copyRendered(value);
    }
    const parts: (string | Unknown | SymbolicString)[] = [];
    for (const s of field.segments) {
      if (typeof s === 'string') {
        parts.push(s);
        continue;
      }
      const v = evaluate(s);
      if (typeof v === 'string' || v instanceof Unknown || v instanceof SymbolicString) {
        parts.push(v);
      } else {
        this.graph.diagnostics.push(
          error(
            'render/template-not-string',
            path,
            `expression "${s.text}" in a string template returned ${typeName(v)}: no such overload: string + ${typeName(v)}`,
            node.id,
          ),
        );
        parts.push(runtimeUnknown(s));
      }
    }
    return symbolicString(parts);
  }

  private inheritNamespace(object: RenderedObject): void {
    const md = object.metadata;
    const ns = this.input.instance.namespace;
    if (!isRenderedObject(md) || ns === '') return;
    if (md.namespace === undefined || md.namespace === null || md.namespace === '') md.namespace = ns;
  }

  /** kro's `validateUniqueIdentities` for the elements whose name and namespace are known. */
  private checkIdentities(node: CompiledNode, elements: readonly RenderedObject[]): void {
    const seen = new Set<string>();
    const { group, version, kind } = node.gvk;
    for (const e of elements) {
      const md = e.metadata;
      if (!isRenderedObject(md)) continue;
      const name = md.name;
      const ns = md.namespace ?? '';
      if (typeof name !== 'string' || typeof ns !== 'string') continue;
      const key = `${group}/${version}/${kind}/${ns}/${name}`;
      if (seen.has(key)) {
        this.graph.diagnostics.push(
          error(
            'render/duplicate-identity',
            this.collectionPath(node),
            `node "${node.id}" identity collision: duplicate identity: ${key}`,
            node.id,
          ),
        );
        return;
      }
      seen.add(key);
    }
  }

  private push(
    node: CompiledNode,
    object: RenderedObject,
    included: true | Unknown,
    collectionIndex?: number | '*',
    iterators?: Record<string, unknown>,
  ): void {
    const r: RenderedResource = {
      id: node.id,
      resourceIndex: node.index,
      included,
      object,
      external: node.external,
      gvk: node.gvk,
      namespaced: node.namespaced,
      templatePath: [...node.objectPath],
    };
    if (collectionIndex !== undefined) r.collectionIndex = collectionIndex;
    if (iterators !== undefined) r.iterators = iterators;
    this.graph.resources.push(r);
  }

  private fail(path: string, node: CompiledNode, e: CompiledExpression, message: string): void {
    this.graph.diagnostics.push(
      error('render/evaluation-error', path, `failed to evaluate "${e.text}": ${message}`, node.id),
    );
  }

  /** Path of a template field: `resources[<id>][<index>].<field>`, or the RGD path in symbolic mode. */
  private fieldPath(node: CompiledNode, field: CompiledField, index: number | '*' | undefined): string {
    if (this.input.mode === 'symbolic') return formatPath(field.path);
    return `${this.resourcePrefix(node, index)}.${formatPath(field.relPath)}`;
  }

  /** Path of a forEach or includeWhen entry: `resources[<id>].forEach[0].b`, or the RGD path. */
  private entryPath(node: CompiledNode, entry: CompiledEntry): string {
    if (this.input.mode === 'symbolic') return formatPath(entry.path);
    return `${this.resourcePrefix(node, undefined)}.${formatPath(entry.path.slice(3))}`;
  }

  /** Path of a collection as a whole: `resources[<id>].forEach`, or `spec.resources[i].forEach`. */
  private collectionPath(node: CompiledNode): string {
    if (this.input.mode === 'symbolic') return formatPath(['spec', 'resources', node.index, 'forEach']);
    return `${this.resourcePrefix(node, undefined)}.forEach`;
  }

  private resourcePrefix(node: CompiledNode, index: number | '*' | undefined): string {
    return `resources[${node.id}]${index === undefined ? '' : `[${index}]`}`;
  }
}

/** The unknown standing for an expression kro-guard could not evaluate. */
function runtimeUnknown(e: CompiledExpression): Unknown {
  return new Unknown(e.text, [{ kind: 'runtime', path: e.text }]);
}

/** `true` when there is no unknown condition, the only one, or their conjunction. */
function conjunction(unknowns: readonly Unknown[]): true | Unknown {
  if (unknowns.length === 0) return true;
  if (unknowns.length === 1) return unknowns[0]!;
  const provenance = [
    ...new Map(unknowns.flatMap((u) => u.provenance).map((p) => [`${p.kind}:${p.path}`, p])).values(),
  ];
  return new Unknown(unknowns.map((u) => `(${u.expression})`).join(' && '), provenance);
}
