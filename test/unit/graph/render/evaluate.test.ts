/**
 * Reference analysis (which uses of a value are opaque) and the evaluator's limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCel } from '../../../../src/cel/index.ts';
import { renderEnvironment } from '../../../../src/graph/render/environment.ts';
import { Evaluator, type Scope } from '../../../../src/graph/render/evaluate.ts';
import { analyseReferences } from '../../../../src/graph/render/references.ts';
import {
  Unknown,
  renderInstance,
  type CompiledExpression,
  type RenderedObject,
} from '../../../../src/graph/render/index.ts';
import { compile, testInstance, testRgd } from './helpers.ts';

function refs(expression: string): [string, boolean][] {
  const parsed = parseCel(expression);
  assert.equal(parsed.kind, 'ok');
  if (parsed.kind !== 'ok') return [];
  return analyseReferences(parsed.ast).refs.map((r) => [r.text, r.opaque]);
}

describe('analyseReferences', () => {
  it('marks pass-through positions opaque and every other use not', () => {
    assert.deepEqual(refs('"arn:" + key.status.arn + "/*"'), [['key.status.arn', true]]);
    assert.deepEqual(refs('json.marshal({"r": [key.status.arn], k.status.x: 1})'), [
      ['key.status.arn', true],
      ['k.status.x', false],
    ]);
    assert.deepEqual(refs('c.ok ? a.x : b["y"]'), [
      ['c.ok', false],
      ['a.x', true],
      ['b.y', true],
    ]);
    assert.deepEqual(refs('a.x.substring(8)'), [['a.x', false]]);
    assert.deepEqual(refs('size(a.x) > 0 || has(b.y)'), [
      ['a.x', false],
      ['b.y', false],
    ]);
    assert.deepEqual(refs('"%s-%s".format([a.x, string(b.y)])'), [
      ['a.x', true],
      ['b.y', true],
    ]);
    assert.deepEqual(refs('a.items[i.n].name'), [
      ['a.items', false],
      ['i.n', false],
    ]);
    assert.deepEqual(refs('a.?x.orValue("")'), [['a.x', false]]);
  });

  it('does not take macro variables for references', () => {
    assert.deepEqual(refs('l.list.map(e, e.name + s.suffix)'), [
      ['l.list', false],
      ['s.suffix', false],
    ]);
    assert.deepEqual(refs('cel.bind(v, a.x, v + b.y)'), [
      ['a.x', false],
      ['b.y', true],
    ]);
  });

  it('recognises a plain selection chain', () => {
    const chain = (e: string) => {
      const p = parseCel(e);
      return p.kind === 'ok' ? analyseReferences(p.ast).chain?.text : 'parse error';
    };
    assert.equal(chain('schema.spec.items[0]["a.b"]'), 'schema.spec.items[0]["a.b"]');
    assert.equal(chain('schema.spec.name + ""'), undefined);
    assert.equal(chain('schema.spec[schema.spec.key]'), undefined);
  });
});

describe('reading another resource', () => {
  const compiled = compile(
    testRgd({ name: 'string' }, [
      {
        id: 'key',
        template: {
          apiVersion: 'kms.services.k8s.aws/v1alpha1',
          kind: 'Key',
          metadata: { name: '${schema.spec.name}' },
          spec: { description: 'k' },
          status: { keyState: 'Enabled' },
        },
      },
      {
        id: 'cm',
        template: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: '${schema.spec.name}-cm' },
          data: {
            arns: '${[key].map(k, k.status.ackResourceMetadata.arn).join(",")}',
            names: '${[key].map(k, k.metadata.name).join(",")}',
            state: '${key.status.keyState}',
          },
        },
      },
    ]),
  );

  it('leaves data that kro would wait for unknown, also through a comprehension variable', () => {
    const g = renderInstance(compiled, testInstance({ name: 'orders' }));
    assert.deepEqual(g.diagnostics, []);
    const data = g.resources[1]!.object.data as RenderedObject;
    assert.equal(data.names, 'orders');
    assert.ok(data.arns instanceof Unknown);
    assert.deepEqual(data.arns.provenance, [{ kind: 'status', resourceId: 'key', path: 'key' }]);
    // The controller owns status: a value the template writes there is not what kro reads back.
    assert.ok(data.state instanceof Unknown);
    assert.equal(data.state.expression, 'key.status.keyState');
  });
});

describe('Evaluator step budget', () => {
  const compiled = compile(
    testRgd({ n: 'integer' }, [
      {
        id: 'cm',
        template: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x' },
          data: { sum: '${string(lists.range(schema.spec.n).sum())}' },
        },
      },
    ]),
  );
  const expr = compiled.nodes[0]!.fields.find((f) => f.relPath[0] === 'data')!
    .segments[0] as CompiledExpression;
  const scope: Scope = new Map([['schema', { value: { spec: { n: 1000 } }, missing: { kind: 'error' } }]]);

  it('is shared by every evaluation of a rendering', () => {
    const probe = { left: 1_000_000 };
    const measure = new Evaluator(renderEnvironment(), () => undefined, probe);
    measure.evaluate(expr, scope); // cel-js specialises its nodes on the first run
    const before = probe.left;
    assert.deepEqual(measure.evaluate(expr, scope), { ok: true, value: '499500' });
    const cost = before - probe.left;
    const budget = { left: Math.floor(cost * 1.5) };
    const evaluator = new Evaluator(renderEnvironment(), () => undefined, budget);
    assert.deepEqual(evaluator.evaluate(expr, scope), { ok: true, value: '499500' });
    const second = evaluator.evaluate(expr, scope);
    assert.equal(second.ok, false);
    assert.match(second.ok ? '' : second.error, /exceeded the step budget/);
    assert.deepEqual(evaluator.evaluate(expr, scope), {
      ok: false,
      error: 'the rendering used up its budget of evaluation steps',
    });
  });
});
