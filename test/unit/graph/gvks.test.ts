/**
 * templateGvks (src/graph/gvks.ts): the literal kinds of an RGD's templates and external references,
 * which the edges prepare in their schema source before checking.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGroupVersion, templateGvks } from '../../../src/graph/gvks.ts';

const t = (apiVersion: unknown, kind: unknown) => ({ apiVersion, kind, metadata: {} });

describe('parseGroupVersion (Go schema.ParseGroupVersion)', () => {
  it('splits like Go', () => {
    assert.deepEqual(parseGroupVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseGroupVersion('apps/v1'), { group: 'apps', version: 'v1' });
    assert.deepEqual(parseGroupVersion(''), { group: '', version: '' });
    assert.deepEqual(parseGroupVersion('/'), { group: '', version: '' });
    assert.deepEqual(parseGroupVersion('/v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseGroupVersion('apps/'), { group: 'apps', version: '' });
    assert.equal(parseGroupVersion('a/b/c'), undefined);
  });
});

describe('templateGvks', () => {
  it('lists templates and externalRefs in order of first appearance, deduplicated', () => {
    const rgd = {
      spec: {
        resources: [
          { id: 'a', template: t('apps/v1', 'Deployment') },
          { id: 'b', template: t('v1', 'Service') },
          { id: 'c', externalRef: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } },
          { id: 'd', template: t('apps/v1', 'Deployment') },
          { id: 'e', template: t('s3.services.k8s.aws/v1alpha1', 'Bucket') },
        ],
      },
    };
    assert.deepEqual(templateGvks(rgd), [
      { group: 'apps', version: 'v1', kind: 'Deployment' },
      { group: '', version: 'v1', kind: 'Service' },
      { group: '', version: 'v1', kind: 'ConfigMap' },
      { group: 's3.services.k8s.aws', version: 'v1alpha1', kind: 'Bucket' },
    ]);
  });

  it('skips expressions, non-strings, unparsable and empty values', () => {
    const rgd = {
      spec: {
        resources: [
          { template: t('${schema.spec.v}', 'Deployment') },
          { template: t('apps/v1', '${schema.spec.kind}') },
          { template: t('apps/v1', 3) },
          { template: t(null, 'Pod') },
          { template: t('a/b/c', 'Pod') },
          { template: t('', 'Pod') },
          { template: t('apps/', 'Pod') },
          { template: t('v1', '') },
          { template: 'text' },
          null,
          { externalRef: [] },
        ],
      },
    };
    assert.deepEqual(templateGvks(rgd), []);
  });

  it('gives [] for anything that is not RGD-shaped', () => {
    for (const v of [undefined, null, 'x', [], {}, { spec: null }, { spec: { resources: {} } }]) {
      assert.deepEqual(templateGvks(v), []);
    }
  });
});
