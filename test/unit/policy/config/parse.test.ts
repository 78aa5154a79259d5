import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from '../../../../src/diagnostics/diagnostic.ts';
import {
  DEFAULT_EXCEPTION_NAMESPACE,
  parseExceptionResource,
  parsePolicyResource,
} from '../../../../src/policy/config/index.ts';
import { loadFixtures } from './fixtures.ts';
import { TEST_RULE_IDS } from './rules.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

function lines(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.severity} ${d.code} ${d.path}`).sort();
}

function policy(spec: unknown, name = 'p'): unknown {
  return { apiVersion: 'kro-guard.io/v1alpha1', kind: 'CompliancePolicy', metadata: { name }, spec };
}

describe('parsePolicyResource: fixtures', () => {
  for (const fx of loadFixtures('policies/valid')) {
    it(`${fx.file} is valid, with exactly the expected warnings`, () => {
      const r = parsePolicyResource(fx.object, { knownRuleIds: TEST_RULE_IDS });
      assert.deepEqual(lines(r.diagnostics), fx.expect);
      assert.ok(r.policy, 'a valid policy is returned');
    });
  }
  for (const fx of loadFixtures('policies/invalid')) {
    it(`${fx.file} is rejected with exactly the expected diagnostics`, () => {
      const r = parsePolicyResource(fx.object, { knownRuleIds: TEST_RULE_IDS });
      assert.deepEqual(lines(r.diagnostics), fx.expect);
      assert.equal(r.policy, undefined);
      assert.ok(
        fx.expect.some((l) => l.startsWith('error ')),
        'an invalid fixture expects an error',
      );
    });
  }
});

describe('parsePolicyResource: defaults and values', () => {
  it('fills in every default of an empty spec', () => {
    const r = parsePolicyResource(policy({}), { knownRuleIds: TEST_RULE_IDS });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.policy, {
      name: 'p',
      mode: 'Enforce',
      match: { rgds: [], kinds: [], namespaces: [], excludeNamespaces: [] },
      rules: { include: ['*'], exclude: [], enable: [], overrides: [] },
      parameters: {},
      mutations: {
        enabled: false,
        s3Encryption: false,
        s3PublicAccessBlock: false,
        irsaAudience: false,
        s3ObjectOwnership: false,
      },
      customRules: [],
    });
  });

  it('keeps what the full fixture says', () => {
    const fx = loadFixtures('policies/valid').find((f) => f.file.endsWith('full.yaml'))!;
    const p = parsePolicyResource(fx.object, { knownRuleIds: TEST_RULE_IDS }).policy!;
    assert.equal(p.name, 'platform.full');
    assert.equal(p.mode, 'Warn');
    assert.deepEqual(p.match.kinds[2], { group: '', kind: 'ServiceAccount' });
    assert.deepEqual(p.match.namespaceSelector, {
      matchLabels: { 'kro-guard.io/profile': 'strict' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    assert.deepEqual(p.rules.overrides, [
      { id: 'RDS-*', severities: ['medium'], mode: 'Audit' },
      { severities: ['critical', 'high'], mode: 'Enforce' },
      { id: 'CUSTOM-bucket-tags', mode: 'Warn' },
    ]);
    assert.deepEqual(p.parameters.worldOpenPorts, [443]);
    assert.equal(p.parameters.minBackupRetentionDays, 14);
    assert.equal(p.parameters.requireCpuLimit, true);
    assert.equal(p.mutations.irsaAudience, false);
    assert.equal(p.mutations.s3ObjectOwnership, true);
    assert.equal(p.customRules.length, 2);
    assert.equal(p.customRules[0]!.message, 'the Bucket has no cost-center tag');
    assert.deepEqual(p.customRules[0]!.controls, { other: ['ACME-TAG-1'] });
    assert.equal(p.customRules[1]!.message, undefined);
    assert.equal(p.customRules[1]!.remediation, '');
    assert.deepEqual(p.customRules[1]!.kinds, []);
  });

  it('rejects a value that is not an object, and null metadata', () => {
    for (const v of [null, 'x', [], 3]) {
      const r = parsePolicyResource(v, { knownRuleIds: TEST_RULE_IDS });
      assert.deepEqual(lines(r.diagnostics), ['error policy/invalid-type ']);
    }
    const r = parsePolicyResource(
      { apiVersion: 'kro-guard.io/v1alpha1', kind: 'CompliancePolicy', spec: {} },
      { knownRuleIds: TEST_RULE_IDS },
    );
    assert.deepEqual(lines(r.diagnostics), ['error policy/required metadata.name']);
  });

  it('words errors as the API server does and places CEL errors at their position', () => {
    const r = parsePolicyResource(
      policy({
        mode: 'enforce',
        customRules: [
          { id: 'CUSTOM-a', title: 't', severity: 'low', expression: 'params.allowedRegistry == []' },
        ],
      }),
      { knownRuleIds: TEST_RULE_IDS },
    );
    assert.deepEqual(
      r.diagnostics.map((d) => `${d.path}: ${d.message}`),
      [
        "spec.customRules[0].expression: ERROR: <input>:1:7: undefined field 'allowedRegistry'",
        'spec.mode: Unsupported value: "enforce": supported values: "Enforce", "Warn", "Audit"',
      ],
    );
  });

  it('rejects a custom rule id that is a built-in id', () => {
    const r = parsePolicyResource(
      policy({ customRules: [{ id: 'CUSTOM-x', title: 't', severity: 'low', expression: 'true' }] }),
      { knownRuleIds: new Set([...TEST_RULE_IDS, 'CUSTOM-x']) },
    );
    assert.deepEqual(lines(r.diagnostics), ['error policy/rule-id-collision spec.customRules[0].id']);
  });

  it('accepts rule globs that match a known rule or a custom rule, and wildcard-only globs', () => {
    const r = parsePolicyResource(
      policy({
        rules: {
          include: ['S3-00?', '*'],
          exclude: ['CUSTOM-t*'],
          overrides: [{ id: 'CUSTOM-tags', mode: 'Audit' }],
        },
        customRules: [{ id: 'CUSTOM-tags', title: 't', severity: 'low', expression: 'true' }],
      }),
      { knownRuleIds: TEST_RULE_IDS },
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it('warns (does not fail) about every unknown built-in id when no rule is known', () => {
    const r = parsePolicyResource(policy({ rules: { include: ['*'], enable: ['S3-009'] } }), {
      knownRuleIds: new Set(),
    });
    assert.deepEqual(lines(r.diagnostics), ['warning policy/unknown-rule spec.rules.enable[0]']);
    assert.ok(r.policy);
  });

  it('is deterministic: the same input gives the same diagnostics in the same order', () => {
    for (const fx of loadFixtures('policies/invalid')) {
      const a = parsePolicyResource(fx.object, { knownRuleIds: TEST_RULE_IDS }).diagnostics;
      const b = parsePolicyResource(structuredClone(fx.object), { knownRuleIds: TEST_RULE_IDS }).diagnostics;
      assert.deepEqual(a, b, fx.file);
    }
  });
});

describe('parseExceptionResource', () => {
  const options = { knownRuleIds: TEST_RULE_IDS, now: NOW, defaultNamespace: DEFAULT_EXCEPTION_NAMESPACE };

  for (const fx of loadFixtures('exceptions/valid')) {
    it(`${fx.file} is valid, with exactly the expected warnings`, () => {
      const r = parseExceptionResource(fx.object, options);
      assert.deepEqual(lines(r.diagnostics), fx.expect);
      assert.ok(r.exception);
    });
  }
  for (const fx of loadFixtures('exceptions/invalid')) {
    it(`${fx.file} is rejected with exactly the expected diagnostics`, () => {
      const r = parseExceptionResource(fx.object, options);
      assert.deepEqual(lines(r.diagnostics), fx.expect);
      assert.equal(r.exception, undefined);
    });
  }

  it('parses every field; the expiry is a Date', () => {
    const fx = loadFixtures('exceptions/valid').find((f) => f.file.endsWith('dev-buckets.yaml'))!;
    assert.deepEqual(parseExceptionResource(fx.object, options).exception, {
      name: 'dev-buckets',
      namespace: 'team-a',
      reason: 'Dev buckets serve the public preview site; reviewed by security (SEC-1234).',
      owner: 'team-a@example.com',
      expires: new Date('2030-01-01T00:00:00Z'),
      exceptions: [{ policy: 'kro-guard-default', rules: ['S3-003', 'S3-005'] }],
      match: {
        rgds: ['webapp'],
        instances: [{ name: 'preview-*' }],
        resources: ['devBucket'],
        kinds: [{ group: 's3.services.k8s.aws', kind: 'Bucket' }],
      },
    });
  });

  it('takes the default namespace for a file without one (kubectl: "default")', () => {
    const fx = loadFixtures('exceptions/valid').find((f) => f.file.endsWith('cluster-wide.yaml'))!;
    assert.equal(parseExceptionResource(fx.object, options).exception?.namespace, 'kro-guard');
    assert.equal(parseExceptionResource(fx.object).exception?.namespace, 'default');
  });

  it('honours time zones in expires and warns only when given now', () => {
    const fx = loadFixtures('exceptions/valid').find((f) => f.file.endsWith('expired.yaml'))!;
    const r = parseExceptionResource(fx.object);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.exception?.expires?.toISOString(), '2025-12-31T22:59:59.000Z');
  });

  it('counts the reason without surrounding white space', () => {
    const ex = (reason: string): unknown => ({
      apiVersion: 'kro-guard.io/v1alpha1',
      kind: 'ComplianceException',
      metadata: { name: 'e', namespace: 'n' },
      spec: { reason, exceptions: [{ policy: '*', rules: ['*'] }], match: { rgds: ['x'] } },
    });
    assert.deepEqual(lines(parseExceptionResource(ex('   123456789   ')).diagnostics), [
      'error policy/invalid-value spec.reason',
    ]);
    assert.deepEqual(parseExceptionResource(ex('  1234567890 ')).diagnostics, []);
  });
});
