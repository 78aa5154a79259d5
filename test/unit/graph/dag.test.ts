import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseGraph } from '../../../src/graph/dag.ts';

const g = (ids: string[], deps: Record<string, string[]>) => analyseGraph(ids, new Map(Object.entries(deps)));

describe('dependency graph (kro-contract §5.3)', () => {
  it('orders by dependencies, lowest original index first among ready nodes', () => {
    assert.deepEqual(g(['svc', 'deploy', 'cm'], { svc: ['deploy'], deploy: ['cm'] }).order, [
      'cm',
      'deploy',
      'svc',
    ]);
    assert.deepEqual(g(['c', 'b', 'a'], {}).order, ['c', 'b', 'a']);
    assert.deepEqual(g(['a', 'b', 'c', 'd'], { a: ['d'], b: [], c: ['b'] }).order, ['b', 'c', 'd', 'a']);
  });

  it('reports a cycle with its path and no order', () => {
    const r = g(['a', 'b', 'c'], { a: ['b'], b: ['c'], c: ['a'] });
    assert.equal(r.order, undefined);
    assert.deepEqual(r.cycles, [['a', 'b', 'c', 'a']]);
  });

  it('reports one cycle per strongly connected component, deterministically', () => {
    const r = g(['x', 'a', 'b', 'y'], { b: ['a'], a: ['b'], y: ['x'], x: ['y'] });
    assert.deepEqual(r.cycles, [
      ['x', 'y', 'x'],
      ['a', 'b', 'a'],
    ]);
  });

  it('detects self edges', () => {
    assert.deepEqual(g(['a'], { a: ['a'] }).cycles, [['a', 'a']]);
  });

  it('handles long chains without recursion limits', () => {
    const ids = Array.from({ length: 20000 }, (_, i) => `n${i}`);
    const deps: Record<string, string[]> = {};
    ids.forEach((id, i) => (deps[id] = i > 0 ? [ids[i - 1]!] : []));
    assert.deepEqual(g(ids, deps).order, ids);
  });
});
