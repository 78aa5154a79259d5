/**
 * Running the rules in force on every resource of a rendered graph. Pure.
 */
import { formatPath, type PathSegment } from '../../diagnostics/diagnostic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import type { KindSelector, Rule, RuleResult } from '../types.ts';
import type { DecisionPoint, EffectiveRule, Finding, RuleSelector } from './types.ts';

/** Options of {@link evaluateGraph}. */
export interface EvaluateOptions {
  point: DecisionPoint;
  /** `metadata.name` of the RGD the graph comes from, for policy matching. */
  rgdName?: string;
  /** Labels of the instance's namespace, when the caller knows them (webhook). */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** The kind the RGD generates (the instance's kind). */
  instanceKind?: KindSelector;
}

/** True when `rule` applies to the resource's kind (a rule without kinds applies to every kind). */
export function ruleMatchesKind(rule: Rule, resource: RenderedResource): boolean {
  if (rule.kinds.length === 0) return true;
  return rule.kinds.some((k) => k.group === resource.gvk.group && k.kind === resource.gvk.kind);
}

/**
 * Where a finding points, per decision point: instance admission names the graph node
 * (`resources[bucket].spec.acl`, `resources[buckets][2].spec.acl` for a collection element), RGD
 * admission the template field (`spec.resources[0].template.spec.acl`), child admission the object's
 * own field (`spec.acl`).
 */
export function findingLocation(
  point: DecisionPoint,
  resource: RenderedResource,
  path: readonly PathSegment[],
): string {
  if (point === 'rgd') return formatPath([...resource.templatePath, ...path]);
  if (point === 'child') return formatPath(path);
  const index =
    resource.collectionIndex === undefined
      ? ''
      : resource.collectionIndex === '*'
        ? '[*]'
        : `[${resource.collectionIndex}]`;
  const node = `resources[${resource.id}]${index}`;
  return path.length === 0 ? node : `${node}.${formatPath(path)}`;
}

/** A rule's check, fail-closed: a rule that throws fails with the error text rather than passing. */
function safeCheck(rule: Rule, ctx: Parameters<Rule['check']>[0]): RuleResult[] {
  try {
    return rule.check(ctx);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    return [{ verdict: 'fail', path: [], reason: `rule could not be evaluated: ${text}` }];
  }
}

function namespaceOf(graph: RenderedGraph, resource: RenderedResource): string | undefined {
  const meta = resource.object.metadata;
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta)) {
    const ns = (meta as Record<string, unknown>).namespace;
    if (typeof ns === 'string') return ns;
  }
  return typeof graph.instance.namespace === 'string' && graph.instance.namespace !== ''
    ? graph.instance.namespace
    : undefined;
}

/**
 * Every finding of the rules `select` puts in force, on every resource of `graph` that kro would
 * create (externalRefs are read, never created, so they are not checked; they still serve as graph
 * context). Findings come in the graph's resource order, then rule order, then result order.
 */
export function evaluateGraph(
  graph: RenderedGraph,
  select: RuleSelector,
  options: EvaluateOptions,
): Finding[] {
  const findings: Finding[] = [];
  const instanceName = typeof graph.instance.name === 'string' ? graph.instance.name : undefined;
  for (const resource of graph.resources) {
    if (resource.external) continue;
    const namespace = namespaceOf(graph, resource);
    const effective: readonly EffectiveRule[] = select({
      kind: { group: resource.gvk.group, kind: resource.gvk.kind },
      ...(options.rgdName === undefined ? {} : { rgdName: options.rgdName }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
      ...(instanceName === undefined ? {} : { instanceName }),
      ...(options.instanceKind === undefined ? {} : { instanceKind: options.instanceKind }),
      resourceId: resource.id,
    });
    for (const eff of effective) {
      if (!ruleMatchesKind(eff.rule, resource)) continue;
      const results = safeCheck(eff.rule, { resource, object: resource.object, graph, params: eff.params });
      for (const r of results) {
        const f: Finding = {
          ruleId: eff.rule.id,
          title: eff.rule.title,
          severity: eff.rule.severity,
          controls: eff.rule.controls,
          remediation: eff.rule.remediation,
          mode: eff.mode,
          policy: eff.policy,
          resourceId: resource.id,
          verdict: r.verdict,
          path: r.path,
          location: findingLocation(options.point, resource, r.path),
          reason: r.reason,
        };
        if (resource.collectionIndex !== undefined) f.collectionIndex = resource.collectionIndex;
        if (r.dependsOn !== undefined && r.dependsOn.length > 0) f.dependsOn = r.dependsOn;
        if (eff.exemptedBy !== undefined) f.exemptedBy = eff.exemptedBy;
        findings.push(f);
      }
    }
  }
  return findings;
}
