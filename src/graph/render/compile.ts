/**
 * Compiling an accepted RGD for rendering: every expression parsed once (cel-js program and
 * reference analysis), each resource's fields, forEach dimensions, includeWhen entries,
 * dependencies, GVK and scope, in kro's topological order (kro-contract §5.3).
 */
import { parseCel } from '../../cel/index.ts';
import {
  error,
  formatPath,
  warning,
  type Diagnostic,
  type PathSegment,
} from '../../diagnostics/diagnostic.ts';
import type { SchemaSource } from '../../schemas/source.ts';
import { withRgdDefaults } from '../defaults.ts';
import type { ExpressionField } from '../expressions.ts';
import { objectGvk } from '../gvks.ts';
import type { ConditionEntry, ForEachDimension, ResourceNode } from '../resources.ts';
import type { RgdCheckResult } from '../types.ts';
import { isRecord } from '../util.ts';
import type {
  CompiledEntry,
  CompiledExpression,
  CompiledField,
  CompiledGraph,
  CompiledNode,
} from './compiled.ts';
import { renderEnvironment } from './environment.ts';
import { analyseReferences, type Reference } from './references.ts';

/** Options of {@link compileGraph}. */
export interface CompileOptions {
  /** Where the kinds' scopes come from (namespaced children inherit the instance's namespace, §7). */
  schemas: SchemaSource;
}

interface Parsed {
  program: CompiledExpression['program'];
  refs: readonly Reference[];
  chain: Reference | undefined;
  unsupported: string | undefined;
}

/**
 * Compiles an RGD for rendering. Everything that does not depend on an instance is done here, once
 * per RGD generation (callers cache the result): each expression is parsed with cel-js (the program
 * is kept and reused by every rendering) and with kro-guard's parser for the reference analysis.
 *
 * @param rgd the RGD object as checked.
 * @param check the result of `checkRgd(rgd, {schemas})`. When it has errors (no `nodes`) the graph
 *   is returned with `ok: false` and the check's errors, and renders nothing.
 * @returns the compiled graph; expressions cel-js cannot parse (syntax only cel-go has) render as
 *   unknowns and are reported as warnings (`render/unsupported-expression`). Never throws.
 */
export function compileGraph(rgd: unknown, check: RgdCheckResult, options: CompileOptions): CompiledGraph {
  const obj = withRgdDefaults(rgd);
  const spec = isRecord(obj) && isRecord(obj.spec) ? obj.spec : {};
  const schema = isRecord(spec.schema) ? spec.schema : {};
  const name =
    isRecord(obj) && isRecord(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const group = typeof schema.group === 'string' ? schema.group : '';
  const version = typeof schema.apiVersion === 'string' ? schema.apiVersion : '';
  const base = {
    name,
    specSchema: check.specSchema,
    instanceApiVersion: group === '' ? version : `${group}/${version}`,
    instanceKind: typeof schema.kind === 'string' ? schema.kind : '',
    clusterScoped: schema.scope === 'Cluster',
  };
  const nodes = check.nodes;
  const order = check.topologicalOrder;
  if (nodes === undefined || order === undefined) {
    const errors = check.diagnostics.filter((d) => d.severity === 'error');
    return {
      ...base,
      ok: false,
      diagnostics:
        errors.length > 0
          ? errors
          : [error('render/not-checked', '', 'the RGD was not checked: its graph is unknown')],
      nodes: [],
      schemaReferences: new Set(),
    };
  }

  const diagnostics: Diagnostic[] = [];
  const parsedByText = new Map<string, Parsed>();
  const parse = (text: string, path: readonly PathSegment[], id: string): Parsed => {
    let p = parsedByText.get(text);
    if (p === undefined) {
      p = parseExpression(text);
      parsedByText.set(text, p);
    }
    if (p.unsupported !== undefined)
      diagnostics.push(
        warning(
          'render/unsupported-expression',
          formatPath(path),
          `not evaluated, its value is left unknown: ${p.unsupported}`,
          id,
        ),
      );
    return p;
  };

  const ids = new Set(nodes.map((n) => n.id));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const schemaReferences = new Set<string>();
  const compiled: CompiledNode[] = [];
  for (const id of order) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const c = compileNode(node, ids, parse, options.schemas);
    for (const e of expressionsOf(c))
      for (const r of e.refs) if (r.root === 'schema') schemaReferences.add(r.text);
    compiled.push(c);
  }
  return { ...base, ok: true, diagnostics, nodes: compiled, schemaReferences };
}

