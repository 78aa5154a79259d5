/**
 * A barrier for kro-guard's policy stores: after CompliancePolicies and ComplianceExceptions were
 * written, wait until every review worker decides with them.
 *
 * Each worker keeps its own informers (one watch per kind, events in resourceVersion order). The
 * barrier writes, after the writes it must cover, a marker CompliancePolicy (`e2e-barrier`, a custom
 * rule whose message carries a generation number) and a marker ComplianceException
 * (`e2e-barrier-<n>`, exempting that rule; the previous one is deleted first). A worker that reports
 * `CUSTOM-E2E-BARRIER exempted by kro-guard/e2e-barrier-<n>: barrier <n>` for a probe ServiceAccount
 * has seen both markers, hence every earlier policy and exception event. The probe goes straight to
 * kro-guard's `/validate`, several reviews at once so that every worker of the pool answers some.
 *
 * A sync with no policy or exception changed since the previous one (same names and
 * resourceVersions) returns at once.
 *
 * The markers select only ServiceAccounts in namespace `e2e-barrier` (which does not exist: the probe
 * never reaches the API server) and pass at RGD admission (`graph.mode == 'symbolic'`), so they add
 * nothing to the scenarios' decisions.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { stringify } from 'yaml';
import { pollUntil, type ControlPlane, type KubeClient, type RunningWebhook } from '../../harness/index.ts';

const RULE = 'CUSTOM-E2E-BARRIER';
const PROBE_NAMESPACE = 'e2e-barrier';
const PROBE_NAME = 'e2e-barrier-probe';
/** Reviews sent at once per probe round; more than the pool's workers (2 to 4). */
const CONCURRENT_PROBES = 8;
/** Probe rounds in a row that must all see the markers. */
const ROUNDS_IN_A_ROW = 2;

function markerPolicy(generation: number): Record<string, unknown> {
  return {
    apiVersion: 'kro-guard.io/v1alpha1',
    kind: 'CompliancePolicy',
    metadata: { name: 'e2e-barrier' },
    spec: {
      mode: 'Warn',
      match: { namespaces: [PROBE_NAMESPACE], kinds: [{ group: '', kind: 'ServiceAccount' }] },
      rules: { include: [] },
      customRules: [
        {
          id: RULE,
          title: 'e2e policy barrier',
          severity: 'low',
          kinds: [{ group: '', kind: 'ServiceAccount' }],
          expression: `graph.mode == 'symbolic' || object.metadata.name != '${PROBE_NAME}'`,
          message: `barrier ${generation}`,
        },
      ],
    },
  };
}

function markerException(generation: number): Record<string, unknown> {
  return {
    apiVersion: 'kro-guard.io/v1alpha1',
    kind: 'ComplianceException',
    metadata: { name: `e2e-barrier-${generation}`, namespace: 'kro-guard' },
    spec: {
      reason: 'marker of the compliance e2e test policy barrier',
      exceptions: [{ policy: 'e2e-barrier', rules: [RULE] }],
      match: { kinds: [{ group: '', kind: 'ServiceAccount' }] },
    },
  };
}

function probeReview(): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: '', version: 'v1', kind: 'ServiceAccount' },
      resource: { group: '', version: 'v1', resource: 'serviceaccounts' },
      name: PROBE_NAME,
      namespace: PROBE_NAMESPACE,
      operation: 'CREATE',
      userInfo: { username: 'e2e-barrier' },
      object: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: PROBE_NAME, namespace: PROBE_NAMESPACE },
      },
      dryRun: true,
    },
  });
}

/** POSTs one AdmissionReview to kro-guard's `/validate`; resolves with the response's warnings. */
function validateWarnings(webhook: RunningWebhook, body: string): Promise<string[]> {
  const url = new URL('/validate', webhook.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        ca: Buffer.from(webhook.caBundle, 'base64').toString('utf8'),
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              response?: { warnings?: string[] };
            };
            resolve(review.response?.warnings ?? []);
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('/validate did not answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const COLLECTIONS = [
  '/apis/kro-guard.io/v1alpha1/compliancepolicies',
  '/apis/kro-guard.io/v1alpha1/complianceexceptions',
];

interface List {
  items?: { metadata?: { name?: string; namespace?: string; resourceVersion?: string } }[];
}

/** The policy barrier of one test run; `sync()` after each change of policies. */
export class PolicyBarrier {
  readonly #cp: ControlPlane;
  readonly #webhook: RunningWebhook;
  readonly #client: KubeClient;
  #generation = 0;
  /** The policies and exceptions (other than the markers) at the last sync. */
  #synced: string | undefined;

  constructor(cp: ControlPlane, webhook: RunningWebhook, client: KubeClient) {
    this.#cp = cp;
    this.#webhook = webhook;
    this.#client = client;
  }

  /** Names and resourceVersions of the stored policies and exceptions, markers left out. */
  async #fingerprint(): Promise<string> {
    const entries: string[] = [];
    for (const path of COLLECTIONS) {
      for (const item of ((await this.#client.getJson(path)) as List).items ?? []) {
        const md = item.metadata ?? {};
        if (md.name?.startsWith('e2e-barrier') === true) continue;
        entries.push(`${path} ${md.namespace ?? ''}/${md.name ?? ''} ${md.resourceVersion ?? ''}`);
      }
    }
    return entries.sort().join('\n');
  }

  /**
   * Unless no policy or exception changed since the last sync: writes the next markers and waits
   * until every review worker reports them (two rounds of eight concurrent probes in a row).
   *
   * @throws Error after `timeoutMs` (default 20 s) with the warnings of the last probe.
   */
  async sync(timeoutMs = 20_000): Promise<void> {
    const fingerprint = await this.#fingerprint();
    if (fingerprint === this.#synced) return;
    const previous = this.#generation;
    const generation = ++this.#generation;
    if (previous > 0) {
      await this.#cp.kubectl([
        'delete',
        'complianceexception',
        '-n',
        'kro-guard',
        `e2e-barrier-${previous}`,
        '--ignore-not-found',
      ]);
    }
    await this.#cp.kubectl(['apply', '-f', '-'], {
      input: [markerPolicy(generation), markerException(generation)].map((o) => stringify(o)).join('---\n'),
    });
    const expected = `${RULE} exempted by kro-guard/e2e-barrier-${generation}: barrier ${generation}`;
    let inARow = 0;
    let last: string[] = [];
    await pollUntil(
      `every kro-guard review worker to see policy barrier ${generation}`,
      async () => {
        const answers = await Promise.all(
          Array.from({ length: CONCURRENT_PROBES }, () => validateWarnings(this.#webhook, probeReview())),
        );
        const stale = answers.find((w) => !w.some((line) => line.endsWith(expected)));
        last = stale ?? answers[0] ?? [];
        inARow = stale === undefined ? inARow + 1 : 0;
        return inARow >= ROUNDS_IN_A_ROW;
      },
      { timeoutMs, intervalMs: 100, onTimeout: () => `last warnings: ${JSON.stringify(last)}` },
    );
    this.#synced = fingerprint;
  }

  /** Deletes the markers (missing ones are fine). */
  async remove(): Promise<void> {
    await this.#cp.kubectl([
      'delete',
      'complianceexception',
      '-n',
      'kro-guard',
      `e2e-barrier-${this.#generation}`,
      '--ignore-not-found',
    ]);
    await this.#cp.kubectl(['delete', 'compliancepolicy', 'e2e-barrier', '--ignore-not-found']);
  }
}
