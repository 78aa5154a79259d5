/**
 * Test helpers for the IAM analyses and rules: rendered values built by hand the way kro-guard's
 * renderer leaves them (`${...}` holes as Unknowns with provenance), rendered resources and graphs,
 * rule contexts, and RGD templates of the shared corpus.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { extractExpressions } from '../../../../src/cel/extract.ts';
import { formatPath } from '../../../../src/diagnostics/diagnostic.ts';
import {
  Unknown,
  symbolicString,
  type Provenance,
  type RenderedObject,
  type RenderedValue,
} from '../../../../src/graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../../../src/graph/render/types.ts';
import { parsePolicyDocument, type PolicyDocument } from '../../../../src/policy/iam/document.ts';
import {
  DEFAULT_RULE_PARAMETERS,
  type RuleContext,
  type RuleParameters,
  type RuleResult,
} from '../../../../src/policy/types.ts';

/** The kro v0.9.3 examples of the shared corpus. */
export const CORPUS = fileURLToPath(
  new URL('../../../../../shared/corpus/kro-v0.9.3-examples/', import.meta.url),
);

/**
 * An Unknown for `${expression}` with the provenance a renderer gives it: `schema.*` is an input,
 * `<id>.status.*` the status of resource `<id>`, anything else run time. The path is the leading
 * field chain (a trailing method call such as `.substring(8)` is dropped).
 */
export function hole(expression: string): Unknown {
  const chain = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/.exec(expression)?.[0] ?? expression;
  const path = expression.slice(chain.length).startsWith('(')
    ? chain.slice(0, chain.lastIndexOf('.'))
    : chain;
  const [head, second] = path.split('.');
  let provenance: Provenance;
  if (head === 'schema') provenance = { kind: 'input', path };
  else if (second === 'status') provenance = { kind: 'status', resourceId: head!, path };
  else provenance = { kind: 'runtime', path };
  return new Unknown(expression, [provenance]);
}

/** A kro string with `${...}` holes rendered: plain string, lone Unknown (standalone), or SymbolicString. */
export function template(text: string): string | RenderedValue {
  const ex = extractExpressions(text);
  if (!ex.ok) throw new Error(ex.error);
  if (ex.expressions.length === 0) return text;
  const parts: (string | Unknown)[] = [];
  let last = 0;
  for (const e of ex.expressions) {
    parts.push(text.slice(last, e.start), hole(e.expression));
    last = e.end;
  }
  parts.push(text.slice(last));
  return symbolicString(parts);
}

/** Renders every string of a template object with {@link template}. */
export function render(v: unknown): RenderedValue {
  if (typeof v === 'string') return template(v);
  if (Array.isArray(v)) return v.map(render);
  if (v !== null && typeof v === 'object') {
    const out: RenderedObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = render(x);
    return out;
  }
  return v as RenderedValue;
}

/** A rendered resource from its id and (already rendered) object; the GVK comes from apiVersion/kind. */
export function resource(id: string, object: RenderedObject, resourceIndex = 0): RenderedResource {
  const apiVersion = String(object.apiVersion);
  const slash = apiVersion.lastIndexOf('/');
  return {
    id,
    resourceIndex,
    included: true,
    object,
    external: false,
    gvk: {
      group: slash < 0 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind: String(object.kind),
    },
    namespaced: true,
    templatePath: ['spec', 'resources', resourceIndex, 'template'],
  };
}

/** A graph rendered without an instance (symbolic mode): name and namespace are instance inputs. */
export function graph(resources: RenderedResource[]): RenderedGraph {
  return {
    mode: 'symbolic',
    instance: { name: hole('schema.metadata.name'), namespace: hole('schema.metadata.namespace') },
    resources,
    excluded: [],
    assignment: {},
    diagnostics: [],
  };
}

/** The context of checking `r` in `g` with parameters over the defaults. */
export function ctx(r: RenderedResource, g: RenderedGraph, params: RuleParameters = {}): RuleContext {
  return { resource: r, object: r.object, graph: g, params: { ...DEFAULT_RULE_PARAMETERS, ...params } };
}

/** The resources of a corpus RGD, each template rendered with {@link render}. */
export function corpusGraph(relativePath: string): RenderedGraph {
  const rgd = parse(readFileSync(CORPUS + relativePath, 'utf8')) as {
    spec: { resources: { id: string; template: unknown }[] };
  };
  return graph(rgd.spec.resources.map((r, i) => resource(r.id, render(r.template) as RenderedObject, i)));
}

/** The resource with `id` of `g`. */
export function byId(g: RenderedGraph, id: string): RenderedResource {
  const r = g.resources.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no resource ${id}`);
  return r;
}

/** Parses a rendered document that must parse. */
export function doc(value: RenderedValue): PolicyDocument {
  const p = parsePolicyDocument(value);
  if (p.state !== 'parsed') throw new Error(`expected a parsed document, got ${JSON.stringify(p)}`);
  return p.document;
}

/** A plain JSON document from an object. */
export function json(v: unknown): string {
  return JSON.stringify(v);
}

/** `[verdict, printed path, reason]` of each result, for compact assertions. */
export function summary(results: readonly RuleResult[]): [string, string, string][] {
  return results.map((r) => [r.verdict, formatPath(r.path), r.reason]);
}

/** The verdicts of `results`. */
export function verdicts(results: readonly RuleResult[]): string[] {
  return results.map((r) => r.verdict);
}

/** The results with `verdict`. */
export function only(results: readonly RuleResult[], verdict: RuleResult['verdict']): RuleResult[] {
  return results.filter((r) => r.verdict === verdict);
}
