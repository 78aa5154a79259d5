import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileGlobs,
  compileKindPatterns,
  globMatch,
  labelSelectorMatches,
  type LabelSelector,
} from '../../../../src/policy/config/index.ts';

describe('globs', () => {
  it('* matches any run (also empty), ? one character, the rest literally and wholly', () => {
    assert.equal(globMatch('S3-*', 'S3-003'), true);
    assert.equal(globMatch('S3-*', 'S3-'), true);
    assert.equal(globMatch('S3-*', 'xS3-003'), false);
    assert.equal(globMatch('S3-00?', 'S3-003'), true);
    assert.equal(globMatch('S3-00?', 'S3-0031'), false);
    assert.equal(globMatch('a.b', 'aXb'), false, '. is literal');
    assert.equal(globMatch('team-(a)', 'team-(a)'), true, 'regular expression syntax is literal');
    assert.equal(globMatch('*', ''), true);
    assert.equal(globMatch('IAM-016', 'iam-016'), false, 'case-sensitive');
  });

  it('compileGlobs matches any of the globs, and nothing for an empty list', () => {
    const m = compileGlobs(['prod', 'team-*']);
    assert.deepEqual(['prod', 'team-a', 'production', 'dev'].map(m), [true, true, false, false]);
    assert.equal(compileGlobs([])('x'), false);
  });

  it('kind patterns glob group and kind separately; "" is only the core group', () => {
    const m = compileKindPatterns([
      { group: '', kind: 'Service*' },
      { group: '*.services.k8s.aws', kind: 'Bucket' },
    ])!;
    assert.equal(m({ group: '', kind: 'ServiceAccount' }), true);
    assert.equal(m({ group: 'apps', kind: 'ServiceAccount' }), false);
    assert.equal(m({ group: 's3.services.k8s.aws', kind: 'Bucket' }), true);
    assert.equal(m({ group: 's3.services.k8s.aws', kind: 'BucketPolicy' }), false);
    assert.equal(compileKindPatterns([]), undefined);
  });
});

describe('labelSelectorMatches (Kubernetes semantics)', () => {
  const sel = (s: Partial<LabelSelector>): LabelSelector => ({ matchLabels: {}, matchExpressions: [], ...s });

  it('an empty selector matches everything', () => {
    assert.equal(labelSelectorMatches(sel({}), {}), true);
  });

  it('matchLabels: every pair must be present', () => {
    const s = sel({ matchLabels: { env: 'prod', tier: 'web' } });
    assert.equal(labelSelectorMatches(s, { env: 'prod', tier: 'web', x: 'y' }), true);
    assert.equal(labelSelectorMatches(s, { env: 'prod' }), false);
  });

  it('In, NotIn (met by an absent key), Exists, DoesNotExist', () => {
    const inSel = sel({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'staging'] }] });
    assert.equal(labelSelectorMatches(inSel, { env: 'staging' }), true);
    assert.equal(labelSelectorMatches(inSel, { env: 'dev' }), false);
    assert.equal(labelSelectorMatches(inSel, {}), false);
    const notIn = sel({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] });
    assert.equal(labelSelectorMatches(notIn, {}), true);
    assert.equal(labelSelectorMatches(notIn, { env: 'dev' }), false);
    const exists = sel({ matchExpressions: [{ key: 'pci', operator: 'Exists', values: [] }] });
    assert.equal(labelSelectorMatches(exists, { pci: '' }), true);
    assert.equal(labelSelectorMatches(exists, {}), false);
    const absent = sel({ matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist', values: [] }] });
    assert.equal(labelSelectorMatches(absent, {}), true);
    assert.equal(labelSelectorMatches(absent, { legacy: 'true' }), false);
  });

  it('does not read inherited properties as labels', () => {
    const s = sel({ matchExpressions: [{ key: 'constructor', operator: 'Exists', values: [] }] });
    assert.equal(labelSelectorMatches(s, {}), false);
  });
});
