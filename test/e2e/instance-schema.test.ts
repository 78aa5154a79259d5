/**
 * Instance admission against the real API server: CRDs that kro-guard generates for RGDs (a corpus RGD
 * and one using every SimpleSchema validation marker) are applied to kube-apiserver, and for a set of
 * instance objects kro-guard's admitted object and errors are compared with the API server's answer to
 * the same request as a server-side dry run (`dryRun=All`, `fieldValidation=Ignore`, so unknown fields
 * are pruned, not refused). kro itself is not started.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { checkRgd } from '../../src/graph/index.ts';
import { compileInstanceSchema, type CompiledInstanceSchema } from '../../src/instance/index.ts';
import { chainSources, crdFileSource, embeddedSource } from '../../src/schemas/index.ts';
import { SHARED_DIR, startControlPlane, type ControlPlane } from '../harness/index.ts';
import { rgd } from '../helpers/rgd.ts';

const schemas = chainSources(embeddedSource(), crdFileSource([`${SHARED_DIR}/crds/ack`]));

/** An RGD whose instance spec uses every validation marker of SimpleSchema. */
const MARKERS_RGD = rgd({
  name: 'markers',
  schema: {
    kind: 'Marker',
    spec: {
      name: 'string | immutable=true',
      replicas: 'integer | default=2 minimum=1 maximum=5',
      mode: 'string | enum="fast,slow" default="fast"',
      size: 'string | minLength=2 maxLength=4 pattern="^[a-z]+$"',
      odd: 'integer | validation="self % 2 == 1"',
      tags: '[]string | uniqueItems=true maxItems=3',
      ports: '[]Port | minItems=1',
      limits: 'map[string]integer',
      free: 'object',
      nested: { level: 'string | default="info"' },
    },
    types: { Port: { name: 'string | required=true', port: 'integer | default=80' } },
  },
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function send(cp: ControlPlane, method: string, path: string, body: unknown): Promise<Answer> {
  const url = new URL(cp.serverUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        ca: cp.pki.caCert,
        cert: cp.pki.adminCert,
        key: cp.pki.adminKey,
        headers: { 'content-type': 'application/json' },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The API server's field errors of a 422 answer, as `<field>: <message>`, sorted. */
function apiErrors(answer: Answer): string[] {
  const details = answer.body.details as { causes?: { field: string; message: string }[] } | undefined;
  return (details?.causes ?? []).map((c) => `${c.field}: ${c.message}`).sort();
}

function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

interface Kind {
  compiled: CompiledInstanceSchema;
  apiVersion: string;
  kind: string;
  resourcePath: string;
}

function generatedKind(rgdObject: unknown): { crd: unknown; kind: Kind } {
  const result = checkRgd(rgdObject, { schemas });
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const crd = result.crd!;
  const version = crd.spec.versions[0]!;
  return {
    crd,
    kind: {
      compiled: compileInstanceSchema(version.schema!.openAPIV3Schema),
      apiVersion: `${crd.spec.group}/${version.name}`,
      kind: crd.spec.names.kind,
      resourcePath: `/apis/${crd.spec.group}/${version.name}/namespaces/default/${crd.spec.names.plural}`,
    },
  };
}

describe('instance admission matches kube-apiserver', () => {
  let cp: ControlPlane;
  let webapp: Kind;
  let markers: Kind;

  before(async () => {
    const webappRgd = parse(
      readFileSync(`${SHARED_DIR}/corpus/kro-v0.9.3-examples/kubernetes/webapp/rg.yaml`, 'utf8'),
    ) as unknown;
    const w = generatedKind(webappRgd);
    const m = generatedKind(MARKERS_RGD);
    webapp = w.kind;
    markers = m.kind;
    cp = await startControlPlane({ kro: false, crds: false, audit: false });
    await cp.kubectl(['apply', '--server-side', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [w.crd, m.crd] }),
    });
    await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all']);
  });

  after(async () => {
    await cp?.stop();
  });

  /** Compares one dry-run CREATE; returns the API server's answer. */
  async function compareCreate(kind: Kind, name: string, spec: unknown, extra: Record<string, unknown> = {}) {
    const object = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name },
      ...(spec === undefined ? {} : { spec }),
      ...extra,
    };
    const answer = await send(cp, 'POST', `${kind.resourcePath}?dryRun=All&fieldValidation=Ignore`, object);
    const ours = kind.compiled.admit(object, { operation: 'CREATE' });
    const ourErrors = ours.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => d.message)
      .sort();
    if (answer.status === 201) {
      assert.deepEqual(ourErrors, [], `${name}: the API server accepted it`);
      assert.equal(sortedJson(ours.object.spec), sortedJson(answer.body.spec), `${name}: stored spec`);
      assert.equal(
        Object.hasOwn(answer.body, 'status'),
        Object.hasOwn(ours.object, 'status'),
        `${name}: status`,
      );
    } else {
      assert.equal(answer.status, 422, `${name}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(ourErrors, apiErrors(answer), `${name}: errors`);
    }
    return answer;
  }

  test('webapp (corpus): valid objects get the same defaults, unknown fields and status pruned', async () => {
    const inst = parse(
      readFileSync(`${SHARED_DIR}/corpus/kro-v0.9.3-examples/kubernetes/webapp/instance.yaml`, 'utf8'),
    ) as { spec: Record<string, unknown> };
    assert.equal((await compareCreate(webapp, 'from-file', inst.spec)).status, 201);
    assert.equal((await compareCreate(webapp, 'no-spec', undefined)).status, 201);
    const unknown = { ...inst.spec, colour: 'red', ingress: { enabled: true, tls: true } };
    assert.equal(
      (await compareCreate(webapp, 'unknown', unknown, { status: { state: 'ACTIVE' }, extra: 1 })).status,
      201,
    );
    assert.equal(
      (await compareCreate(webapp, 'nulls', { name: 'n', replicas: null, image: null, port: null })).status,
      201,
    );
  });

  test('webapp (corpus): wrong types are rejected with the same errors', async () => {
    const answer = await compareCreate(webapp, 'types', {
      name: 1,
      port: '80',
      replicas: 1.5,
      service: 'yes',
    });
    assert.equal(answer.status, 422);
  });

  test('markers: defaults in list items and nested objects', async () => {
    const spec = {
      name: 'a',
      ports: [{ name: 'http' }, { name: 'admin', port: 9090 }],
      limits: { cpu: 2 },
      free: { x: [1, null] },
    };
    assert.equal((await compareCreate(markers, 'ok', spec)).status, 201);
  });

  test('markers: every keyword violated at once', async () => {
    const spec = {
      replicas: 0,
      mode: 'medium',
      size: 'Ab',
      tags: ['a', 'b', 'a', 'c'],
      ports: [{ port: 1 }],
      limits: { cpu: 'two' },
    };
    assert.equal((await compareCreate(markers, 'bad', spec)).status, 422);
    assert.equal((await compareCreate(markers, 'bad-length', { size: 'abcdef', ports: [] })).status, 422);
  });

  test('markers: validation= rule, and the skip after blocking errors', async () => {
    assert.equal((await compareCreate(markers, 'even', { odd: 4, ports: [{ name: 'p' }] })).status, 422);
    assert.equal((await compareCreate(markers, 'odd', { odd: 3, ports: [{ name: 'p' }] })).status, 201);
    assert.equal(
      (await compareCreate(markers, 'blocked', { odd: 4, ports: [{ name: 'p' }], mode: 'x' })).status,
      422,
    );
  });

  test('markers: immutable= is skipped on create and enforced on update', async () => {
    const object = {
      apiVersion: markers.apiVersion,
      kind: markers.kind,
      metadata: { name: 'upd' },
      spec: { name: 'one', ports: [{ name: 'p' }] },
    };
    const created = await send(cp, 'POST', markers.resourcePath, object);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const stored = created.body;
    for (const [label, name] of [
      ['same', 'one'],
      ['changed', 'two'],
    ] as const) {
      const next = { ...stored, spec: { ...(stored.spec as object), name } };
      const answer = await send(
        cp,
        'PUT',
        `${markers.resourcePath}/upd?dryRun=All&fieldValidation=Ignore`,
        next,
      );
      const ours = markers.compiled.admit(next, { operation: 'UPDATE', oldObject: stored });
      const ourErrors = ours.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => d.message)
        .sort();
      if (answer.status === 200) {
        assert.deepEqual(ourErrors, [], label);
        assert.equal(sortedJson(ours.object.spec), sortedJson(answer.body.spec), label);
      } else {
        assert.equal(answer.status, 422, label);
        assert.deepEqual(ourErrors, apiErrors(answer), label);
      }
      assert.equal(answer.status, label === 'same' ? 200 : 422, label);
    }
  });
});
