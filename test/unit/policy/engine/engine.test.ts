import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Unknown, type RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../../../src/graph/render/types.ts';
import {
  aggregateWorlds,
  evaluateGraph,
  findingDiagnostics,
  type EffectiveRule,
  type RuleSelector,
} from '../../../../src/policy/engine/index.ts';
import { expectOneOf } from '../../../../src/policy/results.ts';
import { DEFAULT_RULE_PARAMETERS, type Rule } from '../../../../src/policy/types.ts';

const aclRule: Rule = {
  id: 'T-001',
  title: 'ACL is private',
  severity: 'critical',
  controls: { fsbp: ['S3.2'], checkov: ['CKV_AWS_20'] },
  remediation: 'Set acl to private.',
  kinds: [{ group: 's3.services.k8s.aws', kind: 'Bucket' }],
  check: (ctx) => [expectOneOf(ctx.object, ['spec', 'acl'], ['private'], 'acl')],
};

const throwing: Rule = { ...aclRule, id: 'T-002', check: () => { throw new Error('boom'); } }; // prettier-ignore

function bucket(id: string, object: RenderedObject, extra: Partial<RenderedResource> = {}): RenderedResource {
  return {
    id,
    resourceIndex: 0,
    included: true,
    object: { apiVersion: 's3.services.k8s.aws/v1alpha1', kind: 'Bucket', ...object },
    external: false,
    gvk: { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' },
    namespaced: true,
    templatePath: ['spec', 'resources', 0, 'template'],
    ...extra,
  };
}

function graph(resources: RenderedResource[], extra: Partial<RenderedGraph> = {}): RenderedGraph {
  return {
    mode: 'instance',
    instance: { name: 'demo', namespace: 'team-a' },
    resources,
    excluded: [],
    assignment: {},
    diagnostics: [],
    ...extra,
  };
}

function selector(mode: EffectiveRule['mode'], rules: Rule[] = [aclRule]): RuleSelector {
  return () => rules.map((rule) => ({ rule, mode, policy: 'p', params: { ...DEFAULT_RULE_PARAMETERS } }));
}

describe('evaluateGraph', () => {
  it('points instance findings at the graph node, collections with their index', () => {
    const g = graph([
      bucket('logs', { spec: { acl: 'public-read' } }),
      bucket('data', { spec: { acl: 'private' } }, { collectionIndex: 2 }),
    ]);
    const f = evaluateGraph(g, selector('Enforce'), { point: 'instance' });
    assert.deepEqual(
      f.map((x) => [x.location, x.verdict]),
      [
        ['resources[logs].spec.acl', 'fail'],
        ['resources[data][2].spec.acl', 'pass'],
      ],
    );
  });

  it('points RGD findings at the template field and child findings at the object field', () => {
    const g = graph([bucket('logs', { spec: {} })]);
    assert.equal(
      evaluateGraph(g, selector('Enforce'), { point: 'rgd' })[0]!.location,
      'spec.resources[0].template.spec.acl',
    );
    assert.equal(evaluateGraph(g, selector('Enforce'), { point: 'child' })[0]!.location, 'spec.acl');
  });

  it('skips externalRefs and kinds the rule does not name', () => {
    const g = graph([
      bucket('ext', { spec: {} }, { external: true }),
      bucket('cm', { spec: {} }, { gvk: { group: '', version: 'v1', kind: 'ConfigMap' } }),
    ]);
    assert.deepEqual(evaluateGraph(g, selector('Enforce'), { point: 'instance' }), []);
  });

  it('fails closed when a rule throws', () => {
    const f = evaluateGraph(graph([bucket('b', { spec: {} })]), selector('Enforce', [throwing]), {
      point: 'instance',
    });
    assert.equal(f[0]!.verdict, 'fail');
    assert.match(f[0]!.reason, /rule could not be evaluated: boom/);
  });

  it('passes the selector what policies match on', () => {
    const seen: unknown[] = [];
    evaluateGraph(
      graph([bucket('b', { metadata: { namespace: 'other' }, spec: {} })]),
      (t) => {
        seen.push(t);
        return [];
      },
      { point: 'instance', rgdName: 'rgd-a' },
    );
    assert.deepEqual(seen, [
      {
        kind: { group: 's3.services.k8s.aws', kind: 'Bucket' },
        rgdName: 'rgd-a',
        namespace: 'other',
        instanceName: 'demo',
        resourceId: 'b',
      },
    ]);
  });
});

describe('findingDiagnostics', () => {
  const failing = graph([bucket('logs', { spec: { acl: 'public-read' } })]);

  it('makes enforced failures errors naming rule, title and controls', () => {
    const d = findingDiagnostics(
      evaluateGraph(failing, selector('Enforce'), { point: 'instance' }),
      'instance',
    );
    assert.deepEqual(d, [
      {
        severity: 'error',
        code: 'policy/T-001',
        path: 'resources[logs].spec.acl',
        message: 'T-001 ACL is private [FSBP S3.2; CKV_AWS_20]: acl is "public-read" (must be "private")',
        resourceId: 'logs',
      },
    ]);
  });

  it('makes Warn failures and exempted failures warnings, and Audit silent', () => {
    const warn = findingDiagnostics(
      evaluateGraph(failing, selector('Warn'), { point: 'instance' }),
      'instance',
    );
    assert.deepEqual(
      warn.map((d) => [d.severity, d.code]),
      [['warning', 'policy/T-001']],
    );
    const audit = findingDiagnostics(
      evaluateGraph(failing, selector('Audit'), { point: 'instance' }),
      'instance',
    );
    assert.deepEqual(audit, []);
    const exempt: RuleSelector = () => [
      { rule: aclRule, mode: 'Enforce', policy: 'p', params: { ...DEFAULT_RULE_PARAMETERS }, exemptedBy: { name: 'legacy', namespace: 'team-a', reason: 'migration' } },
    ]; // prettier-ignore
    const ex = findingDiagnostics(evaluateGraph(failing, exempt, { point: 'instance' }), 'instance');
    assert.equal(ex.length, 1);
    assert.equal(ex[0]!.severity, 'warning');
    assert.match(ex[0]!.message, /^T-001 exempted by team-a\/legacy: /);
  });

  it('reports unknowns as deferred warnings naming their inputs', () => {
    const u = new Unknown('schema.spec.acl', [{ kind: 'input', path: 'schema.spec.acl' }]);
    const g = graph([bucket('logs', { spec: { acl: u } })], { mode: 'symbolic' });
    const d = findingDiagnostics(evaluateGraph(g, selector('Enforce'), { point: 'rgd' }), 'rgd');
    assert.equal(d.length, 1);
    assert.equal(d[0]!.code, 'policy/T-001/deferred');
    assert.equal(d[0]!.message, 'T-001 deferred to instance admission: depends on spec.acl');
  });
});

describe('aggregateWorlds', () => {
  const world = (
    acl: string | undefined,
    assignment: Record<string, unknown>,
    included = true,
  ): RenderedGraph =>
    graph(included ? [bucket('b', { spec: acl === undefined ? {} : { acl } })] : [], {
      mode: 'symbolic',
      assignment,
    });

  const run = (worlds: RenderedGraph[]) =>
    aggregateWorlds(
      worlds,
      worlds.map((w) => evaluateGraph(w, selector('Enforce'), { point: 'rgd' })),
    );

  it('passes when every world passes and fails when every world fails', () => {
    assert.equal(
      run([world('private', { 'schema.spec.x': true }), world('private', { 'schema.spec.x': false })])[0]!
        .verdict,
      'pass',
    );
    assert.equal(
      run([
        world('public-read', { 'schema.spec.x': true }),
        world('public-read', { 'schema.spec.x': false }),
      ])[0]!.verdict,
      'fail',
    );
  });

  it('defers a rule that fails only under some inputs, naming them', () => {
    const f = run([
      world('private', { 'schema.spec.allowPublic': false }),
      world('public-read', { 'schema.spec.allowPublic': true }),
    ]);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.verdict, 'unknown');
    assert.deepEqual(f[0]!.failsWhen, { 'schema.spec.allowPublic': true });
    assert.deepEqual(f[0]!.dependsOn, [{ kind: 'input', path: 'schema.spec.allowPublic' }]);
    const d = findingDiagnostics(f, 'rgd');
    assert.match(d[0]!.message, /fails when spec\.allowPublic=true/);
  });

  it('fails a violation that is reachable in some world even if excluded in others', () => {
    const f = run([
      world('public-read', { 'schema.spec.env': 'dev' }),
      world(undefined, { 'schema.spec.env': 'prod' }, false),
    ]);
    assert.deepEqual(
      f.map((x) => x.verdict),
      ['fail'],
    );
  });
});
