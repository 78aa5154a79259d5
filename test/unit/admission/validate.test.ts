import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { error, warning } from '../../../src/diagnostics/diagnostic.ts';
import { WARNING_MAX_LENGTH } from '../../../src/admission/message.ts';
import { reviewValidate, type RgdChecker } from '../../../src/admission/validate.ts';
import { CORPUS, corpusRgd, rgdReview, withKind } from './fixtures.ts';

const webapp = corpusRgd('kubernetes/webapp/rg.yaml');

/** A checker that fails the test if it is called. */
const mustNotCheck: RgdChecker = () => {
  throw new Error('checkRgd must not be called for this request');
};

describe('reviewValidate with the real engine', () => {
  it('allows the corpus webapp RGD and echoes the uid', () => {
    const review = rgdReview('CREATE', webapp);
    const out = reviewValidate(review);
    assert.equal(out.apiVersion, 'admission.k8s.io/v1');
    assert.equal(out.kind, 'AdmissionReview');
    assert.equal(out.response?.uid, review.request.uid);
    assert.equal(out.response?.allowed, true, out.response?.status?.message);
  });

  it('denies spec.schema.kind "badKind" with 422 Invalid and a readable message', () => {
    const review = rgdReview('CREATE', withKind(webapp, 'badKind'));
    const res = reviewValidate(review).response!;
    assert.equal(res.uid, review.request.uid);
    assert.equal(res.allowed, false);
    assert.equal(res.status?.code, 422);
    assert.equal(res.status?.reason, 'Invalid');
    const lines = res.status!.message.split('\n');
    assert.match(lines[0]!, /^ResourceGraphDefinition "webapp\.kro\.run" is invalid: (\d+) errors?$/);
    const count = Number(/(\d+) error/.exec(lines[0]!)![1]);
    assert.equal(lines.filter((l) => l.startsWith('- ')).length, count);
    assert.ok(
      lines.some((l) => l.startsWith('- spec.schema.kind: ')),
      res.status!.message,
    );
  });

  it('denies an UPDATE changing spec.schema.kind: kind is immutable', () => {
    const res = reviewValidate(rgdReview('UPDATE', withKind(webapp, 'WebApplication'), webapp)).response!;
    assert.equal(res.allowed, false);
    assert.match(res.status!.message, /- spec\.schema\.kind: .*kind is immutable/);
  });

  it('allows an UPDATE of the same valid spec', () => {
    assert.equal(
      reviewValidate(rgdReview('UPDATE', webapp, structuredClone(webapp))).response?.allowed,
      true,
    );
  });

  it('answers dry-run requests exactly as the others', () => {
    for (const rgd of [webapp, withKind(webapp, 'badKind')]) {
      const wet = reviewValidate(rgdReview('CREATE', rgd, undefined, { uid: 'same' }));
      const dry = reviewValidate(rgdReview('CREATE', rgd, undefined, { uid: 'same', dryRun: true }));
      assert.deepEqual(dry, wet);
    }
  });

  it('decides every RGD of the corpus without throwing', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(name)) files.push(p);
      }
    };
    walk(CORPUS);
    let rgds = 0;
    const docs = files.flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8'))
        .filter((d) => d.errors.length === 0)
        .map((d) => ({ file, doc: d.toJS() as { kind?: string } | null })),
    );
    for (const { file, doc } of docs) {
      if (doc?.kind !== 'ResourceGraphDefinition') continue;
      rgds++;
      const review = rgdReview('CREATE', doc);
      const res = reviewValidate(review).response!;
      assert.equal(res.uid, review.request.uid, relative(CORPUS, file));
      assert.equal(typeof res.allowed, 'boolean');
      if (!res.allowed)
        assert.match(res.status!.message, /is invalid: \d+ errors?\n- /, relative(CORPUS, file));
    }
    assert.ok(rgds >= 15, `found ${rgds} RGDs in the corpus`);
  });
});

