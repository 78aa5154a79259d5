/**
 * kubectl against a real API server with kro-guard registered: what `kubectl apply --dry-run=server`
 * prints for invalid RGDs, the defaults shown by a dry-run, and that a dry-run stores nothing.
 * No kro controller here: nothing in this file needs one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { deniedBy } from '../harness/index.ts';
import {
  auditEvents,
  fixture,
  kroGuardErrors,
  lines,
  readYaml,
  storedRgds,
  useControlPlaneWithWebhook,
} from './helpers.ts';

const env = useControlPlaneWithWebhook({ kro: false });

/** Fixtures the API server's CRD schema accepts and kro-guard's validating webhook denies. */
const DENIED_BY_KRO_GUARD = [
  {
    file: 'unknown-identifier.yaml',
    name: 'e2e-unknown-identifier',
    expected: [['spec.resources[0].template.data.host', 'references unknown identifiers: [database]']],
  },
  {
    file: 'dependency-cycle.yaml',
    name: 'e2e-dependency-cycle',
    expected: [['spec.resources[0]', 'graph contains a cycle: config -> service -> deployment -> config']],
  },
  {
    file: 'bad-marker.yaml',
    name: 'e2e-bad-marker',
    expected: [
      ['spec.schema.spec.image', 'invalid marker key "defualt": unknown marker: defualt'],
      ['spec.schema.spec.replicas', 'failed to parse minimum enum value: strconv.ParseFloat: parsing "lots"'],
    ],
  },
  {
    file: 'bad-template-kind.yaml',
    name: 'e2e-bad-template-kind',
    expected: [['spec.resources[0].template.kind', 'invalid kind "Config_Map"']],
  },
] as const;

describe('kubectl apply --dry-run=server of invalid RGDs', () => {
  for (const { file, name, expected } of DENIED_BY_KRO_GUARD) {
    it(`${file}: denied by kro-guard, every error with its path in kubectl's stderr`, async () => {
      const r = await env.cp.kubectl(['apply', '--dry-run=server', '-f', fixture(file)], {
        allowFailure: true,
      });
      assert.notEqual(r.code, 0, `kubectl succeeded:\n${r.stdout}`);
      assert.ok(r.stderr.includes(deniedBy(env.webhook.names.validating)), r.stderr);
      const errorLines = lines(r.stderr).filter((l) => l.startsWith('- '));
      for (const [path, message] of expected) {
        assert.ok(
          errorLines.some((l) => l.startsWith(`- ${path}`) && l.includes(message)),
          `no line "- ${path}...: ...${message}..." in:\n${r.stderr}`,
        );
      }
      // Exactly kro-guard's errors for the file, each with its path and message, nothing else.
      const errors = kroGuardErrors(fixture(file));
      assert.equal(errorLines.length, errors.length, r.stderr);
      for (const d of errors) {
        assert.ok(
          errorLines.some((l) => l.startsWith(`- ${d.path}`) && l.includes(d.message)),
          `kro-guard's "${d.path}: ${d.message}" is missing from:\n${r.stderr}`,
        );
      }
      const decision = env.webhook.decisions().find((d) => d.route === 'validate' && d.name === name);
      assert.deepEqual(
        decision && { operation: decision.operation, allowed: decision.allowed, dryRun: decision.dryRun },
        { operation: 'CREATE', allowed: false, dryRun: true },
      );
    });
  }

  it("bad-kind-pattern.yaml: the API server's CRD schema denies it first, with kro-guard's message", async () => {
    // The API server validates against the CRD schema (patterns, enums, CEL rules) before it calls
    // validating webhooks, so kro-guard never sees this request; kro-guard's offline check (CLI, CI)
    // reports the same path and message.
    const r = await env.cp.kubectl(['apply', '--dry-run=server', '-f', fixture('bad-kind-pattern.yaml')], {
      allowFailure: true,
    });
    assert.notEqual(r.code, 0, `kubectl succeeded:\n${r.stdout}`);
    const message = `spec.schema.kind: Invalid value: "webApp": spec.schema.kind in body should match '^[A-Z][a-zA-Z0-9]{0,62}$'`;
    assert.ok(r.stderr.includes(message), r.stderr);
    assert.deepEqual(
      kroGuardErrors(fixture('bad-kind-pattern.yaml')).map((d) => `${d.path}: ${d.message}`),
      [message],
    );
    assert.ok(!r.stderr.includes('admission webhook'), r.stderr);
    assert.equal(
      env.webhook.decisions().filter((d) => d.route === 'validate' && d.name === 'e2e-bad-kind-pattern')
        .length,
      0,
    );
  });

  it('stored none of them', async () => {
    assert.deepEqual(await storedRgds(env.cp), []);
  });
});

describe('kubectl apply --dry-run=server -o yaml of an RGD without group and scope', () => {
  it('shows group kro.run and scope Namespaced, went through kro-guard, and stores nothing', async () => {
    const input = readYaml(fixture('no-group-scope.yaml')) as { spec: { schema: Record<string, unknown> } };
    assert.equal(input.spec.schema['group'], undefined);
    assert.equal(input.spec.schema['scope'], undefined);

    const r = await env.cp.kubectl([
      'apply',
      '--dry-run=server',
      '-o',
      'yaml',
      '-f',
      fixture('no-group-scope.yaml'),
    ]);
    const shown = parse(r.stdout) as {
      metadata: { name: string };
      spec: { schema: Record<string, unknown> };
    };
    assert.equal(shown.metadata.name, 'e2e-no-group-scope');
    assert.equal(shown.spec.schema['group'], 'kro.run');
    assert.equal(shown.spec.schema['scope'], 'Namespaced');

    // Both kro-guard webhooks answered this dry-run and allowed it.
    const decisions = env.webhook.decisions().filter((d) => d.name === 'e2e-no-group-scope');
    assert.deepEqual(
      decisions.map((d) => [d.route, d.operation, d.allowed, d.dryRun]),
      [
        ['mutate', 'CREATE', true, true],
        ['validate', 'CREATE', true, true],
      ],
    );
    // The API server's audit log records the call of kro-guard's mutating webhook for the request.
    const annotations = auditEvents(env.cp, 'e2e-no-group-scope').flatMap((e) =>
      Object.entries(e.annotations ?? {}),
    );
    const mutation = annotations.find(([key]) => key.startsWith('mutation.webhook.admission.k8s.io/'));
    assert.ok(mutation, `no mutation annotation in ${JSON.stringify(annotations)}`);
    const recorded = JSON.parse(mutation[1]) as { configuration: string; webhook: string; mutated: boolean };
    assert.equal(recorded.configuration, env.webhook.names.configuration);
    assert.equal(recorded.webhook, env.webhook.names.mutating);

    const get = await env.cp.kubectl(['get', 'rgd', 'e2e-no-group-scope'], { allowFailure: true });
    assert.notEqual(get.code, 0);
    assert.match(get.stderr, /NotFound|not found/);
    assert.deepEqual(await storedRgds(env.cp), []);
  });
});
