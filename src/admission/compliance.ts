/**
 * kro-guard's three compliance decision points (compliance-catalogue §5), as pure functions shared
 * by the webhook and the CLI:
 *
 * - RGD admission (R): the graph rendered without an instance; literals give definite verdicts,
 *   finite-domain inputs are proved over every allowed value, the rest is deferred.
 * - Instance admission (I): the instance validated and defaulted as the API server would from the
 *   generated CRD (kro-contract §7), its graph rendered, the rules run on every would-be child.
 * - Child admission (C): the same rules on one ACK or core object, for objects kro creates (a
 *   backstop) and for objects applied directly.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import {
  renderInstance,
  renderSymbolic,
  type RenderedGraph,
  type RenderedObject,
} from '../graph/render/index.ts';
import type { PolicySet } from '../policy/config/index.ts';
import {
  aggregateWorlds,
  evaluateGraph,
  findingDiagnostics,
  type Finding,
  type RuleSelector,
} from '../policy/engine/index.ts';
import type { CompiledRgd } from './compiled-rgd.ts';

/** Findings and the diagnostics they make (errors deny). */
export interface ComplianceResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
}

/** The rules `policies` put in force, as the engine asks for them. */
export function selectorOf(policies: PolicySet): RuleSelector {
  return (target) => policies.forTarget(target);
}

/** Rendering problems are kro's to meet at run time: they are reported, never a reason to deny. */
function asWarnings(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags.map((d) => (d.severity === 'error' ? { ...d, severity: 'warning' as const } : d));
}

/**
 * Decision point R for an RGD that passed its static check (`compiled.check` without errors):
 * every world of `renderSymbolic` evaluated, folded by `aggregateWorlds`.
 */
export function rgdCompliance(compiled: CompiledRgd, policies: PolicySet): ComplianceResult {
  if (!compiled.graph.ok) return { findings: [], diagnostics: [] };
  const rendering = renderSymbolic(compiled.graph);
  const select = selectorOf(policies);
  const options = { point: 'rgd' as const, rgdName: compiled.name, instanceKind: compiled.instanceKind };
  const perWorld = rendering.worlds.map((w) => evaluateGraph(w, select, options));
  const findings = aggregateWorlds(rendering.worlds, perWorld);
  return {
    findings,
    diagnostics: [...findingDiagnostics(findings, 'rgd'), ...asWarnings(rendering.diagnostics)],
  };
}

/** Options of {@link instanceCompliance}. */
export interface InstanceOptions {
  operation: 'CREATE' | 'UPDATE';
  oldObject?: unknown;
  namespaceLabels?: Readonly<Record<string, string>>;
}

/** The outcome of {@link instanceCompliance}. */
export interface InstanceResult extends ComplianceResult {
  /** The instance as the API server would store it (defaults applied, unknown fields pruned). */
  admitted: Record<string, unknown>;
  /** The would-be children; undefined when the instance is invalid. */
  graph?: RenderedGraph;
}

/**
 * Decision point I: `instance` admitted with the generated CRD's schema (prune, default, validate,
 * `x-kubernetes-validations`), then rendered and checked. Schema errors are errors (the API server
 * would reject the instance) and stop there; policy findings follow the policies' modes.
 */
export function instanceCompliance(
  instance: unknown,
  compiled: CompiledRgd,
  policies: PolicySet,
  options: InstanceOptions,
): InstanceResult {
  if (compiled.instanceSchema === undefined || !compiled.graph.ok) {
    const diagnostics: Diagnostic[] = [
      {
        severity: 'warning',
        code: 'instance/rgd-invalid',
        path: '',
        message: `ResourceGraphDefinition "${compiled.name}" is invalid; kro-guard cannot check its instances`,
      },
    ];
    const admitted =
      typeof instance === 'object' && instance !== null ? (instance as Record<string, unknown>) : {};
    return { findings: [], diagnostics, admitted };
  }
  const admit = compiled.instanceSchema.admit(instance, {
    operation: options.operation,
    ...(options.oldObject === undefined ? {} : { oldObject: options.oldObject }),
  });
  if (admit.diagnostics.some((d) => d.severity === 'error'))
    return { findings: [], diagnostics: admit.diagnostics, admitted: admit.object };
  const graph = renderInstance(compiled.graph, admit.object);
  const findings = evaluateGraph(graph, selectorOf(policies), {
    point: 'instance',
    rgdName: compiled.name,
    instanceKind: compiled.instanceKind,
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
  });
  return {
    findings,
    diagnostics: [
      ...admit.diagnostics,
      ...findingDiagnostics(findings, 'instance'),
      ...asWarnings(graph.diagnostics),
    ],
    admitted: admit.object,
    graph,
  };
}

