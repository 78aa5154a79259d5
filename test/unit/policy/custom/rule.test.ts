import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SymbolicString,
  Unknown,
  symbolicString,
  type RenderedObject,
} from '../../../../src/graph/render/symbolic.ts';
import type { CustomRuleSpec } from '../../../../src/policy/config/index.ts';
import { compileCustomRule } from '../../../../src/policy/custom/index.ts';
import type { RuleResult } from '../../../../src/policy/types.ts';
import { context, graph, resource } from './graph.ts';

function spec(expression: string, extra: Partial<CustomRuleSpec> = {}): CustomRuleSpec {
  return {
    id: 'CUSTOM-test',
    title: 'test rule',
    severity: 'high',
    kinds: [],
    expression,
    controls: {},
    remediation: '',
    ...extra,
  };
}

const keyArn = new Unknown('key.status.ackResourceMetadata.arn', [
  { kind: 'status', resourceId: 'key', path: 'key.status.ackResourceMetadata.arn' },
]);
const encInput = new Unknown('schema.spec.encryption', [{ kind: 'input', path: 'schema.spec.encryption' }]);

function bucket(spec: RenderedObject, name: RenderedObject[string] = 'shop-assets'): RenderedObject {
  return { apiVersion: 's3.services.k8s.aws/v1alpha1', kind: 'Bucket', metadata: { name }, spec };
}

/** Runs the rule on `object` (resource id `bucket`) in a graph with `others`. */
function run(expression: string, object: RenderedObject, extra: Partial<CustomRuleSpec> = {}): RuleResult[] {
  const { rule, diagnostics } = compileCustomRule(spec(expression, extra));
  assert.deepEqual(diagnostics, []);
  const r = resource('bucket', object);
  return rule.check(context(r, graph([r])));
}

describe('custom rules: pass and fail on known values', () => {
  const tagged = bucket({ tagging: { tagSet: [{ key: 'cost-center', value: '42' }] } });
  const untagged = bucket({ tagging: { tagSet: [{ key: 'team', value: 'a' }] } });
  const expression = "object.spec.tagging.tagSet.exists(t, t.key == 'cost-center')";

  it('true is pass, false is fail with the message (or the title)', () => {
    assert.deepEqual(run(expression, tagged), [{ verdict: 'pass', path: [], reason: 'expression is true' }]);
    assert.deepEqual(run(expression, untagged, { message: 'no cost-center tag' }), [
      { verdict: 'fail', path: [], reason: 'no cost-center tag' },
    ]);
    assert.deepEqual(run(expression, untagged), [{ verdict: 'fail', path: [], reason: 'test rule' }]);
  });

  it('JSON integers are CEL ints, other numbers doubles', () => {
    const db = bucket({ backupRetentionPeriod: 7, ratio: 0.5 });
    assert.equal(
      run('object.spec.backupRetentionPeriod >= params.minBackupRetentionDays', db)[0]!.verdict,
      'pass',
    );
    assert.equal(run('type(object.spec.backupRetentionPeriod) == int', db)[0]!.verdict, 'pass');
    assert.equal(
      run('type(object.spec.ratio) == double && object.spec.ratio == 0.5', db)[0]!.verdict,
      'pass',
    );
  });

  it('sees the policy parameters', () => {
    const { rule } = compileCustomRule(
      spec('params.worldOpenPorts.all(p, p == 443) && params.requireCpuLimit'),
    );
    const r = resource('bucket', bucket({}));
    assert.equal(rule.check(context(r, graph([r])))[0]!.verdict, 'fail');
    assert.equal(
      rule.check(context(r, graph([r]), { worldOpenPorts: [443], requireCpuLimit: true }))[0]!.verdict,
      'pass',
    );
  });

  it('returns no result for a kind it does not check', () => {
    const kinds = [{ group: 'rds.services.k8s.aws', kind: 'DBInstance' }];
    assert.deepEqual(run('false', bucket({}), { kinds }), []);
    assert.equal(
      run('false', bucket({}), { kinds: [{ group: 's3.services.k8s.aws', kind: 'Bucket' }] }).length,
      1,
    );
  });
});

