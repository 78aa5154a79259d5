/**
 * A local control plane with kro and kro-guard, for trying kro-guard by hand.
 *
 *   npm run cluster:up     # foreground: etcd, kube-apiserver, kro, kro-guard registered; Ctrl-C stops
 *   npm run cluster:down   # from another shell: stops the running one
 *
 * `up` writes `.cache/cluster/kubeconfig` (admin, credentials embedded: `KUBECONFIG=.cache/cluster/kubeconfig
 * kubectl get rgd`) and `.cache/cluster/state.json` ({pid, dir, kubeconfig, serverUrl, webhookUrl,
 * startedAt}); both are removed on teardown. `down` sends SIGTERM to the pid in the state file (SIGKILL
 * after 60 s; the harness's watchdog then removes what is left) and waits until it has gone.
 * Exit codes: 0 done, 1 failure, 2 usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  REPO_ROOT,
  formatTimings,
  isRunning,
  pollUntil,
  startControlPlane,
  startWebhook,
  type ControlPlane,
} from '../test/harness/index.ts';

const STATE_DIR = join(REPO_ROOT, '.cache', 'cluster');
const STATE_FILE = join(STATE_DIR, 'state.json');
const KUBECONFIG = join(STATE_DIR, 'kubeconfig');

/** Content of `.cache/cluster/state.json`. */
interface ClusterState {
  pid: number;
  dir: string;
  kubeconfig: string;
  serverUrl: string;
  webhookUrl: string;
  startedAt: string;
}

const log = (message: string): void => {
  process.stderr.write(`[cluster] ${message}\n`);
};

/** The state file's content, or undefined when there is none (or it does not parse). */
async function readState(): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(STATE_FILE, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** True when `pid` is a live `cluster.ts` process (not a recycled pid). */
function isClusterProcess(pid: number): boolean {
  if (!isRunning(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('cluster.ts');
  } catch {
    return false;
  }
}

async function removeState(): Promise<void> {
  await rm(STATE_FILE, { force: true });
  await rm(KUBECONFIG, { force: true });
}

async function up(): Promise<number> {
  const existing = await readState();
  if (existing && existing.pid !== process.pid && isClusterProcess(existing.pid)) {
    log(`already running (pid ${existing.pid}, ${existing.serverUrl}); stop it with: npm run cluster:down`);
    return 1;
  }

  /** Set once the control plane is up (read by the signal handlers and the teardown). */
  const running: { cp?: ControlPlane } = {};
  let monitor: NodeJS.Timeout | undefined;
  let tearingDown: Promise<number> | undefined;
  const teardown = (code: number): Promise<number> =>
    (tearingDown ??= (async () => {
      clearInterval(monitor);
      log('stopping ...');
      await running.cp?.stop();
      await removeState();
      log('stopped');
      return code;
    })());

  // Installed before the control plane starts, so the harness leaves these signals to this program.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (running.cp === undefined) {
        // Still starting: exit now; the harness's exit handler kills whatever was started.
        log(`${sig} during start-up: exiting`);
        process.exit(130);
      }
      void teardown(0).then((code) => process.exit(code));
    });
  }

  const started = await startControlPlane({});
  running.cp = started;
  let webhookUrl: string;
  try {
    webhookUrl = (await startWebhook(started)).url;
  } catch (e) {
    await teardown(1);
    throw e;
  }
  await mkdir(STATE_DIR, { recursive: true });
  await copyFile(started.kubeconfigPath, KUBECONFIG);
  const state: ClusterState = {
    pid: process.pid,
    dir: started.dir,
    kubeconfig: KUBECONFIG,
    serverUrl: started.serverUrl,
    webhookUrl,
    startedAt: new Date().toISOString(),
  };
  await writeFile(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
  log(formatTimings(started.startupTimings));
  log(`API server ${started.serverUrl}, kro-guard ${webhookUrl} (registered), logs in ${started.dir}`);
  log(`export KUBECONFIG=${KUBECONFIG}`);
  log('running; Ctrl-C or `npm run cluster:down` stops it');

  // Stay in the foreground; leave if a component dies.
  const pids = Object.entries(started.pids);
  return new Promise<number>((resolve) => {
    monitor = setInterval(() => {
      const dead = pids.find(([, pid]) => pid !== undefined && !isRunning(pid));
      if (dead && tearingDown === undefined) {
        log(`${dead[0]} (pid ${dead[1]}) exited unexpectedly`);
        void teardown(1).then(resolve);
      }
    }, 2000);
  });
}

async function down(): Promise<number> {
  const state = await readState();
  if (!state) {
    log('no cluster is running (no .cache/cluster/state.json)');
    return 0;
  }
  if (!isClusterProcess(state.pid)) {
    log(`pid ${state.pid} is not running; removing the stale state`);
    await removeState();
    return 0;
  }
  log(`stopping pid ${state.pid} ...`);
  process.kill(state.pid, 'SIGTERM');
  try {
    await pollUntil('the cluster to stop', () => !isClusterProcess(state.pid), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
  } catch {
    log(
      `pid ${state.pid} did not stop within 60 s: SIGKILL (its watchdog removes the processes and ${state.dir})`,
    );
    process.kill(state.pid, 'SIGKILL');
    await pollUntil('the cluster process to die', () => !isRunning(state.pid), { timeoutMs: 10_000 });
  }
  if (existsSync(STATE_FILE)) await removeState();
  log('stopped');
  return 0;
}

const command = process.argv[2];
let code: number;
try {
  if (command === 'up') code = await up();
  else if (command === 'down') code = await down();
  else {
    process.stderr.write('usage: node --import tsx scripts/cluster.ts up|down\n');
    code = 2;
  }
} catch (e) {
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
}
process.exit(code);
