/**
 * A real Kubernetes control plane on loopback for kro-guard's end-to-end tests: etcd 3.6, kube-apiserver
 * and kubectl 1.35 and the kro v0.9.3 controller, all built from pinned Go modules by
 * `scripts/build-control-plane.sh`, started in a fresh temporary directory with free ports and a
 * throwaway PKI (`pki.ts`, no openssl). The flags are those of `tools/controlplane/smoke-test.sh`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createKubeClient, type KubeClient } from './kube-client.ts';
import { BUILD_SCRIPT, KRO_CRD_DIR, REPO_ROOT, binaryPath, type ControlPlaneBinary } from './paths.ts';
import { writeControlPlanePki, type ControlPlanePki } from './pki.ts';
import { pollUntil } from './poll.ts';
import { freePorts } from './ports.ts';
import { ProcessGroup, runSync, type ManagedProcess } from './process.ts';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** Start the kro controller (needs the CRDs); default true. */
  kro?: boolean;
  /** Install kro's CRDs: true (default) for `../shared/crds/kro`, a directory path, or false. */
  crds?: boolean | string;
  /** Run `scripts/build-control-plane.sh` first (needs Go; a no-op in ~0.5 s when built); default true. */
  build?: boolean;
  /**
   * Write an audit log (level Request, `kro.run` resources only; read it with `logs('audit')`):
   * it shows which webhooks were called and the patches they returned. Default true.
   */
  audit?: boolean;
  /** Do not print the start-up timings; default false. */
  quiet?: boolean;
  /** Keep the temporary directory after `stop()`; default: environment `KRO_GUARD_E2E_KEEP=1`. */
  keepDir?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL for each process on `stop()`; default 10000. */
  stopGraceMs?: number;
}

/** Components whose log `logs()` returns; `audit` is the API server's audit log (JSON lines). */
export type ControlPlaneComponent = 'etcd' | 'kube-apiserver' | 'kro' | 'audit';

/** Milliseconds spent in each start-up phase; `crds` and `kro` are absent when skipped. */
export interface StartupTimings {
  /** `scripts/build-control-plane.sh` (0 when `build: false`). */
  buildCheck: number;
  pki: number;
  /** Until etcd's `/health` says healthy. */
  etcd: number;
  /** Until kube-apiserver's `/readyz` answers `ok`. */
  apiserver: number;
  /** Server-side apply of the CRDs until all are Established. */
  crds?: number;
  /** Until the kro controller logs "Starting workers" for the ResourceGraphDefinition controller. */
  kro?: number;
  total: number;
}

/** Result of {@link ControlPlane.kubectl}. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link ControlPlane.kubectl}. */
export interface KubectlOptions {
  /** Text written to kubectl's stdin (for `-f -`). */
  input?: string;
  /** Return a non-zero exit instead of throwing; default false. */
  allowFailure?: boolean;
  /** Kill kubectl after this many milliseconds; default 60000. */
  timeoutMs?: number;
}

/** Thrown by {@link ControlPlane.kubectl} when kubectl exits non-zero (and `allowFailure` is off). */
export class KubectlError extends Error {
  override name = 'KubectlError';
  readonly result: KubectlResult;
  constructor(args: string[], result: KubectlResult) {
    super(
      `kubectl ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
    this.result = result;
  }
}

/** A running control plane. All paths are absolute. */
export interface ControlPlane {
  /** Admin kubeconfig (credentials embedded; user in `system:masters`). */
  kubeconfigPath: string;
  /** `https://127.0.0.1:<port>`. */
  serverUrl: string;
  /** CA certificate of the API server (it also signed the client certificates). */
  caPath: string;
  /** The temporary directory holding PKI, data and logs; removed by `stop()`. */
  dir: string;
  pki: ControlPlanePki;
  /** pids of the started components. */
  pids: Partial<Record<'etcd' | 'kube-apiserver' | 'kro', number>>;
  startupTimings: StartupTimings;
  /**
   * Runs `.cache/controlplane/bin/kubectl --kubeconfig <admin> <args>` (asynchronously: an
   * in-process webhook keeps being served meanwhile).
   * @throws KubectlError on a non-zero exit unless `allowFailure`; Error when kubectl cannot start or
   *   runs past `timeoutMs`.
   */
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** An HTTPS client authenticated as the admin (close it when done). */
  client(): KubeClient;
  /** The current content of a component's log ('' when it has none, or after `stop()`). */
  logs(component: ControlPlaneComponent): string;
  /** Registers async clean-up that `stop()` runs before stopping the processes (e.g. a webhook). */
  onStop(cleanup: () => Promise<void>): void;
  /**
   * Stops kro, kube-apiserver and etcd in that order (SIGTERM, SIGKILL after the grace period),
   * then removes `dir`. Idempotent.
   */
  stop(): Promise<void>;
}

/** The audit policy written when `audit` is on: RGD and kro instance requests at level Request. */
const AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'Request', resources: [{ group: 'kro.run' }], verbs: ['create', 'update', 'patch'] },
    { level: 'None' },
  ],
};

