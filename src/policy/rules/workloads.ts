/**
 * Non-PSS workload rules K8S-001..010 (compliance-catalogue §2.6): resources, images (`images.ts`),
 * read-only root filesystem, service-account token, namespace and service account, and Service and
 * Ingress exposure (`exposure.ts`). K8S-011 (IRSA ServiceAccount consistency) is an IAM rule.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { presence } from './elements.ts';
import { EXPOSURE_RULES } from './exposure.ts';
import { sameValue } from './graph-refs.ts';
import { IMAGE_RULES } from './images.ts';
import { SERVICE_ACCOUNT, isKind } from './kinds.ts';
import {
  containerField,
  containersOf,
  locatePodSpec,
  podField,
  WORKLOAD_KINDS,
  type ContainerList,
  type PodSpecLocation,
} from './pod-spec.ts';
import { Findings, not, or, show, testValue } from './tri-state.ts';

/** Ephemeral containers cannot declare resources. */
const RESOURCE_LISTS: readonly ContainerList[] = ['initContainers', 'containers'];

/** A workload rule: `check` sees the located, present pod spec. */
function workloadRule(
  rule: Omit<Rule, 'kinds' | 'check'>,
  check: (ctx: RuleContext, loc: PodSpecLocation) => RuleResult[],
): Rule {
  return {
    ...rule,
    kinds: WORKLOAD_KINDS,
    check(ctx) {
      const loc = locatePodSpec(ctx.resource);
      return loc === undefined || loc.spec === undefined || loc.spec === null ? [] : check(ctx, loc);
    },
  };
}

/**
 * Requires `resources.<section>.<name>` on every container; for requests, a limit also counts
 * (Kubernetes defaults a missing request to the limit). A symbolic value at the field counts as set.
 */
function requireResources(
  loc: PodSpecLocation,
  section: 'limits' | 'requests',
  names: readonly string[],
  passReason: string,
): RuleResult[] {
  const f = new Findings();
  for (const c of containersOf(loc, RESOURCE_LISTS)) {
    for (const name of names) {
      const field = containerField(c, ['resources', section, name]);
      const set =
        section === 'requests'
          ? or(
              presence(c.value, ['resources', 'requests', name]),
              presence(c.value, ['resources', 'limits', name]),
            )
          : presence(c.value, ['resources', section, name]);
      f.record(
        not(set),
        field.path,
        valueAt(c.value, ['resources']),
        `${c.label} has no ${section}.${name}`,
        `${c.label} resources are not known yet (${section}.${name} required)`,
      );
    }
  }
  return f.conclude(loc.path, passReason);
}

/** K8S-007: the pod, or else its ServiceAccount in the graph, turns off token automount. */
function checkAutomount(ctx: RuleContext, loc: PodSpecLocation): RuleResult[] {
  const pod = podField(loc, ['automountServiceAccountToken']);
  const f = new Findings();
  if (pod.value !== undefined && pod.value !== null) {
    f.record(
      testValue(pod.value, (v) => v !== false, false),
      pod.path,
      pod.value,
      `automountServiceAccountToken is ${show(pod.value)}`,
      `automountServiceAccountToken is ${show(pod.value)}, not known yet (must be false)`,
    );
    return f.conclude(pod.path, 'the pod does not mount a service account token');
  }
  const name = serviceAccountName(loc) ?? 'default';
  const sa = ctx.graph.resources.find(
    (r) => isKind(r, SERVICE_ACCOUNT) && sameValue(valueAt(r.object, ['metadata', 'name']), name),
  );
  const saValue = sa === undefined ? undefined : valueAt(sa.object, ['automountServiceAccountToken']);
  f.record(
    testValue(saValue, (v) => v !== false, true),
    pod.path,
    saValue,
    sa === undefined
      ? `automountServiceAccountToken is not set and ServiceAccount ${show(name)} is not in the graph`
      : `neither the pod nor ServiceAccount "${sa.id}" sets automountServiceAccountToken: false`,
    `ServiceAccount "${sa?.id}" automountServiceAccountToken is ${show(saValue)}, not known yet`,
  );
  return f.conclude(pod.path, `ServiceAccount "${sa?.id}" turns token automount off`);
}

/** The pod's service account (`serviceAccountName`, or the deprecated `serviceAccount`). */
function serviceAccountName(loc: PodSpecLocation): RenderedValue | undefined {
  const name = podField(loc, ['serviceAccountName']).value ?? podField(loc, ['serviceAccount']).value;
  return name === null ? undefined : name;
}

