/**
 * Child processes of a test control plane: started with their output in a log file, stopped with
 * SIGTERM then SIGKILL after a deadline, and never left behind. Three layers make sure of the last
 * part:
 *
 * 1. `stop()` (the normal path, from a test's `after` hook);
 * 2. process handlers in this Node process: on `exit` (normal end, `process.exit`, an uncaught
 *    exception) every registered group is killed with SIGKILL synchronously and its directory removed;
 *    on SIGINT/SIGTERM/SIGHUP the same happens and the signal is re-raised, unless the program has
 *    its own listener for that signal (then the program is in charge, as `scripts/cluster.ts` is);
 * 3. a watchdog (`bash`, one per group, in its own process group) that notices when this Node process
 *    is gone without cleaning up (SIGKILL, OOM) and then terminates the recorded processes and
 *    removes the directory. It checks `/proc/<pid>/cmdline` first, so a recycled pid is never hit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** How a child process ended: exit code, or the signal that killed it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One started child process. */
export interface ManagedProcess {
  /** Component name, e.g. `etcd`. */
  name: string;
  pid: number;
  /** Absolute path of the file receiving its stdout and stderr. */
  logPath: string;
  /** Set once it has exited. */
  exitStatus: ExitStatus | undefined;
  /** Resolves when it has exited (never rejects). */
  exited: Promise<ExitStatus>;
  /**
   * SIGTERM, then SIGKILL if it is still running after `graceMs` (milliseconds); resolves when it has
   * exited. Idempotent.
   */
  stop(graceMs: number): Promise<ExitStatus>;
}

/**
 * A set of processes sharing a scratch directory, stopped in reverse start order and then the
 * directory removed (unless kept).
 */
export class ProcessGroup {
  readonly dir: string;
  readonly processes: ManagedProcess[] = [];
  /** Extra async clean-up run first by {@link ProcessGroup.stop} (e.g. closing an in-process server). */
  private readonly cleanups: (() => Promise<void>)[] = [];
  private watchdog: ChildProcess | undefined;
  private stopping: Promise<void> | undefined;
  private readonly keepDir: boolean;

  /**
   * @param dir scratch directory owned by the group (removed on stop unless `keepDir`).
   * @param keepDir keep `dir` after stopping (for debugging; the path is printed).
   */
  constructor(dir: string, keepDir: boolean) {
    this.dir = dir;
    this.keepDir = keepDir;
    LIVE_GROUPS.add(this);
    installProcessHandlers();
    this.startWatchdog();
  }

