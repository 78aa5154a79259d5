/**
 * The webhook registrar, the RGD store and the policy store against a real kube-apiserver (kro's CRDs
 * installed, kro not running): the instance webhooks of `manifests/local-dev/webhooks-url.yaml` gain
 * the resource of an RGD soon after it is applied and lose it when it is deleted; nothing else in the
 * configurations changes (caBundle included); re-applying the manifest keeps the rules, and
 * configurations deleted and re-created get them back. The policy store lists CompliancePolicies and
 * ComplianceExceptions once their CRDs exist, starting before they do.
 *
 * kro-guard itself is not running: the configurations point at a closed port, with every
 * failurePolicy set to Ignore so that the test's own writes are not refused.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  DEFAULT_INSTANCE_WEBHOOK_NAMES,
  policyStore,
  rgdStore,
  startWebhookRegistrar,
  type PolicyStore,
  type RgdStore,
  type WebhookRegistrar,
  type WebhookRule,
} from '../../src/cluster/index.ts';
import {
  LOCAL_DEV_WEBHOOKS,
  REPO_ROOT,
  pollUntil,
  startControlPlane,
  type ControlPlane,
  type KubeClient,
} from '../harness/index.ts';

const CRDS_DIR = join(REPO_ROOT, 'manifests', 'crds');
const DEFAULT_POLICY = join(REPO_ROOT, 'manifests', 'policies', 'default.yaml');
const ADMISSION = '/apis/admissionregistration.k8s.io/v1';
const CONFIGURATIONS = [
  { resource: 'validatingwebhookconfigurations', webhook: DEFAULT_INSTANCE_WEBHOOK_NAMES.instancesValidate },
  { resource: 'mutatingwebhookconfigurations', webhook: DEFAULT_INSTANCE_WEBHOOK_NAMES.instancesMutate },
] as const;

interface Webhook {
  name: string;
  rules?: WebhookRule[];
  failurePolicy: string;
  clientConfig: { url?: string; caBundle?: string };
}
interface Configuration {
  kind: string;
  metadata: { name: string; resourceVersion?: string; managedFields?: unknown };
  webhooks: Webhook[];
}

/** The local-dev configurations calling a closed port, every failurePolicy Ignore. */
function loopbackConfigurations(caBundle: string): string {
  const text = readFileSync(LOCAL_DEV_WEBHOOKS, 'utf8')
    .replaceAll('${KRO_GUARD_URL}', 'https://127.0.0.1:9')
    .replaceAll('${CA_BUNDLE}', caBundle);
  return parseAllDocuments(text)
    .map((d) => {
      const config = d.toJS() as Configuration;
      for (const w of config.webhooks) w.failurePolicy = 'Ignore';
      return stringify(config);
    })
    .join('---\n');
}

const rgd = (name: string, schema: Record<string, unknown>) =>
  stringify({
    apiVersion: 'kro.run/v1alpha1',
    kind: 'ResourceGraphDefinition',
    metadata: { name },
    spec: { schema: { spec: { name: 'string' }, ...schema }, resources: [] },
  });

