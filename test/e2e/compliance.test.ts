/**
 * Issue 5 end to end: kro-guard registered in cluster mode (schemas, RGDs, CompliancePolicies and
 * ComplianceExceptions read from the API server; registrar on) on a real control plane with kro
 * v0.9.3 and the ACK CRDs, driven with kubectl:
 *
 * 1. kro-guard's CRDs and manifests/policies/default.yaml work on the API server, and kro-guard
 *    validates its own resources at admission;
 * 2. every run of every compliance scenario (test/scenarios, the same expectations as the offline
 *    runner test/integration/scenarios.test.ts): R (`kubectl apply --dry-run=server` of the RGD), the
 *    RGD stored and Active with its kind in the instance webhooks, I (each instance dry-run), C (each
 *    child dry-run: kro-labelled ones as kro would write them, `direct-*` ones as a user would), then
 *    the allowed instances created for real and kro creating their first children;
 * 3. the template mutations of a CompliancePolicy through the mutating webhook, idempotent.
 *
 * An RGD that kro-guard denies is stored anyway, as a kube-system ServiceAccount (which kro-guard's
 * webhooks skip), so that its instances and children are checked too (the scenarios' README: "the
 * instance and child expectations hold as well if the RGD is admitted by other means").
 *
 * Runs sequentially in its own control plane; every scenario's first run comes first, then the policy
 * variants (a second run needs the first run's RGD gone: a re-apply of an unchanged RGD never reaches
 * kro-guard). Instances are deleted before their RGD; everything goes with the control plane.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { rgdGeneratedKind, templateGvks } from '../../src/graph/index.ts';
import { deniedBy, pollUntil } from '../harness/index.ts';
import { loadScenarios, type ExpectedCase, type Scenario, type ScenarioRun } from '../scenarios/load.ts';
import {
  childrenOf,
  rgdPath,
  servedResource,
  waitGone,
  waitInstanceKindRegistration,
  waitRgdActive,
  type Gvk,
} from './compliance/cluster-state.ts';
import {
  BYPASS_KRO_GUARD,
  DEFAULT_POLICY,
  WEBHOOKS,
  startComplianceCluster,
  type ComplianceCluster,
} from './compliance/environment.ts';
import { assertCase } from './compliance/expectations.ts';
import { dryRunThroughKroGuard } from './compliance/kubectl-admission.ts';
import { describeOutcome, readOutcome } from './compliance/outcome.ts';
import { PolicyBarrier } from './compliance/policy-barrier.ts';

type Obj = Record<string, unknown>;

const FIXTURES = join(import.meta.dirname, 'compliance', 'fixtures');
const INSTANCE_WEBHOOKS = { validating: WEBHOOKS.instances, mutating: WEBHOOKS.mutateInstances };
/** kro creating an instance's first child, ms (kro reconciles a new instance within a second or two). */
const FIRST_CHILD_MS = 30_000;