describe('reviewValidate routing', () => {
  it('allows DELETE and CONNECT without checking', () => {
    for (const review of [
      rgdReview('DELETE', null, withKind(webapp, 'badKind')),
      rgdReview('CONNECT', null),
    ]) {
      assert.deepEqual(reviewValidate(review, mustNotCheck), {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: { uid: review.request.uid, allowed: true },
      });
    }
  });

  it('allows other kinds, the status subresource and spec-preserving UPDATEs without checking', () => {
    const configMap = rgdReview(
      'CREATE',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      undefined,
      {
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        resource: { group: '', version: 'v1', resource: 'configmaps' },
      },
    );
    const status = rgdReview('UPDATE', withKind(webapp, 'badKind'), webapp, { subResource: 'status' });
    const labelled = structuredClone(withKind(webapp, 'badKind')) as { metadata: Record<string, unknown> };
    labelled.metadata.labels = { team: 'a' };
    const metadataOnly = rgdReview('UPDATE', labelled, withKind(webapp, 'badKind'));
    for (const review of [configMap, status, metadataOnly]) {
      assert.deepEqual(reviewValidate(review, mustNotCheck).response, {
        uid: review.request.uid,
        allowed: true,
      });
    }
  });

  it('passes oldObject as oldRgd on UPDATE only', () => {
    const seen: unknown[] = [];
    const spy: RgdChecker = (_rgd, options) => {
      seen.push(options.oldRgd);
      return { diagnostics: [] };
    };
    const changed = withKind(webapp, 'Other');
    reviewValidate(rgdReview('UPDATE', changed, webapp), spy);
    reviewValidate(rgdReview('CREATE', changed), spy);
    assert.equal(seen[0], webapp);
    assert.equal(seen[1], undefined);
  });

  it('returns warnings, shortened, on allowed and denied responses', () => {
    const long = 'this expression refers to a field that may be absent at runtime '.repeat(3);
    const warns = [
      warning('w/a', 'spec.resources[0].readyWhen[0]', long),
      warning('w/b', 'spec.schema.spec.port', 'unused'),
    ];
    const allowed = reviewValidate(rgdReview('CREATE', webapp), () => ({ diagnostics: warns })).response!;
    assert.equal(allowed.allowed, true);
    assert.equal(allowed.warnings?.length, 2);
    for (const w of allowed.warnings!)
      assert.ok(Array.from(w).length <= WARNING_MAX_LENGTH && w.length < 120, w);
    assert.ok(allowed.warnings![0]!.startsWith('spec.resources[0].readyWhen[0]: this expression'));
    assert.equal(allowed.warnings![1], 'spec.schema.spec.port: unused');

    const denied = reviewValidate(rgdReview('CREATE', webapp), () => ({
      diagnostics: [error('e/x', 'spec.resources[0].id', 'bad'), ...warns],
    })).response!;
    assert.equal(denied.allowed, false);
    assert.equal(denied.warnings?.length, 2);
    assert.equal(
      denied.status?.message,
      'ResourceGraphDefinition "webapp.kro.run" is invalid: 1 error\n- spec.resources[0].id: bad',
    );
  });

  it('lists errors in path order, whatever order the check returns them in', () => {
    const res = reviewValidate(rgdReview('CREATE', webapp), () => ({
      diagnostics: [
        error('e/b', 'spec.resources[10].id', 'ten'),
        error('e/a', 'spec.resources[2].id', 'two', 'svc'),
        error('e/c', 'metadata.name', 'name'),
      ],
    })).response!;
    assert.deepEqual(res.status?.message.split('\n').slice(1), [
      '- metadata.name: name',
      '- spec.resources[2].id (resource "svc"): two',
      '- spec.resources[10].id: ten',
    ]);
  });

  it('propagates an exception of the check (the server applies failurePolicy)', () => {
    assert.throws(() => reviewValidate(rgdReview('CREATE', webapp), mustNotCheck), /must not be called/);
  });
});
