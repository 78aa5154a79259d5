import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseDag } from '../../../src/dag/dag.ts';

const g = (ids: string[], deps: Record<string, string[]>) => analyseDag(ids, new Map(Object.entries(deps)));

describe('analyseDag (kro-contract §3.3, §5.3)', () => {
  it('orders by dependencies, lowest original index first among ready nodes', () => {
    assert.deepEqual(g(['svc', 'deploy', 'cm'], { svc: ['deploy'], deploy: ['cm'] }).order, [
      'cm',
      'deploy',
      'svc',
    ]);
    assert.deepEqual(g(['c', 'b', 'a'], {}).order, ['c', 'b', 'a']);
    assert.deepEqual(g(['a', 'b', 'c', 'd'], { a: ['d'], b: [], c: ['b'] }).order, ['b', 'c', 'd', 'a']);
  });

  it('reports a cycle with its path and orders only the vertices outside cycles', () => {
    const r = g(['a', 'b', 'c', 'd', 'e'], { a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: [] });
    assert.deepEqual(r.cycles, [['a', 'b', 'c', 'a']]);
    assert.deepEqual([...r.inCycle].sort(), ['a', 'b', 'c']);
    assert.deepEqual(r.order, ['d', 'e']);
  });

  it('reports one cycle per strongly connected component, deterministically', () => {
    const r = g(['x', 'a', 'b', 'y'], { b: ['a'], a: ['b'], y: ['x'], x: ['y'] });
    assert.deepEqual(r.cycles, [
      ['x', 'y', 'x'],
      ['a', 'b', 'a'],
    ]);
  });

  it('ignores self edges and unknown vertices (callers report them)', () => {
    const r = g(['a', 'b'], { a: ['a', 'zz'], b: ['a'] });
    assert.deepEqual(r.cycles, []);
    assert.deepEqual(r.order, ['a', 'b']);
  });

  it('picks the shortest cycle from the earliest vertex', () => {
    const r = g(['a', 'b', 'c', 'd'], { a: ['b', 'd'], b: ['c'], c: ['a'], d: ['a'] });
    assert.deepEqual(r.cycles, [['a', 'd', 'a']]);
  });

  it('handles long chains without recursion limits', () => {
    const ids = Array.from({ length: 20000 }, (_, i) => `n${i}`);
    const deps: Record<string, string[]> = {};
    ids.forEach((id, i) => (deps[id] = i > 0 ? [ids[i - 1]!] : []));
    assert.deepEqual(g(ids, deps).order, ids);
  });
});
