/**
 * kro's side of the parity harness: a control plane with kro v0.9.3 running, kro's CRDs and the ACK
 * CRDs of `../shared/crds/ack` installed, and kro-guard NOT registered; every case applied in batches
 * and kro's verdict read from the RGDs' status conditions with one list request per poll.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  binaryPath,
  KRO_CRD_DIR,
  kroWorkersStarted,
  pollUntil,
  SHARED_DIR,
  startControlPlane,
  type ControlPlane,
} from '../harness/index.ts';
import { freePorts } from '../harness/ports.ts';
import { ProcessGroup } from '../harness/process.ts';
import type { ParityCase } from './cases.ts';
import type { KroVerdict, KroVerdicts } from './verdicts.ts';

/** `../shared/crds/ack`: the CRDs of 12 AWS Controllers for Kubernetes (services the fixtures and corpus use). */
export const ACK_CRD_DIR: string = join(SHARED_DIR, 'crds', 'ack');

/** Options of {@link startParityControlPlane}. */
export interface ParityControlPlaneOptions {
  quiet?: boolean;
  /**
   * kro's `--resource-graph-definition-concurrent-reconciles` and `--graph-revision-concurrent-reconciles`
   * (default 1 in kro). Default 8: kro handles RGDs one at a time and an accepted one holds the worker
   * about 1.3 s (its CRD, then the informer of the new kind); the verdicts do not depend on it. With 1,
   * the harness starts kro exactly as the other e2e tests do.
   */
  kroConcurrency?: number;
}

/** The parity control plane: the harness's, plus where kro's log is. */
export interface ParityControlPlane extends ControlPlane {
  /** kro's log (JSON lines). */
  kroLog(): string;
}

/**
 * Starts the parity control plane: etcd, kube-apiserver, kro's CRDs plus every ACK CRD (installed
 * through the harness's `crds` option, so they exist before kro starts), and the kro v0.9.3
 * controller with the harness's flags (plus the reconcile concurrency). kro-guard is not registered.
 * Stop it with `stop()`.
 */