  /**
   * Starts `command` with `args`, stdout and stderr written to `<dir>/<name>.log` (replacing an
   * earlier attempt's log), stdin closed. The pid is recorded for the watchdog.
   *
   * @throws Error when the process cannot be spawned (missing binary, permissions).
   */
  async start(
    name: string,
    command: string,
    args: string[],
    env?: NodeJS.ProcessEnv,
  ): Promise<ManagedProcess> {
    if (this.stopping) throw new Error(`cannot start ${name}: the process group is stopping`);
    const logPath = join(this.dir, `${name}.log`);
    const fd = openSync(logPath, 'w');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', fd, fd], env: env ?? process.env });
    } finally {
      closeSync(fd);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new Error(`cannot start ${name} (${command}): ${e.message}`)));
    });
    const pid = child.pid!;
    appendFileSync(join(this.dir, 'pids'), `${pid}\t${command}\n`);
    let stopPromise: Promise<ExitStatus> | undefined;
    const managed: ManagedProcess = {
      name,
      pid,
      logPath,
      exitStatus: undefined,
      exited: new Promise<ExitStatus>((resolve) => {
        child.once('exit', (code, signal) => {
          managed.exitStatus = { code, signal };
          resolve(managed.exitStatus);
        });
      }),
      stop: (graceMs) =>
        (stopPromise ??= (async () => {
          if (managed.exitStatus) return managed.exitStatus;
          signal(pid, 'SIGTERM');
          const grace = new AbortController();
          const timer = delay(graceMs, 'timeout' as const, { signal: grace.signal }).catch(
            () => 'exited' as const,
          );
          const first = await Promise.race([managed.exited, timer]);
          grace.abort();
          if (first === 'timeout') signal(pid, 'SIGKILL');
          return managed.exited;
        })()),
    };
    this.processes.push(managed);
    return managed;
  }

  /**
   * Stops `p` (SIGTERM, SIGKILL after `graceMs` ms) and forgets it, for a start-up attempt that is
   * retried. Its log file stays until the group stops.
   */
  async discard(p: ManagedProcess, graceMs: number): Promise<void> {
    await p.stop(graceMs);
    const i = this.processes.indexOf(p);
    if (i >= 0) this.processes.splice(i, 1);
  }

  /** Registers clean-up work that {@link ProcessGroup.stop} runs before stopping the processes. */
  onStop(cleanup: () => Promise<void>): void {
    this.cleanups.unshift(cleanup);
  }

  /**
   * Runs the clean-ups, stops the processes in reverse start order (each: SIGTERM, SIGKILL after
   * `graceMs` ms), removes the directory unless kept, and ends the watchdog. Idempotent: later calls
   * return the first call's promise. Clean-up errors are reported on stderr, never thrown, so the
   * processes are always stopped.
   */
  stop(graceMs: number): Promise<void> {
    return (this.stopping ??= (async () => {
      for (const cleanup of this.cleanups) {
        try {
          await cleanup();
        } catch (e) {
          process.stderr.write(
            `[control-plane] clean-up failed: ${e instanceof Error ? e.message : String(e)}\n`,
          );
        }
      }
      for (const p of [...this.processes].reverse()) await p.stop(graceMs);
      this.finish();
    })());
  }

  /** Synchronous last resort (process exit or signal): SIGKILL everything, remove the directory. */
  killNow(): void {
    for (const p of [...this.processes].reverse()) if (!p.exitStatus) signal(p.pid, 'SIGKILL');
    this.finish();
  }

  private finish(): void {
    if (this.keepDir) process.stderr.write(`[control-plane] kept ${this.dir}\n`);
    else rmSync(this.dir, { recursive: true, force: true });
    const wd = this.watchdog;
    this.watchdog = undefined;
    // The watchdog leads its own process group: end it and its `sleep` child together.
    if (wd?.pid !== undefined && wd.exitCode === null && wd.signalCode === null) signal(-wd.pid, 'SIGTERM');
    LIVE_GROUPS.delete(this);
  }

  private startWatchdog(): void {
    const child = spawn(
      'bash',
      ['-c', WATCHDOG_SCRIPT, 'kro-guard-watchdog', String(process.pid), this.dir],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    child.on('error', (e) => process.stderr.write(`[control-plane] no watchdog: ${e.message}\n`));
    child.unref();
    this.watchdog = child;
  }
}

/** Sends `sig`; a process that is already gone is not an error. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/**
 * Watchdog, run as `bash -c SCRIPT name PARENT_PID DIR`: waits (1 s polls) until PARENT_PID is gone;
 * then, if DIR still exists, sends SIGTERM to each pid in DIR/pids (newest first) whose command line
 * still contains the recorded binary, SIGKILL after 5 s to survivors, and removes DIR.
 */
const WATCHDOG_SCRIPT = String.raw`
parent="$1"; dir="$2"
while kill -0 "$parent" 2>/dev/null; do sleep 1; done
[ -d "$dir" ] || exit 0
ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"; }
if [ -f "$dir/pids" ]; then
  tac "$dir/pids" | while IFS=$'\t' read -r pid bin; do ours "$pid" "$bin" && kill -TERM "$pid" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=0
    while IFS=$'\t' read -r pid bin; do
      if ours "$pid" "$bin" && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then alive=1; fi
    done <"$dir/pids"
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  while IFS=$'\t' read -r pid bin; do ours "$pid" "$bin" && kill -KILL "$pid" 2>/dev/null; done <"$dir/pids"
fi
rm -rf -- "$dir"
`;

/** Groups not yet stopped; the process handlers clean these up. */
const LIVE_GROUPS = new Set<ProcessGroup>();
let handlersInstalled = false;

function killAllNow(): void {
  for (const group of [...LIVE_GROUPS]) group.killNow();
}

function installProcessHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // Another listener (a program managing its own shutdown) is in charge of this signal.
      if (process.listenerCount(sig) > 1) return;
      killAllNow();
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/**
 * True when `pid` is a running process (not a zombie waiting to be reaped). Linux: reads
 * `/proc/<pid>/status`.
 */
export function isRunning(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s*Z/m.test(status);
  } catch {
    return false;
  }
}

/**
 * Runs `command` to completion (no shell), returning its exit code and output. For short tools such
 * as the build script; `spawnSync` is not used for kubectl because it would block the event loop
 * (and with it an in-process webhook the API server is calling).
 */
export function runSync(command: string, args: string[], cwd: string): { code: number; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`cannot run ${command}: ${r.error.message}`);
  return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}
