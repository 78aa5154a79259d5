/**
 * The harness itself: a control plane starts, answers, reports its timings and logs, and leaves
 * nothing behind, whether stopped normally or when its Node process crashes, is signalled or killed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { REPO_ROOT, isRunning, pollUntil, startControlPlane } from '../harness/index.ts';
import { fixture } from './helpers.ts';

describe('startControlPlane', () => {
  it(
    'starts etcd and kube-apiserver with an admin kubeconfig, and stop() removes everything',
    { timeout: 180_000 },
    async () => {
      const cp = await startControlPlane({ kro: false, crds: false });
      let stopped = false;
      try {
        const whoami = await cp.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.groups}']);
        assert.match(whoami.stdout, /system:masters/);
        const version = await cp.kubectl(['version', '-o', 'json']);
        assert.equal(
          (JSON.parse(version.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion,
          'v1.35.4',
        );
        const failed = await cp.kubectl(['get', 'nosuchkind'], { allowFailure: true });
        assert.notEqual(failed.code, 0);
        await assert.rejects(cp.kubectl(['get', 'nosuchkind']), /exited with 1/);

        const t = cp.startupTimings;
        for (const phase of [t.pki, t.etcd, t.apiserver]) assert.ok(phase > 0, JSON.stringify(t));
        assert.equal(t.crds, undefined);
        assert.equal(t.kro, undefined);
        assert.ok(t.total >= t.buildCheck + t.pki + t.etcd + t.apiserver, JSON.stringify(t));
        assert.match(cp.logs('kube-apiserver'), /Serving securely on 127\.0\.0\.1:/);
        assert.equal(cp.logs('kro'), '');

        const pids = Object.values(cp.pids);
        assert.equal(pids.length, 2);
        assert.ok(pids.every(isRunning));
        await cp.stop();
        stopped = true;
        assert.ok(!pids.some(isRunning), 'a process survived stop()');
        assert.equal(existsSync(cp.dir), false);
        await cp.stop(); // idempotent
      } finally {
        if (!stopped) await cp.stop();
      }
    },
  );
});

/**
 * Starts harness-child.ts in `mode` (added to `children` at once, so the caller can kill it whatever
 * happens); resolves once it reported its started control plane. `exited` resolves with the exit code,
 * or the signal name when it was killed.
 */
async function startChild(mode: string, children: ChildProcess[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('harness-child.ts'), mode], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) =>
      reject(new Error(`harness-child ${mode} exited (${code}) before starting:\n${stderr}`)),
    );
  });
  const started = JSON.parse(line) as { dir: string; pids: number[] };
  assert.equal(started.pids.length, 2);
  assert.ok(started.pids.every(isRunning));
  return { child, exited, stderr: () => stderr, ...started };
}

async function assertCleanedUp(what: string, dir: string, pids: number[], timeoutMs: number) {
  await pollUntil(
    `${what}: processes gone and ${dir} removed`,
    () => !pids.some(isRunning) && !existsSync(dir),
    {
      timeoutMs,
      intervalMs: 200,
    },
  );
}

describe('nothing is left running when the test process does not call stop()', () => {
  it('uncaught exception, SIGTERM and SIGKILL of the Node process', { timeout: 180_000 }, async () => {
    const children: ChildProcess[] = [];
    try {
      // Three control planes start at once (also exercises free-port selection across processes).
      const [thrown, terminated, killed] = await Promise.all(
        ['throw', 'sigterm', 'wait'].map((mode) => startChild(mode, children)),
      );
      terminated!.child.kill('SIGTERM');
      killed!.child.kill('SIGKILL');
      assert.equal(await thrown!.exited, 1);
      assert.match(thrown!.stderr(), /Error: crash on purpose/);
      assert.equal(await terminated!.exited, 'SIGTERM'); // handled, then re-raised
      assert.equal(await killed!.exited, 'SIGKILL');
      // The exit and signal handlers kill the children before the process is gone; a killed child can
      // still be seen (as a zombie not yet reaped by init) for a moment, so poll briefly.
      await assertCleanedUp('after an uncaught exception', thrown!.dir, thrown!.pids, 5_000);
      await assertCleanedUp('after SIGTERM', terminated!.dir, terminated!.pids, 5_000);
      // SIGKILL: the watchdog notices within about a second and terminates the rest.
      await assertCleanedUp('after SIGKILL', killed!.dir, killed!.pids, 20_000);
    } finally {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