let env: ComplianceCluster | undefined;
let barrier: PolicyBarrier | undefined;
const t0 = performance.now();
const log = (line: string): void => {
  process.stderr.write(`[compliance ${((performance.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
};
const started = (): { env: ComplianceCluster; barrier: PolicyBarrier } => {
  if (env === undefined || barrier === undefined) throw new Error('the control plane did not start');
  return { env, barrier };
};
const kroLogTail = (filter?: string): string => {
  const lines = (env?.kroLog() ?? '').split('\n').filter((l) => filter === undefined || l.includes(filter));
  return `--- kro log (last 15 lines${filter === undefined ? '' : ` naming ${filter}`}) ---\n${lines.slice(-15).join('\n')}`;
};

const metadata = (o: Obj): { name: string; namespace?: string } => o.metadata as { name: string };

/** The kind an RGD generates (kro-contract §1.2), from kro-guard's own reading of the RGD. */
function generatedKind(scenario: Scenario): Gvk {
  const generated = rgdGeneratedKind(scenario.rgd);
  if (generated === undefined) throw new Error(`${scenario.name}/rgd.yaml generates no kind`);
  return generated.gvk;
}

before(async () => {
  env = await startComplianceCluster();
  barrier = new PolicyBarrier(env.cp, env.webhook, env.client);
  log(`control plane with kro and kro-guard (cluster mode) ready`);
});

after(async () => {
  try {
    await barrier?.remove();
  } finally {
    await env?.stop();
    log('stopped');
  }
});

describe("kro-guard's policy resources on the API server", () => {
  it('manifests/policies/default.yaml is admitted by kro-guard and stored', async () => {
    const { env, barrier } = started();
    const r = await env.cp.kubectl(['apply', '-f', DEFAULT_POLICY]);
    assert.match(r.stdout, /compliancepolicy\.kro-guard\.io\/kro-guard-default created/);
    const decision = env.webhook
      .decisions()
      .find((d) => d.route === 'validate' && d.kind === 'CompliancePolicy' && d.name === 'kro-guard-default');
    assert.deepEqual(decision && [decision.allowed, decision.dryRun], [true, false]);
    const mode = await env.cp.kubectl([
      'get',
      'compliancepolicy',
      'kro-guard-default',
      '-o',
      'jsonpath={.spec.mode} {.spec.rules.include}',
    ]);
    assert.equal(mode.stdout, 'Enforce ["*"]');
    await barrier.sync();
  });

  it('a policy with an unknown mode is refused by the CRD schema, before kro-guard', async () => {
    const { env } = started();
    const policy = {
      apiVersion: 'kro-guard.io/v1alpha1',
      kind: 'CompliancePolicy',
      metadata: { name: 'e2e-unknown-mode' },
      spec: { mode: 'Block' },
    };
    const r = await env.cp.kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: stringify(policy),
      allowFailure: true,
    });
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(
      r.stderr,
      /spec\.mode: Unsupported value: "Block": supported values: "Enforce", "Warn", "Audit"/,
    );
    assert.ok(!r.stderr.includes('admission webhook'), r.stderr);
  });

  it("a custom rule with a CEL syntax error is denied by kro-guard's policy webhook", async () => {
    const { env } = started();
    const policy = {
      apiVersion: 'kro-guard.io/v1alpha1',
      kind: 'CompliancePolicy',
      metadata: { name: 'e2e-bad-expression' },
      spec: {
        mode: 'Enforce',
        customRules: [
          {
            id: 'CUSTOM-bucket-tags',
            title: 'Buckets carry a cost-center tag',
            severity: 'medium',
            expression: 'has(object.spec.tagging) &&',
          },
        ],
      },
    };
    const r = await env.cp.kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: stringify(policy),
      allowFailure: true,
    });
    const outcome = readOutcome(r);
    assert.equal(outcome.deniedBy, WEBHOOKS.policies, describeOutcome(outcome));
    assert.ok(r.stderr.includes(deniedBy(WEBHOOKS.policies)), r.stderr);
    assert.match(r.stderr, /CompliancePolicy "e2e-bad-expression" is invalid: 1 error/);
    assert.ok(
      outcome.errors.some(
        (l) => l.startsWith('spec.customRules[0].expression: ') && /ERROR: <input>:1:/.test(l),
      ),
      describeOutcome(outcome),
    );
    const get = await env.cp.kubectl(['get', 'compliancepolicy', 'e2e-bad-expression'], {
      allowFailure: true,
    });
    assert.match(get.stderr, /NotFound/);
  });

  it('a valid ComplianceException is accepted and stored', async () => {
    const { env } = started();
    const exception = {
      apiVersion: 'kro-guard.io/v1alpha1',
      kind: 'ComplianceException',
      metadata: { name: 'e2e-legacy-bucket', namespace: 'default' },
      spec: {
        reason: 'the bucket predates the policy; tracked in TICKET-1',
        owner: 'team-storage',
        exceptions: [{ policy: 'kro-guard-default', rules: ['S3-009', 'S3-010'] }],
        match: { rgds: ['e2e-no-such-rgd'], resources: ['bucket'] },
      },
    };
    const r = await env.cp.kubectl(['apply', '-f', '-'], { input: stringify(exception) });
    assert.match(r.stdout, /complianceexception\.kro-guard\.io\/e2e-legacy-bucket created/);
    const decision = env.webhook
      .decisions()
      .find(
        (d) => d.route === 'validate' && d.kind === 'ComplianceException' && d.name === 'e2e-legacy-bucket',
      );
    assert.deepEqual(decision && [decision.allowed, decision.dryRun], [true, false]);
    await env.cp.kubectl(['delete', 'complianceexception', '-n', 'default', 'e2e-legacy-bucket']);
  });
});

/** The scenario runs in test order: every first run, then the policy variants. */
const scenarios = loadScenarios();
const runs: { scenario: Scenario; run: ScenarioRun }[] = [
  ...scenarios.map((scenario) => ({ scenario, run: scenario.runs[0]! })),
  ...scenarios.flatMap((scenario) => scenario.runs.slice(1).map((run) => ({ scenario, run }))),
];

for (const { scenario, run } of runs) {
  const rgdFile = join(scenario.dir, 'rgd.yaml');
  const rgdName = metadata(scenario.rgd).name;
  const kind = generatedKind(scenario);
  /** Kinds kro may create for an instance (externalRef kinds too: they carry no kro label, harmless). */
  const children = templateGvks(scenario.rgd);
  const policyFiles = run.policies.map((p) => join(scenario.dir, p));
  const where = (point: string): string => `${scenario.name} (${run.run}) ${point}`;

  describe(`scenario ${scenario.name}, run ${run.run}`, () => {
    /** Set once the RGD is stored and served; the instance and child steps need it. */
    let rgdReady = false;
    /** Instance files created for real, deleted afterwards. */
    const created: string[] = [];
    const needRgd = (): void => {
      if (!rgdReady) throw new Error(`RGD ${rgdName} is not stored and Active: see the step above`);
    };

    before(async () => {
      const { env, barrier } = started();
      const start = performance.now();
      // A previous run of this scenario deleted the RGD: gone, and its kind out of the webhooks.
      await waitGone(env.client, rgdPath(rgdName), 60_000);
      const served = await servedResource(env.client, kind);
      if (served !== undefined)
        await waitInstanceKindRegistration(env.client, kind, served.plural, INSTANCE_WEBHOOKS, false);
      for (const file of policyFiles) await env.cp.kubectl(['apply', '-f', file]);
      await barrier.sync();
      log(
        `${scenario.name} (${run.run}): policies [${run.policies.join(', ')}] in force after ${((performance.now() - start) / 1000).toFixed(1)}s`,
      );
    });

    after(async () => {
      const { env } = started();
      const start = performance.now();
      if (created.length > 0) {
        await env.cp.kubectl(
          ['delete', '--ignore-not-found', '--wait', '--timeout=60s', ...created.flatMap((f) => ['-f', f])],
          { timeoutMs: 90_000 },
        );
      }
      await env.cp.kubectl(['delete', 'rgd', rgdName, '--ignore-not-found', '--wait=false']);
      if (policyFiles.length > 0)
        await env.cp.kubectl(['delete', '--ignore-not-found', ...policyFiles.flatMap((f) => ['-f', f])]);
      log(`${scenario.name} (${run.run}): cleaned up in ${((performance.now() - start) / 1000).toFixed(1)}s`);
    });

    it(`R: kubectl apply --dry-run=server rgd.yaml is ${run.rgd.decision === 'allow' ? 'allowed' : 'denied'}`, async () => {
      const { env } = started();
      const outcome = await dryRunThroughKroGuard(env.cp, env.webhook, rgdFile, {
        kind: 'ResourceGraphDefinition',
        name: rgdName,
      });
      assertCase(where('R'), run.rgd, outcome, WEBHOOKS.rgd);
    });

    it(
      run.rgd.decision === 'allow'
        ? 'the RGD is created, kro marks it Active, the registrar adds its kind to the instance webhooks'
        : 'the RGD, stored bypassing kro-guard, is Active and its kind in the instance webhooks',
      async () => {
        const { env } = started();
        let failure: Error | undefined;
        if (run.rgd.decision === 'allow') {
          const r = await env.cp.kubectl(['apply', '-f', rgdFile], { allowFailure: true });
          const decision = env.webhook
            .decisions()
            .findLast((d) => d.route === 'validate' && d.name === rgdName && !d.dryRun);
          if (r.code !== 0 || decision?.allowed !== true) {
            failure = new Error(
              `${where('R')}: creating the RGD for real failed${describeOutcome(readOutcome(r))}`,
            );
          }
        }
        if (run.rgd.decision === 'deny' || failure !== undefined) {
          const before = env.webhook.decisions().length;
          await env.cp.kubectl(['apply', ...BYPASS_KRO_GUARD, '-f', rgdFile]);
          const called = env.webhook
            .decisions()
            .slice(before)
            .filter((d) => d.name === rgdName);
          assert.deepEqual(called, [], 'kro-guard must not be called for a kube-system ServiceAccount');
        }
        await waitRgdActive(env.client, rgdName, () => kroLogTail(rgdName));
        const served = await pollUntil(`kind ${kind.kind} served`, () => servedResource(env.client, kind), {
          timeoutMs: 30_000,
          intervalMs: 200,
        });
        await waitInstanceKindRegistration(env.client, kind, served.plural, INSTANCE_WEBHOOKS, true);
        rgdReady = true;
        if (failure !== undefined) throw failure;
      },
    );

    for (const c of run.instances) {
      const instance = scenario.instances.get(c.file!)!;
      const name = metadata(instance).name;
      it(`I: ${c.file} is ${c.decision === 'allow' ? 'allowed' : 'denied'}`, async () => {
        needRgd();
        const { env } = started();
        const outcome = await dryRunThroughKroGuard(env.cp, env.webhook, join(scenario.dir, c.file!), {
          kind: kind.kind,
          name,
        });
        assertCase(where(`I ${c.file}`), c, outcome, WEBHOOKS.instances);
      });
    }

    for (const c of run.children) {
      const child = scenario.children.get(c.file!)!;
      it(`C: ${c.file} is ${c.decision === 'allow' ? 'allowed' : 'denied'}`, async () => {
        needRgd();
        const { env } = started();
        const outcome = await dryRunThroughKroGuard(env.cp, env.webhook, join(scenario.dir, c.file!), {
          kind: String(child.kind),
          name: metadata(child).name,
        });
        assertCase(where(`C ${c.file}`), c, outcome, WEBHOOKS.children);
      });
    }

    const allowed = run.instances.filter((c: ExpectedCase) => c.decision === 'allow');
    if (allowed.length > 0) {
      it(`the allowed instances are created and kro creates their first children`, async () => {
        needRgd();
        const { env } = started();
        for (const c of allowed) {
          const file = join(scenario.dir, c.file!);
          const r = await env.cp.kubectl(['apply', '-f', file], { allowFailure: true });
          assert.equal(
            r.code,
            0,
            `${where(`I ${c.file}`)}: creating it failed${describeOutcome(readOutcome(r))}`,
          );
          created.push(file);
        }
        const found = await Promise.all(
          allowed.map((c) => {
            const instance = metadata(scenario.instances.get(c.file!)!);
            const ref = { name: instance.name, namespace: instance.namespace ?? 'default' };
            return pollUntil(
              `kro to create a child of ${kind.kind} ${ref.namespace}/${ref.name}`,
              async () => {
                const list = await childrenOf(env.client, children, ref);
                return list.length > 0 ? list : undefined;
              },
              { timeoutMs: FIRST_CHILD_MS, intervalMs: 250, onTimeout: () => kroLogTail(ref.name) },
            );
          }),
        );
        // kro's writes went through kro-guard's child backstop, which allowed them.
        for (const child of found.flat()) {
          const decision = env.webhook
            .decisions()
            .find(
              (d) => d.route === 'validate' && d.kind === child.kind && d.name === child.name && !d.dryRun,
            );
          assert.equal(
            decision?.allowed,
            true,
            `kro-guard's decision on kro's ${child.kind} ${child.name}: ${JSON.stringify(decision)}`,
          );
        }
        log(
          `${scenario.name} (${run.run}): kro created ${found
            .map(
              (list, i) =>
                `${allowed[i]!.file} -> ${list.map((ch) => `${ch.kind}/${ch.name} (${ch.nodeId})`).join(', ')}`,
            )
            .join('; ')}`,
        );
      });
    }
  });
}

describe('template mutations enabled by a CompliancePolicy', () => {
  const rgdFile = join(FIXTURES, 'mutation-rgd.yaml');
  const policyFile = join(FIXTURES, 'mutation-policy.yaml');
  const ref = { kind: 'ResourceGraphDefinition', name: 'e2e-mutation-bucket' };
  let shown: Obj | undefined;

  after(async () => {
    const { env } = started();
    await env.cp.kubectl(['delete', '--ignore-not-found', '-f', policyFile]);
  });

  it('without them, the RGD whose Bucket omits encryption and public access block is denied', async () => {
    const { env } = started();
    const outcome = await dryRunThroughKroGuard(env.cp, env.webhook, rgdFile, ref);
    assert.equal(outcome.deniedBy, WEBHOOKS.rgd, describeOutcome(outcome));
    for (const id of ['S3-001', 'S3-003'])
      assert.ok(
        outcome.errors.some((l) => l.includes(`: ${id} `)),
        `${id} must deny${describeOutcome(outcome)}`,
      );
  });

  it('with them, the dry-run shows the added encryption and public access block, with warnings', async () => {
    const { env, barrier } = started();
    await env.cp.kubectl(['apply', '-f', policyFile]);
    await barrier.sync();
    const mutateDecisions = (): number =>
      env.webhook.decisions().filter((d) => d.route === 'mutate' && d.name === ref.name && d.dryRun).length;
    const mutatedBefore = mutateDecisions();
    const outcome = await dryRunThroughKroGuard(env.cp, env.webhook, rgdFile, ref, ['-o', 'yaml']);
    assert.ok(outcome.allowed, describeOutcome(outcome));
    shown = parse(outcome.stdout) as Obj;
    const bucket = (shown.spec as { resources: { template: { spec: Obj } }[] }).resources[0]!.template.spec;
    assert.deepEqual(bucket.encryption, {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    assert.deepEqual(bucket.publicAccessBlock, {
      blockPublicACLs: true,
      blockPublicPolicy: true,
      ignorePublicACLs: true,
      restrictPublicBuckets: true,
    });
    const mutations = outcome.warnings.filter((w) => w.startsWith('kro-guard: '));
    assert.ok(
      mutations.some(
        (w) =>
          w.startsWith('kro-guard: spec.resources[0].template.spec.encryption: ') && w.endsWith('(S3-001)'),
      ),
      describeOutcome(outcome),
    );
    // The rule id closes the warning (`... (S3-003)`) but this one is cut at 119 characters before it.
    assert.ok(
      mutations.some(
        (w) =>
          w.startsWith('kro-guard: spec.resources[0].template.spec.publicAccessBlock: ') &&
          w.includes('public access block'),
      ),
      describeOutcome(outcome),
    );
    // kro-guard's mutating webhook answered this dry-run.
    assert.ok(mutateDecisions() > mutatedBefore, 'kro-guard logged no new /mutate decision for the RGD');
  });

  it('applying the mutated output again changes nothing and warns of no change', async () => {
    const { env } = started();
    assert.ok(shown !== undefined, 'the previous step must have shown the mutated RGD');
    // The output as a user would save and apply it: server-set metadata and status left out.
    const again = {
      apiVersion: shown.apiVersion,
      kind: shown.kind,
      metadata: { name: (shown.metadata as Obj).name },
      spec: shown.spec,
    };
    const outcome = readOutcome(
      await env.cp.kubectl(['apply', '--dry-run=server', '-o', 'yaml', '-f', '-'], {
        input: stringify(again),
        allowFailure: true,
      }),
    );
    assert.ok(outcome.allowed, describeOutcome(outcome));
    assert.deepEqual(
      outcome.warnings.filter((w) => w.startsWith('kro-guard: ')),
      [],
      describeOutcome(outcome),
    );
    assert.deepEqual((parse(outcome.stdout) as Obj).spec, shown.spec);
  });
});

describe("kro-guard's log", () => {
  it('has a decision for every review: none failed or missed its deadline', () => {
    const { env } = started();
    const failed = env.webhook.decisions().filter((d) => d.outcome !== 'decided');
    assert.deepEqual(failed, []);
  });
});