describe('custom rules: errors fail closed', () => {
  it('an evaluation error on known data is a fail with the error', () => {
    const [r] = run('object.spec.versioning.status == "Enabled"', bucket({}));
    assert.equal(r!.verdict, 'fail');
    assert.match(r!.reason, /^expression failed: No such key: versioning/);
  });

  it('a result that is not a bool is a fail', () => {
    assert.deepEqual(run('object.spec.name', bucket({ name: 'x' })), [
      { verdict: 'fail', path: [], reason: 'expression returned string, not bool' },
    ]);
  });

  it('an exceeded budget is a fail', () => {
    const [r] = run('lists.range(2000).all(i, lists.range(2000).all(j, i + j >= 0))', bucket({}));
    assert.equal(r!.verdict, 'fail');
    assert.match(r!.reason, /step budget/);
  });
});

describe('custom rules: symbolic values', () => {
  it('reading a symbolic value gives unknown, with its provenance and its path in the object', () => {
    const [r] = run(
      "object.spec.encryption.rules.all(x, x.applyServerSideEncryptionByDefault.sseAlgorithm == 'aws:kms')",
      bucket({ encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: encInput } }] } }),
    );
    assert.deepEqual(r, {
      verdict: 'unknown',
      path: ['spec', 'encryption', 'rules', 0, 'applyServerSideEncryptionByDefault', 'sseAlgorithm'],
      reason: 'depends on instance field spec.encryption',
      dependsOn: [{ kind: 'input', path: 'schema.spec.encryption' }],
    });
  });

  it('a symbolic string is unknown as a whole (even where its literal prefix would decide)', () => {
    const name = symbolicString(['shop-', encInput]) as SymbolicString;
    const [r] = run("object.metadata.name.startsWith('shop-')", bucket({}, name));
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.path, ['metadata', 'name']);
  });

  it('a symbolic value the evaluation does not read does not matter', () => {
    const b = bucket({ public: false, policy: keyArn, rules: [{ enc: 'aws:kms' }, { enc: encInput }] });
    assert.equal(run('object.spec.public == false || object.spec.policy == ""', b)[0]!.verdict, 'pass');
    assert.equal(run("object.spec.rules.exists(r, r.enc == 'aws:kms')", b)[0]!.verdict, 'pass');
    assert.equal(run('object.spec.rules.size() == 2', b)[0]!.verdict, 'pass');
    assert.equal(run("object.spec.rules.all(r, r.enc == 'aws:kms')", b)[0]!.verdict, 'unknown');
  });

  it('is conservative: a read symbolic value makes the verdict unknown even when the result is decided', () => {
    const b = bucket({ policy: keyArn });
    const [r] = run('object.spec.policy == "x" || true', b);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [
      { kind: 'status', resourceId: 'key', path: 'key.status.ackResourceMetadata.arn' },
    ]);
    assert.equal(
      r!.reason,
      'depends on key.status.ackResourceMetadata.arn (known once resource "key" exists)',
    );
  });

  it('lists every symbolic value read, deduplicated, in order of reading', () => {
    const once = run('object.spec.b == "y" || object.spec.b == "z"', bucket({ b: encInput }))[0]!;
    assert.equal(once.verdict, 'unknown');
    assert.equal(once.reason, 'depends on instance field spec.encryption');
    assert.deepEqual(once.dependsOn, [{ kind: 'input', path: 'schema.spec.encryption' }]);
    const both = run(
      'object.spec.a == "x" && object.spec.b == "y" && object.spec.c == "z"',
      bucket({ a: 'x', b: encInput, c: keyArn }),
    )[0]!;
    assert.deepEqual(both.path, ['spec', 'b']);
    assert.equal(both.reason, 'depends on instance field spec.encryption and 1 more');
    assert.deepEqual(both.dependsOn, [
      { kind: 'input', path: 'schema.spec.encryption' },
      { kind: 'status', resourceId: 'key', path: 'key.status.ackResourceMetadata.arn' },
    ]);
  });
});