const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

/**
 * Starts a control plane and waits until every part is ready: runs the build script (its duration is
 * printed), writes the PKI, starts etcd (healthy), kube-apiserver (`/readyz` ok), installs the CRDs
 * (server-side apply, `Established`), starts kro (its ResourceGraphDefinition workers started).
 * Prints one line of start-up timings to stderr unless `quiet`.
 *
 * On any failure everything already started is stopped and the directory removed before the error
 * is thrown; the error quotes the failing component's log tail.
 *
 * @throws Error when the build script fails, a binary is missing, a component exits or is not ready
 *   within its deadline (etcd 30 s, kube-apiserver 120 s, CRDs 60 s, kro 60 s).
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const withKro = options.kro ?? true;
  const crdDir =
    options.crds === false ? undefined : typeof options.crds === 'string' ? options.crds : KRO_CRD_DIR;
  if (withKro && crdDir === undefined)
    throw new Error('kro needs its CRDs: do not combine kro: true with crds: false');
  const graceMs = options.stopGraceMs ?? 10_000;
  const t0 = performance.now();
  let mark = t0;
  const lap = (): number => {
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return Math.round(ms);
  };

  const buildCheck = options.build === false ? 0 : runBuildScript(options.quiet ?? false);
  lap();
  const binaries: ControlPlaneBinary[] = ['etcd', 'kube-apiserver', 'kubectl'];
  if (withKro) binaries.push('kro-controller');
  for (const bin of binaries) {
    if (!existsSync(binaryPath(bin)))
      throw new Error(`missing ${binaryPath(bin)}: run scripts/build-control-plane.sh`);
  }

  const dir = await mkdtemp(join(tmpdir(), 'kro-guard-cp-'));
  const group = new ProcessGroup(dir, options.keepDir ?? process.env['KRO_GUARD_E2E_KEEP'] === '1');
  const timings: StartupTimings = { buildCheck, pki: 0, etcd: 0, apiserver: 0, total: 0 };
  const pids: ControlPlane['pids'] = {};
  const logPaths: Partial<Record<ControlPlaneComponent, string>> = {};
  const logs = (component: ControlPlaneComponent): string => {
    const path = logPaths[component];
    if (path === undefined) return '';
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  const tail = (component: ControlPlaneComponent, lines = 40): string =>
    `--- last ${lines} lines of ${component} log ---\n${logs(component).split('\n').slice(-lines).join('\n')}`;
  const died = (p: ManagedProcess) => (): string | undefined =>
    p.exitStatus ? `${p.name} exited (code ${p.exitStatus.code}, signal ${p.exitStatus.signal})` : undefined;

  const portClash = (log: string): boolean => /address already in use/.test(log);
  const auditPolicyPath = join(dir, 'audit-policy.yaml');
  if (options.audit ?? true) logPaths.audit = join(dir, 'audit.log');

  try {
    // --- PKI
    const pki = await writeControlPlanePki(join(dir, 'pki'));
    timings.pki = lap();
    if (logPaths.audit !== undefined) await writeFile(auditPolicyPath, stringify(AUDIT_POLICY));

    // --- etcd, then kube-apiserver. A port taken between choosing and binding it (another process)
    // makes the component exit with "address already in use": start again on new ports.
    let serverUrl = '';
    const kubeconfigPath = join(dir, 'admin.kubeconfig');
    for (let attempt = 1; ; attempt++) {
      const [etcdClient, etcdPeer, apiPort] = (await freePorts(3)) as [number, number, number];
      const etcd = await group.start('etcd', binaryPath('etcd'), [
        '--name=kro-guard-e2e',
        `--data-dir=${join(dir, `etcd-${attempt}`)}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=kro-guard-e2e=http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster-state=new',
        '--unsafe-no-fsync', // test data only
        '--log-level=warn',
      ]);
      pids.etcd = etcd.pid;
      logPaths.etcd = etcd.logPath;
      let apiserver: ManagedProcess | undefined;
      try {
        await pollUntil(
          'etcd /health',
          async () => {
            const res = await fetch(`http://127.0.0.1:${etcdClient}/health`, {
              signal: AbortSignal.timeout(2000),
            });
            return res.ok && ((await res.json()) as { health?: string }).health === 'true';
          },
          { timeoutMs: 30_000, abortIf: died(etcd) },
        );
        timings.etcd = lap();

        serverUrl = `https://127.0.0.1:${apiPort}`;
        await writeFile(kubeconfigPath, kubeconfigYaml(serverUrl, pki), { mode: 0o600 });
        apiserver = await group.start(
          'kube-apiserver',
          binaryPath('kube-apiserver'),
          apiserverArgs(dir, pki, etcdClient, apiPort, logPaths.audit, auditPolicyPath),
        );
        pids['kube-apiserver'] = apiserver.pid;
        logPaths['kube-apiserver'] = apiserver.logPath;
        const readyClient = createKubeClient({
          serverUrl,
          ca: pki.caCert,
          cert: pki.adminCert,
          key: pki.adminKey,
        });
        try {
          await pollUntil(
            'kube-apiserver /readyz',
            async () => {
              const res = await readyClient.get('/readyz', { accept: 'text/plain', timeoutMs: 5000 });
              return res.status === 200 && res.body.trim() === 'ok';
            },
            { timeoutMs: 120_000, abortIf: died(apiserver) },
          );
        } finally {
          readyClient.close();
        }
        timings.apiserver = lap();
        break;
      } catch (e) {
        const component: ControlPlaneComponent = apiserver ? 'kube-apiserver' : 'etcd';
        const clash = portClash(logs(component));
        const message = `${(e as Error).message}\n${tail(component)}`;
        if (apiserver) await group.discard(apiserver, graceMs);
        await group.discard(etcd, graceMs);
        if (!clash || attempt === 3) throw new Error(message, { cause: e });
        if (!(options.quiet ?? false)) {
          process.stderr.write(
            `[control-plane] ${component}: port taken meanwhile, starting again on new ports\n`,
          );
        }
        lap();
      }
    }

    const kubectl = (args: string[], kubectlOptions: KubectlOptions = {}): Promise<KubectlResult> =>
      runKubectl(kubeconfigPath, join(dir, 'kubectl-cache'), args, kubectlOptions);

    // --- kro CRDs
    if (crdDir !== undefined) {
      await kubectl(['apply', '--server-side', '-f', crdDir]);
      await kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crdDir]);
      timings.crds = lap();
    }

    // --- kro controller (retried like etcd when one of its two ports was taken)
    if (withKro) {
      for (let attempt = 1; ; attempt++) {
        const [kroMetrics, kroHealth] = (await freePorts(2)) as [number, number];
        const kro = await group.start('kro', binaryPath('kro-controller'), [
          `--kubeconfig=${kubeconfigPath}`,
          `--metrics-bind-address=127.0.0.1:${kroMetrics}`,
          `--health-probe-bind-address=127.0.0.1:${kroHealth}`,
          '--leader-elect=false',
          '--zap-devel=false',
          '--zap-encoder=json',
          '--zap-log-level=info',
        ]);
        pids.kro = kro.pid;
        logPaths.kro = kro.logPath;
        try {
          await pollUntil('kro ResourceGraphDefinition workers', () => kroWorkersStarted(logs('kro')), {
            timeoutMs: 60_000,
            abortIf: died(kro),
          });
          break;
        } catch (e) {
          const clash = portClash(logs('kro'));
          const message = `${(e as Error).message}\n${tail('kro')}`;
          await group.discard(kro, graceMs);
          if (!clash || attempt === 3) throw new Error(message, { cause: e });
        }
      }
      timings.kro = lap();
    }

    timings.total = Math.round(performance.now() - t0);
    if (!(options.quiet ?? false))
      process.stderr.write(`[control-plane] ${formatTimings(timings)} (${dir})\n`);

    return {
      kubeconfigPath,
      serverUrl,
      caPath: pki.caCertPath,
      dir,
      pki,
      pids,
      startupTimings: timings,
      kubectl,
      client: () => createKubeClient({ serverUrl, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey }),
      logs,
      onStop: (cleanup) => group.onStop(cleanup),
      stop: () => group.stop(graceMs),
    };
  } catch (e) {
    await group.stop(graceMs);
    throw e;
  }
}

/** kube-apiserver's flags (those of tools/controlplane/smoke-test.sh, plus the audit log when on). */
function apiserverArgs(
  dir: string,
  pki: ControlPlanePki,
  etcdClient: number,
  apiPort: number,
  auditLogPath: string | undefined,
  auditPolicyPath: string,
): string[] {
  const args = [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--cert-dir=${join(dir, 'apiserver')}`,
    `--tls-cert-file=${pki.apiserverCertPath}`,
    `--tls-private-key-file=${pki.apiserverKeyPath}`,
    `--client-ca-file=${pki.caCertPath}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
    `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
    '--endpoint-reconciler-type=none',
  ];
  if (auditLogPath !== undefined) {
    args.push(
      `--audit-policy-file=${auditPolicyPath}`,
      `--audit-log-path=${auditLogPath}`,
      '--audit-log-mode=blocking',
      '--audit-log-format=json',
    );
  }
  return args;
}

/** One line: `started in 6.10s: build check 0.52s, PKI 0.21s, etcd 0.80s, ...`. */
export function formatTimings(t: StartupTimings): string {
  const parts = [
    `build check ${secs(t.buildCheck)}`,
    `PKI ${secs(t.pki)}`,
    `etcd ${secs(t.etcd)}`,
    `kube-apiserver ${secs(t.apiserver)}`,
  ];
  if (t.crds !== undefined) parts.push(`CRDs ${secs(t.crds)}`);
  if (t.kro !== undefined) parts.push(`kro ${secs(t.kro)}`);
  return `started in ${secs(t.total)}: ${parts.join(', ')}`;
}

/** Runs the build script; returns its duration in ms. @throws Error with its output when it fails. */
function runBuildScript(quiet: boolean): number {
  const start = performance.now();
  const { code, output } = runSync('bash', [BUILD_SCRIPT], REPO_ROOT);
  const ms = Math.round(performance.now() - start);
  if (code !== 0) throw new Error(`scripts/build-control-plane.sh failed (exit ${code}):\n${output}`);
  if (!quiet) {
    const built = output.split('\n').filter((l) => / built in /.test(l));
    const what =
      built.length === 0
        ? 'all up to date'
        : built.map((l) => l.replace(/^\[build-control-plane\] /, '')).join('; ');
    process.stderr.write(
      `[control-plane] build check (scripts/build-control-plane.sh): ${secs(ms)}, ${what}\n`,
    );
  }
  return ms;
}

/** True when kro's JSON log has the "Starting workers" line of the ResourceGraphDefinition controller. */
export function kroWorkersStarted(log: string): boolean {
  for (const line of log.split('\n')) {
    if (!line.includes('Starting workers')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; controller?: unknown };
      if (entry.msg === 'Starting workers' && entry.controller === 'ResourceGraphDefinition') return true;
    } catch {
      // not a JSON line
    }
  }
  return false;
}

/** An admin kubeconfig with the CA and client credentials embedded (base64). */
function kubeconfigYaml(serverUrl: string, pki: ControlPlanePki): string {
  const b64 = (pem: string): string => Buffer.from(pem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kro-guard-e2e',
        cluster: { server: serverUrl, 'certificate-authority-data': b64(pki.caCert) },
      },
    ],
    users: [
      {
        name: 'admin',
        user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) },
      },
    ],
    contexts: [{ name: 'kro-guard-e2e', context: { cluster: 'kro-guard-e2e', user: 'admin' } }],
    'current-context': 'kro-guard-e2e',
  });
}

function runKubectl(
  kubeconfigPath: string,
  cacheDir: string,
  args: string[],
  options: KubectlOptions,
): Promise<KubectlResult> {
  const fullArgs = [`--kubeconfig=${kubeconfigPath}`, `--cache-dir=${cacheDir}`, ...args];
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(binaryPath('kubectl'), fullArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run kubectl: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== null) {
        reject(new Error(`kubectl ${args.join(' ')} killed by ${signal} (timeout ${timeoutMs} ms)`));
        return;
      }
      const result = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !(options.allowFailure ?? false)) reject(new KubectlError(args, result));
      else resolve(result);
    });
    child.stdin.on('error', () => {
      // kubectl may exit before reading its input; the exit status tells what happened.
    });
    child.stdin.end(options.input ?? '');
  });
}
