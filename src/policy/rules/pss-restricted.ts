/**
 * The Pod Security Standards **restricted** checks as rules `PSS-<checkId>` (compliance-catalogue
 * §2.6; semantics of kubernetes/pod-security-admission `policy/check_*.go` at their latest policy
 * version, including the pod-level/container-level precedence of `runAsNonRoot` and
 * `seccompProfile`, the `hostUsers: false` and Windows exemptions). In PSA, `restrictedVolumes`,
 * `capabilities_restricted`, `seccompProfile_restricted` and `procMount_restricted` replace their
 * baseline counterparts at the restricted level; a policy enabling both sets gets both verdicts.
 */
import { isRenderedObject, valueAt } from '../../graph/render/symbolic.ts';
import type { Rule } from '../types.ts';
import { elementsAt } from './elements.ts';
import { containerField, containersOf, podField } from './pod-spec.ts';
import { checkProfile, forbid, pssRule, userNamespaceExemption, windowsExemption } from './pss-common.ts';
import { Findings, not, or, show, testValue, unlessExempt, type Tri } from './tri-state.ts';

/** Volume sources a restricted pod may use (PSA `restrictedVolumes`). */
export const RESTRICTED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const RUNTIME_PROFILES = ['RuntimeDefault', 'Localhost'];

const restrictedVolumes = pssRule({
  checkId: 'restrictedVolumes',
  level: 'restricted',
  title: 'Pods use only restricted volume types',
  severity: 'medium',
  trivy: ['KSV-0028'],
  kyverno: 'pod-security/restricted/restrict-volume-types',
  remediation: `Use only ${[...RESTRICTED_VOLUME_SOURCES].join(', ')} volumes.`,
  evaluate(loc) {
    const f = new Findings();
    for (const v of elementsAt(loc.spec, loc.path, ['volumes'])) {
      if (!isRenderedObject(v.value)) {
        f.unknown(v.path, v.value, `volume ${show(v.value)} is not known yet (restricted volume types only)`);
        continue;
      }
      // A volume without any source is defaulted to emptyDir by the API server.
      const sources = Object.entries(v.value)
        .filter(([k, x]) => k !== 'name' && x !== null)
        .map(([k]) => k);
      if (sources.length === 0 || sources.some((s) => RESTRICTED_VOLUME_SOURCES.has(s))) continue;
      f.fail(
        v.path,
        `volume ${show(valueAt(v.value, ['name']))} uses restricted volume type ${sources.join(', ')}`,
      );
    }
    return f.conclude(loc.path, 'every volume has an allowed type');
  },
});

const allowPrivilegeEscalation = pssRule({
  checkId: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Containers forbid privilege escalation',
  severity: 'high',
  checkov: ['CKV_K8S_20'],
  trivy: ['KSV-0001'],
  kyverno: 'pod-security/restricted/disallow-privilege-escalation',
  remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      const field = containerField(c, ['securityContext', 'allowPrivilegeEscalation']);
      f.record(
        testValue(field.value, (v) => v !== false, true),
        field.path,
        field.value,
        `${c.label} must set securityContext.allowPrivilegeEscalation=false (is ${show(field.value)})`,
        `${c.label} sets allowPrivilegeEscalation=${show(field.value)}, not known yet (must be false)`,
      );
    }
    return unlessExempt(
      windowsExemption(loc),
      f.conclude(loc.path, 'every container sets allowPrivilegeEscalation=false'),
    );
  },
});

const runAsNonRoot = pssRule({
  checkId: 'runAsNonRoot',
  level: 'restricted',
  title: 'Containers run as non-root',
  severity: 'high',
  checkov: ['CKV_K8S_23'],
  trivy: ['KSV-0012'],
  kyverno: 'pod-security/restricted/require-run-as-nonroot',
  remediation: 'Set spec.securityContext.runAsNonRoot: true (or on every container), and never false.',
  evaluate(loc) {
    const f = new Findings();
    const pod = podField(loc, ['securityContext', 'runAsNonRoot']);
    const podTrue = testValue(pod.value, (v) => v === true, false);
    f.record(
      testValue(pod.value, (v) => v !== true, false),
      pod.path,
      pod.value,
      `pod must not set securityContext.runAsNonRoot=${show(pod.value)}`,
      `pod sets runAsNonRoot=${show(pod.value)}, not known yet (must be true or unset)`,
    );
    for (const c of containersOf(loc)) {
      const field = containerField(c, ['securityContext', 'runAsNonRoot']);
      if (field.value === undefined || field.value === null) {
        f.record(
          not(podTrue),
          field.path,
          pod.value,
          `pod or ${c.label} must set securityContext.runAsNonRoot=true`,
          `${c.label} relies on pod runAsNonRoot=${show(pod.value)}, not known yet`,
        );
        continue;
      }
      forbid(f, c.label, field, (v) => v !== true, 'true, or unset with pod-level true');
    }
    const result = f.conclude(loc.path, 'the pod or every container sets runAsNonRoot=true');
    return unlessExempt(userNamespaceExemption(loc), result);
  },
});

