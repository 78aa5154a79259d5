/**
 * The Pod Security Standards **baseline** checks as rules `PSS-<checkId>` (compliance-catalogue
 * §2.6; semantics of kubernetes/pod-security-admission `policy/check_*.go` at their latest policy
 * version). Every container list counts: initContainers, containers, ephemeralContainers.
 */
import { isSymbolic, valueAt } from '../../graph/render/symbolic.ts';
import type { Rule } from '../types.ts';
import { elementsAt } from './elements.ts';
import { containerField, containersOf, podField, type FieldAt, type PodSpecLocation } from './pod-spec.ts';
import { checkProfile, forbid, hasKey, pssRule, userNamespaceExemption } from './pss-common.ts';
import { Findings, not, show, testValue, unlessExempt } from './tri-state.ts';

/** Capabilities a baseline pod may add (PSA `capabilities_baseline`). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Safe sysctls (PSA `sysctls`, policy version 1.32). */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** SELinux types a baseline pod may use (PSA `seLinuxOptions`, policy version 1.31). */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];
const RUNTIME_PROFILES = ['RuntimeDefault', 'Localhost'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** Records a present profile whose type is not RuntimeDefault or Localhost. */
function forbidProfile(f: Findings, who: string, profile: FieldAt): void {
  const p = checkProfile(profile, RUNTIME_PROFILES);
  if (p === undefined) return;
  f.record(
    not(p.valid),
    p.type.path,
    p.type.value,
    `${who} must not set ${p.type.name} to ${show(p.type.value)} (allowed: RuntimeDefault, Localhost)`,
    `${who} sets ${p.type.name}=${show(p.type.value)}, not known yet (allowed: RuntimeDefault, Localhost)`,
  );
}

/** The pod, then every container, with its label. */
function podAndContainers(loc: PodSpecLocation, rel: string[]): { who: string; field: FieldAt }[] {
  return [
    { who: 'pod', field: podField(loc, rel) },
    ...containersOf(loc).map((c) => ({ who: c.label, field: containerField(c, rel) })),
  ];
}

const hostNamespaces = pssRule({
  checkId: 'hostNamespaces',
  level: 'baseline',
  title: 'Pods do not share host namespaces',
  severity: 'critical',
  checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'],
  trivy: ['KSV-0008', 'KSV-0009', 'KSV-0010'],
  kyverno: 'pod-security/baseline/disallow-host-namespaces',
  remediation:
    'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC from the pod template (or set them to false).',
  evaluate(loc) {
    const f = new Findings();
    for (const name of ['hostNetwork', 'hostPID', 'hostIPC']) {
      forbid(f, 'pod', podField(loc, [name]), (v) => v === true, 'false or unset');
    }
    return f.conclude(loc.path, 'hostNetwork, hostPID and hostIPC are unset or false');
  },
});

const privileged = pssRule({
  checkId: 'privileged',
  level: 'baseline',
  title: 'Containers are not privileged',
  severity: 'critical',
  checkov: ['CKV_K8S_16'],
  trivy: ['KSV-0017'],
  kyverno: 'pod-security/baseline/disallow-privileged-containers',
  remediation: 'Remove securityContext.privileged from every container (or set it to false).',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      forbid(
        f,
        c.label,
        containerField(c, ['securityContext', 'privileged']),
        (v) => v === true,
        'false or unset',
      );
    }
    return f.conclude(loc.path, 'no container is privileged');
  },
});

const capabilitiesBaseline = pssRule({
  checkId: 'capabilities_baseline',
  level: 'baseline',
  title: 'Containers add only baseline capabilities',
  severity: 'high',
  checkov: ['CKV_K8S_25', 'CKV_K8S_39'],
  trivy: ['KSV-0022', 'KSV-0005', 'KSV-0119', 'KSV-0120'],
  kyverno: 'pod-security/baseline/disallow-capabilities',
  remediation: `Add only capabilities of the baseline set (${[...BASELINE_CAPABILITIES].join(', ')}).`,
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      for (const e of elementsAt(c.value, c.path, ['securityContext', 'capabilities', 'add'])) {
        f.record(
          testValue(e.value, (v) => typeof v !== 'string' || !BASELINE_CAPABILITIES.has(v), false),
          e.path,
          e.value,
          `${c.label} must not add capability ${show(e.value)} (not in the baseline set)`,
          `${c.label} adds capability ${show(e.value)}, not known yet (baseline set only)`,
        );
      }
    }
    return f.conclude(loc.path, 'containers add only baseline capabilities');
  },
});

