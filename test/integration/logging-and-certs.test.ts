/**
 * What the webhook logs (decisions, not requests; secrets redacted) and hot reload of its certificate.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { writeCertificateBundle } from '../../src/certs/files.ts';
import { generateCertificateBundle } from '../../src/certs/generate.ts';
import { webhookLogger } from '../../src/server/logger.ts';
import { corpusRgd, makeCertDir, review, rgdReview, send, startTestServer, type CertDir } from './helpers.ts';

let certs: CertDir;
before(async () => {
  certs = await makeCertDir();
});
after(async () => {
  await certs.remove();
});

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void out.push(s) });
  return { logger, lines: () => out.map((s) => JSON.parse(s) as Record<string, unknown>) };
}

describe('logging', () => {
  it('logs one line per decision with uid, kind, name, operation, allowed, dryRun and duration', async () => {
    const { logger, lines } = capture();
    const server = await startTestServer(certs, { logger });
    try {
      const before = lines().length;
      assert.equal((await send(server, certs.caCert, 'GET', '/healthz')).status, 200);
      const body = rgdReview('DELETE', null, corpusRgd('kubernetes/webapp/rg.yaml'), { dryRun: true });
      assert.equal((await review(server, certs.caCert, '/validate', body)).status, 200);
      const logged = lines().slice(before);
      assert.equal(logged.length, 1, JSON.stringify(logged));
      const line = logged[0]!;
      assert.equal(line.msg, 'admission decision');
      assert.equal(line.level, 30);
      assert.equal(line.uid, body.request.uid);
      assert.equal(line.kind, 'ResourceGraphDefinition');
      assert.equal(line.name, 'webapp.kro.run');
      assert.equal(line.operation, 'DELETE');
      assert.equal(line.allowed, true);
      assert.equal(line.dryRun, true);
      assert.equal(line.route, 'validate');
      assert.equal(typeof line.durationMs, 'number');
    } finally {
      await server.close();
    }
  });

  it('logs a handler failure at error level with the error', async () => {
    const { logger, lines } = capture();
    const server = await startTestServer(certs, {
      logger,
      reviewHandlers: {
        validate: () => {
          throw new Error('boom in handler');
        },
      },
    });
    try {
      await review(
        server,
        certs.caCert,
        '/validate',
        rgdReview('CREATE', corpusRgd('kubernetes/webapp/rg.yaml')),
      );
      const failed = lines().filter((l) => l.msg === 'admission failed');
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.level, 50);
      assert.equal(failed[0]!.error, 'boom in handler');
      assert.equal(failed[0]!.allowed, false);
      assert.equal(failed[0]!.failurePolicy, 'Fail');
    } finally {
      await server.close();
    }
  });

  it('redacts data and stringData of logged objects', () => {
    const { logger, lines } = capture();
    const log = webhookLogger('info', logger);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      data: { password: 'aHVudGVyMg==' },
      stringData: { token: 't0k3n' },
    };
    log.info({ review: { request: { object: secret, oldObject: secret } } }, 'review');
    log.info({ request: { object: secret } }, 'request');
    const text = JSON.stringify(lines());
    assert.ok(!text.includes('aHVudGVyMg=='), text);
    assert.ok(!text.includes('t0k3n'), text);
    const first = lines()[0] as { review: { request: { object: { data: unknown; kind: string } } } };
    assert.equal(first.review.request.object.data, '[REDACTED]');
    assert.equal(first.review.request.object.kind, 'Secret');
  });
});

describe('certificate reload', () => {
  it('serves a new certificate after its files change, without a restart', async () => {
    const dir = await makeCertDir();
    const server = await startTestServer(dir);
    try {
      assert.equal((await send(server, dir.caCert, 'GET', '/healthz')).status, 200);
      const renewed = generateCertificateBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
      await writeCertificateBundle(dir.dir, renewed);
      // The file watch reloads within a moment; wait for the new CA to be accepted.
      let ok = false;
      for (let i = 0; i < 100 && !ok; i++) {
        ok = await send(server, renewed.caCert, 'GET', '/healthz').then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ok) await sleep(50);
      }
      assert.equal(ok, true, 'the renewed certificate is served');
      await assert.rejects(send(server, dir.caCert, 'GET', '/healthz'), /certificate|self-signed|verify/i);
    } finally {
      await server.close();
      await dir.remove();
    }
  });

  it('keeps the current certificate when the new key does not match, and reports it', async () => {
    const dir = await makeCertDir();
    const server = await startTestServer(dir, { watchCertificates: false });
    try {
      const a = generateCertificateBundle({ dnsNames: ['localhost'] });
      const b = generateCertificateBundle({ dnsNames: ['localhost'] });
      await writeCertificateBundle(dir.dir, { ...a, key: b.key });
      assert.equal(await server.reloadCertificates(), false);
      assert.equal((await send(server, dir.caCert, 'GET', '/healthz')).status, 200);
      await writeCertificateBundle(dir.dir, a);
      assert.equal(await server.reloadCertificates(), true);
      assert.equal((await send(server, a.caCert, 'GET', '/healthz')).status, 200);
      assert.equal(await server.reloadCertificates(), false, 'nothing changed');
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});

describe('startServer errors', () => {
  it('rejects with the path when the certificate file is missing', async () => {
    await assert.rejects(
      startTestServer({ ...certs, certPath: `${certs.dir}/missing.crt` }),
      /cannot read TLS certificate ".*missing\.crt"/,
    );
  });

  it('rejects when the port is taken', async () => {
    const first = await startTestServer(certs, {
      reviewHandlers: { validate: () => Promise.reject(new Error('x')) },
    });
    try {
      await assert.rejects(
        startTestServer(certs, {
          port: first.port,
          reviewHandlers: { validate: () => Promise.reject(new Error('x')) },
        }),
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });

  it('stops listening on close, and close is idempotent', async () => {
    const server = await startTestServer(certs);
    await Promise.all([server.close(), server.close()]);
    await assert.rejects(send(server, certs.caCert, 'GET', '/readyz'), /ECONNREFUSED/);
  });
});
