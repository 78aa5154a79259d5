/**
 * kro v0.9.3's own examples through a real API server with kro-guard registered and the kro controller
 * running: admitted RGDs become Active with their CRDs, an instance gets its children, and an UPDATE
 * of a stored RGD is checked. The tests run in file order: the later ones use the RGDs stored by the
 * first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { checkRgd } from '../../src/graph/index.ts';
import { deniedBy, pollUntil } from '../harness/index.ts';
import { CORPUS_KUBERNETES, readYaml, useControlPlaneWithWebhook } from './helpers.ts';

const env = useControlPlaneWithWebhook();

/** Corpus RGDs whose templates use only built-in kinds (Deployment, Service, Ingress, Job). */
const CORPUS = [
  { file: 'webapp/rg.yaml', name: 'webapp.kro.run', kind: 'WebApp', crd: 'webapps.kro.run' },
  {
    file: 'additionalPrinterColumns/rg.yaml',
    name: 'application',
    kind: 'Application',
    crd: 'applications.kro.run',
  },
  {
    file: 'job-example/rgd.yaml',
    name: 'job-deployment.kro.run',
    kind: 'JobDeployment',
    crd: 'jobdeployments.kro.run',
  },
  { file: 'cel-functions/rg.yaml', name: 'somethings.kro.run', kind: 'Something', crd: 'somethings.kro.run' },
] as const;

const WEBAPP_RGD = join(CORPUS_KUBERNETES, 'webapp', 'rg.yaml');

async function jsonpath(args: string[], expression: string): Promise<string> {
  return (await env.cp.kubectl(['get', ...args, '-o', `jsonpath=${expression}`])).stdout;
}

describe('valid corpus RGDs', () => {
  it('are admitted by kro-guard and stored', async () => {
    for (const { file, name } of CORPUS) {
      const r = await env.cp.kubectl(['apply', '-f', join(CORPUS_KUBERNETES, file)]);
      assert.match(
        r.stdout,
        new RegExp(`resourcegraphdefinition.kro.run/${name.replaceAll('.', '\\.')} created`),
      );
      const decision = env.webhook.decisions().find((d) => d.route === 'validate' && d.name === name);
      assert.equal(decision?.allowed, true, `kro-guard's decision for ${name}: ${JSON.stringify(decision)}`);
      assert.equal(decision.dryRun, false);
    }
  });

  it('are marked Active by kro, which creates their CRDs', async () => {
    for (const { name, kind, crd } of CORPUS) {
      await pollUntil(
        `RGD ${name} to be Active`,
        async () => (await jsonpath(['rgd', name], '{.status.state}')) === 'Active',
        {
          timeoutMs: 60_000,
          intervalMs: 250,
          onTimeout: () => `kro log tail:\n${env.cp.logs('kro').split('\n').slice(-20).join('\n')}`,
        },
      );
      assert.equal(await jsonpath(['crd', crd], '{.spec.names.kind}'), kind);
      assert.equal(await jsonpath(['crd', crd], '{.spec.group}'), 'kro.run');
      await env.cp.kubectl(['wait', '--for=condition=Established', '--timeout=30s', `crd/${crd}`]);
    }
  });
});

