import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { extractExpressions, inspect, parseCel } from '../../../src/cel/index.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/kro-v0.9.3-examples', import.meta.url));

/**
 * Files of the corpus that are not valid YAML, with the reason. Their documents are skipped.
 * (Duplicate keys are tolerated below, as Kubernetes' decoder tolerates them.)
 */
const INVALID_YAML: Record<string, string> = {
  'aws/ack-controller/all-controllers.yaml': 'broken indentation',
  'aws/dogsvscats-appstack/instance-template.yaml':
    'envsubst template: ${VAR} placeholders in flow sequences',
  'aws/elasticache-serverless/instance-template.yaml':
    'envsubst template: ${VAR} placeholders in flow sequences',
  'aws/rds-postgres/instance-template.yaml': 'envsubst template: ${VAR} placeholders in flow sequences',
};

/**
 * Files whose `${…}` extraction fails, with the reason. Expected parse failures: none.
 */
const EXTRACTION_FAILURES: Record<string, string> = {
  'graph/rgd.yaml':
    'an experimental Graph (not an RGD) escaping expressions as ${${…}}, which kro’s extractor rejects as nested',
};

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.ya?ml$/.test(name)) yield path;
  }
}

function* stringValues(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* stringValues(x);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) yield* stringValues(x);
}

describe('the kro v0.9.3 examples', () => {
  it('every ${…} in every string value extracts and parses, except the listed files', () => {
    const invalidYaml = new Set<string>();
    const extractionFailures = new Set<string>();
    const parseFailures: string[] = [];
    let parsed = 0;
    for (const path of files(CORPUS)) {
      const file = relative(CORPUS, path);
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'), { uniqueKeys: false })) {
        if (doc.errors.length > 0) {
          invalidYaml.add(file);
          continue;
        }
        for (const text of stringValues(doc.toJS())) {
          const x = extractExpressions(text);
          if (!x.ok) {
            extractionFailures.add(file);
            continue;
          }
          for (const e of x.expressions) {
            const r = parseCel(e.expression);
            if (r.kind !== 'ok') {
              parseFailures.push(`${file}: ${JSON.stringify(e.expression)}: ${r.kind}: ${r.message}`);
              continue;
            }
            parsed++;
            // Every function the examples call is known to kro's environment.
            assert.deepEqual(inspect(r.ast).unknownFunctions, [], `${file}: ${e.expression}`);
          }
        }
      }
    }
    assert.deepEqual([...invalidYaml].sort(), Object.keys(INVALID_YAML).sort());
    assert.deepEqual([...extractionFailures].sort(), Object.keys(EXTRACTION_FAILURES).sort());
    assert.deepEqual(parseFailures, []);
    assert.ok(parsed > 500, `only ${parsed} expressions found: is the corpus at ${CORPUS}?`);
  });
});
