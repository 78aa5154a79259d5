/**
 * KubeHttp and the informer (Reflector) against a small fake API server over real TLS (a CA and
 * serving certificate from src/certs, a kubeconfig with a bearer token): paginated lists, watch
 * events, and the failure paths a real watch hits (connection dropped, `410 Gone`, a watch that goes
 * silent), each of which must end in a new list whose diff reports only what changed. The happy path
 * against a real kube-apiserver is in test/e2e/schema-sources.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { generateCertificateBundle } from '../../../src/certs/index.ts';
import { KubeHttp, KubeRequestError, Reflector, loadKubeConfig } from '../../../src/cluster/index.ts';

const PATH = '/apis/example.com/v1/things';
const TOKEN = 'secret-token';

interface Thing {
  name: string;
  rv: number;
  color: string;
}

type WatchMode = 'events' | 'drop' | 'gone' | 'silent';

/** A fake API server holding `things`; watches behave as `mode` says. */
class FakeApiServer {
  things = new Map<string, Thing>();
  rv = 10;
  mode: WatchMode = 'events';
  lists = 0;
  watches = 0;
  listQueries: string[] = [];
  readonly #open = new Set<ServerResponse>();
  readonly server: https.Server;

  constructor(cert: string, key: string) {
    this.server = https.createServer({ cert, key }, (req, res) => this.#handle(req, res));
  }

  object(t: Thing): Record<string, unknown> {
    return {
      apiVersion: 'example.com/v1',
      kind: 'Thing',
      metadata: { name: t.name, resourceVersion: String(t.rv) },
      spec: { color: t.color },
    };
  }

  /** Changes a thing and sends the event to open watches (in `events` mode). */
  put(name: string, color: string): void {
    const t = { name, rv: ++this.rv, color };
    const type = this.things.has(name) ? 'MODIFIED' : 'ADDED';
    this.things.set(name, t);
    this.#send(type, this.object(t));
  }

  remove(name: string): void {
    const t = this.things.get(name);
    if (t === undefined) return;
    this.things.delete(name);
    this.#send('DELETED', this.object({ ...t, rv: ++this.rv }));
  }

  /** Closes every open watch abruptly (a dropped connection). */
  dropWatches(): void {
    for (const res of this.#open) res.socket?.destroy();
    this.#open.clear();
  }

  #send(type: string, object: unknown): void {
    if (this.mode !== 'events') return;
    for (const res of this.#open) res.write(`${JSON.stringify({ type, object })}\n`);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://x');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', message: 'Unauthorized' }));
      return;
    }
    if (url.pathname === '/slow') return; // never answers
    if (url.pathname !== PATH) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', message: `the server could not find ${url.pathname}` }));
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      this.lists++;
      this.listQueries.push(url.search);
      // Pages of one item: exercises `continue`.
      const names = [...this.things.keys()].sort();
      const start = Number(url.searchParams.get('continue') ?? '0');
      const items = names.slice(start, start + 1).map((n) => this.object(this.things.get(n)!));
      const next = start + 1 < names.length ? String(start + 1) : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'ThingList',
          metadata: { resourceVersion: String(this.rv), continue: next },
          items,
        }),
      );
      return;
    }
    this.watches++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.flushHeaders();
    if (this.mode === 'gone') {
      res.write(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } })}\n`,
      );
      res.end();
      return;
    }
    if (this.mode === 'drop') {
      res.socket?.destroy();
      return;
    }
    this.#open.add(res);
    res.on('close', () => this.#open.delete(res));
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KubeHttp and Reflector against a fake API server over TLS', () => {
  const bundle = generateCertificateBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const api = new FakeApiServer(bundle.cert, bundle.key);
  const dir = mkdtempSync(join(tmpdir(), 'kro-guard-reflector-'));
  let http: KubeHttp;

  before(async () => {
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    const port = (api.server.address() as AddressInfo).port;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'fake',
            cluster: {
              server: `https://127.0.0.1:${port}`,
              'certificate-authority-data': Buffer.from(bundle.caCert).toString('base64'),
            },
          },
        ],
        users: [{ name: 'u', user: { token: TOKEN } }],
        contexts: [
          { name: 'other', context: { cluster: 'fake', user: 'nobody' } },
          { name: 'fake', context: { cluster: 'fake', user: 'u' } },
        ],
        'current-context': 'other',
      }),
    );
    http = new KubeHttp(loadKubeConfig({ kubeconfigPath: kubeconfig, context: 'fake' }));
  });

  after(async () => {
    http.close();
    api.dropWatches();
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  });

  it('loadKubeConfig names the file or context it cannot use', () => {
    assert.throws(() => loadKubeConfig({ kubeconfigPath: join(dir, 'nope') }), {
      name: 'KubeConfigError',
      message: new RegExp(`^cannot load kubeconfig ${join(dir, 'nope')}: .*ENOENT`),
    });
    assert.throws(() => loadKubeConfig({ kubeconfigPath: join(dir, 'kubeconfig'), context: 'missing' }), {
      message: `cannot load kubeconfig ${join(dir, 'kubeconfig')}: no context "missing"`,
    });
  });

  it('GETs with the kubeconfig CA and token; non-2xx and timeouts are KubeRequestErrors', async () => {
    api.things.set('a', { name: 'a', rv: 1, color: 'red' });
    const list = (await http.getJson(`${PATH}?limit=5`, { timeoutMs: 2000 })) as { items: unknown[] };
    assert.equal(list.items.length, 1);
    await assert.rejects(http.get('/apis/nope/v1', { timeoutMs: 2000 }), (e: unknown) => {
      assert.ok(e instanceof KubeRequestError);
      assert.equal(e.status, 404);
      assert.equal(e.message, 'GET /apis/nope/v1: 404 Not Found: the server could not find /apis/nope/v1');
      return true;
    });
    await assert.rejects(http.get('/slow', { timeoutMs: 200 }), {
      message: 'GET /slow: no answer within 200 ms',
    });
    api.things.clear();
  });

  it('lists page by page, then reports watch events', async () => {
    api.mode = 'events';
    api.put('a', 'red');
    api.put('b', 'blue');
    const changes: string[] = [];
    const reflector = new Reflector<string>({
      http,
      path: PATH,
      transform: (o) => String((o.spec as { color: string }).color),
      onChange: (name, prev, cur) => changes.push(`${name}:${prev ?? '-'}>${cur ?? '-'}`),
      pageSize: 1,
    });
    reflector.start();
    await reflector.synced;
    assert.deepEqual(changes, ['a:->red', 'b:->blue']);
    assert.ok(
      api.listQueries.some((q) => q.includes('continue=1')),
      api.listQueries.join(' '),
    );
    await until('watch open', () => api.watches > 0);
    api.put('a', 'green');
    api.put('c', 'black');
    api.remove('b');
    await until('3 events', () => changes.length === 5);
    assert.deepEqual(changes.slice(2), ['a:red>green', 'c:->black', 'b:blue>-']);
    assert.deepEqual(
      [...reflector.values()],
      [
        ['a', 'green'],
        ['c', 'black'],
      ],
    );
    reflector.stop();
    api.things.clear();
  });

  for (const [mode, what] of [
    ['drop', 'the watch connection drops'],
    ['gone', 'the watch answers 410 Gone'],
    ['silent', 'the watch goes silent'],
  ] as const) {
    it(`lists again when ${what}, reporting only what changed meanwhile`, async () => {
      api.mode = 'events';
      api.put('x', 'one');
      api.put('y', 'two');
      const changes: string[] = [];
      const reflector = new Reflector<string>({
        http,
        path: PATH,
        transform: (o) => String((o.spec as { color: string }).color),
        onChange: (name, prev, cur) => changes.push(`${name}:${prev ?? '-'}>${cur ?? '-'}`),
        livenessMs: 400,
        watchTimeoutSeconds: 60,
      });
      reflector.start();
      await reflector.synced;
      await until('watch open', () => api.watches > 0);
      const listsBefore = api.lists;
      // Changes the watch does not deliver: only a new list can find them.
      api.mode = mode;
      api.put('x', 'three');
      api.remove('y');
      if (mode === 'drop' || mode === 'gone') api.dropWatches();
      await until('re-listed', () => api.lists > listsBefore, 10_000);
      await until('diff reported', () => changes.length === 4, 10_000);
      // Removals are reported first, then additions and changes.
      assert.deepEqual(changes, ['x:->one', 'y:->two', 'y:two>-', 'x:one>three']);
      reflector.stop();
      api.mode = 'events';
      api.dropWatches();
      api.things.clear();
    });
  }

  it('a list that fails keeps retrying and reports its error', async () => {
    const reflector = new Reflector<unknown>({
      http,
      path: '/apis/missing.example/v1/things',
      transform: (o) => o,
      onChange: () => undefined,
    });
    reflector.start();
    await reflector.synced;
    assert.match(reflector.lastError ?? '', /404 Not Found/);
    await until('retried', () => reflector.lists >= 2, 5000);
    reflector.stop();
  });
});
