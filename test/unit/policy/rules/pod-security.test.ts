import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedResource } from '../../../../src/graph/render/types.ts';
import {
  PSS_BASELINE_RULES,
  PSS_RESTRICTED_RULES,
  PSS_RULES,
} from '../../../../src/policy/rules/pod-security.ts';
import {
  corpusTemplate,
  dependsOnKinds,
  resource,
  ruleById,
  run,
  symbolize,
  unknown,
  verdictOf,
} from './helpers.ts';

const rule = (checkId: string) => ruleById(PSS_RULES, `PSS-${checkId}`);
const verdict = (checkId: string, r: RenderedResource) => verdictOf(run(rule(checkId), r));

/** A Deployment whose pod template spec is `podSpec` (kro template syntax), template metadata `meta`. */
function deployment(podSpec: Record<string, unknown>, meta: Record<string, unknown> = {}): RenderedResource {
  return resource(
    'web',
    symbolize({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: '${schema.spec.name}' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' }, ...meta }, spec: podSpec },
      },
    }) as RenderedObject,
  );
}

const SECURE_CONTAINER = {
  name: 'app',
  image: 'registry.example.com/app:1.0',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};
/** A pod spec that meets every restricted check. */
const RESTRICTED = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [SECURE_CONTAINER],
};

/** RESTRICTED with the app container's securityContext replaced by `sc`. */
function withContainer(
  sc: Record<string, unknown> | string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...RESTRICTED, containers: [{ ...SECURE_CONTAINER, securityContext: sc, ...extra }] };
}

describe('PSS rules', () => {
  it('one rule per PSA check id of compliance-catalogue §2.6', () => {
    assert.deepEqual(
      PSS_RULES.map((r) => r.id).sort(),
      [
        'allowPrivilegeEscalation',
        'appArmorProfile',
        'capabilities_baseline',
        'capabilities_restricted',
        'hostNamespaces',
        'hostPathVolumes',
        'hostPorts',
        'hostProbesAndHostLifecycle',
        'privileged',
        'procMount',
        'procMount_restricted',
        'restrictedVolumes',
        'runAsNonRoot',
        'runAsUser',
        'seLinuxOptions',
        'seccompProfile_baseline',
        'seccompProfile_restricted',
        'sysctls',
        'windowsHostProcess',
      ]
        .map((c) => `PSS-${c}`)
        .sort(),
    );
    for (const r of PSS_RULES) assert.deepEqual(r.controls.pss, [r.id.slice(4)]);
    assert.equal(PSS_BASELINE_RULES.length + PSS_RESTRICTED_RULES.length, PSS_RULES.length);
  });
  it('a restricted pod spec passes every check', () => {
    const d = deployment(RESTRICTED);
    for (const r of PSS_RULES) assert.equal(verdictOf(run(r, d)), 'pass', r.id);
  });
  it('applies to every pod-bearing kind at its pod spec path, and to nothing else', () => {
    const bad = { containers: [{ name: 'c', image: 'x:1', securityContext: { privileged: true } }] };
    const cron = resource(
      'cron',
      symbolize({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'c' },
        spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: bad } } } },
      }) as RenderedObject,
    );
    const results = run(rule('privileged'), cron);
    assert.equal(verdictOf(results), 'fail');
    assert.deepEqual(results[0]!.path, [
      'spec',
      'jobTemplate',
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'securityContext',
      'privileged',
    ]);
    const pod = resource(
      'pod',
      symbolize({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: bad }) as RenderedObject,
    );
    assert.deepEqual(run(rule('privileged'), pod)[0]!.path, [
      'spec',
      'containers',
      0,
      'securityContext',
      'privileged',
    ]);
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet']) {
      const o = symbolize({
        apiVersion: 'apps/v1',
        kind,
        metadata: { name: 'x' },
        spec: { template: { spec: bad } },
      });
      assert.equal(verdictOf(run(rule('privileged'), resource('x', o as RenderedObject))), 'fail', kind);
    }
    const svc = resource('svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} });
    assert.deepEqual(run(rule('privileged'), svc), []);
  });
});

