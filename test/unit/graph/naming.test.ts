import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIteratorNames, checkResourceIds } from '../../../src/graph/naming.ts';

const msgs = (d: { message: string }[]) => d.map((x) => x.message);

describe('kro naming rules (kro-contract §2.1, §4.1, §5.4)', () => {
  it('ids: reserved words are checked before the regex', () => {
    assert.deepEqual(checkResourceIds(['deployment', 'svc2']), []);
    assert.deepEqual(msgs(checkResourceIds(['schema'])), [
      'naming convention violation: id schema is a reserved keyword in KRO',
    ]);
    assert.deepEqual(msgs(checkResourceIds(['namespace'])), [
      'naming convention violation: id namespace is a reserved keyword in KRO',
    ]);
    assert.deepEqual(msgs(checkResourceIds(['while'])), [
      'naming convention violation: id while is a reserved keyword in KRO',
    ]);
  });

  it('ids must be lower camelCase', () => {
    assert.deepEqual(msgs(checkResourceIds(['my-service', 'My', '1abc', 'a_b'])), [
      'naming convention violation: id my-service is not a valid KRO resource id: must be lower camelCase',
      'naming convention violation: id My is not a valid KRO resource id: must be lower camelCase',
      'naming convention violation: id 1abc is not a valid KRO resource id: must be lower camelCase',
      'naming convention violation: id a_b is not a valid KRO resource id: must be lower camelCase',
    ]);
  });

  it('hazardous but legal ids pass', () => {
    assert.deepEqual(checkResourceIds(['int', 'string', 'size', 'has', 'type', 'dyn']), []);
  });

  it('duplicate ids are reported at the second occurrence', () => {
    const d = checkResourceIds(['a', 'b', 'a']);
    assert.deepEqual(msgs(d), ['naming convention violation: found duplicate resource IDs a']);
    assert.equal(d[0]!.path, 'spec.resources[2].id');
  });

  it('iterator names', () => {
    const ids = new Set(['svc']);
    assert.deepEqual(checkIteratorNames(0, 'svc', ['region', 'name'], ids), []);
    assert.deepEqual(msgs(checkIteratorNames(0, 'svc', ['Region', 'each', 'svc', 'az', 'az'], ids)), [
      'resource "svc": forEach iterator name "Region" is not valid: must be lowerCamelCase',
      'resource "svc": forEach iterator name "each" is a reserved keyword',
      'resource "svc": forEach iterator name "svc" conflicts with resource ID',
      'resource "svc": duplicate forEach iterator name "az"',
    ]);
  });

  it('at most 10 forEach dimensions', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `d${i}`);
    assert.deepEqual(checkIteratorNames(0, 'x', ten, new Set()), []);
    assert.deepEqual(msgs(checkIteratorNames(0, 'x', [...ten, 'd10'], new Set())), [
      'resource "x": forEach cannot have more than 10 dimensions, got 11',
    ]);
  });
});
