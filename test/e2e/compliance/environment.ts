/**
 * The control plane of the compliance end-to-end test: etcd, kube-apiserver, kro v0.9.3, kro's and the
 * ACK CRDs (`../shared/crds/ack`, through the parity harness's `startParityControlPlane`), kro-guard's
 * CRDs (`manifests/crds/`), and kro-guard registered through `manifests/local-dev/webhooks-url.yaml` in
 * cluster mode (`KRO_GUARD_SCHEMAS=cluster`, `KRO_GUARD_KUBECONFIG`, `KRO_GUARD_REGISTRAR=on`): its
 * review workers read schemas, RGDs, CompliancePolicies and ComplianceExceptions from this API server
 * and its registrar writes the instance webhooks' rules.
 */
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  REPO_ROOT,
  startWebhook,
  type ControlPlane,
  type KubeClient,
  type RunningWebhook,
} from '../../harness/index.ts';
import { startParityControlPlane } from '../../parity/kro.ts';

/** kro-guard's CRDs (CompliancePolicy, ComplianceException). */
export const KRO_GUARD_CRDS = join(REPO_ROOT, 'manifests', 'crds');

/** The default policy shipped with kro-guard. */
export const DEFAULT_POLICY = join(REPO_ROOT, 'manifests', 'policies', 'default.yaml');

/**
 * kro-guard's namespace: ComplianceExceptions there apply cluster-wide (`DEFAULT_EXCEPTION_NAMESPACE`).
 * Namespace `prod` holds two instances of scenario S15 (test/scenarios/README.md).
 */
export const NAMESPACES = ['kro-guard', 'prod'] as const;

/**
 * kubectl flags that make a request come from a kube-system ServiceAccount (with the admin's
 * `system:masters` group for its permissions): every kro-guard webhook skips such requests
 * (`not-kube-system-serviceaccounts` matchCondition), so an RGD kro-guard denies can still be stored
 * for the instance and child checks, the README's "admitted by other means".
 */
export const BYPASS_KRO_GUARD = [
  '--as=system:serviceaccount:kube-system:kro-guard-e2e',
  '--as-group=system:masters',
] as const;

/** The names of kro-guard's webhooks in `manifests/local-dev/webhooks-url.yaml`. */
export const WEBHOOKS = {
  rgd: 'validate.rgd.kro-guard.io',
  instances: 'validate.instances.kro-guard.io',
  children: 'validate.children.kro-guard.io',
  policies: 'validate.policies.kro-guard.io',
  mutateRgd: 'mutate.rgd.kro-guard.io',
  mutateInstances: 'mutate.instances.kro-guard.io',
} as const;

/** The EKS cluster S7's RGD refers to (externalRef), with the status an ACK controller would write. */
const EKS_CLUSTER = {
  apiVersion: 'eks.services.k8s.aws/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'prod-east', namespace: 'default' },
  spec: { name: 'prod-east', resourcesVPCConfig: { subnetIDs: ['subnet-1', 'subnet-2'] } },
};
const EKS_CLUSTER_STATUS = {
  ackResourceMetadata: {
    arn: 'arn:aws:eks:us-east-1:111122223333:cluster/prod-east',
    ownerAccountID: '111122223333',
    region: 'us-east-1',
  },
  identity: {
    oidc: { issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE' },
  },
};

/** The running environment; `stop()` stops kro-guard and the control plane and removes their files. */
export interface ComplianceCluster {
  cp: ControlPlane;
  webhook: RunningWebhook;
  /** An admin client for polling (GET); closed by `stop()`. */
  client: KubeClient;
  /** kro's log (JSON lines). */
  kroLog(): string;
  stop(): Promise<void>;
}

/** Environment variables that put the in-process kro-guard in cluster mode for `cp`. */
function clusterModeEnv(cp: ControlPlane): Record<string, string> {
  return {
    KRO_GUARD_SCHEMAS: 'cluster',
    KRO_GUARD_KUBECONFIG: cp.kubeconfigPath,
    KRO_GUARD_REGISTRAR: 'on',
  };
}

/**
 * Starts everything (about 15 s when the binaries are built): the control plane with kro (4 RGD
 * workers) and the CRDs, namespaces `kro-guard` and `prod`, S7's EKS cluster, then kro-guard in
 * cluster mode, registered. No CompliancePolicy is applied: the test applies the default policy.
 *
 * @throws Error when a component does not start or kro-guard's registration is not live (the harness's
 *   messages); everything started is stopped first.
 */
export async function startComplianceCluster(): Promise<ComplianceCluster> {
  const cp = await startParityControlPlane({ kroConcurrency: 4 });
  let client: KubeClient | undefined;
  try {
    await cp.kubectl(['apply', '--server-side', '-f', KRO_GUARD_CRDS]);
    await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', KRO_GUARD_CRDS]);
    for (const ns of NAMESPACES) await cp.kubectl(['create', 'namespace', ns]);
    // Before kro-guard is registered: the cluster is the environment, not something under test.
    await cp.kubectl(['apply', '-f', '-'], { input: stringify(EKS_CLUSTER) });
    await cp.kubectl([
      'patch',
      'clusters.eks.services.k8s.aws',
      EKS_CLUSTER.metadata.name,
      '-n',
      EKS_CLUSTER.metadata.namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: EKS_CLUSTER_STATUS }),
    ]);

    // startWebhook reads the server's settings from process.env (loadServerConfig).
    const env = clusterModeEnv(cp);
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let webhook: RunningWebhook;
    try {
      webhook = await startWebhook(cp);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) Reflect.deleteProperty(process.env, k);
        else process.env[k] = v;
      }
    }
    client = cp.client();
    const kubeClient = client;
    return {
      cp,
      webhook,
      client: kubeClient,
      kroLog: () => cp.kroLog(),
      stop: async () => {
        kubeClient.close();
        await webhook.stop();
        await cp.stop();
      },
    };
  } catch (e) {
    client?.close();
    await cp.stop();
    throw e;
  }
}