function parseExpression(text: string): Parsed {
  const outcome = parseCel(text);
  const analysis = outcome.kind === 'ok' ? analyseReferences(outcome.ast) : { refs: [], chain: undefined };
  let program: CompiledExpression['program'];
  let unsupported: string | undefined = outcome.kind === 'ok' ? undefined : outcome.message;
  try {
    program = renderEnvironment().parse(text);
  } catch (e) {
    unsupported ??= e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
  return { program: unsupported === undefined ? program : undefined, ...analysis, unsupported };
}

function compileNode(
  node: ResourceNode,
  ids: ReadonlySet<string>,
  parse: (text: string, path: readonly PathSegment[], id: string) => Parsed,
  schemas: SchemaSource,
): CompiledNode {
  const iterators = new Set(node.forEach.map((d) => d.name));
  const expression = (text: string, path: readonly PathSegment[]): CompiledExpression => {
    const p = parse(text, path, node.id);
    return {
      text: text.trim(),
      program: p.program,
      refs: p.refs,
      chain: p.chain,
      usesIterators: p.refs.some((r) => iterators.has(r.root)),
    };
  };
  const entry = (name: string, e: ForEachDimension | ConditionEntry): CompiledEntry => ({
    name,
    expression: e.expression === undefined ? undefined : expression(e.expression, e.path),
    path: e.path,
  });
  const fields = node.fields.map((f) => compileField(f, expression));
  const forEach = node.forEach.map((d) => entry(d.name, d));
  const includeWhen = node.includeWhen.map((c, i) => entry(String(i), c));
  const gvk = objectGvk(node.object) ?? { group: '', version: '', kind: '' };
  const compiled: CompiledNode = {
    id: node.id,
    index: node.index,
    external: node.objectPath.includes('externalRef'),
    object: node.object,
    objectPath: node.objectPath,
    gvk,
    namespaced: gvk.kind === '' ? undefined : schemas.lookup(gvk)?.namespaced,
    forEach,
    includeWhen,
    fields,
    deps: [],
  };
  const deps = new Set<string>();
  for (const e of expressionsOf(compiled))
    for (const r of e.refs) if (r.root !== node.id && ids.has(r.root)) deps.add(r.root);
  return { ...compiled, deps: [...deps] };
}

function compileField(
  f: ExpressionField,
  expression: (text: string, path: readonly PathSegment[]) => CompiledExpression,
): CompiledField {
  const segments: (string | CompiledExpression)[] = [];
  let last = 0;
  for (const e of f.expressions) {
    if (e.start > last) segments.push(f.text.slice(last, e.start));
    segments.push(expression(e.expression, f.path));
    last = Math.max(last, e.end);
  }
  if (last < f.text.length) segments.push(f.text.slice(last));
  return {
    relPath: f.relPath,
    path: f.path,
    standalone: f.standalone,
    segments,
    usesIterators: segments.some((s) => typeof s !== 'string' && s.usesIterators),
  };
}

/** Every compiled expression of a node (fields, forEach, includeWhen). */
function expressionsOf(node: CompiledNode): CompiledExpression[] {
  const out: CompiledExpression[] = [];
  for (const f of node.fields) for (const s of f.segments) if (typeof s !== 'string') out.push(s);
  for (const e of [...node.forEach, ...node.includeWhen])
    if (e.expression !== undefined) out.push(e.expression);
  return out;
}
