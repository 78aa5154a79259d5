import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Unknown, type RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import {
  SymbolicMarker,
  celGraph,
  celNumber,
  celObject,
  celParams,
  recordSymbolicReads,
} from '../../../../src/policy/custom/index.ts';
import { DEFAULT_RULE_PARAMETERS } from '../../../../src/policy/types.ts';
import { graph, resource } from './graph.ts';

const u = new Unknown('schema.spec.x', [{ kind: 'input', path: 'schema.spec.x' }]);

describe('CEL input of rendered values', () => {
  it('integers within int64 become CEL ints (bigint); other numbers stay doubles', () => {
    assert.equal(celNumber(7), 7n);
    assert.equal(celNumber(-0), 0n);
    assert.equal(celNumber(0.5), 0.5);
    assert.equal(celNumber(2 ** 64), 2 ** 64);
    assert.equal(celNumber(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('keeps plain values and records reads of symbolic ones, in objects and lists', () => {
    const obj: RenderedObject = { a: 1, b: [true, u, null], c: { d: u } };
    const v = celObject(obj) as { a: bigint; b: unknown[]; c: { d: unknown } };
    const { result, reads } = recordSymbolicReads(() => [v.a, v.b[0], v.b[2]]);
    assert.deepEqual(result, [1n, true, null]);
    assert.deepEqual(reads, []);
    const second = recordSymbolicReads(() => [v.b[1], v.c.d, v.b[1]]);
    assert.ok(second.result.every((x) => x instanceof SymbolicMarker));
    assert.deepEqual(
      second.reads.map((r) => [r.root === obj, r.path]),
      [
        [true, ['b', 1]],
        [true, ['c', 'd']],
      ],
    );
    assert.equal(String(second.result[0]), '${schema.spec.x}');
  });

  it('reads outside a recording are not recorded, and recordings nest', () => {
    const v = celObject({ x: u }) as { x: unknown };
    void v.x;
    const outer = recordSymbolicReads(() => {
      const inner = recordSymbolicReads(() => v.x);
      return inner.reads.length;
    });
    assert.equal(outer.result, 1);
    assert.deepEqual(outer.reads, []);
  });

  it('caches conversions per object, graph and parameter set', () => {
    const obj: RenderedObject = { kind: 'Bucket', apiVersion: 's3.services.k8s.aws/v1alpha1' };
    assert.equal(celObject(obj), celObject(obj));
    const g = graph([resource('b', obj)]);
    assert.equal(celGraph(g), celGraph(g));
    assert.equal((celGraph(g) as { resources: Record<string, unknown> }).resources.b, celObject(obj));
    assert.equal(celParams(DEFAULT_RULE_PARAMETERS), celParams(DEFAULT_RULE_PARAMETERS));
    assert.deepEqual((celParams(DEFAULT_RULE_PARAMETERS) as { worldOpenPorts: unknown }).worldOpenPorts, [
      80n,
      443n,
    ]);
  });

  it('a "__proto__" key stays an ordinary field', () => {
    const obj = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as RenderedObject;
    const v = celObject(obj) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