describe('custom rules: the graph variable', () => {
  const key: RenderedObject = {
    apiVersion: 'kms.services.k8s.aws/v1alpha1',
    kind: 'Key',
    metadata: { name: 'k' },
    spec: { enableKeyRotation: true },
  };
  const queue = (n: number): RenderedObject => ({
    apiVersion: 'sqs.services.k8s.aws/v1alpha1',
    kind: 'Queue',
    metadata: { name: `q${n}` },
    spec: { kmsMasterKeyID: keyArn },
  });
  const b = bucket({
    encryption: { rules: [{ applyServerSideEncryptionByDefault: { kmsMasterKeyID: keyArn } }] },
  });

  function check(expression: string, mode: 'instance' | 'symbolic' = 'instance'): RuleResult {
    const { rule } = compileCustomRule(spec(expression));
    const rb = resource('bucket', b);
    const g = graph(
      [resource('key', key), rb, resource('queues', queue(0), 0), resource('queues', queue(1), 1)],
      mode,
    );
    return rule.check(context(rb, g))[0]!;
  }

  it('maps resource ids to objects, and forEach collections to lists', () => {
    assert.equal(check('graph.resources.key.spec.enableKeyRotation').verdict, 'pass');
    assert.equal(
      check("graph.resources.queues.size() == 2 && graph.resources.queues[1].metadata.name == 'q1'").verdict,
      'pass',
    );
    assert.equal(check("'bucket' in graph.resources && !('other' in graph.resources)").verdict, 'pass');
  });

  it('a symbolic value read in another resource is unknown, with no path in the checked object', () => {
    const r = check("graph.resources.queues.all(q, q.spec.kmsMasterKeyID.startsWith('arn:'))");
    assert.equal(r.verdict, 'unknown');
    assert.deepEqual(r.path, []);
    assert.deepEqual(r.dependsOn, [
      { kind: 'status', resourceId: 'key', path: 'key.status.ackResourceMetadata.arn' },
    ]);
  });

  it('has the instance identity and the rendering mode', () => {
    assert.equal(
      check("graph.instance.name == 'shop' && graph.instance.namespace == 'team-a'").verdict,
      'pass',
    );
    assert.equal(check("graph.mode == 'instance'").verdict, 'pass');
    const symbolic = check("graph.instance.namespace != 'default'", 'symbolic');
    assert.equal(symbolic.verdict, 'unknown');
    assert.deepEqual(symbolic.dependsOn, [{ kind: 'input', path: 'schema.metadata.namespace' }]);
    assert.equal(check("graph.mode == 'symbolic'", 'symbolic').verdict, 'pass');
  });
});

describe('compileCustomRule', () => {
  it('builds a Rule with the spec’s metadata', () => {
    const { rule, diagnostics } = compileCustomRule(
      spec('true', {
        kinds: [{ group: 's3.services.k8s.aws', kind: 'Bucket' }],
        controls: { fsbp: ['S3.8'] },
        remediation: 'Block public access.',
      }),
      { policy: 'team-a' },
    );
    assert.deepEqual(diagnostics, []);
    assert.equal(rule.id, 'CUSTOM-test');
    assert.equal(rule.title, 'test rule');
    assert.equal(rule.severity, 'high');
    assert.deepEqual(rule.kinds, [{ group: 's3.services.k8s.aws', kind: 'Bucket' }]);
    assert.deepEqual(rule.controls, { fsbp: ['S3.8'] });
    assert.equal(rule.remediation, 'Block public access.');
    assert.equal(rule.custom, true);
    assert.equal(rule.expression, 'true');
    assert.equal(rule.policy, 'team-a');
    assert.equal(rule.optional, undefined);
  });

  it('reports compile errors at the expression path and gives a rule that always fails', () => {
    const { rule, diagnostics } = compileCustomRule(spec('object.spec.x +'), {
      path: ['spec', 'customRules', 3],
    });
    assert.deepEqual(
      diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}`),
      ['error policy/custom-rule-syntax spec.customRules[3].expression'],
    );
    const r = resource('bucket', bucket({}));
    const [result] = rule.check(context(r, graph([r])));
    assert.equal(result!.verdict, 'fail');
    assert.match(result!.reason, /^custom rule does not compile: ERROR: <input>:1:16: /);
  });
});
