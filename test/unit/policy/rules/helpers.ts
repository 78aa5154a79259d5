/**
 * Test helpers for the built-in rules: rendered objects built from kro templates (every `${...}`
 * becomes an Unknown whose provenance is read from the expression), rendered resources and graphs,
 * and running a rule with default parameters.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { extractExpressions } from '../../../../src/cel/index.ts';
import {
  SymbolicString,
  Unknown,
  symbolicString,
  type InputConstraint,
  type Provenance,
  type RenderedObject,
  type RenderedValue,
} from '../../../../src/graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../../../src/graph/render/types.ts';
import {
  DEFAULT_RULE_PARAMETERS,
  type Rule,
  type RuleParameters,
  type RuleResult,
  type Verdict,
} from '../../../../src/policy/types.ts';

/** The ids whose `<id>.status...` references are graph status (anything else but `schema` is runtime). */
const PATH = /\b([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g;

/**
 * An Unknown for a CEL expression: `schema.…` paths give `input` provenance, `<id>.status.…` paths
 * `status` provenance of resource `<id>`, other paths `runtime`.
 */
export function unknown(expression: string, constraint?: InputConstraint): Unknown {
  const provenance: Provenance[] = [];
  const seen = new Set<string>();
  for (const m of expression.matchAll(PATH)) {
    const root = m[1]!;
    const path = `${root}${m[2]}`;
    if (seen.has(path)) continue;
    seen.add(path);
    if (root === 'schema') provenance.push({ kind: 'input', path });
    else if (m[2]!.startsWith('.status')) provenance.push({ kind: 'status', resourceId: root, path });
    else provenance.push({ kind: 'runtime', path });
  }
  return new Unknown(expression, provenance, constraint);
}

/** A string with `${...}` holes as a rendered value (a plain string, an Unknown or a SymbolicString). */
export function tpl(text: string): string | Unknown | SymbolicString {
  const ex = extractExpressions(text);
  assert.ok(ex.ok, `bad template ${text}`);
  if (ex.expressions.length === 0) return text;
  const parts: (string | Unknown)[] = [];
  let at = 0;
  for (const e of ex.expressions) {
    parts.push(text.slice(at, e.start), unknown(e.expression.trim()));
    at = e.end;
  }
  parts.push(text.slice(at));
  return symbolicString(parts);
}

/** A kro template (plain JSON/YAML) as a rendered value: every string goes through {@link tpl}; rendered values pass. */
export function symbolize(value: unknown): RenderedValue {
  if (value instanceof Unknown || value instanceof SymbolicString) return value;
  if (typeof value === 'string') return tpl(value);
  if (Array.isArray(value)) return value.map(symbolize);
  if (value !== null && typeof value === 'object') {
    const out: RenderedObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = symbolize(v);
    return out;
  }
  return value as RenderedValue;
}

/** A rendered resource for `object`, its GVK read from `apiVersion`/`kind`. */
export function resource(id: string, object: RenderedObject): RenderedResource {
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  assert.ok(
    typeof apiVersion === 'string' && typeof kind === 'string',
    'object needs literal apiVersion and kind',
  );
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return {
    id,
    resourceIndex: 0,
    included: true,
    object,
    external: false,
    gvk: { group, version, kind },
    namespaced: true,
    templatePath: ['spec', 'resources', 0, 'template'],
  };
}

/** A graph of `resources` (instance mode, namespace `team-a`, unless told otherwise). */
export function graph(
  resources: RenderedResource[],
  instance: { name?: string | Unknown; namespace?: string | Unknown } = {},
): RenderedGraph {
  return {
    mode: 'instance',
    instance: { name: instance.name ?? 'demo', namespace: instance.namespace ?? 'team-a' },
    resources,
    excluded: [],
    assignment: {},
    diagnostics: [],
  };
}

/** Runs `rule` on resource `res` of `g` (default: a graph of `res` alone) with `params` over the defaults. */
export function run(
  rule: Rule,
  res: RenderedResource,
  g: RenderedGraph = graph([res]),
  params: RuleParameters = {},
): RuleResult[] {
  return rule.check({
    resource: res,
    object: res.object,
    graph: g,
    params: { ...DEFAULT_RULE_PARAMETERS, ...params } as Required<RuleParameters>,
  });
}

/** The single verdict the results agree on; fails the test when they disagree or are empty. */
export function verdictOf(results: readonly RuleResult[]): Verdict {
  assert.ok(results.length > 0, 'no results');
  const verdicts = new Set(results.map((r) => r.verdict));
  assert.equal(verdicts.size, 1, `mixed verdicts: ${JSON.stringify(results)}`);
  return results[0]!.verdict;
}

/** The rule with id `id` from `rules`. */
export function ruleById(rules: readonly Rule[], id: string): Rule {
  const r = rules.find((x) => x.id === id);
  assert.ok(r, `no rule ${id}`);
  return r;
}

/** The kro template of resource `id` in the RGD file `file` (relative to the repository root). */
export function corpusTemplate(file: string, id: string): Record<string, unknown> {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
  for (const doc of docs) {
    const resources = (
      doc?.spec as { resources?: { id: string; template?: Record<string, unknown> }[] } | undefined
    )?.resources;
    const found = resources?.find((r) => r.id === id);
    if (found?.template) return found.template;
  }
  assert.fail(`no resource ${id} in ${file}`);
}

/** The `dependsOn` provenance kinds of `results`, sorted and deduplicated. */
export function dependsOnKinds(results: readonly RuleResult[]): string[] {
  return [...new Set(results.flatMap((r) => (r.dependsOn ?? []).map((p) => p.kind)))].sort();
}

interface CrdSchema {
  properties?: Record<string, CrdSchema>;
  items?: CrdSchema;
  additionalProperties?: CrdSchema | boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/**
 * Asserts that every field of `object` below `spec` exists in the CRD file `crdFile` (first
 * version's schema): the fixtures, and so the rules reading the same paths, use real ACK names.
 */
export function assertFieldsInCrd(crdFile: string, object: RenderedObject): void {
  const crd = parseAllDocuments(readFileSync(crdFile, 'utf8'))[0]!.toJS() as {
    spec: { versions: { schema: { openAPIV3Schema: CrdSchema } }[] };
  };
  const root = crd.spec.versions[0]!.schema.openAPIV3Schema;
  const missing: string[] = [];
  const walk = (v: RenderedValue | undefined, s: CrdSchema | undefined, path: string): void => {
    if (s === undefined || s['x-kubernetes-preserve-unknown-fields'] === true) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, s.items, `${path}[${i}]`));
    else if (
      v !== null &&
      typeof v === 'object' &&
      !(v instanceof Unknown) &&
      !(v instanceof SymbolicString)
    ) {
      for (const [k, x] of Object.entries(v)) {
        const sub =
          s.properties?.[k] ??
          (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (sub === undefined) missing.push(`${path}.${k}`);
        else walk(x, sub, `${path}.${k}`);
      }
    }
  };
  walk(object.spec, root.properties?.spec, 'spec');
  assert.deepEqual(missing, [], `fields not in ${crdFile}`);
}

/** Path of an ACK CRD file in ../shared/crds/ack: `ackCrd('s3', 'buckets')`. */
export function ackCrd(service: string, plural: string): string {
  return `../shared/crds/ack/${service}/${service}.services.k8s.aws_${plural}.yaml`;
}
