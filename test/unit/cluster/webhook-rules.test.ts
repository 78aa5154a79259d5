/**
 * The instance webhooks' rules computed from generated kinds, their comparison with what the API
 * server returns, and the JSON Patch that changes them: applied here with fast-json-patch to a
 * configuration shaped as the API server returns manifests/webhooks.yaml, it must change that one
 * webhook's rules and nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import jsonPatch from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import {
  canonicalRules,
  describeRulesChange,
  instanceWebhookRules,
  ruleResources,
  sameRules,
  webhookRulesPatch,
  type GeneratedKind,
  type WebhookRule,
} from '../../../src/cluster/index.ts';

const kind = (
  group: string,
  version: string,
  resource: string,
  scope: GeneratedKind['scope'] = 'Namespaced',
): GeneratedKind => ({ group, version, kind: resource, resource, scope });

/** manifests/webhooks.yaml's ValidatingWebhookConfiguration, with a caBundle and server metadata. */
function storedValidatingConfiguration(): Record<string, unknown> {
  const docs = parseAllDocuments(readFileSync('manifests/webhooks.yaml', 'utf8')).map(
    (d) => d.toJS() as Record<string, unknown>,
  );
  const config = structuredClone(docs.find((d) => d.kind === 'ValidatingWebhookConfiguration')!);
  (config.metadata as Record<string, unknown>).resourceVersion = '42';
  for (const w of config.webhooks as { clientConfig: Record<string, unknown> }[])
    w.clientConfig.caBundle = 'Q0EK';
  return config;
}