const runAsUser = pssRule({
  checkId: 'runAsUser',
  level: 'restricted',
  title: 'Containers do not run as UID 0',
  severity: 'high',
  checkov: ['CKV_K8S_40'],
  trivy: ['KSV-0105', 'KSV-0020'],
  kyverno: 'pod-security/restricted/require-run-as-non-root-user',
  remediation: 'Remove runAsUser: 0 from the pod and container security contexts (use a non-zero UID).',
  evaluate(loc) {
    const f = new Findings();
    forbid(
      f,
      'pod',
      podField(loc, ['securityContext', 'runAsUser']),
      (v) => v === 0,
      'a non-zero UID or unset',
    );
    for (const c of containersOf(loc)) {
      forbid(
        f,
        c.label,
        containerField(c, ['securityContext', 'runAsUser']),
        (v) => v === 0,
        'a non-zero UID or unset',
      );
    }
    return unlessExempt(userNamespaceExemption(loc), f.conclude(loc.path, 'no runAsUser is 0'));
  },
});

const seccompProfileRestricted = pssRule({
  checkId: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp is RuntimeDefault or Localhost',
  severity: 'high',
  checkov: ['CKV_K8S_31'],
  trivy: ['KSV-0030'],
  kyverno: 'pod-security/restricted/restrict-seccomp-strict',
  remediation:
    'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost) for the pod, or on every container.',
  evaluate(loc) {
    const f = new Findings();
    const pod = checkProfile(podField(loc, ['securityContext', 'seccompProfile']), RUNTIME_PROFILES);
    const podSet: Tri = pod === undefined ? false : pod.valid;
    if (pod !== undefined) {
      f.record(
        not(pod.valid),
        pod.type.path,
        pod.type.value,
        `pod must not set ${pod.type.name} to ${show(pod.type.value)}`,
        `pod sets ${pod.type.name}=${show(pod.type.value)}, not known yet (RuntimeDefault or Localhost)`,
      );
    }
    for (const c of containersOf(loc)) {
      const field = containerField(c, ['securityContext', 'seccompProfile']);
      const own = checkProfile(field, RUNTIME_PROFILES);
      if (own === undefined) {
        f.record(
          not(podSet),
          [...field.path, 'type'],
          pod?.type.value,
          `pod or ${c.label} must set securityContext.seccompProfile.type to RuntimeDefault or Localhost`,
          `${c.label} relies on the pod seccompProfile ${show(pod?.type.value)}, not known yet`,
        );
        continue;
      }
      f.record(
        not(own.valid),
        own.type.path,
        own.type.value,
        `${c.label} must not set ${own.type.name} to ${show(own.type.value)}`,
        `${c.label} sets ${own.type.name}=${show(own.type.value)}, not known yet (RuntimeDefault or Localhost)`,
      );
    }
    const result = f.conclude(loc.path, 'seccomp is RuntimeDefault or Localhost for every container');
    return unlessExempt(windowsExemption(loc), result);
  },
});

const capabilitiesRestricted = pssRule({
  checkId: 'capabilities_restricted',
  level: 'restricted',
  title: 'Containers drop ALL capabilities',
  severity: 'high',
  checkov: ['CKV_K8S_28', 'CKV_K8S_37'],
  trivy: ['KSV-0003', 'KSV-0106'],
  kyverno: 'pod-security/restricted/disallow-capabilities-strict',
  remediation:
    'Set securityContext.capabilities.drop: ["ALL"] on every container; add at most NET_BIND_SERVICE.',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      const drop = containerField(c, ['securityContext', 'capabilities', 'drop']);
      const dropped = elementsAt(c.value, c.path, ['securityContext', 'capabilities', 'drop']);
      const dropsAll = or(
        ...dropped.map((e) => (e.symbolic ? 'unknown' : testValue(e.value, (v) => v === 'ALL', false))),
      );
      f.record(
        not(dropsAll),
        drop.path,
        drop.value,
        `${c.label} must set securityContext.capabilities.drop=["ALL"]`,
        `${c.label} drops ${show(drop.value)}, not known yet (must include ALL)`,
      );
      for (const e of elementsAt(c.value, c.path, ['securityContext', 'capabilities', 'add'])) {
        f.record(
          testValue(e.value, (v) => v !== 'NET_BIND_SERVICE', false),
          e.path,
          e.value,
          `${c.label} must not add capability ${show(e.value)} (only NET_BIND_SERVICE)`,
          `${c.label} adds ${show(e.value)}, not known yet (only NET_BIND_SERVICE)`,
        );
      }
    }
    return unlessExempt(
      windowsExemption(loc),
      f.conclude(loc.path, 'every container drops ALL capabilities'),
    );
  },
});

const procMountRestricted = pssRule({
  checkId: 'procMount_restricted',
  level: 'restricted',
  title: 'Containers keep the default /proc mask (restricted)',
  severity: 'medium',
  trivy: ['KSV-0027'],
  kyverno: 'pod-security/baseline/disallow-proc-mount',
  remediation:
    'Remove securityContext.procMount (or set it to Default); user namespaces do not exempt at this level.',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      forbid(
        f,
        c.label,
        containerField(c, ['securityContext', 'procMount']),
        (v) => v !== 'Default',
        'Default or unset',
      );
    }
    return f.conclude(loc.path, 'no container unmasks /proc');
  },
});

/** The restricted checks of compliance-catalogue §2.6. */
export const PSS_RESTRICTED_RULES: readonly Rule[] = [
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];