describe('S19: restricted fields missing, or from an instance object', () => {
  const missing = deployment({ containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] });
  it('literal missing fields fail runAsNonRoot, allowPrivilegeEscalation, capabilities_restricted, seccompProfile_restricted', () => {
    for (const id of [
      'runAsNonRoot',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]) {
      assert.equal(verdict(id, missing), 'fail', id);
    }
    const r = run(rule('runAsNonRoot'), missing);
    assert.match(r[0]!.reason, /pod or container "app" must set securityContext.runAsNonRoot=true/);
    for (const r of PSS_BASELINE_RULES) assert.equal(verdictOf(run(r, missing)), 'pass', r.id);
  });
  it('a securityContext object from the instance defers the container-level checks to the instance', () => {
    const d = deployment(withContainer('${schema.spec.securityContext}'));
    for (const id of ['allowPrivilegeEscalation', 'capabilities_restricted', 'privileged']) {
      const results = run(rule(id), d);
      assert.equal(verdictOf(results), 'unknown', id);
      assert.deepEqual(dependsOnKinds(results), ['input'], id);
    }
    assert.equal(verdict('runAsNonRoot', d), 'unknown', 'the instance object may set runAsNonRoot: false');
    assert.equal(verdict('hostNamespaces', d), 'pass', 'pod-level fields stay decided');
  });
  it('a pod spec that is unknown as a whole gives one unknown', () => {
    const d = deployment({});
    (d.object.spec as Record<string, unknown>).template = { spec: unknown('schema.spec.podSpec') } as never;
    const results = run(rule('runAsUser'), d);
    assert.equal(results.length, 1);
    assert.equal(results[0]!.verdict, 'unknown');
  });
});

describe('structure decides before unknowns', () => {
  it('one literal privileged container fails even if another is unknown', () => {
    const d = deployment({
      containers: [
        { name: 'a', image: 'x:1', securityContext: { privileged: true } },
        { name: 'b', image: 'x:1', securityContext: '${schema.spec.sc}' },
      ],
    });
    const results = run(rule('privileged'), d);
    assert.equal(verdictOf(results), 'fail');
    assert.match(results[0]!.reason, /container "a"/);
  });
  it('a container list from the instance is unknown; an empty literal list passes', () => {
    assert.equal(verdict('privileged', deployment({ containers: '${schema.spec.containers}' })), 'unknown');
    assert.equal(verdict('privileged', deployment({ containers: [] })), 'pass');
  });
  it('initContainers and ephemeralContainers are checked too', () => {
    const init = deployment({ ...RESTRICTED, initContainers: [{ name: 'init', image: 'x:1' }] });
    const r = run(rule('allowPrivilegeEscalation'), init);
    assert.equal(verdictOf(r), 'fail');
    assert.deepEqual(r[0]!.path.slice(-4), [
      'initContainers',
      0,
      'securityContext',
      'allowPrivilegeEscalation',
    ]);
    const eph = deployment({
      ...RESTRICTED,
      ephemeralContainers: [{ name: 'dbg', image: 'x:1', securityContext: { privileged: true } }],
    });
    assert.equal(verdict('privileged', eph), 'fail');
  });
  it('an enum-bounded input decides: every allowed value compliant passes', () => {
    const d = deployment(
      withContainer({
        ...SECURE_CONTAINER.securityContext,
        privileged: unknown('schema.spec.priv', { enum: [false] }),
      }),
    );
    assert.equal(verdict('privileged', d), 'pass');
  });
});