/** Stand-in CRDs for kro-guard's kinds, used when manifests/crds/ has none. */
function minimalPolicyCrds(): string {
  const crd = (plural: string, kind: string, scope: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.kro-guard.io` },
    spec: {
      group: 'kro-guard.io',
      scope,
      names: { plural, kind, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
            },
          },
        },
      ],
    },
  });
  return [
    crd('compliancepolicies', 'CompliancePolicy', 'Cluster'),
    crd('complianceexceptions', 'ComplianceException', 'Namespaced'),
  ]
    .map((c) => stringify(c))
    .join('---\n');
}

describe('webhook registrar and stores on a real API server', () => {
  let cp: ControlPlane;
  let client: KubeClient;
  let rgds: RgdStore;
  let registrar: WebhookRegistrar;
  let policies: PolicyStore | undefined;
  const logs: { level: string; fields: Record<string, unknown>; message: string }[] = [];

  const configuration = async (resource: string): Promise<Configuration> =>
    (await client.getJson(`${ADMISSION}/${resource}/kro-guard`)) as Configuration;
  /** The instance webhook's rules in both configurations, as resource lists. */
  const instanceResources = async (): Promise<string[][]> =>
    Promise.all(
      CONFIGURATIONS.map(async ({ resource, webhook }) => {
        const w = (await configuration(resource)).webhooks.find((x) => x.name === webhook);
        assert.ok(w, `${resource} has ${webhook}`);
        return (w.rules ?? [])
          .flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${r.apiVersions[0]}/${res} ${r.scope}`))
          .sort();
      }),
    );
  const untilResources = (what: string, expected: string[]) =>
    pollUntil(
      what,
      async () => {
        const [validating, mutating] = await instanceResources();
        assert.deepEqual(validating, expected);
        assert.deepEqual(mutating, expected);
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );

  before(async () => {
    cp = await startControlPlane({ kro: false });
    client = cp.client();
    const caBundle = readFileSync(cp.caPath).toString('base64');
    await cp.kubectl(['apply', '-f', '-'], { input: loopbackConfigurations(caBundle) });
    const logger = {
      info: (fields: Record<string, unknown>, message: string) =>
        logs.push({ level: 'info', fields, message }),
      warn: (fields: Record<string, unknown>, message: string) =>
        logs.push({ level: 'warn', fields, message }),
    };
    rgds = rgdStore({ kubeconfigPath: cp.kubeconfigPath, watchTimeoutSeconds: 10 });
    registrar = startWebhookRegistrar({
      connection: { kubeconfigPath: cp.kubeconfigPath },
      rgds,
      logger,
      debounceMs: 100,
      resyncMs: 2000,
    });
  });

  after(async () => {
    await registrar?.close();
    rgds?.close();
    policies?.close();
    client?.close();
    await cp?.stop();
  });

  it('starts with instance webhooks that match nothing, and syncs', async () => {
    await pollUntil('first sync', () => registrar.lastSync !== undefined, { timeoutMs: 10_000 });
    assert.equal(registrar.lastError, undefined);
    assert.deepEqual(await instanceResources(), [[], []]);
    assert.equal(registrar.writes, 0, 'nothing to write');
  });

  it('adds the resources of applied RGDs within seconds, changing nothing else', async () => {
    const before = await Promise.all(CONFIGURATIONS.map(({ resource }) => configuration(resource)));
    const t0 = performance.now();
    const applied = await cp.kubectl(['apply', '-f', '-'], {
      input: [
        rgd('webapps.kro.run', { apiVersion: 'v1alpha1', kind: 'WebApp' }),
        rgd('tenants.platform.example.com', {
          apiVersion: 'v1beta1',
          kind: 'Tenant',
          group: 'platform.example.com',
          scope: 'Cluster',
        }),
        // Same kind as webapps.kro.run, created no earlier and named after it: webapps.kro.run owns it.
        rgd('zz-webapps-copy', { apiVersion: 'v1alpha1', kind: 'WebApp' }),
      ].join('---\n'),
    });
    const t1 = performance.now();
    assert.match(applied.stdout, /zz-webapps-copy created/);
    const expected = ['kro.run/v1alpha1/webapps Namespaced', 'platform.example.com/v1beta1/tenants Cluster'];
    await untilResources('the RGDs in the instance rules', expected);
    const seconds = (performance.now() - t1) / 1000;
    process.stderr.write(
      `[webhook-registrar] kubectl apply of 3 RGDs took ${((t1 - t0) / 1000).toFixed(2)} s; ` +
        `both instance webhooks had the rules ${seconds.toFixed(2)} s after it returned\n`,
    );
    assert.ok(seconds < 5, `${seconds} s`);

    // Only the instance webhooks' rules changed.
    const afterwards = await Promise.all(CONFIGURATIONS.map(({ resource }) => configuration(resource)));
    for (const [i, { webhook }] of CONFIGURATIONS.entries()) {
      const strip = (c: Configuration) =>
        c.webhooks.map((w) => (w.name === webhook ? { ...w, rules: undefined } : w));
      assert.deepEqual(strip(afterwards[i]!), strip(before[i]!));
      assert.ok(afterwards[i]!.webhooks.every((w) => w.clientConfig.caBundle !== undefined));
    }

    const owner = rgds.byGeneratedKind({ group: 'kro.run', version: 'v1alpha1', kind: 'WebApp' });
    assert.equal(owner?.name, 'webapps.kro.run');
    assert.equal(owner.kind.resource, 'webapps');
    assert.equal(owner.generation, 1);
    assert.ok(owner.uid !== '' && owner.resourceVersion !== '');
    assert.equal((owner.rgd.spec as { schema: { kind: string } }).schema.kind, 'WebApp');
    assert.deepEqual(
      rgds.index().shadowed.map((s) => [s.name, s.ownedBy]),
      [['zz-webapps-copy', 'webapps.kro.run']],
    );
    assert.ok(
      logs.some(
        (l) => l.message === 'instance webhook rules updated' && (l.fields.added as string[]).length > 0,
      ),
    );
  });

  it("leaves out the kind of a CRD that is not kro's, until kro's label is on it", async () => {
    const expected = ['kro.run/v1alpha1/webapps Namespaced', 'platform.example.com/v1beta1/tenants Cluster'];
    const gadgetCrd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', kind: 'Gadget', singular: 'gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    await cp.kubectl(['apply', '-f', '-'], { input: stringify(gadgetCrd) });
    await cp.kubectl(['apply', '-f', '-'], {
      input: rgd('gadgets.example.com', { apiVersion: 'v1', kind: 'Gadget', group: 'example.com' }),
    });
    await pollUntil(
      'the foreign CRD reported',
      () => logs.some((l) => l.level === 'warn' && l.fields.crd === 'gadgets.example.com'),
      { timeoutMs: 10_000 },
    );
    await registrar.sync();
    assert.deepEqual(await instanceResources(), [expected, expected]);

    // The label kro puts on the CRDs it creates makes the kind an instance kind.
    await cp.kubectl(['label', 'crd', 'gadgets.example.com', 'kro.run/owned=true']);
    const withGadgets = [...expected, 'example.com/v1/gadgets Namespaced'].sort();
    await untilResources('gadgets registered', withGadgets);
    await cp.kubectl(['delete', 'rgd', 'gadgets.example.com']);
    await untilResources('gadgets removed', expected);
  });

  it('keeps the rules when the manifest is re-applied; restores them when the configurations are re-created', async () => {
    const expected = ['kro.run/v1alpha1/webapps Namespaced', 'platform.example.com/v1beta1/tenants Cluster'];
    const caBundle = readFileSync(cp.caPath).toString('base64');
    const writes = registrar.writes;
    await cp.kubectl(['apply', '-f', '-'], { input: loopbackConfigurations(caBundle) });
    await cp.kubectl(['apply', '--server-side', '-f', '-'], { input: loopbackConfigurations(caBundle) });
    assert.deepEqual(await instanceResources(), [expected, expected]);

    // The emergency procedure: delete, later re-apply. The periodic check puts the rules back.
    await cp.kubectl([
      'delete',
      'validatingwebhookconfiguration/kro-guard',
      'mutatingwebhookconfiguration/kro-guard',
    ]);
    await cp.kubectl(['apply', '-f', '-'], { input: loopbackConfigurations(caBundle) });
    await untilResources('the rules restored', expected);
    assert.ok(registrar.writes >= writes + 2);
  });

  it('removes the resource of a deleted RGD, and keeps a shadowed kind while its owner exists', async () => {
    await cp.kubectl(['delete', 'rgd', 'tenants.platform.example.com']);
    await untilResources('tenants removed', ['kro.run/v1alpha1/webapps Namespaced']);
    await cp.kubectl(['delete', 'rgd', 'webapps.kro.run']);
    // zz-webapps-copy still generates WebApp, and now owns it.
    await pollUntil(
      'zz-webapps-copy owns WebApp',
      () =>
        rgds.byGeneratedKind({ group: 'kro.run', version: 'v1alpha1', kind: 'WebApp' })?.name ===
        'zz-webapps-copy',
      { timeoutMs: 10_000 },
    );
    assert.deepEqual(await instanceResources(), [
      ['kro.run/v1alpha1/webapps Namespaced'],
      ['kro.run/v1alpha1/webapps Namespaced'],
    ]);
    await cp.kubectl(['delete', 'rgd', 'zz-webapps-copy']);
    await untilResources('no instance rules left', []);
    assert.equal(registrar.lastError, undefined);
    assert.deepEqual(rgds.all(), []);
  });

  it('reports a missing configuration, and recovers when it is back', async () => {
    const caBundle = readFileSync(cp.caPath).toString('base64');
    await cp.kubectl(['delete', 'mutatingwebhookconfiguration/kro-guard']);
    await registrar.sync();
    assert.match(registrar.lastError ?? '', /mutatingwebhookconfigurations\/kro-guard: 404 Not Found/);
    assert.ok(logs.some((l) => l.level === 'warn' && l.message === 'instance webhook rules not synced'));
    await cp.kubectl(['apply', '-f', '-'], { input: loopbackConfigurations(caBundle) });
    await pollUntil('synced again', () => registrar.lastError === undefined, { timeoutMs: 10_000 });
  });

  it('the policy store lists policies and exceptions once their CRDs exist', async () => {
    policies = policyStore({ kubeconfigPath: cp.kubeconfigPath, watchTimeoutSeconds: 10 });
    await policies.synced;
    assert.deepEqual(policies.installed, { policies: false, exceptions: false });
    assert.deepEqual(policies.policies(), []);
    assert.deepEqual(policies.errors(), [], 'a missing CRD is not an error');
    const version0 = policies.version;

    const t0 = performance.now();
    // kro-guard's CRDs and default policy when they exist, else stand-ins.
    const crdFiles = existsSync(CRDS_DIR)
      ? readdirSync(CRDS_DIR)
          .filter((f) => /compliance.*\.ya?ml$/.test(f))
          .map((f) => join(CRDS_DIR, f))
      : [];
    if (crdFiles.length > 0) await cp.kubectl(['apply', ...crdFiles.flatMap((f) => ['-f', f])]);
    else await cp.kubectl(['apply', '-f', '-'], { input: minimalPolicyCrds() });
    const policy = existsSync(DEFAULT_POLICY)
      ? (parse(readFileSync(DEFAULT_POLICY, 'utf8')) as { metadata: { name: string } })
      : {
          apiVersion: 'kro-guard.io/v1alpha1',
          kind: 'CompliancePolicy',
          metadata: { name: 'baseline' },
          spec: {},
        };
    await cp.kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=30s',
      'crd/compliancepolicies.kro-guard.io',
      'crd/complianceexceptions.kro-guard.io',
    ]);
    await cp.kubectl(['create', 'namespace', 'team-a']);
    await cp.kubectl(['create', 'namespace', 'team-b']);
    const exception = (namespace: string) => ({
      apiVersion: 'kro-guard.io/v1alpha1',
      kind: 'ComplianceException',
      metadata: { name: 'legacy-bucket', namespace },
      spec: {
        reason: 'the bucket predates the policy; tracked in TICKET-1',
        exceptions: [{ policy: '*', rules: ['S3-001'] }],
      },
    });
    await cp.kubectl(['apply', '-f', '-'], {
      input: [policy, exception('team-b'), exception('team-a')].map((o) => stringify(o)).join('---\n'),
    });
    // The informers retry the missing collections with a backoff (up to 30 s).
    await pollUntil(
      'policy and exceptions listed',
      () => policies!.policies().length === 1 && policies!.exceptions().length === 2,
      {
        timeoutMs: 35_000,
      },
    );
    const seconds = ((performance.now() - t0) / 1000).toFixed(2);
    const which = crdFiles.length > 0 ? 'manifests/crds/' : 'stand-in';
    process.stderr.write(
      `[webhook-registrar] policy store listed the new objects ${seconds} s after the ${which} CRDs were applied\n`,
    );
    assert.deepEqual(policies.installed, { policies: true, exceptions: true });
    assert.equal((policies.policies()[0]!.metadata as { name: string }).name, policy.metadata.name);
    // Same name in two namespaces: both kept, sorted by namespace.
    assert.deepEqual(
      policies.exceptions().map((e) => (e.metadata as { namespace: string }).namespace),
      ['team-a', 'team-b'],
    );
    assert.ok(policies.version > version0);

    const version1 = policies.version;
    await cp.kubectl(['delete', 'complianceexception', '-n', 'team-a', 'legacy-bucket']);
    await pollUntil('exception removed', () => policies!.exceptions().length === 1, { timeoutMs: 10_000 });
    assert.ok(policies.version > version1);
    assert.deepEqual(policies.errors(), []);
  });
});
