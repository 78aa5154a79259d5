/**
 * Records kro v0.9.3's verdict on every parity case (test/parity/fixtures and the RGDs of
 * ../shared/corpus) into test/parity/expected.json, on a real control plane with kro running and
 * kro-guard not registered (see test/parity/kro.ts). The e2e test test/e2e/parity.test.ts checks that
 * kro still decides the same way and compares kro-guard's verdicts with these.
 *
 *   node --import tsx scripts/parity-record.ts                 # all cases -> test/parity/expected.json
 *   node --import tsx scripts/parity-record.ts --only literals # cases whose id contains "literals",
 *                                                              # printed, expected.json untouched
 *   node --import tsx scripts/parity-record.ts --out FILE      # write FILE instead
 *   node --import tsx scripts/parity-record.ts --kro-workers 1 # kro's default reconcile concurrency
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadParityCases, PARITY_EXPECTED_PATH } from '../test/parity/cases.ts';
import { observeKroVerdicts, startParityControlPlane } from '../test/parity/kro.ts';
import { sortedVerdicts } from '../test/parity/verdicts.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    out: { type: 'string' },
    'timeout-seconds': { type: 'string', default: '150' },
    'kro-workers': { type: 'string' },
  },
});

const t0 = performance.now();
const secs = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
const log = (line: string): void => {
  process.stderr.write(`[parity-record ${secs()}] ${line}\n`);
};

const only = values.only ?? [];
const cases = loadParityCases().filter((c) => only.length === 0 || only.some((o) => c.id.includes(o)));
log(`${cases.length} cases`);

const workers = values['kro-workers'];
const cp = await startParityControlPlane(workers === undefined ? {} : { kroConcurrency: Number(workers) });
let exitCode = 0;
try {
  const verdicts = sortedVerdicts(
    await observeKroVerdicts(cp, cases, { timeoutMs: Number(values['timeout-seconds']) * 1000, log }),
  );
  const count = (pred: (v: (typeof verdicts)[string]) => boolean): number =>
    Object.values(verdicts).filter(pred).length;
  log(
    `kro: ${count((v) => v.kro === 'accepted')} accepted, ${count((v) => v.kro === 'rejected')} rejected ` +
      `(L1 ${count((v) => v.layer === 'L1')}, L2 ${count((v) => v.layer === 'L2')}, L3 ${count((v) => v.layer === 'L3')}), ` +
      `${count((v) => v.kro === 'timeout')} timed out`,
  );
  const json = `${JSON.stringify(verdicts, null, 2)}\n`;
  const out = values.out ?? (only.length === 0 ? PARITY_EXPECTED_PATH : undefined);
  if (out === undefined) process.stdout.write(json);
  else {
    writeFileSync(out, json);
    log(`wrote ${out}`);
  }
  if (count((v) => v.kro === 'timeout') > 0) exitCode = 1;
} finally {
  await cp.stop();
}
log(`done in ${secs()}`);
process.exitCode = exitCode;
