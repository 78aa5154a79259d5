/**
 * A scenario case's expectations (test/scenarios/README.md, `scenario.yaml`) checked against what
 * kubectl printed, the same checks as the offline runner (test/integration/scenarios.test.ts) as far
 * as kubectl shows them:
 *
 * - `decision`: deny is a non-zero exit with kro-guard's webhook named as the one that denied; allow
 *   is exit 0;
 * - `errors`: each rule id on some denial line; `warnings`: each on some warning that is not a
 *   deferral; `deferred`: each on some deferral warning; `inputs`: each named by some deferral;
 * - `paths`: some denial line's path starts with each prefix; `controls`: some denial line carries
 *   each control id;
 * - `passes`: kubectl does not show passes, so a passing rule must appear on no denial line and in no
 *   warning (a failure in Audit mode would also show nothing: the offline runner covers that part).
 */
import assert from 'node:assert/strict';
import type { ExpectedCase } from '../../scenarios/load.ts';
import {
  deferredRules,
  describeOutcome,
  enforcedRules,
  errorPath,
  warnedRules,
  warningsCut,
  type AdmissionOutcome,
} from './outcome.ts';

/** A deferral warning of any rule (`src/policy/engine/report.ts` `unknownText`). */
const DEFERRAL = / (deferred|not decidable)/;

/**
 * Asserts `expected` on `outcome`; `webhook` is the kro-guard webhook that must deny
 * (`validate.rgd.kro-guard.io` at R, `validate.instances...` at I, `validate.children...` at C).
 *
 * @throws AssertionError naming `where`, the expectation and quoting kubectl's output.
 */
export function assertCase(
  where: string,
  expected: ExpectedCase,
  outcome: AdmissionOutcome,
  webhook: string,
): void {
  const cut = warningsCut(outcome)
    ? '\n  (kro-guard cut some warnings at 119 characters, see the lines ending in …)'
    : '';
  const detail = describeOutcome(outcome) + cut;
  if (expected.decision === 'deny') {
    assert.ok(!outcome.allowed, `${where}: must be denied by ${webhook}${detail}`);
    assert.equal(outcome.deniedBy, webhook, `${where}: must be denied by ${webhook}${detail}`);
  } else {
    assert.ok(outcome.allowed, `${where}: must be allowed${detail}`);
  }
  const enforced = enforcedRules(outcome, expected.errors);
  for (const id of expected.errors)
    assert.ok(enforced.has(id), `${where}: ${id} must be an enforced failure${detail}`);
  const warned = warnedRules(outcome, expected.warnings);
  for (const id of expected.warnings)
    assert.ok(warned.has(id), `${where}: ${id} must be reported as a warning${detail}`);
  const deferred = deferredRules(outcome, expected.deferred);
  for (const id of expected.deferred)
    assert.ok(deferred.has(id), `${where}: ${id} must be deferred${detail}`);
  for (const input of expected.inputs) {
    // After the rule id: the path before it may hold the same words (`spec.encryption.rules[0]`).
    const named = outcome.warnings.some(
      (l) => DEFERRAL.test(l) && l.slice(l.search(DEFERRAL)).includes(input),
    );
    assert.ok(named, `${where}: a deferral must name ${input}${detail}`);
  }
  for (const id of expected.passes) {
    const reported =
      enforcedRules(outcome, [id]).size + warnedRules(outcome, [id]).size + deferredRules(outcome, [id]).size;
    assert.equal(reported, 0, `${where}: ${id} must pass (reported nowhere)${detail}`);
  }
  for (const prefix of expected.paths) {
    assert.ok(
      outcome.errors.some((l) => errorPath(l).startsWith(prefix)),
      `${where}: a denial line must point at ${prefix}${detail}`,
    );
  }
  for (const control of expected.controls) {
    assert.ok(
      outcome.errors.some((l) => l.includes(control)),
      `${where}: the denial must carry ${control}${detail}`,
    );
  }
}
