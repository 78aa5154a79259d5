/**
 * The review worker pool with real worker threads: the real engine worker, and stand-in workers that
 * hang, crash or fail to start.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReviewPool } from '../../src/server/review-pool.ts';
import { corpusRgd, rgdReview } from './helpers.ts';

const STUB = new URL('./fixtures/stub-worker.ts', import.meta.url);
const BROKEN = new URL('./fixtures/broken-worker.ts', import.meta.url);

function body(name: string): string {
  const r = rgdReview('CREATE', {
    apiVersion: 'kro.run/v1alpha1',
    kind: 'ResourceGraphDefinition',
    metadata: { name },
  });
  return JSON.stringify(r);
}

describe('ReviewPool', () => {
  it('decides real reviews with the real engine in worker threads', async () => {
    const pool = new ReviewPool({ size: 2 });
    try {
      assert.equal(await pool.whenReady(20_000), true, pool.startupError);
      const webapp = corpusRgd('kubernetes/webapp/rg.yaml');
      const valid = rgdReview('CREATE', webapp);
      const invalid = rgdReview('CREATE', {
        ...webapp,
        spec: { ...(webapp.spec as object), schema: { apiVersion: 'v1alpha1', kind: 'lower' } },
      });
      const [a, b] = await Promise.all([
        pool.run('validate', JSON.stringify(valid)),
        pool.run('validate', JSON.stringify(invalid)),
      ]);
      assert.equal(a.response?.uid, valid.request.uid);
      assert.equal(a.response?.allowed, true);
      assert.equal(b.response?.uid, invalid.request.uid);
      assert.equal(b.response?.allowed, false);
      assert.match(b.response?.status?.message ?? '', /spec\.schema\.kind/);
    } finally {
      await pool.close();
    }
  });

  it('terminates a worker stuck in a loop when its signal aborts, and keeps serving', async () => {
    const pool = new ReviewPool({ size: 1, workerUrl: STUB });
    try {
      assert.equal(await pool.whenReady(20_000), true);
      const controller = new AbortController();
      const stuck = pool.run('validate', body('spin'), controller.signal);
      setTimeout(() => controller.abort(), 200);
      await assert.rejects(stuck, /abandoned/);
      // The only worker was replaced: the next review is answered.
      const next = await pool.run('validate', body('fine'));
      assert.equal(next.response?.allowed, true);
      assert.deepEqual(next.response?.warnings, ['validate by worker']);
    } finally {
      await pool.close();
    }
  });

  it('drops a queued review whose signal aborts before a worker is free', async () => {
    const pool = new ReviewPool({ size: 1, workerUrl: STUB });
    try {
      assert.equal(await pool.whenReady(20_000), true);
      const busy = new AbortController();
      const queued = new AbortController();
      const first = pool.run('validate', body('spin'), busy.signal);
      const second = pool.run('mutate', body('fine'), queued.signal);
      queued.abort();
      await assert.rejects(second, /abandoned/);
      busy.abort();
      await assert.rejects(first, /abandoned/);
      assert.equal((await pool.run('mutate', body('fine'))).response?.warnings?.[0], 'mutate by worker');
    } finally {
      await pool.close();
    }
  });

  it('fails the review of a worker that exits or throws, and replaces the worker', async () => {
    const pool = new ReviewPool({ size: 1, workerUrl: STUB });
    try {
      assert.equal(await pool.whenReady(20_000), true);
      await assert.rejects(pool.run('validate', body('exit')), /review worker stopped: exit code 3/);
      await assert.rejects(
        pool.run('validate', body('throw')),
        /review worker stopped: Error: stub worker blew up/,
      );
      await assert.rejects(pool.run('validate', body('fail')), /stub decision failed/);
      assert.equal((await pool.run('validate', body('fine'))).response?.allowed, true);
    } finally {
      await pool.close();
    }
  });

  it('reports a worker that cannot start, and fails reviews at once with the reason', async () => {
    const pool = new ReviewPool({ size: 1, workerUrl: BROKEN });
    try {
      assert.equal(await pool.whenReady(20_000), false);
      assert.match(pool.startupError ?? '', /engine failed to load/);
      assert.equal(pool.readyWorkers, 0);
      await assert.rejects(
        pool.run('validate', body('fine')),
        /review worker could not start: .*engine failed to load/,
      );
    } finally {
      await pool.close();
    }
  });

  it('rejects reviews after close', async () => {
    const pool = new ReviewPool({ size: 1, workerUrl: STUB });
    await pool.whenReady(20_000);
    await pool.close();
    await assert.rejects(pool.run('validate', body('fine')), /closed/);
  });
});
