/**
 * The compliance-catalogue §5 scenarios (test/scenarios) at kro-guard's three decision points,
 * through the same decision functions the webhook's workers run (`decideValidate`), offline: the
 * embedded Kubernetes schemas and the ACK CRDs, the built-in default policy plus each run's policies.
 * The same fixtures run on the real control plane in test/e2e/compliance.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CompiledRgdCache, compileRgd } from '../../src/admission/compiled-rgd.ts';
import {
  childCompliance,
  childInstanceGvk,
  instanceCompliance,
  rgdCompliance,
} from '../../src/admission/compliance.ts';
import { decideValidate, type DecisionContext } from '../../src/admission/decide.ts';
import type { AdmissionReviewRequest } from '../../src/admission/types.ts';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { DEFAULT_POLICY_YAML_PATH } from '../../src/policy/config/index.ts';
import type { Finding } from '../../src/policy/engine/index.ts';
import { buildPolicySet } from '../../src/policy/policy-set.ts';
import { crdFileSource } from '../../src/schemas/crd-files.ts';
import { chainSources, embeddedSource } from '../../src/schemas/source.ts';
import { loadScenarios, type ExpectedCase, type Scenario, type ScenarioRun } from '../scenarios/load.ts';

const schemas = chainSources(embeddedSource(), crdFileSource(['../shared/crds/ack']));
const defaultPolicy = parse(readFileSync(DEFAULT_POLICY_YAML_PATH, 'utf8')) as unknown;

function review(object: Record<string, unknown>, uid: string): AdmissionReviewRequest {
  const apiVersion = String(object.apiVersion);
  const slash = apiVersion.indexOf('/');
  const md = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: {
        group: slash < 0 ? '' : apiVersion.slice(0, slash),
        version: apiVersion.slice(slash + 1),
        kind: String(object.kind),
      },
      resource: { group: '', version: '', resource: '' },
      name: md.name ?? '',
      namespace: md.namespace ?? '',
      operation: 'CREATE',
      object,
    },
  };
}

/** Rule ids of diagnostics by kind of report. */
function reported(diags: readonly Diagnostic[]) {
  const ids = (pred: (d: Diagnostic) => boolean, re: RegExp) =>
    new Set(
      diags
        .filter(pred)
        .map((d) => re.exec(d.code)?.[1])
        .filter((x): x is string => x !== undefined),
    );
  return {
    errors: ids((d) => d.severity === 'error', /^policy\/([^/]+)$/),
    warnings: ids((d) => d.severity === 'warning', /^policy\/([^/]+)(?:\/exempted)?$/),
    deferred: ids(() => true, /^policy\/([^/]+)\/deferred$/),
  };
}

function assertCase(
  where: string,
  expected: ExpectedCase,
  diags: readonly Diagnostic[],
  findings: readonly Finding[],
  allowed: boolean,
): void {
  const got = reported(diags);
  const detail = `\n${diags.map((d) => `  ${d.severity} ${d.code} ${d.path}: ${d.message}`).join('\n')}`;
  assert.equal(allowed ? 'allow' : 'deny', expected.decision, `${where}: decision${detail}`);
  for (const id of expected.errors)
    assert.ok(got.errors.has(id), `${where}: ${id} must be an enforced failure${detail}`);
  for (const id of expected.warnings)
    assert.ok(got.warnings.has(id), `${where}: ${id} must be reported as a warning${detail}`);
  for (const id of expected.deferred)
    assert.ok(got.deferred.has(id), `${where}: ${id} must be deferred${detail}`);
  for (const input of expected.inputs) {
    assert.ok(
      diags.some((d) => d.code.endsWith('/deferred') && d.message.includes(input)),
      `${where}: a deferred finding must name ${input}${detail}`,
    );
  }
  for (const id of expected.passes) {
    const own = findings.filter((f) => f.ruleId === id);
    assert.ok(
      own.length > 0 && own.every((f) => f.verdict === 'pass' || f.verdict === 'na'),
      `${where}: ${id} must pass${detail}`,
    );
  }
  for (const prefix of expected.paths) {
    assert.ok(
      diags.some((d) => d.severity === 'error' && d.path.startsWith(prefix)),
      `${where}: an error must point at ${prefix}${detail}`,
    );
  }
  for (const control of expected.controls) {
    assert.ok(
      diags.some((d) => d.severity === 'error' && d.message.includes(control)),
      `${where}: the denial must carry ${control}${detail}`,
    );
  }
}

function contextFor(scenario: Scenario, run: ScenarioRun): DecisionContext {
  const objects = [defaultPolicy, ...run.policies.map((p) => scenario.policies.get(p)!)];
  const built = buildPolicySet(objects, { now: new Date() });
  assert.deepEqual(built.problems, [], `${scenario.name}/${run.run}: policies must be valid`);
  const rgd = scenario.rgd;
  const schema = (rgd.spec as { schema: { apiVersion: string; kind: string; group?: string } }).schema;
  return {
    schemas,
    policies: built.set,
    rgdForKind: (gvk) =>
      gvk.group === (schema.group ?? 'kro.run') &&
      gvk.version === schema.apiVersion &&
      gvk.kind === schema.kind
        ? rgd
        : undefined,
    compiled: new CompiledRgdCache(),
  };
}

for (const scenario of loadScenarios()) {
  describe(`scenario ${scenario.name}`, () => {
    for (const run of scenario.runs) {
      const name = (s: string) => `${run.id} ${run.run}: ${s}`;
      it(name('RGD admission'), () => {
        const ctx = contextFor(scenario, run);
        const compiled = compileRgd(scenario.rgd, schemas);
        const result = rgdCompliance(compiled, ctx.policies);
        const decision = decideValidate(review(scenario.rgd, 'r'), ctx);
        assertCase(
          `${scenario.name} R`,
          run.rgd,
          [...compiled.check.diagnostics, ...result.diagnostics],
          result.findings,
          decision.response!.allowed,
        );
      });
      for (const c of run.instances) {
        it(name(`instance ${c.file}`), () => {
          const ctx = contextFor(scenario, run);
          const instance = scenario.instances.get(c.file!)!;
          const compiled = compileRgd(scenario.rgd, schemas);
          const result = instanceCompliance(instance, compiled, ctx.policies, { operation: 'CREATE' });
          const decision = decideValidate(review(instance, 'i'), ctx);
          assertCase(
            `${scenario.name} I ${c.file}`,
            c,
            result.diagnostics,
            result.findings,
            decision.response!.allowed,
          );
        });
      }
      for (const c of run.children) {
        it(name(`child ${c.file}`), () => {
          const ctx = contextFor(scenario, run);
          const child = scenario.children.get(c.file!)!;
          const instance = childInstanceGvk(child);
          const rgdName =
            instance && ctx.rgdForKind(instance)
              ? String((scenario.rgd.metadata as { name: string }).name)
              : undefined;
          const result = childCompliance(child, ctx.policies, rgdName === undefined ? {} : { rgdName });
          const decision = decideValidate(review(child, 'c'), ctx);
          assertCase(
            `${scenario.name} C ${c.file}`,
            c,
            result.diagnostics,
            result.findings,
            decision.response!.allowed,
          );
        });
      }
    }
  });
}