const hostPathVolumes = pssRule({
  checkId: 'hostPathVolumes',
  level: 'baseline',
  title: 'Pods use no hostPath volumes',
  severity: 'high',
  checkov: ['CKV_K8S_27'],
  trivy: ['KSV-0023'],
  kyverno: 'pod-security/baseline/disallow-host-path',
  remediation:
    'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistentVolumeClaim volumes.',
  evaluate(loc) {
    const f = new Findings();
    for (const v of elementsAt(loc.spec, loc.path, ['volumes'])) {
      const label = v.symbolic ? 'volumes' : `volume ${show(valueAt(v.value, ['name']))}`;
      f.record(
        hasKey(v.value, 'hostPath'),
        v.symbolic || isSymbolic(v.value) ? v.path : [...v.path, 'hostPath'],
        v.value,
        `${label} must not use hostPath`,
        `${label} is ${show(v.value)}, not known yet (hostPath is forbidden)`,
      );
    }
    return f.conclude(loc.path, 'no hostPath volume');
  },
});

const hostPorts = pssRule({
  checkId: 'hostPorts',
  level: 'baseline',
  title: 'Containers expose no host ports',
  severity: 'medium',
  checkov: ['CKV_K8S_26'],
  trivy: ['KSV-0024'],
  kyverno: 'pod-security/baseline/disallow-host-ports',
  remediation: 'Remove ports[].hostPort (or set it to 0); expose the pod through a Service instead.',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      for (const p of elementsAt(c.value, c.path, ['ports'])) {
        const field: FieldAt = p.symbolic
          ? { path: p.path, name: 'ports', value: p.value }
          : {
              path: [...p.path, 'hostPort'],
              name: `ports[${p.index}].hostPort`,
              value: valueAt(p.value, ['hostPort']),
            };
        forbid(f, c.label, field, (v) => v !== 0, '0 or unset');
      }
    }
    return f.conclude(loc.path, 'no container uses a host port');
  },
});

const appArmorProfile = pssRule({
  checkId: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor is not disabled or overridden',
  severity: 'medium',
  trivy: ['KSV-0002'],
  kyverno: 'pod-security/baseline/restrict-apparmor-profiles',
  remediation:
    'Use appArmorProfile.type RuntimeDefault or Localhost (or leave it unset); annotations ' +
    `${APPARMOR_ANNOTATION_PREFIX}* may only be runtime/default or localhost/<profile>.`,
  evaluate(loc) {
    const f = new Findings();
    for (const { who, field } of podAndContainers(loc, ['securityContext', 'appArmorProfile'])) {
      forbidProfile(f, who, field);
    }
    const annotationsPath = [...loc.metadataPath, 'annotations'];
    const annotations = valueAt(loc.metadata, ['annotations']);
    if (isSymbolic(annotations)) {
      f.unknown(
        annotationsPath,
        annotations,
        `pod annotations are ${annotations}, not known yet (may set AppArmor)`,
      );
    } else if (annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)) {
      for (const [key, value] of Object.entries(annotations)) {
        if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
        const ok = (v: unknown): boolean =>
          v === '' || v === 'runtime/default' || (typeof v === 'string' && v.startsWith('localhost/'));
        forbid(
          f,
          'pod',
          { path: [...annotationsPath, key], name: `metadata.annotations[${JSON.stringify(key)}]`, value },
          (v) => !ok(v),
          'runtime/default or localhost/*',
        );
      }
    }
    return f.conclude(loc.path, 'AppArmor profiles are RuntimeDefault, Localhost or unset');
  },
});

const seLinuxOptions = pssRule({
  checkId: 'seLinuxOptions',
  level: 'baseline',
  title: 'SELinux options are not customised',
  severity: 'medium',
  trivy: ['KSV-0025'],
  kyverno: 'pod-security/baseline/disallow-selinux',
  remediation:
    'Leave seLinuxOptions.user and role unset and use seLinuxOptions.type container_t, container_init_t, ' +
    'container_kvm_t or container_engine_t (or unset).',
  evaluate(loc) {
    const f = new Findings();
    for (const { who, field } of podAndContainers(loc, ['securityContext', 'seLinuxOptions'])) {
      if (field.value === undefined || field.value === null) continue;
      if (isSymbolic(field.value)) {
        f.unknown(field.path, field.value, `${who} sets ${field.name}=${field.value}, not known yet`);
        continue;
      }
      const sub = (key: string): FieldAt => ({
        path: [...field.path, key],
        name: `${field.name}.${key}`,
        value: valueAt(field.value, [key]),
      });
      forbid(
        f,
        who,
        sub('type'),
        (v) => typeof v !== 'string' || !SELINUX_TYPES.includes(v),
        SELINUX_TYPES.join(', '),
      );
      forbid(f, who, sub('user'), (v) => v !== '', 'empty or unset');
      forbid(f, who, sub('role'), (v) => v !== '', 'empty or unset');
    }
    return f.conclude(loc.path, 'SELinux options are not customised');
  },
});