describe('runAsNonRoot: pod-level and container-level precedence (PSA runAsNonRoot_1_0)', () => {
  const pod = (podValue: unknown, containers: unknown[]) =>
    deployment({ securityContext: podValue === undefined ? {} : { runAsNonRoot: podValue }, containers });
  const c = (name: string, v?: unknown) => ({
    name,
    image: 'x:1',
    ...(v === undefined ? {} : { securityContext: { runAsNonRoot: v } }),
  });
  it('pod true covers containers that do not set it', () =>
    assert.equal(verdict('runAsNonRoot', pod(true, [c('a')])), 'pass'));
  it('every container true is enough without the pod', () =>
    assert.equal(verdict('runAsNonRoot', pod(undefined, [c('a', true), c('b', true)])), 'pass'));
  it('a container that sets nothing, with no pod-level true, fails', () => {
    const r = run(rule('runAsNonRoot'), pod(undefined, [c('a', true), c('b')]));
    assert.equal(verdictOf(r), 'fail');
    assert.match(r[0]!.reason, /container "b"/);
  });
  it('an explicit false fails at either level', () => {
    assert.equal(verdict('runAsNonRoot', pod(true, [c('a', false)])), 'fail');
    assert.equal(verdict('runAsNonRoot', pod(false, [c('a', true)])), 'fail');
  });
  it('a pod-level value from the instance defers; a container false still fails', () => {
    const deferred = run(rule('runAsNonRoot'), pod('${schema.spec.nonRoot}', [c('a')]));
    assert.equal(verdictOf(deferred), 'unknown');
    assert.deepEqual(dependsOnKinds(deferred), ['input']);
    assert.equal(verdict('runAsNonRoot', pod('${schema.spec.nonRoot}', [c('a', false)])), 'fail');
  });
  it('hostUsers: false exempts (user namespace); an unknown hostUsers defers a failure', () => {
    const userns = deployment({ hostUsers: false, containers: [c('a')] });
    assert.equal(verdict('runAsNonRoot', userns), 'pass');
    assert.equal(
      verdict(
        'runAsUser',
        deployment({ hostUsers: false, securityContext: { runAsUser: 0 }, containers: [c('a')] }),
      ),
      'pass',
    );
    const maybe = run(
      rule('runAsNonRoot'),
      deployment({ hostUsers: '${schema.spec.hostUsers}', containers: [c('a')] }),
    );
    assert.equal(verdictOf(maybe), 'unknown');
    assert.match(maybe[0]!.reason, /unless hostUsers is false/);
  });
});

