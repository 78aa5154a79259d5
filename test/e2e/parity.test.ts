/**
 * The parity harness: every RGD of test/parity/fixtures and of kro v0.9.3's examples (../shared/corpus)
 * applied to a real control plane with kro running and kro-guard NOT registered, kro's verdict read
 * from the RGDs' status and compared with the committed test/parity/expected.json (so that drift of
 * kro or of the fixtures fails), then kro-guard's verdict on the same RGDs computed in-process and
 * compared with kro's. Re-record with `node --import tsx scripts/parity-record.ts` after changing
 * fixtures.
 *
 * Targets: no false rejects (kro accepts, kro-guard rejects), at least 98 % agreement, and every
 * remaining disagreement listed with its cause in test/parity/known-disagreements.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { templateGvks } from '../../src/graph/gvks.ts';
import type { GroupVersionKind } from '../../src/schemas/prune.ts';
import { loadParityCases } from '../parity/cases.ts';
import { KNOWN_DISAGREEMENTS } from '../parity/known-disagreements.ts';
import { observeKroVerdicts, startParityControlPlane, type ParityControlPlane } from '../parity/kro.ts';
import type { ClusterSchemaSource } from '../../src/cluster/index.ts';
import { paritySchemaSource } from '../parity/source.ts';
import {
  compareVerdicts,
  formatReport,
  kroGuardVerdict,
  readExpected,
  type GuardVerdict,
  type KroVerdict,
  type KroVerdicts,
  type ParityReport,
} from '../parity/verdicts.ts';

/** Minimum share of cases on which kro-guard and kro agree. */
const MIN_AGREEMENT_PERCENT = 98;

const cases = loadParityCases();
const expected = readExpected();
const t0 = performance.now();
const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
const log = (line: string): void => {
  process.stderr.write(`[parity ${elapsed()}] ${line}\n`);
};

let cp: ParityControlPlane | undefined;
let live: KroVerdicts | undefined;

const started = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`${what} is missing: the before hook failed`);
  return v;
};

/**
 * The parts of a verdict that must not drift: the verdict, the layer and the condition's reason. Not
 * the message: when an RGD has several problems of one kind, kro reports the first it meets in Go map
 * order (typing/map-into-struct-incompatible names a different struct field from run to run).
 */
const verdictKey = (v: KroVerdict | undefined): string =>
  v === undefined ? '(none)' : JSON.stringify([v.kro, v.layer ?? '', v.reason ?? '']);

describe('parity of kro-guard with kro v0.9.3', () => {
  before(
    async () => {
      cp = await startParityControlPlane();
      live = await observeKroVerdicts(cp, cases, { log });
      log(`kro's verdicts observed for ${cases.length} cases`);
    },
    { timeout: 600_000 },
  );
  after(async () => {
    await cp?.stop();
    log('control plane stopped');
  });

  it('every case has a committed verdict in test/parity/expected.json, and nothing else does', () => {
    const ids = cases.map((c) => c.id).sort();
    const committed = Object.keys(expected).sort();
    const missing = ids.filter((id) => !(id in expected));
    const stale = committed.filter((id) => !ids.includes(id));
    assert.deepEqual(
      { missing, stale },
      { missing: [], stale: [] },
      'expected.json is out of date: run `node --import tsx scripts/parity-record.ts`',
    );
  });

  it("kro's live verdicts equal the committed ones (kro or a fixture drifted otherwise)", () => {
    const observed = started(live, "kro's verdicts");
    const drift = cases
      .filter((c) => verdictKey(observed[c.id]) !== verdictKey(expected[c.id]))
      .map((c) => ({ id: c.id, committed: expected[c.id], live: observed[c.id] }));
    assert.deepEqual(drift, [], `${drift.length} cases drifted:\n${JSON.stringify(drift, null, 2)}`);
    const reworded = cases
      .filter((c) => observed[c.id]?.message !== expected[c.id]?.message)
      .map((c) => c.id);
    if (reworded.length > 0) log(`same verdicts, other messages (kro's map order): ${reworded.join(', ')}`);
  });

  describe("kro-guard's verdicts against kro's", () => {
    let report: ParityReport | undefined;
    let source: ClusterSchemaSource | undefined;

    after(async () => {
      await source?.close();
    });

    before(async () => {
      source = await paritySchemaSource(started(cp, 'the control plane'));
      const gvks = new Map<string, GroupVersionKind>();
      for (const c of cases)
        for (const g of templateGvks(c.rgd)) gvks.set(`${g.group}/${g.version}/${g.kind}`, g);
      await source.prepare?.([...gvks.values()]);
      const guard = new Map<string, GuardVerdict>();
      const start = performance.now();
      for (const c of cases) guard.set(c.id, kroGuardVerdict(c.rgd, source));
      log(`kro-guard checked ${cases.length} cases in ${((performance.now() - start) / 1000).toFixed(1)}s`);
      // Compared with the committed verdicts (equal to the live ones unless the drift test fails).
      const kro: KroVerdicts = {};
      for (const c of cases)
        kro[c.id] = expected[c.id] ?? { kro: 'timeout', message: 'not in expected.json' };
      report = compareVerdicts(kro, guard);
      process.stdout.write(
        `\n${formatReport(report, `kro-guard vs kro v0.9.3 (schemas: ${source.name})`)}\n\n`,
      );
    });

    it('has no false rejects (kro accepts, kro-guard rejects)', () => {
      const r = started(report, 'the report');
      const falseRejects = r.disagreements.filter((d) => d.kind === 'false reject');
      assert.deepEqual(
        falseRejects.map((d) => `${d.id}: ${d.guard.firstError ?? ''}`),
        [],
        `${falseRejects.length} false rejects`,
      );
    });

    it(`agrees with kro on at least ${MIN_AGREEMENT_PERCENT} % of the cases`, () => {
      const r = started(report, 'the report');
      assert.ok(
        r.agreementPercent >= MIN_AGREEMENT_PERCENT,
        `agreement ${r.agreementPercent.toFixed(1)} % (${r.agreements}/${r.cases}) is below ${MIN_AGREEMENT_PERCENT} %`,
      );
    });

    it('lists every disagreement in KNOWN_DISAGREEMENTS with its cause, and every entry still disagrees', () => {
      const r = started(report, 'the report');
      const disagreeing = new Set(r.disagreements.map((d) => d.id));
      const unlisted = r.disagreements
        .filter((d) => !(d.id in KNOWN_DISAGREEMENTS))
        .map(
          (d) =>
            `${d.id} (${d.kind}): kro: ${d.kro.message ?? d.kro.kro}; kro-guard: ${d.guard.firstError ?? d.guard.verdict}`,
        );
      const resolved = Object.keys(KNOWN_DISAGREEMENTS).filter((id) => !disagreeing.has(id));
      const withoutCause = Object.entries(KNOWN_DISAGREEMENTS)
        .filter(([, cause]) => cause.trim() === '')
        .map(([id]) => id);
      assert.deepEqual(
        { unlisted, resolved, withoutCause },
        { unlisted: [], resolved: [], withoutCause: [] },
        'test/parity/known-disagreements.ts is out of date: add the unlisted cases with their cause, remove the resolved ones',
      );
    });
  });
});