/** K8S-008: not in the `default` namespace, not the `default` service account. */
function checkDefaults(ctx: RuleContext, loc: PodSpecLocation): RuleResult[] {
  const f = new Findings();
  const nsPath: PathSegment[] = ['metadata', 'namespace'];
  const own = valueAt(ctx.object, nsPath);
  // kro puts children without a namespace into the instance's namespace.
  const namespace = own ?? ctx.graph.instance.namespace;
  const isDefault = (v: unknown): boolean => v === 'default' || v === '';
  f.record(
    testValue(namespace, isDefault, true),
    nsPath,
    namespace,
    `the workload runs in the default namespace${own === undefined ? ' (the instance namespace)' : ''}`,
    `namespace ${show(namespace)} is not known yet (must not be default)`,
  );
  const sa = serviceAccountName(loc);
  f.record(
    testValue(sa, isDefault, true),
    [...loc.path, 'serviceAccountName'],
    sa,
    `the pod runs as the default service account`,
    `serviceAccountName ${show(sa)} is not known yet (must not be default)`,
  );
  return f.conclude(loc.path, 'a dedicated namespace and service account');
}

const POD_RULES: readonly Rule[] = [
  workloadRule(
    {
      id: 'K8S-001',
      title: 'Containers set resource limits',
      severity: 'medium',
      controls: {
        checkov: ['CKV_K8S_11', 'CKV_K8S_13'],
        trivy: ['KSV-0011', 'KSV-0018'],
        other: ['kyverno:best-practices/require-pod-requests-limits'],
      },
      remediation:
        'Set resources.limits.memory on every container (and limits.cpu when the policy requireCpuLimit is on).',
    },
    (ctx, loc) =>
      requireResources(
        loc,
        'limits',
        ctx.params.requireCpuLimit ? ['memory', 'cpu'] : ['memory'],
        'every container sets its resource limits',
      ),
  ),
  workloadRule(
    {
      id: 'K8S-002',
      title: 'Containers set resource requests',
      severity: 'low',
      controls: {
        checkov: ['CKV_K8S_10', 'CKV_K8S_12'],
        trivy: ['KSV-0015', 'KSV-0016'],
        other: ['kyverno:best-practices/require-pod-requests-limits'],
      },
      remediation: 'Set resources.requests.cpu and resources.requests.memory on every container.',
    },
    (_ctx, loc) =>
      requireResources(loc, 'requests', ['cpu', 'memory'], 'every container sets CPU and memory requests'),
  ),
  workloadRule(
    {
      id: 'K8S-006',
      title: 'Containers have a read-only root filesystem',
      severity: 'medium',
      controls: {
        checkov: ['CKV_K8S_22'],
        trivy: ['KSV-0014'],
        other: ['kyverno:best-practices/require-ro-rootfs'],
      },
      remediation:
        'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where writes are needed.',
    },
    (_ctx, loc) => {
      const f = new Findings();
      for (const c of containersOf(loc)) {
        const field = containerField(c, ['securityContext', 'readOnlyRootFilesystem']);
        f.record(
          testValue(field.value, (v) => v !== true, true),
          field.path,
          field.value,
          `${c.label} must set securityContext.readOnlyRootFilesystem=true`,
          `${c.label} readOnlyRootFilesystem is ${show(field.value)}, not known yet`,
        );
      }
      return f.conclude(loc.path, 'every container has a read-only root filesystem');
    },
  ),
  workloadRule(
    {
      id: 'K8S-007',
      title: 'Service account tokens are not automounted',
      severity: 'low',
      controls: {
        checkov: ['CKV_K8S_38'],
        trivy: ['KSV-0036'],
        other: ['kyverno:other/restrict-automount-sa-token'],
      },
      remediation:
        'Set automountServiceAccountToken: false on the pod (or on its ServiceAccount) unless it calls the ' +
        'Kubernetes API; IRSA and Pod Identity do not need it.',
    },
    checkAutomount,
  ),
  workloadRule(
    {
      id: 'K8S-008',
      title: 'Workloads avoid the default namespace and service account',
      severity: 'low',
      controls: {
        checkov: ['CKV_K8S_21', 'CKV_K8S_41', 'CKV_K8S_42'],
        trivy: ['KSV-0110'],
        other: ['kyverno:best-practices/disallow-default-namespace'],
      },
      remediation:
        'Create instances in a dedicated namespace and give the pod its own ServiceAccount (serviceAccountName).',
    },
    checkDefaults,
  ),
];

/** K8S-001, 002, 006..010: the K8S rules other than the image rules (`IMAGE_RULES`, K8S-003..005). */
export const WORKLOAD_RULES: readonly Rule[] = [...POD_RULES, ...EXPOSURE_RULES];

/** Every K8S rule of compliance-catalogue §2.6 (K8S-001..010), in id order. */
export const K8S_RULES: readonly Rule[] = [...WORKLOAD_RULES, ...IMAGE_RULES].sort((a, b) =>
  a.id.localeCompare(b.id),
);
