/**
 * failurePolicy over real HTTPS: handlers that throw, never finish, or answer nonsense are replaced by
 * the failurePolicy answer (test-only `reviewHandlers`), and the server stays healthy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AdmissionReview } from '../../src/admission/types.ts';
import { allowReview } from '../../src/admission/respond.ts';
import type { ReviewHandler } from '../../src/server/handlers.ts';
import type { RunningServer } from '../../src/server/server.ts';
import { corpusRgd, makeCertDir, review, rgdReview, send, startTestServer, type CertDir } from './helpers.ts';

const webapp = corpusRgd('kubernetes/webapp/rg.yaml');
let certs: CertDir;
before(async () => {
  certs = await makeCertDir();
});
after(async () => {
  await certs.remove();
});

const throwing: ReviewHandler = () => {
  throw new Error('engine exploded');
};
const rejecting: ReviewHandler = async () => {
  throw new TypeError('cannot read properties of undefined');
};
/** Never finishes on its own; resolves (too late) only when the server abandons it. */
function hanging(aborted: AbortSignal[]): ReviewHandler {
  return (review, { signal }) =>
    new Promise<AdmissionReview>((resolve) => {
      signal.addEventListener('abort', () => {
        aborted.push(signal);
        resolve(allowReview(review.request.uid));
      });
    });
}
const wrongUid: ReviewHandler = () => allowReview('someone-else');

async function withServer(
  policy: 'Fail' | 'Ignore',
  validate: ReviewHandler,
  fn: (server: RunningServer) => Promise<void>,
  mutate?: ReviewHandler,
): Promise<void> {
  const server = await startTestServer(certs, {
    failurePolicy: policy,
    reviewTimeoutMs: 300,
    reviewHandlers: mutate ? { validate, mutate } : { validate },
  });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

function response(r: AdmissionReview): NonNullable<AdmissionReview['response']> {
  assert.ok(r.response);
  return r.response;
}

describe('failurePolicy Fail', () => {
  it('denies with the error named when the handler throws or rejects', async () => {
    for (const [handler, text] of [
      [throwing, 'engine exploded'],
      [rejecting, 'cannot read properties of undefined'],
    ] as const) {
      await withServer('Fail', handler, async (server) => {
        const body = rgdReview('CREATE', webapp);
        const res = await review(server, certs.caCert, '/validate', body);
        assert.equal(res.status, 200);
        const r = response(res.review);
        assert.equal(r.uid, body.request.uid);
        assert.equal(r.allowed, false);
        assert.equal(r.status?.code, 500);
        assert.equal(r.status?.reason, 'InternalError');
        assert.match(r.status?.message ?? '', /kro-guard failed internally/);
        assert.ok(r.status?.message.includes(text), r.status?.message);
        assert.match(r.status?.message ?? '', /failurePolicy is Fail/);
      });
    }
  });

  it('denies with a Timeout when the handler misses its deadline, and abandons the handler', async () => {
    const aborted: AbortSignal[] = [];
    await withServer('Fail', hanging(aborted), async (server) => {
      const body = rgdReview('CREATE', webapp);
      const r = response((await review(server, certs.caCert, '/validate', body)).review);
      assert.equal(r.uid, body.request.uid);
      assert.equal(r.allowed, false);
      assert.equal(r.status?.code, 504);
      assert.equal(r.status?.reason, 'Timeout');
      assert.match(r.status?.message ?? '', /did not finish within \d+ ms/);
      assert.equal(aborted.length, 1, 'the handler was told to stop');
      assert.equal((await send(server, certs.caCert, 'GET', '/healthz')).status, 200);
    });
  });

  it('treats a response for another uid as an internal failure', async () => {
    await withServer('Fail', wrongUid, async (server) => {
      const body = rgdReview('CREATE', webapp);
      const r = response((await review(server, certs.caCert, '/validate', body)).review);
      assert.equal(r.uid, body.request.uid);
      assert.equal(r.allowed, false);
      assert.match(r.status?.message ?? '', /no response for this request/);
    });
  });

  it('does not apply to /mutate, which allows without a patch when it fails', async () => {
    await withServer(
      'Fail',
      throwing,
      async (server) => {
        const body = rgdReview('CREATE', webapp);
        const r = response((await review(server, certs.caCert, '/mutate', body)).review);
        assert.equal(r.uid, body.request.uid);
        assert.equal(r.allowed, true);
        assert.equal(r.patch, undefined);
        assert.match((r.warnings ?? []).join('\n'), /mutate broke/);
      },
      () => {
        throw new Error('mutate broke');
      },
    );
  });
});

describe('failurePolicy Ignore', () => {
  it('allows with a warning when the handler throws', async () => {
    await withServer('Ignore', throwing, async (server) => {
      const body = rgdReview('CREATE', webapp);
      const r = response((await review(server, certs.caCert, '/validate', body)).review);
      assert.equal(r.uid, body.request.uid);
      assert.equal(r.allowed, true);
      assert.equal(r.status, undefined);
      assert.equal(r.warnings?.length, 1);
      assert.match(
        r.warnings?.[0] ?? '',
        /^not checked \(failurePolicy Ignore\): kro-guard failed internally: engine exploded/,
      );
      assert.ok((r.warnings?.[0]?.length ?? 0) < 120);
    });
  });

  it('allows with a warning when the handler misses its deadline', async () => {
    const aborted: AbortSignal[] = [];
    await withServer('Ignore', hanging(aborted), async (server) => {
      const body = rgdReview('CREATE', webapp);
      const r = response((await review(server, certs.caCert, '/validate', body)).review);
      assert.equal(r.allowed, true);
      assert.match(r.warnings?.[0] ?? '', /did not finish within \d+ ms/);
      assert.equal(aborted.length, 1);
    });
  });

  it('still answers client mistakes with 400, not with the failurePolicy', async () => {
    await withServer('Ignore', throwing, async (server) => {
      const res = await send(server, certs.caCert, 'POST', '/validate', 'not json');
      assert.equal(res.status, 400);
    });
  });
});