export async function startParityControlPlane(
  options: ParityControlPlaneOptions = {},
): Promise<ParityControlPlane> {
  const concurrency = options.kroConcurrency ?? 8;
  // The harness applies one directory: gather kro's and the ACK CRD files into a temporary one.
  const crdDir = mkdtempSync(join(tmpdir(), 'kro-guard-parity-crds-'));
  let cp: ControlPlane;
  try {
    const copy = (dir: string): void => {
      for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) copyFileSync(join(dir, f), join(crdDir, f));
    };
    copy(KRO_CRD_DIR);
    for (const service of readdirSync(ACK_CRD_DIR).sort()) copy(join(ACK_CRD_DIR, service));
    cp = await startControlPlane({
      kro: concurrency === 1,
      crds: crdDir,
      audit: false,
      quiet: options.quiet ?? false,
    });
  } finally {
    rmSync(crdDir, { recursive: true, force: true });
  }
  if (concurrency === 1) return { ...cp, kroLog: () => cp.logs('kro') };

  // kro with the harness's flags (control-plane.ts) plus the concurrency, in a process group of its
  // own inside the control plane's directory, stopped first by cp.stop().
  const started = performance.now();
  const group = new ProcessGroup(join(cp.dir, 'parity-kro'), false);
  mkdirSync(group.dir, { recursive: true });
  cp.onStop(() => group.stop(10_000));
  try {
    const [metrics, health] = (await freePorts(2)) as [number, number];
    const kro = await group.start('kro', binaryPath('kro-controller'), [
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--metrics-bind-address=127.0.0.1:${metrics}`,
      `--health-probe-bind-address=127.0.0.1:${health}`,
      '--leader-elect=false',
      '--zap-devel=false',
      '--zap-encoder=json',
      '--zap-log-level=info',
      `--resource-graph-definition-concurrent-reconciles=${concurrency}`,
      `--graph-revision-concurrent-reconciles=${concurrency}`,
    ]);
    const log = (): string => {
      try {
        return readFileSync(kro.logPath, 'utf8');
      } catch {
        return '';
      }
    };
    await pollUntil('kro ResourceGraphDefinition workers', () => kroWorkersStarted(log()), {
      timeoutMs: 60_000,
      abortIf: () => (kro.exitStatus ? `kro exited (code ${kro.exitStatus.code})\n${log()}` : undefined),
    });
    if (!(options.quiet ?? false)) {
      process.stderr.write(
        `[parity] kro (${concurrency} RGD workers) started in ${((performance.now() - started) / 1000).toFixed(2)}s\n`,
      );
    }
    return { ...cp, kroLog: log };
  } catch (e) {
    await cp.stop();
    throw e;
  }
}

/** Options of {@link observeKroVerdicts}. */
export interface ObserveOptions {
  /** Per round: how long to wait for every RGD's verdict after the apply; default 150 s. */
  timeoutMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface RgdItem {
  metadata?: { name?: string };
  status?: { state?: string; conditions?: Condition[] };
}

interface CrdItem {
  metadata?: { name?: string };
  spec?: { group?: string; names?: { kind?: string } };
}

/** `<group>/<kind>` (lowercased; group '' for the core group) of every template and externalRef. */
export function templateKinds(c: ParityCase): Set<string> {
  const out = new Set<string>();
  const spec = c.rgd['spec'] as { resources?: unknown } | undefined;
  const resources = Array.isArray(spec?.resources) ? (spec.resources as unknown[]) : [];
  for (const r of resources) {
    if (typeof r !== 'object' || r === null) continue;
    const res = r as { template?: unknown; externalRef?: unknown };
    const t = (res.template ?? res.externalRef) as { apiVersion?: unknown; kind?: unknown } | undefined;
    if (typeof t?.apiVersion !== 'string' || typeof t.kind !== 'string') continue;
    const group = t.apiVersion.includes('/') ? t.apiVersion.slice(0, t.apiVersion.indexOf('/')) : '';
    out.add(`${group}/${t.kind}`.toLowerCase());
  }
  return out;
}

/**
 * Splits the cases into rounds, applied one after the other:
 * - an RGD whose templates use the kind another case generates (the corpus nests RGDs) comes in a
 *   round after that case, so kro sees the kind when it first builds the graph if it exists at all
 *   (otherwise the verdict would depend on kro's retry timing);
 * - no two cases of a round share a `metadata.name` or a generated CRD (the corpus has three such
 *   pairs: the second would be an update of the first, or a kind owned by another RGD).
 * Greedy, in case order: most cases land in round 0.
 */
export function assignRounds(cases: readonly ParityCase[]): ParityCase[][] {
  const producers = new Map<string, ParityCase[]>();
  for (const c of cases) producers.set(c.crdKey, [...(producers.get(c.crdKey) ?? []), c]);
  const producersOf = (c: ParityCase): ParityCase[] =>
    [...templateKinds(c)].flatMap((k) => producers.get(k) ?? []).filter((p) => p !== c);
  const levels = new Map<ParityCase, number>();
  const level = (c: ParityCase, depth = 0): number => {
    const known = levels.get(c);
    if (known !== undefined) return known;
    if (depth > cases.length) return 0; // a cycle of nested kinds: kro cannot accept them anyway
    const l = Math.max(-1, ...producersOf(c).map((p) => level(p, depth + 1))) + 1;
    levels.set(c, l);
    return l;
  };
  const ordered = [...cases].sort((a, b) => level(a) - level(b));

  const rounds: { cases: ParityCase[]; keys: Set<string> }[] = [];
  const roundOf = new Map<ParityCase, number>();
  for (const c of ordered) {
    const keys = [`name:${c.name}`, `crd:${c.crdKey}`];
    let r = Math.max(-1, ...producersOf(c).map((p) => roundOf.get(p) ?? -1)) + 1;
    while (rounds[r] !== undefined && keys.some((k) => rounds[r]!.keys.has(k))) r++;
    const round = (rounds[r] ??= { cases: [], keys: new Set() });
    round.cases.push(c);
    for (const k of keys) round.keys.add(k);
    roundOf.set(c, r);
  }
  return rounds.filter((r) => r !== undefined).map((r) => r.cases);
}

const RGD_LIST = '/apis/kro.run/v1alpha1/resourcegraphdefinitions';
const CRD_LIST = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The one kubectl message line of an L1 rejection, without kubectl's `Error from server ...:` prefix. */
export function l1Message(stderr: string): string {
  const text = stderr.trim();
  const m = /^Error from server \([^)]*\): error when creating "[^"]*": ([\s\S]*)$/.exec(text);
  return (m?.[1] ?? text).trim();
}

/** kro's verdict from one RGD's status, or undefined while it is still pending. */
export function verdictFromStatus(item: RgdItem | undefined): KroVerdict | undefined {
  const conditions = item?.status?.conditions ?? [];
  const find = (type: string): Condition | undefined => conditions.find((c) => c.type === type);
  const graph = find('GraphAccepted');
  const base = (c: Condition): Pick<KroVerdict, 'reason' | 'message'> => ({
    ...(c.reason === undefined ? {} : { reason: c.reason }),
    ...(c.message === undefined ? {} : { message: c.message }),
  });
  if (graph?.status === 'False') return { kro: 'rejected', layer: 'L2', ...base(graph) };
  if (graph?.status !== 'True') return undefined;
  const kind = find('KindReady');
  if (kind?.status === 'False') return { kro: 'rejected', layer: 'L3', ...base(kind) };
  if (kind?.status === 'True') return { kro: 'accepted', ...base(graph) };
  return undefined;
}

/**
 * Applies every case and returns kro's verdicts, keyed by case id. Per round: one `kubectl create -f -`
 * of all its RGDs (as JSON documents, so kro sees exactly the object kro-guard checks); the ones the
 * API server refused (L1) are created again one by one for their message; then the RGD list is polled
 * until each has `GraphAccepted=False` (L2), or `GraphAccepted=True` and `KindReady` True (accepted) or
 * False (L3). Before a later round, the earlier RGDs it collides with are deleted with their CRDs and
 * GraphRevisions.
 */
export async function observeKroVerdicts(
  cp: ControlPlane,
  cases: readonly ParityCase[],
  options: ObserveOptions = {},
): Promise<KroVerdicts> {
  const timeoutMs = options.timeoutMs ?? 150_000;
  const log = options.log ?? ((): void => undefined);
  const client = cp.client();
  const verdicts: KroVerdicts = {};
  const stored: ParityCase[] = [];
  try {
    const rounds = assignRounds(cases);
    for (const [r, round] of rounds.entries()) {
      const t0 = performance.now();
      if (r > 0) await removeCollisions(cp, client, stored, round, log);

      const input = round.map((c) => JSON.stringify(c.rgd)).join('\n---\n');
      await cp.kubectl(['create', '-f', '-'], { input, allowFailure: true, timeoutMs: 120_000 });
      const present = new Set(
        ((await client.getJson(RGD_LIST)) as { items?: RgdItem[] }).items?.map((i) => i.metadata?.name),
      );
      const pending = new Map<string, ParityCase>();
      for (const c of round) {
        if (present.has(c.name)) {
          pending.set(c.name, c);
          stored.push(c);
          continue;
        }
        const single = await cp.kubectl(['create', '-f', '-'], {
          input: JSON.stringify(c.rgd),
          allowFailure: true,
        });
        if (single.code === 0) {
          pending.set(c.name, c);
          stored.push(c);
        } else {
          verdicts[c.id] = { kro: 'rejected', layer: 'L1', message: l1Message(single.stderr) };
        }
      }
      log(
        `round ${r + 1}/${rounds.length}: ${round.length} RGDs, ${round.length - pending.size} refused by the API server (L1), ` +
          `waiting for kro's verdict on ${pending.size}`,
      );

      const deadline = Date.now() + timeoutMs;
      let lastItems = new Map<string, RgdItem>();
      while (pending.size > 0) {
        const list = (await client.getJson(RGD_LIST)) as { items?: RgdItem[] };
        lastItems = new Map((list.items ?? []).map((i) => [i.metadata?.name ?? '', i]));
        for (const [name, c] of pending) {
          const v = verdictFromStatus(lastItems.get(name));
          if (v !== undefined) {
            verdicts[c.id] = v;
            pending.delete(name);
          }
        }
        if (pending.size === 0 || Date.now() > deadline) break;
        await delay(500);
      }
      for (const c of pending.values()) {
        const conditions = lastItems.get(c.name)?.status?.conditions ?? [];
        verdicts[c.id] = {
          kro: 'timeout',
          message: conditions
            .map((x) => `${x.type}=${x.status} ${x.reason ?? ''}: ${x.message ?? ''}`)
            .join('; '),
        };
      }
      log(`round ${r + 1}: kro decided in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    }
  } finally {
    client.close();
  }
  return verdicts;
}

/** Deletes the stored RGDs that share a name or a generated CRD with `next`, their CRDs and GraphRevisions. */
async function removeCollisions(
  cp: ControlPlane,
  client: ReturnType<ControlPlane['client']>,
  stored: ParityCase[],
  next: readonly ParityCase[],
  log: (line: string) => void,
): Promise<void> {
  const names = new Set(next.map((c) => c.name));
  const crdKeys = new Set(next.map((c) => c.crdKey));
  const victims = stored.filter((c) => names.has(c.name) || crdKeys.has(c.crdKey));
  if (victims.length === 0) return;
  const victimNames = [...new Set(victims.map((c) => c.name))];
  log(`deleting ${victimNames.join(', ')} before the next round`);
  await cp.kubectl(['delete', 'rgd', ...victimNames, '--ignore-not-found', '--wait=true', '--timeout=60s']);
  for (const c of victims) stored.splice(stored.indexOf(c), 1);

  const crds = ((await client.getJson(CRD_LIST)) as { items?: CrdItem[] }).items ?? [];
  const keys = new Set([...victims.map((c) => c.crdKey), ...crdKeys]);
  const crdNames = crds
    .filter((crd) => keys.has(`${crd.spec?.group ?? ''}/${crd.spec?.names?.kind ?? ''}`.toLowerCase()))
    .map((crd) => crd.metadata?.name ?? '')
    .filter((n) => n !== '');
  if (crdNames.length > 0)
    await cp.kubectl(['delete', 'crd', ...crdNames, '--ignore-not-found', '--wait=true', '--timeout=60s']);

  // No kube-controller-manager, so no garbage collector: the GraphRevisions of a deleted RGD stay
  // unless deleted here (a new RGD of the same name would adopt them).
  const revisions =
    (
      (await client.getJson('/apis/internal.kro.run/v1alpha1/graphrevisions')) as {
        items?: { metadata?: { name?: string }; spec?: { snapshot?: { name?: string } } }[];
      }
    ).items ?? [];
  const revisionNames = revisions
    .filter((g) => victimNames.includes(g.spec?.snapshot?.name ?? ''))
    .map((g) => g.metadata?.name ?? '')
    .filter((n) => n !== '');
  if (revisionNames.length > 0) {
    await cp.kubectl([
      'delete', 'graphrevisions.internal.kro.run', ...revisionNames, '--ignore-not-found', '--wait=true', '--timeout=60s',
    ]); // prettier-ignore
  }
}
