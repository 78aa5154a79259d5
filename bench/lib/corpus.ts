/** Picks the benchmark's input: the largest ResourceGraphDefinition of the kro example corpus. */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One RGD document of the corpus. */
export interface CorpusRgd {
  /** File it came from, relative to the corpus root. */
  file: string;
  /** `metadata.name`. */
  name: string;
  /** UTF-8 byte size of the YAML document's own text. */
  yamlBytes: number;
  /** Number of entries in `spec.resources`. */
  resources: number;
  /** The document as plain JSON-compatible data. */
  object: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function yamlFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every `kind: ResourceGraphDefinition` document under `root` (recursive) that parses without errors. */
export async function readCorpusRgds(root: string): Promise<CorpusRgd[]> {
  const found: CorpusRgd[] = [];
  for (const path of await yamlFiles(root)) {
    const source = await readFile(path, 'utf8');
    for (const doc of parseAllDocuments(source)) {
      if (doc.errors.length > 0) continue;
      const object: unknown = doc.toJS({ maxAliasCount: -1 });
      if (!isRecord(object) || object.kind !== 'ResourceGraphDefinition') continue;
      const metadata = isRecord(object.metadata) ? object.metadata : {};
      const spec = isRecord(object.spec) ? object.spec : {};
      const [start, , end] = doc.range;
      found.push({
        file: relative(root, path),
        name: typeof metadata.name === 'string' ? metadata.name : '',
        yamlBytes: Buffer.byteLength(source.slice(start, end), 'utf8'),
        resources: Array.isArray(spec.resources) ? spec.resources.length : 0,
        object,
      });
    }
  }
  return found;
}

/**
 * The largest RGD under `root` by YAML byte size (ties: first by file path, then document order).
 *
 * @throws Error when the directory holds no parseable RGD.
 */
export async function largestCorpusRgd(root: string): Promise<CorpusRgd> {
  let best: CorpusRgd | undefined;
  for (const rgd of await readCorpusRgds(root)) {
    if (best === undefined || rgd.yamlBytes > best.yamlBytes) best = rgd;
  }
  if (best === undefined) throw new Error(`no ResourceGraphDefinition found under ${root}`);
  return best;
}