const procMount = pssRule({
  checkId: 'procMount',
  level: 'baseline',
  title: 'Containers keep the default /proc mask',
  severity: 'medium',
  trivy: ['KSV-0027'],
  kyverno: 'pod-security/baseline/disallow-proc-mount',
  remediation:
    'Remove securityContext.procMount (or set it to Default), or run the pod in a user namespace (hostUsers: false).',
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
    return unlessExempt(userNamespaceExemption(loc), f.conclude(loc.path, 'no container unmasks /proc'));
  },
});

const seccompProfileBaseline = pssRule({
  checkId: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp is not disabled',
  severity: 'medium',
  trivy: ['KSV-0104'],
  kyverno: 'pod-security/baseline/restrict-seccomp',
  remediation: 'Use seccompProfile.type RuntimeDefault or Localhost (never Unconfined), or leave it unset.',
  evaluate(loc) {
    const f = new Findings();
    for (const { who, field } of podAndContainers(loc, ['securityContext', 'seccompProfile'])) {
      forbidProfile(f, who, field);
    }
    return f.conclude(loc.path, 'no seccomp profile is Unconfined');
  },
});

const sysctls = pssRule({
  checkId: 'sysctls',
  level: 'baseline',
  title: 'Pods set only safe sysctls',
  severity: 'medium',
  trivy: ['KSV-0026'],
  kyverno: 'pod-security/baseline/restrict-sysctls',
  remediation: `Set only the safe sysctls (${[...SAFE_SYSCTLS].join(', ')}).`,
  evaluate(loc) {
    const f = new Findings();
    for (const s of elementsAt(loc.spec, loc.path, ['securityContext', 'sysctls'])) {
      const field: FieldAt = s.symbolic
        ? { path: s.path, name: 'securityContext.sysctls', value: s.value }
        : {
            path: [...s.path, 'name'],
            name: `securityContext.sysctls[${s.index}].name`,
            value: valueAt(s.value, ['name']),
          };
      forbid(f, 'pod', field, (v) => typeof v !== 'string' || !SAFE_SYSCTLS.has(v), 'the safe sysctl set');
    }
    return f.conclude(loc.path, 'only safe sysctls are set');
  },
});

const windowsHostProcess = pssRule({
  checkId: 'windowsHostProcess',
  level: 'baseline',
  title: 'No Windows HostProcess containers',
  severity: 'critical',
  trivy: ['KSV-0103'],
  kyverno: 'pod-security/baseline/disallow-host-process',
  remediation:
    'Remove securityContext.windowsOptions.hostProcess from the pod and its containers (or set it to false).',
  evaluate(loc) {
    const f = new Findings();
    for (const { who, field } of podAndContainers(loc, [
      'securityContext',
      'windowsOptions',
      'hostProcess',
    ])) {
      forbid(f, who, field, (v) => v === true, 'false or unset');
    }
    return f.conclude(loc.path, 'no HostProcess container');
  },
});

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const LIFECYCLE_HANDLERS = [
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

const hostProbesAndHostLifecycle = pssRule({
  checkId: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Probes and lifecycle handlers target the pod only',
  severity: 'medium',
  remediation:
    'Remove httpGet.host and tcpSocket.host from probes and lifecycle handlers (they default to the pod IP).',
  evaluate(loc) {
    const f = new Findings();
    for (const c of containersOf(loc)) {
      for (const handler of [...PROBES.map((p) => [p]), ...LIFECYCLE_HANDLERS]) {
        for (const action of ['httpGet', 'tcpSocket']) {
          forbid(
            f,
            c.label,
            containerField(c, [...handler, action, 'host']),
            (v) => v !== '',
            'empty or unset',
          );
        }
      }
    }
    return f.conclude(loc.path, 'no probe or lifecycle handler sets httpGet.host or tcpSocket.host');
  },
});

/** The baseline checks of compliance-catalogue §2.6. */
export const PSS_BASELINE_RULES: readonly Rule[] = [
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
];