describe('an instance of the webapp RGD', () => {
  it('is accepted and kro creates its Deployment, Service and Ingress', async () => {
    // instance.yaml has no namespace: it goes to `default`. It asks for port 80 and an Ingress.
    const instance = join(CORPUS_KUBERNETES, 'webapp', 'instance.yaml');
    const r = await env.cp.kubectl(['apply', '-n', 'default', '-f', instance]);
    assert.match(r.stdout, /webapp\.kro\.run\/test-app created/);

    await pollUntil(
      'Deployment test-app',
      () => env.cp.kubectl(['get', 'deployment', 'test-app', '-n', 'default']),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    assert.equal(
      await jsonpath(
        ['deployment', 'test-app', '-n', 'default'],
        '{.spec.template.spec.containers[0].image}',
      ),
      'nginx',
    );
    assert.equal(await jsonpath(['deployment', 'test-app', '-n', 'default'], '{.spec.replicas}'), '1');
    assert.equal(
      await jsonpath(['deployment', 'test-app', '-n', 'default'], '{.metadata.labels.kro\\.run/owned}'),
      'true',
    );

    // The Service and the Ingress wait for the Deployment's readyWhen (availableReplicas). There is no
    // kube-controller-manager here, so report the rollout in its place, through the status subresource.
    await env.cp.kubectl([
      'patch',
      'deployment',
      'test-app',
      '-n',
      'default',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          observedGeneration: 1,
          replicas: 1,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
        },
      }),
    ]);
    await pollUntil(
      'Service test-app',
      () => env.cp.kubectl(['get', 'service', 'test-app', '-n', 'default']),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    assert.equal(
      await jsonpath(['service', 'test-app', '-n', 'default'], '{.spec.ports[0].targetPort}'),
      '80',
    );
    await pollUntil(
      'Ingress test-app',
      () => env.cp.kubectl(['get', 'ingress', 'test-app', '-n', 'default']),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    assert.equal(
      await jsonpath(
        ['ingress', 'test-app', '-n', 'default'],
        '{.spec.rules[0].http.paths[0].backend.service.name}',
      ),
      'test-app',
    );
    await pollUntil(
      'instance test-app ACTIVE',
      async () => (await jsonpath(['webapp', 'test-app', '-n', 'default'], '{.status.state}')) === 'ACTIVE',
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });
});

describe('an UPDATE of a stored RGD', () => {
  const withKind = (kind: string): string =>
    readFileSync(WEBAPP_RGD, 'utf8').replace('kind: WebApp', `kind: ${kind}`);
  /**
   * kro-guard's validating decisions so far on UPDATEs of the RGD `name`. Only those: kro's writes of
   * an instance's children (Deployments, Services, ...) reach /validate too, through the children
   * webhook, at any time.
   */
  const rgdUpdateDecisions = (name: string): number =>
    env.webhook
      .decisions()
      .filter(
        (d) =>
          d.route === 'validate' &&
          d.kind === 'ResourceGraphDefinition' &&
          d.name === name &&
          d.operation === 'UPDATE',
      ).length;

  it('changing spec.schema.kind is denied with "kind is immutable", by the API server before kro-guard', async () => {
    const before = rgdUpdateDecisions('webapp.kro.run');
    const r = await env.cp.kubectl(['apply', '-f', '-'], {
      input: withKind('WebApplication'),
      allowFailure: true,
    });
    assert.notEqual(r.code, 0, r.stdout);
    assert.ok(
      r.stderr.includes('spec.schema.kind: Invalid value: "WebApplication": kind is immutable'),
      r.stderr,
    );
    // The RGD CRD's own transition rule (x-kubernetes-validations `self == oldSelf`) runs before
    // validating admission webhooks, so the request never reaches kro-guard's validating webhook.
    assert.ok(!r.stderr.includes('admission webhook'), r.stderr);
    assert.equal(rgdUpdateDecisions('webapp.kro.run'), before);
    assert.equal(await jsonpath(['rgd', 'webapp.kro.run'], '{.spec.schema.kind}'), 'WebApp');
  });

  it('kro-guard reports the same immutability error offline (CLI/CI) for that UPDATE', () => {
    const errors = checkRgd(parse(withKind('WebApplication')), {
      oldRgd: readYaml(WEBAPP_RGD),
    }).diagnostics.filter((d) => d.severity === 'error');
    // The same path and text as kube-apiserver 1.35.4 prints.
    assert.deepEqual(
      errors.map((d) => [d.path, d.message]),
      [['spec.schema.kind', 'Invalid value: "WebApplication": kind is immutable']],
    );
  });

  it("that passes the CRD schema but breaks the graph is denied by kro-guard's webhook", async () => {
    const rgd = readYaml(WEBAPP_RGD) as {
      spec: { resources: { template: { metadata: Record<string, unknown> } }[] };
    };
    rgd.spec.resources[0]!.template.metadata['annotations'] = { owner: '${team.metadata.name}' };
    const r = await env.cp.kubectl(['apply', '-f', '-'], { input: stringify(rgd), allowFailure: true });
    assert.notEqual(r.code, 0, r.stdout);
    assert.ok(r.stderr.includes(deniedBy(env.webhook.names.validating)), r.stderr);
    assert.ok(r.stderr.includes('- spec.resources[0].template.metadata.annotations.owner'), r.stderr);
    assert.ok(r.stderr.includes('references unknown identifiers: [team]'), r.stderr);
    const decision = env.webhook
      .decisions()
      .findLast((d) => d.route === 'validate' && d.name === 'webapp.kro.run' && d.operation === 'UPDATE');
    assert.equal(decision?.allowed, false);
    assert.equal(
      await jsonpath(['rgd', 'webapp.kro.run'], '{.spec.resources[0].template.metadata.annotations}'),
      '',
    );
  });
});
