/**
 * kro-guard's end-to-end test harness: a real control plane (etcd, kube-apiserver, kro) on loopback
 * and kro-guard's real webhook registered with it. See control-plane.ts and webhook.ts.
 */
export {
  startControlPlane,
  formatTimings,
  kroWorkersStarted,
  KubectlError,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControlPlaneComponent,
  type KubectlOptions,
  type KubectlResult,
  type StartupTimings,
} from './control-plane.ts';
export {
  startWebhook,
  deniedBy,
  LOCAL_DEV_WEBHOOKS,
  type RunningWebhook,
  type WebhookDecision,
  type WebhookOptions,
} from './webhook.ts';
export { createKubeClient, type KubeClient, type KubeCredentials, type KubeResponse } from './kube-client.ts';
export { pollUntil, type PollOptions } from './poll.ts';
export { isRunning } from './process.ts';
export { REPO_ROOT, SHARED_DIR, KRO_CRD_DIR, controlPlaneDir, binaryPath } from './paths.ts';