describe('restricted checks', () => {
  it('runAsUser 0 fails at pod or container level', () => {
    assert.equal(
      verdict(
        'runAsUser',
        deployment({ ...RESTRICTED, securityContext: { ...RESTRICTED.securityContext, runAsUser: 0 } }),
      ),
      'fail',
    );
    assert.equal(
      verdict('runAsUser', deployment(withContainer({ ...SECURE_CONTAINER.securityContext, runAsUser: 0 }))),
      'fail',
    );
    assert.equal(
      verdict(
        'runAsUser',
        deployment(withContainer({ ...SECURE_CONTAINER.securityContext, runAsUser: 1000 })),
      ),
      'pass',
    );
  });
  it('seccompProfile_restricted: container Unconfined fails under a RuntimeDefault pod; container Localhost covers itself', () => {
    assert.equal(
      verdict(
        'seccompProfile_restricted',
        deployment(
          withContainer({ ...SECURE_CONTAINER.securityContext, seccompProfile: { type: 'Unconfined' } }),
        ),
      ),
      'fail',
    );
    const own = deployment({
      containers: [
        {
          ...SECURE_CONTAINER,
          securityContext: {
            ...SECURE_CONTAINER.securityContext,
            seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' },
          },
        },
      ],
    });
    assert.equal(verdict('seccompProfile_restricted', own), 'pass');
  });
  it('capabilities_restricted: drop ALL required, add only NET_BIND_SERVICE; Windows pods are exempt', () => {
    const add = (caps: string[]) =>
      withContainer({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: caps } });
    assert.equal(verdict('capabilities_restricted', deployment(add(['NET_BIND_SERVICE']))), 'pass');
    assert.equal(verdict('capabilities_restricted', deployment(add(['NET_ADMIN']))), 'fail');
    assert.equal(
      verdict('capabilities_restricted', deployment(withContainer({ capabilities: { drop: ['NET_RAW'] } }))),
      'fail',
    );
    const windows = deployment({ os: { name: 'windows' }, containers: [{ name: 'w', image: 'x:1' }] });
    for (const id of ['capabilities_restricted', 'allowPrivilegeEscalation', 'seccompProfile_restricted']) {
      assert.equal(verdict(id, windows), 'pass', id);
    }
    assert.equal(verdict('runAsNonRoot', windows), 'fail', 'Windows pods are not exempt from runAsNonRoot');
  });
  it('restrictedVolumes: allowed sources pass, a volume without source is emptyDir, hostPath and nfs fail', () => {
    const vols = (v: unknown[]) => deployment({ ...RESTRICTED, volumes: v });
    assert.equal(
      verdict(
        'restrictedVolumes',
        vols([{ name: 'a', configMap: { name: 'c' } }, { name: 'b' }, { name: 'c', csi: { driver: 'd' } }]),
      ),
      'pass',
    );
    const r = run(rule('restrictedVolumes'), vols([{ name: 'n', nfs: { server: 's', path: '/' } }]));
    assert.equal(verdictOf(r), 'fail');
    assert.match(r[0]!.reason, /nfs/);
    assert.equal(verdict('restrictedVolumes', vols([{ name: 'h', hostPath: { path: '/var/run' } }])), 'fail');
    assert.equal(verdict('restrictedVolumes', vols(['${schema.spec.volume}'] as unknown[])), 'unknown');
  });
  it('procMount: hostUsers false exempts the baseline check, not the restricted one', () => {
    const unmasked = (hostUsers?: boolean) =>
      deployment({
        ...(hostUsers === undefined ? {} : { hostUsers }),
        containers: [{ name: 'a', image: 'x:1', securityContext: { procMount: 'Unmasked' } }],
      });
    assert.equal(verdict('procMount', unmasked()), 'fail');
    assert.equal(verdict('procMount', unmasked(false)), 'pass');
    assert.equal(verdict('procMount_restricted', unmasked(false)), 'fail');
  });
});

