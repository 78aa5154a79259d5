/**
 * Reference rules and dependency extraction per resource (kro-contract §5.3-§5.6): which
 * identifiers each kind of expression may use, the dependency edges they create, and the forEach
 * rules that are decided by references alone.
 */
import type { Inspection } from '../cel/index.ts';
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { ExpressionAnalyser, functionProblems } from './references.ts';
import type { ResourceNode } from './resources.ts';
import { goList } from './util.ts';

/** What every reference check needs to know about the RGD. */
export interface ReferenceContext {
  /** All resource ids of the RGD (valid or not, so that references to them resolve). */
  ids: ReadonlySet<string>;
  analyser: ExpressionAnalyser;
}

/**
 * Checks the references of one resource's template, forEach and includeWhen expressions
 * (dependency-creating), and its readyWhen expressions (not dependency-creating).
 *
 * @returns the ids this resource depends on (deduplicated, in first-use order) and the diagnostics.
 */
export function analyseNode(
  node: ResourceNode,
  ctx: ReferenceContext,
): { deps: string[]; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const deps = new Set<string>();
  const iterators = new Set(node.forEach.map((d) => d.name));
  const id = node.id;

  /** Shared rules of dependency-creating expressions; returns the unknown identifiers left over. */
  const dependencyRefs = (
    ins: Inspection,
    path: PathSegment[],
    prefix: string,
    allowIterators: boolean,
  ): string[] => {
    const p = formatPath(path);
    const unknown: string[] = [];
    for (const ident of ins.identifiers) {
      if (ident === 'schema') continue;
      if (ident === 'runtime') {
        out.push(
          error(
            'graph/runtime-outside-conditions',
            p,
            `${prefix}runtime is only available in status.conditions expressions`,
            id,
          ),
        );
      } else if (ident === 'each') {
        out.push(error('graph/each-outside-readywhen', p, `${prefix}node each does not exist`, id));
      } else if (ident === id) {
        out.push(error('graph/self-reference', p, `${prefix}self references are not allowed`, id));
      } else if (ctx.ids.has(ident)) {
        deps.add(ident);
      } else if (!(allowIterators && iterators.has(ident))) {
        unknown.push(ident);
      }
    }
    out.push(...functionProblems(ins, p, prefix, 'feature-gate', id));
    return unknown;
  };

  // Template (and externalRef) fields: own iterators are allowed (§5.3).
  for (const field of node.fields) {
    for (const ex of field.expressions) {
      const ins = ctx.analyser.inspectAt(ex.expression, field.path, out, id);
      if (!ins) continue;
      const unknown = dependencyRefs(ins, field.path, '', true);
      if (unknown.length > 0) {
        out.push(
          error(
            'graph/unknown-identifier',
            formatPath(field.path),
            `references unknown identifiers: ${goList(unknown)}`,
            id,
          ),
        );
      }
    }
  }

  // forEach dimensions (§5.4).
  for (const dim of node.forEach) {
    if (dim.expression === undefined) continue;
    const ins = ctx.analyser.inspectAt(dim.expression, dim.path, out, id);
    if (!ins) continue;
    const prefix = `failed to extract dependencies from forEach iterator "${dim.name}": `;
    const unknown = dependencyRefs(ins, dim.path, prefix, false);
    const crossed = unknown.filter((u) => iterators.has(u));
    const rest = unknown.filter((u) => !iterators.has(u));
    if (rest.length > 0) {
      out.push(
        error(
          'graph/unknown-identifier',
          formatPath(dim.path),
          `${prefix}references unknown identifiers: ${goList(rest)}`,
          id,
        ),
      );
    }
    if (crossed.length > 0) {
      out.push(
        error(
          'graph/foreach-cross-reference',
          formatPath(dim.path),
          `node "${id}": forEach iterator "${dim.name}" cannot reference other iterators ${goList(crossed)} - forEach iterators are independent (cartesian product)`,
          id,
        ),
      );
    }
  }
  if (node.forEach.length > 0) out.push(...checkIdentity(node, ctx));

  // includeWhen (§5.5): dependencies, but iterators are not allowed.
  for (const entry of node.includeWhen) {
    if (entry.expression === undefined) continue;
    const ins = ctx.analyser.inspectAt(entry.expression, entry.path, out, id);
    if (!ins) continue;
    const prefix = 'failed to extract dependencies from includeWhen: ';
    const unknown = dependencyRefs(ins, entry.path, prefix, false);
    if (unknown.length > 0) {
      out.push(
        error(
          'graph/unknown-identifier',
          formatPath(entry.path),
          `${prefix}references unknown identifiers: ${goList(unknown)}`,
          id,
        ),
      );
    }
  }

  // readyWhen (§5.6): only the node itself (or `each` for a forEach collection).
  const readyAllowed = node.forEach.length > 0 ? 'each' : id;
  for (const entry of node.readyWhen) {
    if (entry.expression === undefined) continue;
    const ins = ctx.analyser.inspectAt(entry.expression, entry.path, out, id);
    if (!ins) continue;
    const p = formatPath(entry.path);
    const prefix = `resource "${id}" readyWhen: `;
    const unknown = ins.identifiers.filter((i) => i !== readyAllowed);
    if (unknown.length > 0)
      out.push(
        error(
          'graph/readywhen-reference',
          p,
          `${prefix}references unknown identifiers: ${goList(unknown)}`,
          id,
        ),
      );
    out.push(...functionProblems(ins, p, prefix, 'templates-only', id));
  }
  return { deps: [...deps], diagnostics: out };
}

/**
 * §5.4 identity rule: every iterator must be used by the expression at `metadata.name` (or at
 * `metadata.namespace`), so that each item of the collection gets a distinct identity.
 *
 * Without the target's OpenAPI schema the scope is unknown here, so `metadata.namespace` always
 * counts; kro counts it only for namespaced kinds (typed checks refine this).
 */
function checkIdentity(node: ResourceNode, ctx: ReferenceContext): Diagnostic[] {
  const used = new Set<string>();
  for (const field of node.fields) {
    const [a, b, ...rest] = field.relPath;
    if (a !== 'metadata' || (b !== 'name' && b !== 'namespace') || rest.length > 0) continue;
    for (const ex of field.expressions) {
      const r = ctx.analyser.analyse(ex.expression);
      if (r.ok) for (const i of r.inspection.identifiers) used.add(i);
      else return []; // cannot decide: do not guess
    }
  }
  const missing = node.forEach.map((d) => d.name).filter((n) => !used.has(n));
  if (missing.length === 0) return [];
  return [
    error(
      'graph/foreach-identity',
      formatPath([...node.objectPath, 'metadata', 'name']),
      `node "${node.id}": all forEach dimensions must be used to produce a unique resource identity, missing: ${goList(missing)}`,
      node.id,
    ),
  ];
}
