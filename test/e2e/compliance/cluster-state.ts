/**
 * Reading and waiting on the test API server through the harness's admin client (in-process GETs, far
 * cheaper than a kubectl per poll): API discovery, RGD state, the instance webhooks' rules written by
 * kro-guard's registrar, kro's children of an instance, and objects going away. Every wait has a
 * deadline and says what it waited for when it runs out.
 */
import { pollUntil, type KubeClient } from '../../harness/index.ts';

/** A group, version and kind (`group` '' for the core group). */
export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** A served resource: its plural and whether it is namespaced. */
export interface ServedResource {
  plural: string;
  namespaced: boolean;
}

interface DiscoveryList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(gvk: Pick<Gvk, 'group' | 'version'>): string {
  return gvk.group === '' ? `/api/${gvk.version}` : `/apis/${gvk.group}/${gvk.version}`;
}

/**
 * The resource serving `gvk` according to API discovery, or undefined when the group-version or the
 * kind is not served (yet). Not cached: generated kinds appear and go.
 */
export async function servedResource(client: KubeClient, gvk: Gvk): Promise<ServedResource | undefined> {
  const res = await client.get(groupVersionPath(gvk));
  if (res.status !== 200) return undefined;
  const found = (JSON.parse(res.body) as DiscoveryList).resources?.find(
    (r) => r.kind === gvk.kind && !r.name.includes('/'),
  );
  return found && { plural: found.name, namespaced: found.namespaced };
}

/** Default deadline of the waits below, ms. */
export const WAIT_MS = 30_000;

interface RgdStatus {
  status?: { state?: string; conditions?: { type?: string; status?: string; message?: string }[] };
}

const RGDS = '/apis/kro.run/v1alpha1/resourcegraphdefinitions';

/**
 * Waits until kro marks the RGD `Active` (its CRD exists and its kind is served).
 * @throws Error after `timeoutMs` quoting the RGD's last conditions and `kroLogTail`.
 */
export async function waitRgdActive(
  client: KubeClient,
  name: string,
  kroLogTail: () => string,
  timeoutMs = WAIT_MS,
): Promise<void> {
  let last: RgdStatus | undefined;
  await pollUntil(
    `kro to mark RGD ${name} Active`,
    async () => {
      last = (await client.getJson(`${RGDS}/${name}`)) as RgdStatus;
      return last.status?.state === 'Active';
    },
    {
      timeoutMs,
      intervalMs: 200,
      onTimeout: () => `last status: ${JSON.stringify(last?.status)}\n${kroLogTail()}`,
    },
  );
}

/** Waits until GET `path` answers 404. @throws Error after `timeoutMs`. */
export async function waitGone(client: KubeClient, path: string, timeoutMs = WAIT_MS): Promise<void> {
  await pollUntil(`${path} to be gone`, async () => (await client.get(path)).status === 404, {
    timeoutMs,
    intervalMs: 200,
  });
}

/** Path of an RGD. */
export function rgdPath(name: string): string {
  return `${RGDS}/${name}`;
}

interface WebhookConfiguration {
  webhooks?: {
    name: string;
    rules?: { apiGroups?: string[]; apiVersions?: string[]; resources?: string[] }[];
  }[];
}

const ADMISSION = '/apis/admissionregistration.k8s.io/v1';

/** True when both instance webhooks' rules cover `<group>/<version>/<plural>` (the registrar's work). */
export async function instanceKindRegistered(
  client: KubeClient,
  gvk: Pick<Gvk, 'group' | 'version'>,
  plural: string,
  webhooks: { validating: string; mutating: string },
): Promise<boolean> {
  const covered = async (resource: string, webhook: string): Promise<boolean> => {
    const config = (await client.getJson(`${ADMISSION}/${resource}/kro-guard`)) as WebhookConfiguration;
    const rules = config.webhooks?.find((w) => w.name === webhook)?.rules ?? [];
    return rules.some(
      (r) =>
        (r.apiGroups ?? []).includes(gvk.group) &&
        (r.apiVersions ?? []).includes(gvk.version) &&
        (r.resources ?? []).includes(plural),
    );
  };
  return (
    (await covered('validatingwebhookconfigurations', webhooks.validating)) &&
    (await covered('mutatingwebhookconfigurations', webhooks.mutating))
  );
}

/**
 * Waits until the instance webhooks' rules do (`present`) or do not cover the kind.
 * @throws Error after `timeoutMs`.
 */
export async function waitInstanceKindRegistration(
  client: KubeClient,
  gvk: Pick<Gvk, 'group' | 'version'>,
  plural: string,
  webhooks: { validating: string; mutating: string },
  present: boolean,
  timeoutMs = WAIT_MS,
): Promise<void> {
  const what = `${plural}.${gvk.group}/${gvk.version}`;
  await pollUntil(
    present
      ? `kro-guard's registrar to add ${what} to the instance webhooks`
      : `kro-guard's registrar to remove ${what} from the instance webhooks`,
    async () => (await instanceKindRegistered(client, gvk, plural, webhooks)) === present,
    { timeoutMs, intervalMs: 200 },
  );
}

interface ObjectList {
  items?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } }[];
}

/** One child kro created: kind, name, and its `kro.run/node-id`. */
export interface FoundChild {
  kind: string;
  name: string;
  nodeId: string | undefined;
}

/**
 * The objects of the given kinds labelled as children of instance `namespace/name`
 * (`kro.run/instance-name`, `kro.run/instance-namespace`), in every namespace.
 */
export async function childrenOf(
  client: KubeClient,
  kinds: readonly Gvk[],
  instance: { namespace: string; name: string },
): Promise<FoundChild[]> {
  const selector = encodeURIComponent(
    `kro.run/instance-name=${instance.name},kro.run/instance-namespace=${instance.namespace}`,
  );
  const found: FoundChild[] = [];
  for (const gvk of kinds) {
    const served = await servedResource(client, gvk);
    if (served === undefined) continue;
    const list = (await client.getJson(
      `${groupVersionPath(gvk)}/${served.plural}?labelSelector=${selector}`,
    )) as ObjectList;
    for (const item of list.items ?? []) {
      found.push({
        kind: gvk.kind,
        name: item.metadata?.name ?? '',
        nodeId: item.metadata?.labels?.['kro.run/node-id'],
      });
    }
  }
  return found;
}