describe('instanceWebhookRules', () => {
  it('makes one rule per group, version and scope, with sorted unique plurals, CREATE and UPDATE', () => {
    const rules = instanceWebhookRules([
      kind('kro.run', 'v1alpha1', 'webapps'),
      kind('example.com', 'v1', 'buckets', 'Cluster'),
      kind('kro.run', 'v1alpha1', 'databases'),
      kind('kro.run', 'v1alpha1', 'webapps'),
      kind('kro.run', 'v1alpha1', 'tenants', 'Cluster'),
      kind('kro.run', 'v1beta1', 'webapps'),
    ]);
    assert.deepEqual(rules, [
      {
        apiGroups: ['example.com'],
        apiVersions: ['v1'],
        resources: ['buckets'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Cluster',
      },
      {
        apiGroups: ['kro.run'],
        apiVersions: ['v1alpha1'],
        resources: ['tenants'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Cluster',
      },
      {
        apiGroups: ['kro.run'],
        apiVersions: ['v1alpha1'],
        resources: ['databases', 'webapps'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Namespaced',
      },
      {
        apiGroups: ['kro.run'],
        apiVersions: ['v1beta1'],
        resources: ['webapps'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Namespaced',
      },
    ]);
  });

  it('is empty without kinds, and independent of input order', () => {
    assert.deepEqual(instanceWebhookRules([]), []);
    const kinds = [kind('a.io', 'v1', 'xs'), kind('b.io', 'v2', 'ys', 'Cluster'), kind('a.io', 'v1', 'ws')];
    assert.deepEqual(instanceWebhookRules(kinds), instanceWebhookRules([...kinds].reverse()));
  });
});

describe('comparing rules', () => {
  const desired = instanceWebhookRules([
    kind('kro.run', 'v1alpha1', 'webapps'),
    kind('kro.run', 'v1alpha1', 'apps'),
  ]);

  it('treats the API server form (lists in another order, scope defaulted) as the same', () => {
    const asRead = [
      {
        operations: ['UPDATE', 'CREATE'],
        apiVersions: ['v1alpha1'],
        apiGroups: ['kro.run'],
        resources: ['webapps', 'apps'],
        scope: 'Namespaced',
      },
    ];
    assert.equal(sameRules(asRead, desired), true);
    // Absent scope means "*" to the API server: not the same as Namespaced.
    const { scope: _scope, ...noScope } = asRead[0]!;
    assert.equal(sameRules([noScope], desired), false);
    assert.equal(canonicalRules([noScope])?.[0]?.scope, '*');
  });

  it('sees an absent or null rules field as no rules, and malformed rules as different', () => {
    assert.deepEqual(canonicalRules(undefined), []);
    assert.deepEqual(canonicalRules(null), []);
    assert.equal(sameRules(undefined, []), true);
    assert.equal(sameRules(undefined, desired), false);
    assert.equal(canonicalRules('x'), undefined);
    assert.equal(canonicalRules([{ apiGroups: 'kro.run' }]), undefined);
    assert.equal(sameRules([{ apiGroups: 'kro.run' }], []), false);
  });

  it('reports added and removed resources as group/version/resource', () => {
    const before: WebhookRule[] = [
      {
        apiGroups: ['kro.run'],
        apiVersions: ['v1alpha1'],
        resources: ['olds', 'webapps'],
        operations: ['CREATE'],
      },
      { apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] },
    ];
    assert.deepEqual([...ruleResources(before)].sort(), [
      'kro.run/v1alpha1/olds',
      'kro.run/v1alpha1/webapps',
      'v1/pods',
    ]);
    assert.deepEqual(describeRulesChange(before, desired), {
      added: ['kro.run/v1alpha1/apps'],
      removed: ['kro.run/v1alpha1/olds', 'v1/pods'],
    });
  });
});

describe('webhookRulesPatch', () => {
  const desired = instanceWebhookRules([kind('kro.run', 'v1alpha1', 'webapps')]);

  it("sets only the named webhook's rules: other webhooks, caBundles and metadata are untouched", () => {
    const config = storedValidatingConfiguration();
    const result = webhookRulesPatch(config, 'validate.instances.kro-guard.io', desired);
    assert.equal(result.state, 'patch');
    const index = (config.webhooks as { name: string }[]).findIndex(
      (w) => w.name === 'validate.instances.kro-guard.io',
    );
    assert.ok(index > 0, 'not the first webhook: the index matters');
    assert.deepEqual(result.patch, [
      { op: 'test', path: `/webhooks/${index}/name`, value: 'validate.instances.kro-guard.io' },
      { op: 'add', path: `/webhooks/${index}/rules`, value: desired },
    ]);
    assert.deepEqual(result.change, { added: ['kro.run/v1alpha1/webapps'], removed: [] });

    const patched = jsonPatch.applyPatch(structuredClone(config), result.patch, true, false)
      .newDocument as Record<string, unknown>;
    const webhooks = patched.webhooks as Record<string, unknown>[];
    assert.deepEqual(webhooks[index]!.rules, desired);
    const without = (c: Record<string, unknown>) => {
      const copy = structuredClone(c) as { webhooks: Record<string, unknown>[] };
      delete copy.webhooks[index]!.rules;
      return copy;
    };
    assert.deepEqual(without(patched), without(config));
    // Once applied, there is nothing left to do.
    assert.deepEqual(webhookRulesPatch(patched, 'validate.instances.kro-guard.io', desired), {
      state: 'unchanged',
    });
  });

  it('removes every rule with an empty list (the webhook then matches nothing)', () => {
    const config = storedValidatingConfiguration();
    const withRules = jsonPatch.applyPatch(
      structuredClone(config),
      (
        webhookRulesPatch(config, 'validate.instances.kro-guard.io', desired) as {
          patch: jsonPatch.Operation[];
        }
      ).patch,
    ).newDocument;
    const result = webhookRulesPatch(withRules, 'validate.instances.kro-guard.io', []);
    assert.equal(result.state, 'patch');
    assert.deepEqual(result.change, { added: [], removed: ['kro.run/v1alpha1/webapps'] });
    assert.deepEqual(result.patch[1]?.value, []);
  });

  it('refuses a reordered configuration through the test operation', () => {
    const config = storedValidatingConfiguration();
    const result = webhookRulesPatch(config, 'validate.instances.kro-guard.io', desired);
    assert.equal(result.state, 'patch');
    const reordered = structuredClone(config) as { webhooks: unknown[] };
    reordered.webhooks.reverse();
    assert.throws(() => jsonPatch.applyPatch(reordered, result.patch, true, false), {
      name: 'TEST_OPERATION_FAILED',
    });
  });

  it('says so when the webhook or the webhooks list is missing', () => {
    assert.deepEqual(webhookRulesPatch(storedValidatingConfiguration(), 'nope.kro-guard.io', desired), {
      state: 'missing',
      reason: 'the configuration has no webhook nope.kro-guard.io',
    });
    assert.deepEqual(webhookRulesPatch({ kind: 'Status' }, 'x', desired), {
      state: 'missing',
      reason: 'the configuration has no webhooks',
    });
  });
});
