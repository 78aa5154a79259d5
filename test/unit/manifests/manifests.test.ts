/**
 * The deployment manifests in manifests/: that they parse, that the objects fit together (selectors,
 * ports, names, paths the server really reads), and that the webhook configurations, RBAC and pod
 * security say what manifests/README.md promises. Paths are relative to the repository root (the
 * tests' working directory).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { Environment } from '@marcbachmann/cel-js';
import { parseAllDocuments } from 'yaml';
import { parseCel } from '../../../src/cel/index.ts';
import { type ServerFlags, loadServerConfig } from '../../../src/server/index.ts';

const DIR = 'manifests';
const LOCAL_DEV = join(DIR, 'local-dev', 'webhooks-url.yaml');
/** The real ACK CRDs, one folder per service (read in place). */
const ACK_CRDS = join('..', 'shared', 'crds', 'ack');
/**
 * Folders of manifests/ that the kustomization deliberately leaves out (manifests/README.md,
 * kustomization.yaml's comments): local-dev/ is for the end-to-end tests; policies/ holds
 * cluster-scoped CompliancePolicies that kustomize's `namespace:` would stamp, and that can only be
 * applied once the CRDs are established.
 */
const OUTSIDE_KUSTOMIZATION = ['local-dev', 'policies'] as const;
const PLACEHOLDERS = { KRO_GUARD_URL: 'https://127.0.0.1:8443', CA_BUNDLE: 'Y2EK' } as const;

// ---------------------------------------------------------------------------------------------------
// Shapes of the parts of the objects the tests read (asserted where it matters).

type Labels = Record<string, string>;
interface Meta {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Labels;
}
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
}
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type: string };
}
interface Probe {
  httpGet?: { scheme?: string; path: string; port: number | string };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Labels; limits?: Labels };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean; subPath?: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  priorityClassName?: string;
  securityContext?: SecurityContext;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string }; emptyDir?: object; hostPath?: object }[];
  topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector: LabelSelector;
  }[];
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: {
        topologyKey: string;
        labelSelector: LabelSelector;
      }[];
    };
  };
}
interface Deployment extends K8sObject {
  spec: {
    replicas: number;
    selector: LabelSelector;
    strategy?: { rollingUpdate?: { maxUnavailable?: number | string } };
    template: { metadata: { labels: Labels }; spec: PodSpec };
  };
}
interface Service extends K8sObject {
  spec: { selector: Labels; ports: { name?: string; port: number; targetPort?: number | string }[] };
}
interface Pdb extends K8sObject {
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector: LabelSelector };
}
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}
interface ClusterRole extends K8sObject {
  rules: PolicyRule[];
}
interface Binding extends K8sObject {
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}
interface WebhookRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  scope?: string;
}
interface Webhook {
  name: string;
  clientConfig: {
    service?: { namespace: string; name: string; path?: string; port?: number };
    url?: string;
    caBundle?: string;
  };
  rules?: WebhookRule[];
  failurePolicy?: string;
  matchPolicy?: string;
  sideEffects: string;
  timeoutSeconds?: number;
  admissionReviewVersions: string[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: { name: string; expression: string }[];
  reinvocationPolicy?: string;
}
interface WebhookConfiguration extends K8sObject {
  webhooks: Webhook[];
}
interface Crd extends K8sObject {
  spec: {
    group: string;
    scope: 'Namespaced' | 'Cluster';
    names: { kind: string; plural: string };
    versions: { name: string; served: boolean }[];
  };
}

// ---------------------------------------------------------------------------------------------------
// Loading

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => join(dir, f))
    .sort();
}

/** Every document of `text`, failing on YAML errors and warnings. */
function parseDocs(text: string, where: string): unknown[] {
  return parseAllDocuments(text).map((doc, i) => {
    assert.deepEqual(
      [...doc.errors, ...doc.warnings].map((e) => e.message),
      [],
      `${where} document ${i}`,
    );
    return doc.toJS();
  });
}

function load(path: string): K8sObject[] {
  return parseDocs(readFileSync(path, 'utf8'), path) as K8sObject[];
}

function one<T extends K8sObject>(path: string, kind: string): T {
  const found = load(path).filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `${path}: one ${kind}`);
  return found[0] as T;
}

const kustomization = parseDocs(
  readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'),
  'kustomization',
)[0] as {
  namespace: string;
  resources: string[];
};
const namespace = one<K8sObject>(join(DIR, 'namespace.yaml'), 'Namespace');
const serviceAccount = one<K8sObject>(join(DIR, 'serviceaccount.yaml'), 'ServiceAccount');
const deployment = one<Deployment>(join(DIR, 'deployment.yaml'), 'Deployment');
const service = one<Service>(join(DIR, 'service.yaml'), 'Service');
const pdb = one<Pdb>(join(DIR, 'pdb.yaml'), 'PodDisruptionBudget');
const clusterRole = one<ClusterRole>(join(DIR, 'rbac.yaml'), 'ClusterRole');
const binding = one<Binding>(join(DIR, 'rbac.yaml'), 'ClusterRoleBinding');
const kroGuardCrds = yamlFiles(join(DIR, 'crds')).map((f) => one<Crd>(f, 'CustomResourceDefinition'));
const ackCrds = yamlFiles(ACK_CRDS).map((f) => one<Crd>(f, 'CustomResourceDefinition'));
const podSpec = deployment.spec.template.spec;
const podLabels = deployment.spec.template.metadata.labels;
const container = podSpec.containers[0]!;

