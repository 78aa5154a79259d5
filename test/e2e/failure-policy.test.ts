/**
 * What happens to RGD writes when kro-guard is registered but not answering, per the failure policies
 * that `manifests/local-dev/webhooks-url.yaml` (same policies as `manifests/webhooks.yaml`) and
 * manifests/README.md document: validation `Fail` refuses RGD CREATE/UPDATE, mutation `Ignore` lets
 * the request go on unmutated.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { LOCAL_DEV_WEBHOOKS, pollUntil } from '../harness/index.ts';
import { auditEvents, fixture, storedRgds, useControlPlaneWithWebhook } from './helpers.ts';

const env = useControlPlaneWithWebhook({ kro: false });

interface WebhookConfiguration {
  kind: string;
  webhooks: { name: string; failurePolicy: string }[];
}

/** failurePolicy of each webhook in the local-dev template, by configuration kind. */
function documentedPolicies(): Record<string, { name: string; failurePolicy: string }> {
  const docs = parseAllDocuments(readFileSync(LOCAL_DEV_WEBHOOKS, 'utf8')).map(
    (d) => d.toJS() as WebhookConfiguration,
  );
  return Object.fromEntries(docs.map((d) => [d.kind, d.webhooks[0]!]));
}

/** Resolves true when a TCP connection to the URL's port is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

const RGD = fixture('no-group-scope.yaml');
const NAME = 'e2e-no-group-scope';

describe('kro-guard registered but stopped', () => {
  it('the manifests document failurePolicy Fail for validation and Ignore for mutation', () => {
    const policies = documentedPolicies();
    assert.equal(policies['ValidatingWebhookConfiguration']?.name, env.webhook.names.validating);
    assert.equal(policies['ValidatingWebhookConfiguration']?.failurePolicy, 'Fail');
    assert.equal(policies['MutatingWebhookConfiguration']?.name, env.webhook.names.mutating);
    assert.equal(policies['MutatingWebhookConfiguration']?.failurePolicy, 'Ignore');
  });

  it('validation (Fail): creating a valid RGD fails with a webhook-call error; mutation (Ignore) did not block it', async () => {
    // Valid and admitted while kro-guard is up (dry-run).
    await env.cp.kubectl(['apply', '--dry-run=server', '-f', RGD]);
    await env.webhook.stop();
    assert.equal(await refused(env.webhook.url), true, 'kro-guard still accepts connections');

    const r = await env.cp.kubectl(['apply', '-f', RGD], { allowFailure: true });
    assert.notEqual(r.code, 0, r.stdout);
    assert.ok(r.stderr.includes(`failed calling webhook "${env.webhook.names.validating}"`), r.stderr);
    assert.ok(r.stderr.includes(`${env.webhook.url}/validate`), r.stderr);
    assert.match(r.stderr, /connection refused/);
    // Mutating webhooks run before validating ones: the request got as far as the validating webhook,
    // so the unreachable mutating webhook (Ignore) let it through; the API server says so in its
    // audit log.
    assert.ok(!r.stderr.includes(env.webhook.names.mutating), r.stderr);
    const failedOpen = auditEvents(env.cp, NAME)
      .filter((e) => e.verb === 'create' && e.stage === 'ResponseComplete')
      .flatMap((e) => Object.entries(e.annotations ?? {}))
      .filter(([key]) => key.startsWith('failed-open.mutation.webhook.admission.k8s.io/'));
    assert.deepEqual(
      failedOpen.map(([, value]) => value),
      [env.webhook.names.mutating],
    );
    assert.deepEqual(await storedRgds(env.cp), []);
  });

  it('mutation (Ignore) alone does not block: with only the mutating configuration left, the RGD is created', async () => {
    await env.cp.kubectl(['delete', 'validatingwebhookconfiguration', env.webhook.names.configuration]);
    await env.cp.kubectl(['get', 'mutatingwebhookconfiguration', env.webhook.names.configuration]);
    // The API server picks up the deletion asynchronously: retry until the create goes through.
    const created = await pollUntil(
      'the RGD to be created with only the mutating webhook registered',
      async () => {
        const r = await env.cp.kubectl(['apply', '-f', RGD], { allowFailure: true });
        if (r.code !== 0) throw new Error(r.stderr.trim());
        return r;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.match(created.stdout, /e2e-no-group-scope created/);
    assert.deepEqual(await storedRgds(env.cp), [`resourcegraphdefinition.kro.run/${NAME}`]);
    // Stored with the defaults (from the RGD CRD's schema; the mutating webhook was unreachable).
    const schema = (
      await env.cp.kubectl(['get', 'rgd', NAME, '-o', 'jsonpath={.spec.schema.group}/{.spec.schema.scope}'])
    ).stdout;
    assert.equal(schema, 'kro.run/Namespaced');
    const annotations = auditEvents(env.cp, NAME)
      .filter((e) => e.verb === 'create' && e.responseStatus?.code === 201)
      .flatMap((e) => Object.entries(e.annotations ?? {}));
    assert.ok(
      annotations.some(
        ([key, value]) =>
          key.startsWith('failed-open.mutation.webhook.admission.k8s.io/') &&
          value === env.webhook.names.mutating,
      ),
      JSON.stringify(annotations),
    );
  });
});
