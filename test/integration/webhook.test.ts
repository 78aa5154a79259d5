/**
 * The real HTTPS webhook with the real engine (worker pool), real certificates and real corpus RGDs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jsonPatch from 'fast-json-patch';
import type { AdmissionReview } from '../../src/admission/types.ts';
import type { RunningServer } from '../../src/server/server.ts';
import {
  clone,
  corpusRgd,
  makeCertDir,
  review,
  rgdReview,
  send,
  startTestServer,
  type CertDir,
} from './helpers.ts';

let certs: CertDir;
let server: RunningServer;
const webapp = corpusRgd('kubernetes/webapp/rg.yaml');

before(async () => {
  certs = await makeCertDir();
  server = await startTestServer(certs);
});
after(async () => {
  await server.close();
  await certs.remove();
});

function response(r: AdmissionReview): NonNullable<AdmissionReview['response']> {
  assert.ok(r.response, 'the AdmissionReview has a response');
  return r.response;
}

function withKind(rgd: Record<string, unknown>, kind: string): Record<string, unknown> {
  const copy = clone(rgd) as { spec: { schema: { kind: string } } };
  copy.spec.schema.kind = kind;
  return copy as unknown as Record<string, unknown>;
}

describe('webhook over HTTPS', () => {
  it('answers healthz and readyz', async () => {
    const health = await send(server, certs.caCert, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await send(server, certs.caCert, 'GET', '/readyz');
    assert.equal(ready.status, 200, ready.text);
    assert.deepEqual(ready.json, { status: 'ready' });
  });

  it('refuses a client that does not trust its CA', async () => {
    const other = await makeCertDir();
    try {
      await assert.rejects(
        send(server, other.caCert, 'GET', '/healthz'),
        /self-signed|unable to verify|certificate/i,
      );
    } finally {
      await other.remove();
    }
  });

  it('allows a valid RGD from the corpus (webapp) on CREATE', async () => {
    const body = rgdReview('CREATE', webapp);
    const res = await review(server, certs.caCert, '/validate', body);
    assert.equal(res.status, 200);
    assert.equal(res.review.apiVersion, 'admission.k8s.io/v1');
    assert.equal(res.review.kind, 'AdmissionReview');
    const r = response(res.review);
    assert.equal(r.uid, body.request.uid);
    assert.equal(r.allowed, true, JSON.stringify(r));
    assert.equal(r.status, undefined);
  });

  it('denies an RGD whose spec.schema.kind is not UpperCamelCase, naming the path', async () => {
    const body = rgdReview('CREATE', withKind(webapp, 'badKind'));
    const res = await review(server, certs.caCert, '/validate', body);
    assert.equal(res.status, 200);
    const r = response(res.review);
    assert.equal(r.uid, body.request.uid);
    assert.equal(r.allowed, false);
    assert.equal(r.status?.code, 422);
    assert.equal(r.status?.reason, 'Invalid');
    assert.match(
      r.status?.message ?? '',
      /^ResourceGraphDefinition "webapp\.kro\.run" is invalid: \d+ errors?\n- /,
    );
    assert.match(r.status?.message ?? '', /\n- spec\.schema\.kind: /);
  });

  it('denies an UPDATE that changes spec.schema.kind: kind is immutable', async () => {
    const body = rgdReview('UPDATE', withKind(webapp, 'WebApplication'), webapp);
    const r = response((await review(server, certs.caCert, '/validate', body)).review);
    assert.equal(r.uid, body.request.uid);
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /kind is immutable/);
    assert.match(r.status?.message ?? '', /spec\.schema\.kind/);
  });

  it('allows an UPDATE that only changes metadata of a stored invalid RGD (finalizer removal)', async () => {
    const invalid = withKind(webapp, 'badKind');
    const updated = clone(invalid) as { metadata: Record<string, unknown> };
    updated.metadata.finalizers = [];
    const r = response(
      (await review(server, certs.caCert, '/validate', rgdReview('UPDATE', updated, invalid))).review,
    );
    assert.equal(r.allowed, true);
  });

  it('allows DELETE without checking', async () => {
    const body = rgdReview('DELETE', null, withKind(webapp, 'badKind'));
    const res = await review(server, certs.caCert, '/validate', body);
    assert.equal(res.status, 200);
    assert.deepEqual(res.review, {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: body.request.uid, allowed: true },
    });
  });

  it('answers a dry-run exactly as the same request without dry-run', async () => {
    for (const rgd of [webapp, withKind(webapp, 'badKind')]) {
      const wet = rgdReview('CREATE', rgd);
      const dry = clone(wet);
      dry.request.dryRun = true;
      const a = response((await review(server, certs.caCert, '/validate', wet)).review);
      const b = response((await review(server, certs.caCert, '/validate', dry)).review);
      assert.deepEqual(b, a);
    }
  });

  it('allows objects of other kinds without warnings', async () => {
    const body = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'cm-1',
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        resource: { group: '', version: 'v1', resource: 'configmaps' },
        operation: 'CREATE',
        object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } },
      },
    };
    const r = response((await review(server, certs.caCert, '/validate', body)).review);
    assert.deepEqual(r, { uid: 'cm-1', allowed: true });
  });

  it('answers 400 with a JSON message for malformed JSON', async () => {
    const res = await send(
      server,
      certs.caCert,
      'POST',
      '/validate',
      '{"apiVersion": "admission.k8s.io/v1", ',
    );
    assert.equal(res.status, 400);
    const body = res.json as { error: string; message: string };
    assert.equal(body.error, 'BadRequest');
    assert.match(body.message, /not valid JSON/);
  });

  it('answers 400 for JSON that is not an AdmissionReview, naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /body must be a JSON object/],
      [
        { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} },
        /apiVersion: .*v1beta1/,
      ],
      [{ apiVersion: 'admission.k8s.io/v1', kind: 'Pod' }, /^.*kind: expected "AdmissionReview"/],
      [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, /request: required field is missing/],
      [
        {
          ...rgdReview('CREATE', webapp),
          request: { ...rgdReview('CREATE', webapp).request, uid: undefined },
        },
        /request\.uid/,
      ],
    ];
    for (const [body, pattern] of cases) {
      for (const path of ['/validate', '/mutate']) {
        const res = await send(server, certs.caCert, 'POST', path, body);
        assert.equal(res.status, 400, `${path} ${JSON.stringify(body).slice(0, 80)}`);
        const msg = (res.json as { message: string }).message;
        assert.match(msg, /not an admission\.k8s\.io\/v1 AdmissionReview/);
        assert.match(msg, pattern);
      }
    }
  });

  it('answers 4xx JSON for an empty body, a wrong media type and an unknown route', async () => {
    const empty = await send(server, certs.caCert, 'POST', '/validate', '');
    assert.equal(empty.status, 400);
    assert.equal((empty.json as { error: string }).error, 'BadRequest');
    const yaml = await send(server, certs.caCert, 'POST', '/validate', 'a: b', 'application/yaml');
    assert.equal(yaml.status, 415);
    assert.match((yaml.json as { message: string }).message, /application\/json/);
    const missing = await send(server, certs.caCert, 'GET', '/nope');
    assert.equal(missing.status, 404);
    assert.match((missing.json as { message: string }).message, /POST \/validate/);
  });

  it('checks a 3 MB object sent with a 3 MB oldObject', async () => {
    const big = clone(webapp) as { metadata: { annotations?: Record<string, string> } };
    big.metadata.annotations = { 'example.com/blob': 'x'.repeat(3 * 1024 * 1024) };
    const old = clone(big) as unknown as { spec: { schema: { spec: Record<string, string> } } };
    old.spec.schema.spec.extra = 'string';
    const body = rgdReview('UPDATE', big, old);
    const res = await review(server, certs.caCert, '/validate', body);
    assert.equal(res.status, 200, res.text.slice(0, 200));
    const r = response(res.review);
    assert.equal(r.uid, body.request.uid);
    assert.equal(r.allowed, true, JSON.stringify(r.status));
  });

  it('answers a template nested 10,000 levels deep without crashing', async () => {
    const depth = 10_000;
    const nested = '{"a":'.repeat(depth) + '"leaf"' + '}'.repeat(depth);
    const rgd = clone(webapp) as { spec: { resources: { template: Record<string, unknown> }[] } };
    rgd.spec.resources[0]!.template.deep = '__DEEP__';
    const body = rgdReview('CREATE', rgd);
    const text = JSON.stringify(body).replace('"__DEEP__"', nested);
    for (const path of ['/validate', '/mutate']) {
      const res = await send(server, certs.caCert, 'POST', path, text);
      assert.equal(res.status, 200, res.text.slice(0, 300));
      const r = response(res.json as AdmissionReview);
      assert.equal(r.uid, body.request.uid);
      assert.equal(typeof r.allowed, 'boolean');
      assert.ok(res.text.length < 70_000, `the answer stays small (${res.text.length} bytes)`);
    }
    // The server is still healthy afterwards.
    assert.equal((await send(server, certs.caCert, 'GET', '/healthz')).status, 200);
    const again = response(
      (await review(server, certs.caCert, '/validate', rgdReview('CREATE', webapp))).review,
    );
    assert.equal(again.allowed, true);
  });

  it('mutate adds spec.schema.group and scope to an RGD without them, idempotently', async () => {
    const rgd = clone(webapp) as { spec: { schema: Record<string, unknown> } };
    delete rgd.spec.schema.group;
    delete rgd.spec.schema.scope;
    const body = rgdReview('CREATE', rgd);
    const res = await review(server, certs.caCert, '/mutate', body);
    assert.equal(res.status, 200);
    const r = response(res.review);
    assert.equal(r.uid, body.request.uid);
    assert.equal(r.allowed, true);
    assert.equal(r.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(r.patch ?? '', 'base64').toString('utf8')) as jsonPatch.Operation[];
    assert.deepEqual(
      [...patch].sort((a, b) => a.path.localeCompare(b.path)),
      [
        { op: 'add', path: '/spec/schema/group', value: 'kro.run' },
        { op: 'add', path: '/spec/schema/scope', value: 'Namespaced' },
      ],
    );

    const patched = jsonPatch.applyPatch(clone(rgd), patch).newDocument;
    const second = response(
      (await review(server, certs.caCert, '/mutate', rgdReview('UPDATE', patched, patched))).review,
    );
    assert.deepEqual(second, { uid: second.uid, allowed: true });
  });

  it('mutate allows DELETE and other kinds without a patch', async () => {
    const del = rgdReview('DELETE', null, webapp);
    assert.deepEqual(response((await review(server, certs.caCert, '/mutate', del)).review), {
      uid: del.request.uid,
      allowed: true,
    });
  });
});