function webhookConfigs(path: string, text = readFileSync(path, 'utf8')) {
  const objects = parseDocs(text, path) as WebhookConfiguration[];
  const validating = objects.filter((o) => o.kind === 'ValidatingWebhookConfiguration');
  const mutating = objects.filter((o) => o.kind === 'MutatingWebhookConfiguration');
  assert.equal(validating.length, 1, `${path}: one ValidatingWebhookConfiguration`);
  assert.equal(mutating.length, 1, `${path}: one MutatingWebhookConfiguration`);
  assert.equal(objects.length, 2, `${path}: nothing else`);
  return { validating: validating[0]!, mutating: mutating[0]!, all: objects };
}
const production = webhookConfigs(join(DIR, 'webhooks.yaml'));
const localDevText = readFileSync(LOCAL_DEV, 'utf8');
const localDev = webhookConfigs(LOCAL_DEV, localDevText);

// ---------------------------------------------------------------------------------------------------
// Helpers with Kubernetes semantics

/** Whether a label selector selects an object with `labels` (matchLabels and matchExpressions ANDed). */
function selects(selector: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : assert.fail(`unknown selector operator ${operator}`);
    if (!ok) return false;
  }
  return true;
}

/** One request as webhook rules see it: `resource` is `<plural>` or `<plural>/<subresource>`. */
interface RequestKind {
  group: string;
  version: string;
  resource: string;
  operation: string;
  scope: 'Namespaced' | 'Cluster';
}

/**
 * Whether a rule's resource pattern matches `resource`: `*` is every resource but no subresource; a
 * pattern with a slash matches subresources only, `*` on either side of it standing for any name.
 */
function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*/*') return true;
  const [patternResource, patternSub] = pattern.split('/');
  const [plural, sub] = resource.split('/');
  const sameResource = patternResource === '*' || patternResource === plural;
  if (patternSub === undefined) return sub === undefined && sameResource;
  return sub !== undefined && sameResource && (patternSub === '*' || patternSub === sub);
}

/**
 * Whether the API server sends `request` to `webhook` by its rules (admissionregistration.k8s.io/v1
 * RuleWithOperations: `*` in groups, versions and operations; scope `*` or absent matches both). A
 * webhook without rules matches nothing.
 */
function sends(webhook: Webhook, request: RequestKind): boolean {
  const any = (values: string[], value: string) => values.includes('*') || values.includes(value);
  return (webhook.rules ?? []).some(
    (rule) =>
      any(rule.apiGroups, request.group) &&
      any(rule.apiVersions, request.version) &&
      any(rule.operations, request.operation) &&
      [undefined, '*', request.scope].includes(rule.scope) &&
      rule.resources.some((r) => resourceMatches(r, request.resource)),
  );
}

