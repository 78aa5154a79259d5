/**
 * Loads the YAML fixtures under fixtures/: each file holds one object and, in leading comments, what
 * is expected of it: `# expect: <severity> <code> <path>` lines (every diagnostic the parser must
 * give, nothing more) and `# schema: accept|reject` (whether the CRD's OpenAPI schema alone rejects it).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const FIXTURES = join('test', 'unit', 'policy', 'config', 'fixtures');

export interface Fixture {
  file: string;
  object: unknown;
  /** `severity code path` lines, sorted. */
  expect: string[];
  schema: 'accept' | 'reject';
}

/** The fixtures of `dir` (`policies/valid`, `exceptions/invalid`...), by file name. */
export function loadFixtures(dir: string): Fixture[] {
  const full = join(FIXTURES, dir);
  return readdirSync(full)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(full, f), 'utf8');
      const expect = [...text.matchAll(/^# expect: (.+)$/gm)].map((m) => m[1]!.trim()).sort();
      const schema = /^# schema: (accept|reject)$/m.exec(text)?.[1];
      if (schema !== 'accept' && schema !== 'reject') throw new Error(`${f}: no "# schema:" line`);
      return { file: join(dir, f), object: parse(text) as unknown, expect, schema };
    });
}
