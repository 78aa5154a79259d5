/**
 * `kro-guard check` on instances, children and policies (offline compliance for CI pipelines): the
 * real `runCheck` on the scenario fixtures of test/scenarios/03-bpa-boolean (compliance-catalogue §5 S3:
 * Block Public Access as `${!schema.spec.allowPublic}`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCheck, type CheckOptions } from '../../../src/cli/check-command.ts';
import type { DocumentResult } from '../../../src/cli/check-documents.ts';
import type { PolicySummary } from '../../../src/cli/format.ts';

const S3 = 'test/scenarios/03-bpa-boolean';
const RGD = `${S3}/rgd.yaml`;
const PUBLIC = `${S3}/instances/public.yaml`;
const DEFAULT = `${S3}/instances/default.yaml`;
const KRO_CHILD = `${S3}/children/website-bucket.yaml`;
const DIRECT_CHILD = `${S3}/children/direct-website-bucket.yaml`;
const GOOD_CHILD = `${S3}/children/assets-bucket.yaml`;

interface Run {
  code: number;
  out: string;
  err: string;
}

async function check(inputs: string[], options: Partial<CheckOptions> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const code = await runCheck(
    inputs,
    { format: 'text', verbose: false, ...options },
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

interface JsonReport {
  results: DocumentResult[];
  summary: Record<string, number>;
  policies: PolicySummary;
}

async function checkJson(inputs: string[], options: Partial<CheckOptions> = {}) {
  const run = await check(inputs, { ...options, format: 'json' });
  return { ...run, report: JSON.parse(run.out) as JsonReport };
}

function codes(r: DocumentResult | undefined): string[] {
  return (r?.diagnostics ?? []).map((d) => `${d.severity} ${d.code}`);
}

const dir = mkdtempSync(join(tmpdir(), 'kro-guard-check-instances-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const AUDIT_BPA = file(
  'audit-bpa.yaml',
  `apiVersion: kro-guard.io/v1alpha1
kind: CompliancePolicy
metadata:
  name: audit-bpa
spec:
  mode: Enforce
  rules:
    include: ['*']
    overrides:
      - id: S3-003
        mode: Audit
`,
);

const INVALID_POLICY = `apiVersion: kro-guard.io/v1alpha1
kind: CompliancePolicy
metadata:
  name: broken
spec:
  mode: Sometimes
`;

describe('kro-guard check: RGDs with their compliance at RGD admission', () => {
  it('accepts the RGD with S3-003 deferred to instance admission, at the template line', async () => {
    const { code, report } = await checkJson([RGD]);
    assert.equal(code, 0);
    const [rgd] = report.results;
    assert.equal(rgd?.verdict, 'accepted');
    const deferred = rgd?.diagnostics.filter((d) => d.code === 'policy/S3-003/deferred') ?? [];
    assert.equal(deferred.length, 1);
    assert.equal(deferred[0]!.severity, 'warning');
    assert.match(deferred[0]!.message, /fails when spec\.allowPublic=true/);
    // rgd.yaml line 31: `blockPublicACLs: ${!schema.spec.allowPublic}`
    assert.deepEqual([deferred[0]!.line, deferred[0]!.column], [31, 30]);
    assert.ok(rgd?.findings?.some((f) => f.ruleId === 'S3-003' && f.verdict === 'unknown'));
  });

  it('prints no CRD for an RGD the default policy rejects (exit 1)', async () => {
    const webapp = '../shared/corpus/kro-v0.9.3-examples/kubernetes/webapp/rg.yaml';
    const { code, out, err } = await check([webapp], { printCrd: true });
    assert.equal(code, 1);
    assert.equal(out, '');
    assert.match(err, /rejected, no CRD/);
  });
});

describe('kro-guard check: instances', () => {
  it('rejects the public instance with S3-003 at the instance document start (exit 1)', async () => {
    const { code, report } = await checkJson([RGD, PUBLIC]);
    assert.equal(code, 1);
    const instance = report.results.find((r) => r.file === PUBLIC);
    assert.equal(instance?.verdict, 'rejected');
    assert.equal(instance?.kind, 'S03BucketApp');
    assert.equal(instance?.rgd, 'scenario-s03-bpa-boolean');
    const errors = instance!.diagnostics.filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0);
    for (const d of errors) {
      assert.equal(d.code, 'policy/S3-003');
      assert.match(d.path, /^resources\[bucket\]\.spec\.publicAccessBlock\./);
      assert.match(d.message, /FSBP S3\.8/);
      assert.deepEqual([d.line, d.column], [1, 1]);
    }
    assert.deepEqual(report.summary, { documents: 2, accepted: 1, rejected: 1, skipped: 0 });
  });

  it('accepts the default instance (exit 0) and says how many rules passed', async () => {
    const { code, out } = await check([RGD, DEFAULT]);
    assert.equal(code, 0);
    assert.match(
      out,
      /S03BucketApp "s03-assets" \(document 0\): accepted \(0 errors, 0 warnings\)\n {2}\d+ rules: \d+ pass/,
    );
    assert.doesNotMatch(out, /\d+ fail/);
  });

  it('skips an instance whose RGD is not given, and checks it with --rgd', async () => {
    const without = await checkJson([PUBLIC]);
    assert.equal(without.code, 0);
    assert.equal(without.report.results[0]?.verdict, 'skipped');
    assert.equal(
      without.report.results[0]?.reason,
      'no ResourceGraphDefinition among the inputs generates kro.run/v1alpha1 S03BucketApp (give it with --rgd)',
    );
    const withRgd = await checkJson([PUBLIC], { rgd: [RGD] });
    assert.equal(withRgd.code, 1);
    // The --rgd file is used, not reported.
    assert.deepEqual(
      withRgd.report.results.map((r) => [r.file, r.verdict]),
      [[PUBLIC, 'rejected']],
    );
    // An --rgd file that is also an input is reported once, as an input.
    const both = await checkJson([RGD, PUBLIC], { rgd: [RGD] });
    assert.equal(both.report.results.length, 2);
  });

  it("rejects an instance the generated CRD's validation rejects, at the field's line", async () => {
    const bad = file(
      'bad-instance.yaml',
      `apiVersion: kro.run/v1alpha1
kind: S03BucketApp
metadata:
  name: bad
spec:
  bucketName: Not_A_Bucket
  allowPublic: "yes"
`,
    );
    const { code, report } = await checkJson([bad], { rgd: [RGD] });
    assert.equal(code, 1);
    const [r] = report.results;
    assert.deepEqual(
      r?.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.path}`),
      ['6:15 error instance/pattern spec.bucketName', '7:16 error instance/invalid-type spec.allowPublic'],
    );
    assert.match(r!.diagnostics[1]!.message, /spec\.allowPublic in body must be of type boolean/);
    // Schema errors stop there: nothing is rendered, no rule runs.
    assert.deepEqual(r?.findings, []);
  });

  it('reports a policy that sets S3-003 to Audit: accepted (exit 0), the failure in the findings', async () => {
    const { code, report } = await checkJson([PUBLIC], { rgd: [RGD], policy: [AUDIT_BPA] });
    assert.equal(code, 0);
    const [r] = report.results;
    assert.equal(r?.verdict, 'accepted');
    assert.deepEqual(codes(r), []);
    const failures = r!.findings!.filter((f) => f.verdict === 'fail');
    assert.ok(failures.length > 0);
    for (const f of failures)
      assert.deepEqual([f.ruleId, f.mode, f.policy], ['S3-003', 'Audit', 'audit-bpa']);
    assert.deepEqual(report.policies, { policies: ['audit-bpa'], exceptions: [], builtInDefault: false });
    const text = await check([PUBLIC], { rgd: [RGD], policy: [AUDIT_BPA] });
    assert.match(text.out, /rules: \d+ pass, 1 fail \(1 Audit\)/);
    assert.match(text.out, /\npolicies: audit-bpa; exceptions: none\n$/);
  });

  it('runs no rule with --no-default-policy and no policy', async () => {
    const { code, report, out } = await checkJson([RGD, PUBLIC], { defaultPolicy: false });
    assert.equal(code, 0, out);
    assert.deepEqual(
      report.results.map((r) => [r.verdict, r.findings]),
      [
        ['accepted', []],
        ['accepted', []],
      ],
    );
    assert.deepEqual(report.policies, { policies: [], exceptions: [], builtInDefault: false });
  });
});

describe('kro-guard check: children', () => {
  it('rejects a public Bucket at the offending fields and accepts a compliant one', async () => {
    const { code, report } = await checkJson([KRO_CHILD, GOOD_CHILD]);
    assert.equal(code, 1);
    const [bad, good] = report.results;
    assert.equal(bad?.verdict, 'rejected');
    assert.deepEqual(
      bad?.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.path}`),
      [
        '38:22 policy/S3-003 spec.publicAccessBlock.blockPublicACLs',
        '39:24 policy/S3-003 spec.publicAccessBlock.blockPublicPolicy',
        '40:23 policy/S3-003 spec.publicAccessBlock.ignorePublicACLs',
        '41:28 policy/S3-003 spec.publicAccessBlock.restrictPublicBuckets',
      ],
    );
    assert.equal(good?.verdict, 'accepted');
    assert.ok(good?.findings?.some((f) => f.ruleId === 'S3-003' && f.verdict === 'pass'));
  });

  it("matches exceptions on a kro child's RGD when the RGD is given", async () => {
    const exception = file(
      'exempt-s03.yaml',
      `apiVersion: kro-guard.io/v1alpha1
kind: ComplianceException
metadata:
  name: exempt-s03
  namespace: kro-guard
spec:
  reason: The S03 website bucket is public on purpose (ticket WEB-1).
  exceptions:
    - policy: kro-guard-default
      rules: [S3-003]
  match:
    rgds: [scenario-s03-bpa-boolean]
`,
    );
    const { code, report } = await checkJson([KRO_CHILD, DIRECT_CHILD], { rgd: [RGD], policy: [exception] });
    assert.equal(code, 1);
    const [kro, direct] = report.results;
    assert.deepEqual([kro?.rgd, direct?.rgd], ['scenario-s03-bpa-boolean', undefined]);
    // kro's labels name the instance kind, the --rgd file names its RGD: the exception applies.
    assert.equal(kro?.verdict, 'accepted');
    assert.ok(codes(kro).every((c) => c === 'warning policy/S3-003/exempted'));
    assert.ok(codes(kro).length > 0);
    // The same bucket applied directly belongs to no RGD.
    assert.equal(direct?.verdict, 'rejected');
    assert.deepEqual(report.policies.exceptions, ['kro-guard/exempt-s03']);
    const text = await check([KRO_CHILD], { rgd: [RGD], policy: [exception] });
    assert.match(text.out, /rules: \d+ pass, 1 fail \(1 exempted\)/);
    // Without the RGD, the child's RGD is unknown and the exception does not match.
    const alone = await checkJson([KRO_CHILD], { policy: [exception] });
    assert.equal(alone.report.results[0]?.verdict, 'rejected');
  });
});

describe('kro-guard check: policies and exceptions', () => {
  it('rejects an invalid CompliancePolicy among the inputs, at the field (exit 1)', async () => {
    const p = file('invalid-policy.yaml', INVALID_POLICY);
    const { code, report } = await checkJson([p, RGD, DEFAULT]);
    assert.equal(code, 1);
    const [policy, rgd, instance] = report.results;
    assert.equal(policy?.kind, 'CompliancePolicy');
    assert.equal(policy?.verdict, 'rejected');
    assert.deepEqual(
      policy?.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.path}`),
      ['6:9 policy/unsupported-value spec.mode'],
    );
    assert.equal(policy?.findings, undefined);
    // An invalid policy is left out: with no valid one, the built-in default applies.
    assert.equal(rgd?.verdict, 'accepted');
    assert.equal(instance?.verdict, 'accepted');
    assert.equal(report.policies.builtInDefault, true);
  });

  it('exits 2 on an invalid --policy file, naming the problem', async () => {
    const p = file('invalid-option-policy.yaml', INVALID_POLICY);
    const { code, out, err } = await check([RGD], { policy: [p] });
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(
      err,
      new RegExp(
        `--policy ${p}:6:9: CompliancePolicy "broken": error: spec\\.mode: .*\\[policy/unsupported-value\\]`,
      ),
    );
    const missing = await check([RGD], { policy: [join(dir, 'missing.yaml')] });
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*missing\.yaml: ENOENT/);
  });
});

describe('kro-guard check: text output', () => {
  it('lists every finding with --verbose, and why documents were skipped', async () => {
    const cm = file('configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const { out } = await check([RGD, PUBLIC, cm], { verbose: true });
    assert.match(
      out,
      /\n {4}fail S3-003 \[Enforce, kro-guard-default\] resources\[bucket\]\.spec\.publicAccessBlock\.blockPublicACLs: .* \(resource bucket\)\n/,
    );
    assert.match(out, /\n {4}pass S3-001 \[Enforce, kro-guard-default\] /);
    assert.match(
      out,
      /\n {4}deferred S3-003 \[Enforce, kro-guard-default\] spec\.resources\[0\]\.template\.spec\.publicAccessBlock\.blockPublicACLs: /,
    );
    assert.match(
      out,
      /ConfigMap "x" \(document 0\): skipped: not a ResourceGraphDefinition, instance, policy or kind the rules cover \(v1 ConfigMap\)/,
    );
    assert.match(
      out,
      /3 documents: 1 accepted, 1 rejected, 1 skipped\npolicies: kro-guard-default \(built-in default\); exceptions: none\n$/,
    );
  });

  it('shows the new options in kro-guard check --help', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check', '--help'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    for (const flag of ['--rgd <file>', '--policy <file>', '--no-default-policy'])
      assert.ok(r.stdout.includes(flag), flag);
    assert.match(r.stdout, /built-in\s+default policy/);
  });
});