/** The `<group>/<resource>` pairs a webhook's rules name (every group with every resource of a rule). */
function namedResources(webhook: Webhook): string[] {
  const pairs = (webhook.rules ?? []).flatMap((r) =>
    r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`)),
  );
  return [...new Set(pairs)].sort();
}

/** A Service's plain label map, as a selector. */
const asSelector = (labels: Labels): LabelSelector => ({ matchLabels: labels });

/** A resource quantity in base units (cores, bytes). */
function quantity(q: string | number): number {
  const m = /^([0-9.]+)(m|k|M|G|Ki|Mi|Gi)?$/.exec(String(q));
  assert.ok(m, `quantity ${q}`);
  const scale: Record<string, number> = {
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
  };
  return Number(m[1]) * (m[2] === undefined ? 1 : scale[m[2]]!);
}

/** The container's port number for a probe or Service port given by number or name. */
function containerPort(port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The server configuration kro-guard builds from the container's arguments and environment. */
function serverConfig() {
  const args = container.args ?? [];
  assert.equal(args[0], 'serve');
  const flags: Record<string, string> = {};
  for (let i = 1; i < args.length; i += 2) {
    const flag = args[i]!;
    assert.match(flag, /^--[a-z-]+$/, `argument ${i} is a flag`);
    assert.ok(i + 1 < args.length, `${flag} has a value`);
    flags[flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[i + 1]!;
  }
  const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
  return loadServerConfig(flags as ServerFlags, env);
}

const SA_USERNAME = `system:serviceaccount:${serviceAccount.metadata.namespace}:${serviceAccount.metadata.name}`;

const celEnv = new Environment({ unlistedVariablesAreDyn: true });

/** Whether the API server would call the webhook: every matchCondition true. */
function matches(webhook: Webhook, vars: Record<string, unknown>): boolean {
  return (webhook.matchConditions ?? []).every((c) => {
    const result: unknown = celEnv.evaluate(c.expression, vars);
    assert.equal(typeof result, 'boolean', `${c.name} evaluates to a bool`);
    return result;
  });
}

/**
 * Variables of a matchCondition for a request on `object` (JSON values, as the API server sees
 * them; `request.namespace` from the object's metadata).
 */
function requestVars(
  operation: 'CREATE' | 'UPDATE',
  username: string,
  object: unknown,
  oldObject: unknown = null,
) {
  return JSON.parse(
    JSON.stringify({
      request: {
        operation,
        userInfo: { username, groups: ['system:authenticated'] },
        namespace: (object as { metadata?: Meta } | null)?.metadata?.namespace ?? '',
      },
      object,
      oldObject,
    }),
  ) as Record<string, unknown>;
}

const rgd = (spec: unknown, labels: Labels = {}) => ({
  apiVersion: 'kro.run/v1alpha1',
  kind: 'ResourceGraphDefinition',
  metadata: { name: 'webapp', labels },
  spec,
});
const SPEC = { schema: { apiVersion: 'v1alpha1', kind: 'WebApp', spec: { name: 'string' } }, resources: [] };

/** A Deployment as kro creates it from a template: a child object of an instance. */
const child = (
  metadata: Partial<Meta> & { deletionTimestamp?: string; finalizers?: string[] } = {},
  replicas = 1,
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team-a', finalizers: ['kro.run/finalizer'], ...metadata },
  spec: { replicas },
});

/**
 * The webhooks of manifests/README.md by configuration, in order: the RGD webhook first (the
 * emergency procedure patches index 0 and names index 1 and 3 as the instance and policy webhooks).
 */
const WEBHOOK_NAMES = {
  validating: [
    'validate.rgd.kro-guard.io',
    'validate.instances.kro-guard.io',
    'validate.children.kro-guard.io',
    'validate.policies.kro-guard.io',
  ],
  mutating: ['mutate.rgd.kro-guard.io', 'mutate.instances.kro-guard.io'],
} as const;
const RGD_WEBHOOKS = ['validate.rgd.kro-guard.io', 'mutate.rgd.kro-guard.io'];
const INSTANCE_WEBHOOKS = ['validate.instances.kro-guard.io', 'mutate.instances.kro-guard.io'];
const CHILDREN_WEBHOOK = 'validate.children.kro-guard.io';
const POLICIES_WEBHOOK = 'validate.policies.kro-guard.io';
/** manifests/README.md: "The RGD, instance and policy webhooks skip UPDATEs that leave `spec` unchanged". */
const SPEC_FILTERED_WEBHOOKS = [...RGD_WEBHOOKS, ...INSTANCE_WEBHOOKS, POLICIES_WEBHOOK];

/** manifests/README.md, "Failure policies". */
const FAILURE_POLICIES: Record<string, string> = {
  'validate.rgd.kro-guard.io': 'Fail',
  'validate.instances.kro-guard.io': 'Fail',
  'validate.children.kro-guard.io': 'Ignore',
  'validate.policies.kro-guard.io': 'Fail',
  'mutate.rgd.kro-guard.io': 'Ignore',
  'mutate.instances.kro-guard.io': 'Ignore',
};

/** manifests/README.md: the ACK services the children webhook sees, `<service>.services.k8s.aws`. */
const CHILD_ACK_GROUPS = [
  's3',
  'iam',
  'rds',
  'dynamodb',
  'sqs',
  'sns',
  'ec2',
  'elasticache',
  'eks',
  'kms',
  'secretsmanager',
  'ecr',
].map((service) => `${service}.services.k8s.aws`);

/**
 * manifests/README.md: the core kinds the children webhook sees (Pods, ServiceAccounts, Services,
 * Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs, Ingresses), as the group,
 * version and resource Kubernetes serves them under.
 */
const CHILD_CORE_KINDS = [
  { group: '', version: 'v1', resources: ['pods', 'serviceaccounts', 'services'] },
  { group: 'apps', version: 'v1', resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { group: 'batch', version: 'v1', resources: ['jobs', 'cronjobs'] },
  { group: 'networking.k8s.io', version: 'v1', resources: ['ingresses'] },
] as const;

/**
 * Requests the children webhook must not see: high-volume kinds kro-guard does not check
 * (webhooks.yaml's reason), and the RGDs and policies other webhooks see.
 */
const NOT_CHILDREN: Omit<RequestKind, 'operation'>[] = [
  { group: '', version: 'v1', resource: 'configmaps', scope: 'Namespaced' },
  { group: '', version: 'v1', resource: 'secrets', scope: 'Namespaced' },
  { group: '', version: 'v1', resource: 'events', scope: 'Namespaced' },
  { group: '', version: 'v1', resource: 'endpoints', scope: 'Namespaced' },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', scope: 'Namespaced' },
  { group: 'kro.run', version: 'v1alpha1', resource: 'resourcegraphdefinitions', scope: 'Cluster' },
  { group: 'kro-guard.io', version: 'v1alpha1', resource: 'compliancepolicies', scope: 'Cluster' },
];

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
]);

// ---------------------------------------------------------------------------------------------------

describe('manifest files', () => {
  const files = yamlFiles(DIR);

  it('finds the production and local-dev files', () => {
    assert.ok(files.includes(join(DIR, 'webhooks.yaml')));
    assert.ok(files.includes(LOCAL_DEV));
  });

  for (const file of files) {
    it(`${file} parses; every object has apiVersion, kind and metadata.name`, () => {
      const docs = parseDocs(readFileSync(file, 'utf8'), file);
      assert.ok(docs.length > 0);
      if (file.endsWith('kustomization.yaml')) return;
      for (const [i, o] of (docs as K8sObject[]).entries()) {
        assert.equal(typeof o, 'object', `${file} document ${i}`);
        assert.match(
          o.apiVersion,
          /^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/,
          `${file}[${i}].apiVersion`,
        );
        assert.match(o.kind, /^[A-Z][A-Za-z]+$/, `${file}[${i}].kind`);
        assert.match(o.metadata.name, /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, `${file}[${i}].metadata.name`);
      }
    });
  }

  it('the kustomization lists every production file (crds/ included), each once, and not local-dev/ or policies/', () => {
    const outside = (f: string) => OUTSIDE_KUSTOMIZATION.some((dir) => f.startsWith(`${dir}/`));
    const relativeFiles = files.map((f) => relative(DIR, f).split(sep).join('/'));
    const production = relativeFiles.filter((f) => f !== 'kustomization.yaml' && !outside(f));
    assert.ok(
      production.some((f) => f.startsWith('crds/')),
      'the CRDs are in a subfolder',
    );
    assert.deepEqual([...kustomization.resources].sort(), production);
    for (const dir of OUTSIDE_KUSTOMIZATION) {
      assert.ok(
        relativeFiles.some((f) => f.startsWith(`${dir}/`)),
        `${dir}/ has files (that the kustomization leaves out)`,
      );
    }
    assert.ok(kustomization.resources.every((r) => !outside(r)));
  });

  it('the kustomization says how to apply policies/ after the CRDs are established', () => {
    const text = readFileSync(join(DIR, 'kustomization.yaml'), 'utf8');
    const comments = text
      .split('\n')
      .filter((line) => line.trimStart().startsWith('#'))
      .join('\n');
    const crd = kroGuardCrds.find((c) => c.spec.names.kind === 'CompliancePolicy');
    assert.ok(crd, 'crds/ defines CompliancePolicy');
    assert.ok(
      comments.includes(`kubectl wait --for=condition=Established crd/${crd.metadata.name}`),
      crd.metadata.name,
    );
    assert.ok(comments.includes('policies/default.yaml'));
  });

  it('policies/ holds cluster-scoped objects of the kinds the CRDs define, without a namespace', () => {
    const policyFiles = files.filter((f) => f.startsWith(join(DIR, 'policies') + sep));
    assert.ok(policyFiles.includes(join(DIR, 'policies', 'default.yaml')));
    for (const file of policyFiles) {
      for (const o of load(file)) {
        const where = `${file}: ${o.kind} ${o.metadata.name}`;
        const crd = kroGuardCrds.find(
          (c) =>
            c.spec.names.kind === o.kind &&
            c.spec.versions.some((v) => v.served && o.apiVersion === `${c.spec.group}/${v.name}`),
        );
        assert.ok(crd, `${where}: a served kind of crds/`);
        assert.equal(crd.spec.scope, 'Cluster', where);
        assert.equal(o.metadata.namespace, undefined, where);
      }
    }
  });

  it('namespaced objects live in the kustomization namespace; cluster-scoped ones have none', () => {
    assert.equal(namespace.metadata.name, kustomization.namespace);
    for (const file of kustomization.resources) {
      for (const o of load(join(DIR, file))) {
        const where = `${file}: ${o.kind} ${o.metadata.name}`;
        if (CLUSTER_SCOPED.has(o.kind)) assert.equal(o.metadata.namespace, undefined, where);
        else assert.equal(o.metadata.namespace, kustomization.namespace, where);
      }
    }
  });

  it('the namespace enforces Pod Security restricted', () => {
    assert.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  });
});

describe('Deployment', () => {
  it('runs 2 replicas and a rollout never takes a ready one away first', () => {
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.spec.strategy?.rollingUpdate?.maxUnavailable, 0);
  });

  it('its selector selects its own pods', () => {
    assert.ok(selects(deployment.spec.selector, podLabels));
  });

  it('spreads the replicas over nodes', () => {
    const spread = podSpec.topologySpreadConstraints?.find(
      (c) => c.topologyKey === 'kubernetes.io/hostname' && c.whenUnsatisfiable === 'DoNotSchedule',
    );
    const anti = podSpec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.find(
      (t) => t.topologyKey === 'kubernetes.io/hostname',
    );
    const selector = spread?.labelSelector ?? anti?.labelSelector;
    assert.ok(selector, 'a hard hostname spread constraint or anti-affinity');
    assert.ok(selects(selector, podLabels), 'that counts kro-guard pods');
  });

  it('uses the ServiceAccount of serviceaccount.yaml, with a token (it reads the API)', () => {
    assert.equal(podSpec.serviceAccountName, serviceAccount.metadata.name);
    assert.equal(podSpec.automountServiceAccountToken, true);
  });

  it('meets Pod Security restricted and runs as the image user', () => {
    const dockerUser = /^USER\s+(\d+)/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    assert.ok(dockerUser, 'Dockerfile USER');
    assert.equal(podSpec.hostNetwork ?? false, false);
    assert.equal(podSpec.hostPID ?? false, false);
    assert.equal(podSpec.hostIPC ?? false, false);
    assert.ok(
      (podSpec.volumes ?? []).every((v) => v.hostPath === undefined),
      'no hostPath volumes',
    );
    assert.equal(podSpec.priorityClassName, undefined);
    for (const c of [...podSpec.containers, ...(podSpec.initContainers ?? [])]) {
      const sc = { ...podSpec.securityContext, ...c.securityContext };
      assert.equal(sc.runAsNonRoot, true, c.name);
      assert.equal(sc.runAsUser, Number(dockerUser), c.name);
      assert.equal(c.securityContext?.readOnlyRootFilesystem, true, c.name);
      assert.equal(c.securityContext?.allowPrivilegeEscalation, false, c.name);
      assert.equal(c.securityContext?.privileged ?? false, false, c.name);
      assert.ok(c.securityContext?.capabilities?.drop?.includes('ALL'), `${c.name} drops ALL`);
      assert.deepEqual(c.securityContext?.capabilities?.add ?? [], [], c.name);
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault', c.name);
    }
  });

  it('runs the image default command, configured to fail closed and log at info', () => {
    const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    assert.ok(cmd, 'Dockerfile CMD');
    assert.deepEqual(container.args, JSON.parse(cmd));
    assert.equal(container.command, undefined, 'the image ENTRYPOINT');
    const config = serverConfig();
    assert.equal(config.failurePolicy, 'Fail');
    assert.equal(config.logLevel, 'info');
  });

  it('mounts Secret kro-guard-tls read-only where the server reads its certificate and key', () => {
    const config = serverConfig();
    const volume = podSpec.volumes?.find((v) => v.secret?.secretName === 'kro-guard-tls');
    assert.ok(volume, 'a volume of Secret kro-guard-tls');
    const mount = container.volumeMounts?.find((m) => m.name === volume.name);
    assert.ok(mount, 'mounted');
    assert.equal(mount.readOnly, true);
    assert.equal(mount.subPath, undefined, 'no subPath: Secret updates must reach the pod');
    for (const file of [config.tlsCertPath, config.tlsKeyPath]) {
      assert.ok(file.startsWith(`${mount.mountPath}/`), `${file} is under ${mount.mountPath}`);
    }
  });

  it('has a writable /tmp on a read-only root filesystem', () => {
    const mount = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    assert.ok(mount);
    assert.ok(podSpec.volumes?.find((v) => v.name === mount.name)?.emptyDir, '/tmp is an emptyDir');
  });

  it('probes /healthz (liveness) and /readyz (readiness) over HTTPS on the port the server listens on', () => {
    const { port } = serverConfig();
    assert.equal(port, 8443);
    for (const [probe, path] of [
      [container.livenessProbe, '/healthz'],
      [container.readinessProbe, '/readyz'],
    ] as const) {
      assert.equal(probe?.httpGet?.path, path);
      assert.equal(probe.httpGet.scheme, 'HTTPS', path);
      assert.equal(containerPort(probe.httpGet.port), port, path);
    }
  });

  it('requests and limits CPU and memory, requests within limits', () => {
    for (const r of ['cpu', 'memory']) {
      const request = container.resources?.requests?.[r];
      const limit = container.resources?.limits?.[r];
      assert.ok(request !== undefined && limit !== undefined, r);
      assert.ok(quantity(request) <= quantity(limit), `${r}: ${request} <= ${limit}`);
    }
  });
});

describe('Service', () => {
  it('selects the Deployment pods', () => {
    assert.ok(Object.keys(service.spec.selector).length > 0);
    assert.ok(selects(asSelector(service.spec.selector), podLabels));
  });

  it('serves port 443 from the container port 8443', () => {
    const port = service.spec.ports.find((p) => p.port === 443);
    assert.ok(port);
    assert.equal(containerPort(port.targetPort), 8443);
    assert.equal(containerPort(port.targetPort), serverConfig().port);
  });
});

describe('PodDisruptionBudget', () => {
  it('selects the Deployment pods and keeps one, while still letting a drain evict one', () => {
    assert.ok(selects(pdb.spec.selector, podLabels));
    assert.equal(pdb.spec.minAvailable, 1);
    assert.ok(pdb.spec.minAvailable < deployment.spec.replicas);
  });
});

describe('RBAC', () => {
  const webhookKinds = production.all.map((o) => `${o.kind.toLowerCase()}s`).sort();
  const webhookNames = [...new Set(production.all.map((o) => o.metadata.name))];
  const READ = new Set(['get', 'list', 'watch']);

  it('has no wildcards in verbs, API groups or resources', () => {
    for (const rule of clusterRole.rules) {
      assert.ok(!rule.verbs.includes('*'), JSON.stringify(rule));
      assert.ok(!(rule.apiGroups ?? []).includes('*'), JSON.stringify(rule));
      assert.ok(!(rule.resources ?? []).some((r) => r.includes('*')), JSON.stringify(rule));
      assert.ok(!(rule.nonResourceURLs ?? []).includes('*'), JSON.stringify(rule));
    }
  });

  it('reads RGDs, CRDs, OpenAPI and the kinds of crds/ (CompliancePolicies, ComplianceExceptions)', () => {
    const can = (group: string, resource: string) =>
      clusterRole.rules.find((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource))?.verbs;
    assert.deepEqual(can('kro.run', 'resourcegraphdefinitions')?.sort(), ['get', 'list', 'watch']);
    assert.deepEqual(can('apiextensions.k8s.io', 'customresourcedefinitions')?.sort(), [
      'get',
      'list',
      'watch',
    ]);
    const openapi = clusterRole.rules.find((r) => r.nonResourceURLs !== undefined);
    assert.deepEqual(openapi?.nonResourceURLs?.sort(), ['/openapi', '/openapi/*']);
    assert.deepEqual(openapi.verbs, ['get']);
    assert.deepEqual(kroGuardCrds.map((c) => c.spec.names.kind).sort(), [
      'ComplianceException',
      'CompliancePolicy',
    ]);
    for (const crd of kroGuardCrds) {
      assert.deepEqual(
        can(crd.spec.group, crd.spec.names.plural)?.sort(),
        ['get', 'list', 'watch'],
        crd.metadata.name,
      );
    }
  });

  it('writes only the webhook configurations of webhooks.yaml, by name', () => {
    const writes = clusterRole.rules.filter((r) => r.verbs.some((v) => !READ.has(v)));
    assert.equal(writes.length, 1);
    const rule = writes[0]!;
    assert.deepEqual(rule.apiGroups, ['admissionregistration.k8s.io']);
    assert.deepEqual([...(rule.resources ?? [])].sort(), webhookKinds);
    assert.deepEqual(rule.resourceNames, webhookNames);
    assert.deepEqual([...rule.verbs].sort(), ['get', 'patch', 'update']);
  });

  it('grants nothing else: no Secrets, no escalation verbs', () => {
    const resources = clusterRole.rules.flatMap((r) => r.resources ?? []);
    assert.ok(!resources.includes('secrets'));
    const verbs = clusterRole.rules.flatMap((r) => r.verbs);
    for (const v of ['create', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate']) {
      assert.ok(!verbs.includes(v), v);
    }
    assert.equal(clusterRole.rules.length, 5);
  });

  it('binds the ClusterRole to the ServiceAccount of the Deployment', () => {
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: clusterRole.metadata.name,
    });
    assert.deepEqual(binding.subjects, [
      {
        kind: 'ServiceAccount',
        name: podSpec.serviceAccountName,
        namespace: serviceAccount.metadata.namespace,
      },
    ]);
  });
});

for (const [label, configs] of [
  ['production', production],
  ['local-dev', localDev],
] as const) {
  describe(`webhook configurations (${label})`, () => {
    const webhooks = configs.all.flatMap((c) => c.webhooks);
    const webhook = (name: string): Webhook => {
      const found = webhooks.find((w) => w.name === name);
      assert.ok(found, `webhook ${name}`);
      return found;
    };
    /** An object the webhook is there for: a child for the children webhook, else an RGD. */
    const objectFor = (w: Webhook) => (w.name === CHILDREN_WEBHOOK ? child() : rgd(SPEC));

    it('are named kro-guard and hold the documented webhooks, the RGD webhook first, with unique names', () => {
      for (const c of configs.all) assert.equal(c.metadata.name, 'kro-guard');
      for (const kind of ['validating', 'mutating'] as const) {
        assert.deepEqual(
          configs[kind].webhooks.map((w) => w.name),
          WEBHOOK_NAMES[kind],
        );
      }
      assert.equal(new Set(webhooks.map((w) => w.name)).size, webhooks.length);
      for (const w of webhooks) assert.match(w.name, /^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/, 'fully qualified');
    });

    it('speak AdmissionReview v1 and see requests through any equivalent served version', () => {
      for (const w of webhooks) {
        assert.deepEqual(w.admissionReviewVersions, ['v1'], w.name);
        assert.equal(w.matchPolicy, 'Equivalent', w.name);
      }
    });

    it('send only CREATE and UPDATE, never a subresource (deletes and status updates never reach kro-guard)', () => {
      for (const w of webhooks) {
        for (const rule of w.rules ?? []) {
          assert.deepEqual(rule.operations, ['CREATE', 'UPDATE'], w.name);
          assert.ok(
            rule.resources.every((r) => !r.includes('/')),
            `${w.name}: ${rule.resources.join(', ')}`,
          );
        }
      }
    });

    it('the RGD webhooks send RGD CREATE and UPDATE', () => {
      for (const name of RGD_WEBHOOKS) {
        assert.deepEqual(webhook(name).rules, [
          {
            apiGroups: ['kro.run'],
            apiVersions: ['v1alpha1'],
            resources: ['resourcegraphdefinitions'],
            operations: ['CREATE', 'UPDATE'],
            scope: 'Cluster',
          },
        ]);
      }
    });

    it("the instance webhooks have no rules: kro-guard's registrar owns the field", () => {
      for (const name of INSTANCE_WEBHOOKS) {
        assert.equal(Object.hasOwn(webhook(name), 'rules'), false, name);
      }
    });

    it('the children webhook sends the ACK services and core kinds of the README, and nothing else', () => {
      const w = webhook(CHILDREN_WEBHOOK);
      assert.deepEqual(
        namedResources(w),
        [
          ...CHILD_ACK_GROUPS.map((g) => `${g}/*`),
          ...CHILD_CORE_KINDS.flatMap(({ group, resources }) => resources.map((r) => `${group}/${r}`)),
        ].sort(),
      );
      // Every kind of the real ACK controllers, in every served version and its scope.
      assert.deepEqual(
        [...new Set(ackCrds.map((c) => c.spec.group))].sort(),
        [...CHILD_ACK_GROUPS].sort(),
        'the ACK CRDs of ../shared cover the same services',
      );
      for (const crd of ackCrds) {
        for (const { name: version } of crd.spec.versions.filter((v) => v.served)) {
          const request = (operation: string, resource = crd.spec.names.plural) =>
            sends(w, { group: crd.spec.group, version, resource, operation, scope: crd.spec.scope });
          const where = `${crd.metadata.name} ${version}`;
          assert.equal(request('CREATE'), true, where);
          assert.equal(request('UPDATE'), true, where);
          assert.equal(request('DELETE'), false, where);
          assert.equal(request('UPDATE', `${crd.spec.names.plural}/status`), false, `${where} status`);
        }
      }
      for (const { group, version, resources } of CHILD_CORE_KINDS) {
        for (const resource of resources) {
          const request = (operation: string, r: string = resource) =>
            sends(w, { group, version, resource: r, operation, scope: 'Namespaced' });
          assert.equal(request('CREATE'), true, `${group}/${resource}`);
          assert.equal(request('UPDATE'), true, `${group}/${resource}`);
          assert.equal(request('DELETE'), false, `${group}/${resource}`);
          assert.equal(request('UPDATE', `${resource}/status`), false, `${group}/${resource}/status`);
        }
      }
      for (const kind of NOT_CHILDREN) {
        assert.equal(sends(w, { ...kind, operation: 'CREATE' }), false, `${kind.group}/${kind.resource}`);
      }
    });

    it("the policies webhook sends CREATE and UPDATE of crds/' kinds, in their scope, and nothing else", () => {
      const w = webhook(POLICIES_WEBHOOK);
      assert.deepEqual(
        namedResources(w),
        kroGuardCrds.map((c) => `${c.spec.group}/${c.spec.names.plural}`).sort(),
      );
      for (const crd of kroGuardCrds) {
        const other = crd.spec.scope === 'Cluster' ? 'Namespaced' : 'Cluster';
        for (const { name: version } of crd.spec.versions.filter((v) => v.served)) {
          const request = (operation: string, scope = crd.spec.scope) =>
            sends(w, { group: crd.spec.group, version, resource: crd.spec.names.plural, operation, scope });
          const where = `${crd.metadata.name} ${version}`;
          assert.equal(request('CREATE'), true, where);
          assert.equal(request('UPDATE'), true, where);
          assert.equal(request('DELETE'), false, where);
          assert.equal(request('CREATE', other), false, `${where} in scope ${other}`);
        }
      }
    });

    it('allow server dry-run and time out after kro-guard has answered with its own reason', () => {
      const { reviewTimeoutMs } = serverConfig();
      for (const w of webhooks) {
        assert.ok(['None', 'NoneOnDryRun'].includes(w.sideEffects), w.name);
        assert.ok(w.timeoutSeconds !== undefined && w.timeoutSeconds <= 5, w.name);
        assert.ok(w.timeoutSeconds * 1000 > reviewTimeoutMs, `${w.name}: timeout above the review deadline`);
      }
    });

    it('fail closed for RGDs, instances and policies, open for children and mutation; mutation is reinvoked', () => {
      assert.deepEqual(Object.fromEntries(webhooks.map((w) => [w.name, w.failurePolicy])), FAILURE_POLICIES);
      for (const w of configs.mutating.webhooks) assert.equal(w.reinvocationPolicy, 'IfNeeded', w.name);
      for (const w of configs.validating.webhooks) assert.equal(w.reinvocationPolicy, undefined, w.name);
    });

    it('never select kube-system or kro-guard namespace, but do select other namespaces (policies: all)', () => {
      for (const w of webhooks) {
        assert.ok(selects(w.objectSelector ?? {}, { team: 'a' }), `${w.name}: no object opt-out`);
        if (w.name === POLICIES_WEBHOOK) continue;
        const sel = w.namespaceSelector;
        assert.ok(sel, w.name);
        for (const ns of ['kube-system', namespace.metadata.name]) {
          assert.ok(!selects(sel, { 'kubernetes.io/metadata.name': ns }), `${w.name}: ${ns}`);
        }
        assert.ok(
          !selects(sel, { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': 'renamed' }),
          `${w.name}: kro-guard namespace by its labels`,
        );
        assert.ok(selects(sel, { 'kubernetes.io/metadata.name': 'default' }), `${w.name}: default`);
      }
      // ComplianceExceptions are checked in whatever namespace they are written, kro-guard's included.
      const policies = webhook(POLICIES_WEBHOOK).namespaceSelector ?? {};
      for (const ns of ['kube-system', namespace.metadata.name]) {
        assert.ok(
          selects(policies, { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': ns }),
          `${POLICIES_WEBHOOK}: ${ns}`,
        );
      }
    });

    it('have matchConditions that parse as CEL', () => {
      for (const w of webhooks) {
        assert.ok(w.matchConditions !== undefined && w.matchConditions.length > 0, w.name);
        assert.equal(new Set(w.matchConditions.map((c) => c.name)).size, w.matchConditions.length);
        for (const c of w.matchConditions) {
          assert.match(c.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, c.name);
          const parsed = parseCel(c.expression);
          assert.equal(
            parsed.kind,
            'ok',
            `${w.name}/${c.name}: ${'message' in parsed ? parsed.message : ''}`,
          );
        }
      }
    });

    it("call kro-guard for users' writes but not for kro-guard or kube-system ServiceAccounts", () => {
      for (const w of webhooks) {
        const create = (user: string) => matches(w, requestVars('CREATE', user, objectFor(w)));
        assert.equal(create('alice'), true, w.name);
        assert.equal(create('system:serviceaccount:flux-system:kustomize-controller'), true, w.name);
        assert.equal(create(SA_USERNAME), false, `${w.name}: ${SA_USERNAME}`);
        assert.equal(create('system:serviceaccount:kube-system:namespace-controller'), false, w.name);
      }
    });

    it('RGD, instance and policy webhooks skip UPDATEs that leave spec unchanged (so kro can remove its finalizer)', () => {
      const changed = { ...SPEC, resources: [{ id: 'cm' }] };
      for (const name of SPEC_FILTERED_WEBHOOKS) {
        const w = webhook(name);
        const update = (old: unknown, next: unknown) => matches(w, requestVars('UPDATE', 'alice', next, old));
        assert.equal(update(rgd(SPEC), rgd(SPEC, { team: 'a' })), false, `${w.name}: label only`);
        assert.equal(update(rgd(SPEC), rgd(changed)), true, `${w.name}: spec changed`);
        assert.equal(update(rgd(undefined), rgd(SPEC)), true, `${w.name}: spec added`);
      }
    });

    it('the children webhook sees metadata-only UPDATEs, except of objects being deleted', () => {
      const w = webhook(CHILDREN_WEBHOOK);
      const update = (old: unknown, next: unknown) => matches(w, requestVars('UPDATE', 'alice', next, old));
      const roleArn = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/admin' };
      assert.equal(matches(w, requestVars('CREATE', 'alice', child())), true, 'create');
      assert.equal(update(child(), child({ annotations: roleArn })), true, 'annotation only');
      assert.equal(update(child(), child({ labels: { team: 'a' } })), true, 'label only');
      assert.equal(update(child(), child({}, 3)), true, 'spec changed');
      const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z' };
      assert.equal(
        update(child(deleting), child({ ...deleting, finalizers: [] })),
        false,
        'last finalizer removed',
      );
      assert.equal(update(child(deleting), child(deleting, 3)), false, 'spec changed while deleting');
    });
  });
}

describe('production webhook configurations', () => {
  it('call the Service through a port it serves, on the matching endpoint, with caBundle left to injection', () => {
    for (const [config, path] of [
      [production.validating, '/validate'],
      [production.mutating, '/mutate'],
    ] as const) {
      for (const w of config.webhooks) {
        assert.deepEqual(w.clientConfig, {
          service: {
            namespace: service.metadata.namespace,
            name: service.metadata.name,
            path,
            port: 443,
          },
        });
        assert.ok(service.spec.ports.some((p) => p.port === w.clientConfig.service?.port));
      }
    }
  });
});

describe('local-dev webhook configurations', () => {
  const withoutClientConfig = (c: WebhookConfiguration) =>
    c.webhooks.map(({ clientConfig: _clientConfig, ...rest }) => rest);

  it('are the production ones except for clientConfig', () => {
    for (const kind of ['validating', 'mutating'] as const) {
      assert.deepEqual(localDev[kind].metadata, production[kind].metadata);
      assert.deepEqual(withoutClientConfig(localDev[kind]), withoutClientConfig(production[kind]));
    }
  });

  it('use exactly the documented placeholders, and only in clientConfig', () => {
    const tokens = new Set(
      localDevText
        .split('\n')
        .filter((line) => !line.trimStart().startsWith('#'))
        .flatMap((line) => [...line.matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1])),
    );
    assert.deepEqual([...tokens].sort(), Object.keys(PLACEHOLDERS).sort());
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const t of tokens) {
      assert.ok(readme.includes(`\${${t}}`), `README documents \${${t}}`);
      assert.ok(localDevText.includes(`#   \${${t}}`), `the file header documents \${${t}}`);
    }
    for (const kind of ['validating', 'mutating'] as const) {
      const rest = JSON.stringify(withoutClientConfig(localDev[kind]));
      assert.ok(!rest.includes('${'), kind);
    }
  });

  it('after substitution call kro-guard at the URL with the production endpoint paths and the CA', () => {
    let text = localDevText;
    for (const [k, v] of Object.entries(PLACEHOLDERS)) text = text.replaceAll(`\${${k}}`, v);
    assert.ok(!/\$\{[A-Z_]+\}/.test(text.replace(/^\s*#.*$/gm, '')));
    const substituted = webhookConfigs(LOCAL_DEV, text);
    for (const kind of ['validating', 'mutating'] as const) {
      for (const [i, w] of substituted[kind].webhooks.entries()) {
        const url = new URL(w.clientConfig.url ?? '');
        assert.equal(url.protocol, 'https:');
        assert.equal(url.origin, PLACEHOLDERS.KRO_GUARD_URL);
        assert.equal(url.pathname, production[kind].webhooks[i]!.clientConfig.service?.path);
        assert.equal(w.clientConfig.caBundle, PLACEHOLDERS.CA_BUNDLE);
        assert.equal(w.clientConfig.service, undefined);
      }
    }
  });
});
