/**
 * The CLI as a user runs it: a real process, real files, exit codes and output formats.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const VALID = `apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: app
spec:
  schema:
    apiVersion: v1alpha1
    kind: App
    spec:
      name: string
  resources:
    - id: cm
      template:
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \${schema.spec.name}
`;
const INVALID = VALID.replace('kind: App', 'kind: app').replace(
  '${schema.spec.name}',
  '${schema.spec.name + nope}',
);

describe('kro-guard check (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kro-guard-cli-'));
  writeFileSync(join(dir, 'valid.yaml'), VALID);
  mkdirSync(join(dir, 'nested'));
  writeFileSync(
    join(dir, 'nested', 'multi.yml'),
    `${VALID}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\n${INVALID}`,
  );
  writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');

  it('exits 0 and prints the summary when every RGD is accepted', () => {
    const r = cli(['check', join(dir, 'valid.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ResourceGraphDefinition "app" \(document 0\): accepted \(0 errors, 0 warnings\)/);
    assert.match(r.stdout, /1 document: 1 accepted, 0 rejected, 0 skipped/);
  });

  it('walks directories recursively, exits 1 on a rejection and shows file:line:col', () => {
    const r = cli(['check', dir]);
    assert.equal(r.code, 1);
    const multi = join(dir, 'nested', 'multi.yml');
    assert.match(r.stdout, new RegExp(`${multi}:30:11: error: spec\\.schema\\.kind: Invalid value: "app"`));
    assert.match(
      r.stdout,
      new RegExp(
        `${multi}:39:17: error: spec\\.resources\\[0\\]\\.template\\.metadata\\.name: references unknown identifiers: \\[nope\\] \\(resource cm\\) \\[graph/unknown-identifier\\]`,
      ),
    );
    assert.match(r.stdout, /4 documents: 2 accepted, 1 rejected, 1 skipped/);
    assert.doesNotMatch(r.stdout, /notes\.txt/);
  });

  it('prints one JSON result per document', () => {
    const r = cli(['check', '--format', 'json', join(dir, 'nested')]);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      results: Record<string, unknown>[];
      summary: Record<string, number>;
    };
    assert.deepEqual(
      out.results.map((x) => [x.document, x.kind, x.name, x.verdict]),
      [
        [0, 'ResourceGraphDefinition', 'app', 'accepted'],
        [1, 'ConfigMap', 'x', 'skipped'],
        [2, 'ResourceGraphDefinition', 'app', 'rejected'],
      ],
    );
    assert.deepEqual(out.summary, { documents: 3, accepted: 1, rejected: 1, skipped: 1 });
    const diags = out.results[2]!.diagnostics as { code: string; line: number; path: string }[];
    assert.deepEqual(
      diags.map((d) => [d.code, d.path, d.line]),
      [
        ['rgd/pattern', 'spec.schema.kind', 30],
        ['graph/unknown-identifier', 'spec.resources[0].template.metadata.name', 39],
      ],
    );
  });

  it('reads standard input with -', () => {
    const r = cli(['check', '-'], INVALID);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^<stdin>:1:1: ResourceGraphDefinition "app"/);
  });

  it('exits 2 on usage and I/O errors', () => {
    assert.equal(cli(['check']).code, 2);
    assert.equal(cli(['check', '--format', 'xml', dir]).code, 2);
    const missing = cli(['check', join(dir, 'missing.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*missing\.yaml: ENOENT/);
    assert.equal(cli(['frobnicate']).code, 2);
  });

  it('rejects a YAML syntax error with its position', () => {
    const r = cli(['check', '-'], 'apiVersion: kro.run/v1alpha1\nkind: [\n');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /<stdin>:\d+:\d+: error: .* \[yaml\/syntax\]/);
  });
});

describe('kro-guard certs (CLI)', () => {
  it('writes a CA, certificate and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kro-guard-certs-'));
    const r = cli(['certs', '--dns-name', 'kro-guard.kro-guard.svc', '--ip', '127.0.0.1', '--out-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ca\.crt.*tls\.crt.*tls\.key/);
  });

  it('exits 2 on a bad IP address', () => {
    const r = cli(['certs', '--dns-name', 'x', '--ip', 'not-an-ip']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not an IP address/);
  });
});

describe('kro-guard check of a List (kubectl get rgd -o yaml)', () => {
  it('checks every item and locates diagnostics inside it', () => {
    const item = (kind: string) =>
      `- apiVersion: kro.run/v1alpha1\n  kind: ResourceGraphDefinition\n  metadata:\n    name: ${kind.toLowerCase()}\n  spec:\n    schema:\n      apiVersion: v1alpha1\n      kind: ${kind}\n`;
    const list = `apiVersion: v1\nkind: List\nitems:\n${item('Good')}${item('bad')}`;
    const r = cli(['check', '--format', 'json', '-'], list);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as {
      results: { item: number; name: string; verdict: string; diagnostics: { line: number }[] }[];
    };
    assert.deepEqual(
      out.results.map((x) => [x.item, x.name, x.verdict]),
      [
        [0, 'good', 'accepted'],
        [1, 'bad', 'rejected'],
      ],
    );
    assert.deepEqual(
      out.results[1]!.diagnostics.map((d) => d.line),
      [19],
    );
  });
});
