import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCustomRuleExpression } from '../../../../src/policy/custom/index.ts';

function problems(expression: string): string[] {
  const r = checkCustomRuleExpression(expression);
  return r.ok ? [] : r.problems.map((p) => `${p.code} ${p.message}`);
}

describe('checkCustomRuleExpression', () => {
  it('accepts bool expressions over object, graph and params, with the extension libraries', () => {
    for (const e of [
      'true',
      "object.spec.versioning.status == 'Enabled'",
      "has(object.spec.tags) && object.spec.tags.exists(t, t.key == 'owner')",
      'object.spec.?publicAccessBlock.blockPublicACLs.orValue(false)',
      "graph.resources.exists(id, graph.resources[id].kind == 'Key')",
      "graph.instance.namespace != 'default' && graph.mode == 'instance'",
      'params.worldOpenPorts.all(p, p in [80, 443]) && params.minBackupRetentionDays >= 7',
      "quantity(object.spec.memory).isLessThan(quantity('4Gi'))",
      "object.spec.cidrs.all(c, !cidr(c).containsIP(ip('10.0.0.1')))",
      'type(object.spec.replicas) == int',
      'object.spec.x',
    ]) {
      assert.deepEqual(problems(e), [], e);
    }
  });

  it('reports syntax errors with cel-go positions', () => {
    const [p, ...rest] = problems("object.spec.x == 'a");
    assert.match(p!, /^policy\/custom-rule-syntax ERROR: <input>:1:18: /);
    assert.deepEqual(rest, []);
    assert.match(problems('object.spec.x ==\n  ')[0]!, /^policy\/custom-rule-syntax ERROR: <input>:2:3: /);
  });

  it('reports undeclared variables and functions, misspelt params and graph fields', () => {
    assert.deepEqual(problems('self.x == 1 && object.x == 1'), [
      "policy/custom-rule-type ERROR: <input>:1:1: undeclared reference to 'self' (in container '')",
    ]);
    assert.deepEqual(problems('isPublic(object)'), [
      "policy/custom-rule-type ERROR: <input>:1:1: undeclared reference to 'isPublic' (in container '')",
    ]);
    assert.deepEqual(problems('params.minBackupRetention > 1'), [
      "policy/custom-rule-type ERROR: <input>:1:7: undefined field 'minBackupRetention'",
    ]);
    assert.deepEqual(problems('graph.resource.x == 1'), [
      "policy/custom-rule-type ERROR: <input>:1:6: undefined field 'resource'",
    ]);
  });

  it('reports type errors on typed values', () => {
    assert.deepEqual(problems("params.minBackupRetentionDays == 'seven'"), [
      "policy/custom-rule-type ERROR: <input>:1:1: found no matching overload for '_==_' applied to '(int, string)'",
    ]);
  });

  it('requires a bool (or dyn) result', () => {
    assert.deepEqual(problems('params.allowedRegistries'), [
      'policy/custom-rule-not-bool expression returns list(string), not bool (true means compliant)',
    ]);
    assert.deepEqual(problems("'x' + 'y'"), [
      'policy/custom-rule-not-bool expression returns string, not bool (true means compliant)',
    ]);
  });
});
