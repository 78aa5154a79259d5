/**
 * The cases of the parity harness: every RGD fixture under `test/parity/fixtures/<area>/<name>.yaml`
 * (one RGD per file, each aimed at one rule) and every RGD document of kro v0.9.3's examples in
 * `../shared/corpus` (read in place). A corpus document that does not parse as YAML is not a case
 * (kubectl cannot apply it either); non-RGD documents (instances, CRDs, kro's experimental `Graph`) are
 * skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parseDocuments } from '../../src/cli/documents.ts';
import { REPO_ROOT, SHARED_DIR } from '../harness/index.ts';

/** `test/parity/fixtures`. */
export const PARITY_FIXTURES_DIR: string = join(REPO_ROOT, 'test', 'parity', 'fixtures');

/** kro v0.9.3's examples (`../shared/corpus/kro-v0.9.3-examples`). */
export const PARITY_CORPUS_DIR: string = join(SHARED_DIR, 'corpus', 'kro-v0.9.3-examples');

/** The committed verdicts of kro v0.9.3 (written by `scripts/parity-record.ts`). */
export const PARITY_EXPECTED_PATH: string = join(REPO_ROOT, 'test', 'parity', 'expected.json');

/** One RGD applied to the cluster and checked by kro-guard. */
export interface ParityCase {
  /**
   * `fixture/<area>/<name>` for a fixture, `corpus/<path in the corpus>#<document index>` for a
   * corpus document (the index counts the file's non-empty documents, from 0).
   */
  id: string;
  /** Absolute path of the file. */
  file: string;
  /** The RGD as parsed (kubectl's view: a repeated key keeps its last value). Never modify it. */
  rgd: Record<string, unknown>;
  /** `metadata.name`. */
  name: string;
  /**
   * Identity of the CRD kro generates: `<group>/<kind>` lowercased (group defaults to `kro.run`). Two
   * cases with the same key cannot be on the cluster at once.
   */
  crdKey: string;
}

const YAML_FILE = /\.ya?ml$/i;

function walk(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  return entries.flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.isFile() && YAML_FILE.test(e.name) ? [p] : [];
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** True for a `kro.run/*` `ResourceGraphDefinition`. */
export function isRgd(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    value['kind'] === 'ResourceGraphDefinition' &&
    typeof value['apiVersion'] === 'string' &&
    value['apiVersion'].startsWith('kro.run/')
  );
}

function toCase(id: string, file: string, rgd: Record<string, unknown>): ParityCase {
  const metadata = isRecord(rgd['metadata']) ? rgd['metadata'] : {};
  const spec = isRecord(rgd['spec']) ? rgd['spec'] : {};
  const schema = isRecord(spec['schema']) ? spec['schema'] : {};
  const group = typeof schema['group'] === 'string' ? schema['group'] : 'kro.run';
  const kind = typeof schema['kind'] === 'string' ? schema['kind'] : '';
  return {
    id,
    file,
    rgd,
    name: typeof metadata['name'] === 'string' ? metadata['name'] : '',
    crdKey: `${group}/${kind}`.toLowerCase(),
  };
}

const posix = (p: string): string => p.split(sep).join('/');

/**
 * The fixtures, sorted by id.
 * @throws Error when a fixture is not exactly one parseable RGD document with a name.
 */
export function loadFixtureCases(dir: string = PARITY_FIXTURES_DIR): ParityCase[] {
  return walk(dir).map((file) => {
    const rel = posix(relative(dir, file)).replace(YAML_FILE, '');
    const docs = parseDocuments(readFileSync(file, 'utf8'), file);
    const doc = docs[0];
    if (docs.length !== 1 || doc === undefined || doc.syntaxErrors.length > 0 || !isRgd(doc.value))
      throw new Error(`parity fixture ${file}: must hold exactly one RGD document`);
    const c = toCase(`fixture/${rel}`, file, doc.value);
    if (c.name === '') throw new Error(`parity fixture ${file}: metadata.name is missing`);
    return c;
  });
}

/** The RGD documents of the corpus, sorted by id (file, then document index). */
export function loadCorpusCases(dir: string = PARITY_CORPUS_DIR): ParityCase[] {
  const out: ParityCase[] = [];
  for (const file of walk(dir)) {
    const rel = posix(relative(dir, file));
    for (const doc of parseDocuments(readFileSync(file, 'utf8'), file)) {
      if (doc.syntaxErrors.length > 0 || !isRgd(doc.value)) continue;
      out.push(toCase(`corpus/${rel}#${doc.index}`, file, doc.value));
    }
  }
  return out;
}

/** Every case (fixtures, then corpus), sorted by id; ids are unique. */
export function loadParityCases(): ParityCase[] {
  const all = [...loadFixtureCases(), ...loadCorpusCases()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const names = new Map<string, string>();
  for (const c of all) {
    // Fixtures must not collide with each other; the corpus may (it is applied in rounds).
    if (!c.id.startsWith('fixture/')) continue;
    const previous = names.get(c.name) ?? names.get(c.crdKey);
    if (previous !== undefined)
      throw new Error(`parity fixtures ${previous} and ${c.id} collide (name or kind)`);
    names.set(c.name, c.id);
    names.set(c.crdKey, c.id);
  }
  return all;
}