describe('baseline checks', () => {
  it('hostNamespaces fails hostNetwork/hostPID/hostIPC true', () => {
    const r = run(rule('hostNamespaces'), deployment({ ...RESTRICTED, hostNetwork: true, hostPID: false }));
    assert.equal(verdictOf(r), 'fail');
    assert.equal(r.length, 1);
    assert.deepEqual(r[0]!.path.at(-1), 'hostNetwork');
  });
  it('hostPathVolumes and hostPorts', () => {
    assert.equal(
      verdict(
        'hostPathVolumes',
        deployment({ ...RESTRICTED, volumes: [{ name: 'h', hostPath: { path: '/' } }] }),
      ),
      'fail',
    );
    assert.equal(
      verdict('hostPathVolumes', deployment({ ...RESTRICTED, volumes: [{ name: 'e', emptyDir: {} }] })),
      'pass',
    );
    const port = (hostPort: unknown) =>
      deployment(
        withContainer(SECURE_CONTAINER.securityContext, { ports: [{ containerPort: 80, hostPort }] }),
      );
    assert.equal(verdict('hostPorts', port(8080)), 'fail');
    assert.equal(verdict('hostPorts', port(0)), 'pass');
    assert.equal(verdict('hostPorts', port('${schema.spec.hostPort}')), 'unknown');
  });
  it('capabilities_baseline allows the default set only', () => {
    const add = (cap: string) => deployment(withContainer({ capabilities: { add: [cap] } }));
    assert.equal(verdict('capabilities_baseline', add('CHOWN')), 'pass');
    assert.equal(verdict('capabilities_baseline', add('SYS_ADMIN')), 'fail');
  });
  it('appArmorProfile: Unconfined fields and legacy annotations fail; an unknown annotations map defers', () => {
    assert.equal(
      verdict('appArmorProfile', deployment(withContainer({ appArmorProfile: { type: 'Unconfined' } }))),
      'fail',
    );
    const annotated = (value: string) =>
      deployment(RESTRICTED, {
        annotations: { 'container.apparmor.security.beta.kubernetes.io/app': value },
      });
    assert.equal(verdict('appArmorProfile', annotated('unconfined')), 'fail');
    assert.equal(verdict('appArmorProfile', annotated('localhost/my-profile')), 'pass');
    assert.equal(
      verdict('appArmorProfile', deployment(RESTRICTED, { annotations: '${schema.spec.annotations}' })),
      'unknown',
    );
  });
  it('seLinuxOptions: custom type, user or role fail; container_t passes', () => {
    const se = (o: Record<string, unknown>) =>
      deployment({ ...RESTRICTED, securityContext: { ...RESTRICTED.securityContext, seLinuxOptions: o } });
    assert.equal(verdict('seLinuxOptions', se({ type: 'container_t', level: 's0:c1' })), 'pass');
    assert.equal(verdict('seLinuxOptions', se({ type: 'spc_t' })), 'fail');
    assert.equal(verdict('seLinuxOptions', se({ user: 'system_u' })), 'fail');
  });
  it('seccompProfile_baseline fails Unconfined, passes unset', () => {
    assert.equal(
      verdict(
        'seccompProfile_baseline',
        deployment({ securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [] }),
      ),
      'fail',
    );
    assert.equal(
      verdict('seccompProfile_baseline', deployment({ containers: [{ name: 'a', image: 'x:1' }] })),
      'pass',
    );
  });
  it('sysctls: safe names pass, others fail', () => {
    const sys = (name: string) =>
      deployment({
        ...RESTRICTED,
        securityContext: { ...RESTRICTED.securityContext, sysctls: [{ name, value: '1' }] },
      });
    assert.equal(verdict('sysctls', sys('net.ipv4.tcp_keepalive_time')), 'pass');
    assert.equal(verdict('sysctls', sys('kernel.msgmax')), 'fail');
  });
  it('windowsHostProcess and hostProbesAndHostLifecycle', () => {
    assert.equal(
      verdict(
        'windowsHostProcess',
        deployment({ securityContext: { windowsOptions: { hostProcess: true } }, containers: [] }),
      ),
      'fail',
    );
    const probe = deployment(
      withContainer(SECURE_CONTAINER.securityContext, {
        livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } },
      }),
    );
    const r = run(rule('hostProbesAndHostLifecycle'), probe);
    assert.equal(verdictOf(r), 'fail');
    assert.deepEqual(r[0]!.path.slice(-3), ['livenessProbe', 'httpGet', 'host']);
    const hook = deployment(
      withContainer(SECURE_CONTAINER.securityContext, {
        lifecycle: { preStop: { tcpSocket: { host: 'db', port: 5432 } } },
      }),
    );
    assert.equal(verdict('hostProbesAndHostLifecycle', hook), 'fail');
  });
});

describe('kro corpus: kubernetes/webapp Deployment', () => {
  const d = resource(
    'deployment',
    symbolize(
      corpusTemplate('../shared/corpus/kro-v0.9.3-examples/kubernetes/webapp/rg.yaml', 'deployment'),
    ) as RenderedObject,
  );
  it('passes baseline and fails the restricted security-context checks', () => {
    for (const r of PSS_BASELINE_RULES) assert.equal(verdictOf(run(r, d)), 'pass', r.id);
    for (const id of [
      'runAsNonRoot',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'seccompProfile_restricted',
    ]) {
      assert.equal(verdict(id, d), 'fail', id);
    }
  });
});