/**
 * kro's labels on the children it creates, as kro v0.9.3 writes them (observed on the e2e control
 * plane; compliance-catalogue §1.13 also lists `resource-graph-definition-name`, which v0.9.3 does
 * not set, so the RGD is found from the instance's group, version and kind).
 */
export const KRO_LABELS = {
  nodeId: 'kro.run/node-id',
  instanceName: 'kro.run/instance-name',
  instanceNamespace: 'kro.run/instance-namespace',
  instanceGroup: 'kro.run/instance-group',
  instanceVersion: 'kro.run/instance-version',
  instanceKind: 'kro.run/instance-kind',
  collectionIndex: 'kro.run/collection-index',
  owned: 'kro.run/owned',
} as const;

/** The GVK of the instance a child belongs to, from kro's labels; undefined for objects made outside kro. */
export function childInstanceGvk(
  object: unknown,
): { group: string; version: string; kind: string } | undefined {
  const labels = labelsOf(
    typeof object === 'object' && object !== null ? (object as Record<string, unknown>) : {},
  );
  const kind = labels[KRO_LABELS.instanceKind];
  const version = labels[KRO_LABELS.instanceVersion];
  if (kind === undefined || version === undefined) return undefined;
  return { group: labels[KRO_LABELS.instanceGroup] ?? 'kro.run', version, kind };
}

function labelsOf(obj: Record<string, unknown>): Record<string, string> {
  const md = obj.metadata;
  if (typeof md !== 'object' || md === null) return {};
  const labels = (md as Record<string, unknown>).labels;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/**
 * The one-resource graph child admission checks: the object itself, identified by kro's labels
 * when kro created it (node id, instance, RGD, collection index), by its kind otherwise.
 */
function childGraph(object: Record<string, unknown>): RenderedGraph {
  const labels = labelsOf(object);
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const md = (
    typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}
  ) as Record<string, unknown>;
  const index = Number(labels[KRO_LABELS.collectionIndex]);
  const graph: RenderedGraph = {
    mode: 'instance',
    instance: {
      name: labels[KRO_LABELS.instanceName] ?? '',
      namespace:
        labels[KRO_LABELS.instanceNamespace] ?? (typeof md.namespace === 'string' ? md.namespace : ''),
    },
    resources: [
      {
        id: labels[KRO_LABELS.nodeId] ?? kind.toLowerCase(),
        resourceIndex: 0,
        ...(Number.isInteger(index) && labels[KRO_LABELS.collectionIndex] !== undefined
          ? { collectionIndex: index }
          : {}),
        included: true,
        object: object as RenderedObject,
        external: false,
        gvk: {
          group: slash < 0 ? '' : apiVersion.slice(0, slash),
          version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
          kind,
        },
        namespaced: undefined,
        templatePath: [],
      },
    ],
    excluded: [],
    assignment: {},
    diagnostics: [],
  };
  return graph;
}

/** Options of {@link childCompliance}. */
export interface ChildOptions {
  /** The RGD of the instance the child belongs to (found from kro's labels by the caller). */
  rgdName?: string;
  namespaceLabels?: Readonly<Record<string, string>>;
}

/**
 * Decision point C: the rules on one object (an ACK resource or a core workload), with paths in the
 * object. Graph rules see a graph of this one object.
 */
export function childCompliance(
  object: Record<string, unknown>,
  policies: PolicySet,
  options: ChildOptions = {},
): ComplianceResult {
  const graph = childGraph(object);
  const instance = childInstanceGvk(object);
  const findings = evaluateGraph(graph, selectorOf(policies), {
    point: 'child',
    ...(options.rgdName === undefined ? {} : { rgdName: options.rgdName }),
    ...(instance === undefined ? {} : { instanceKind: { group: instance.group, kind: instance.kind } }),
    ...(options.namespaceLabels === undefined ? {} : { namespaceLabels: options.namespaceLabels }),
  });
  return { findings, diagnostics: findingDiagnostics(findings, 'child') };
}
