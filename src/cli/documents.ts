/**
 * Reading CLI inputs: files, directories (recursively, `.yaml`/`.yml`/`.json`), or `-` for
 * standard input; each split into YAML documents that keep their source positions so diagnostics
 * can be shown as `file:line:col`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  visit,
  type Document,
  type Node,
} from 'yaml';
import type { PathSegment } from '../diagnostics/diagnostic.ts';

/** One YAML document of an input file. */
export interface SourceDocument {
  /** The file name as given (or `<stdin>`). */
  file: string;
  /** Zero-based index of the document in its file. */
  index: number;
  /** The parsed value, or undefined when the document has syntax errors. */
  value: unknown;
  /** `apiVersion`, `kind` and `metadata.name` as far as they can be read, even from a broken document. */
  identity: { apiVersion?: string; kind?: string; name?: string };
  /** YAML syntax errors, with 1-based positions. */
  syntaxErrors: { message: string; line: number; column: number }[];
  /**
   * Keys repeated in one mapping. kubectl accepts them and keeps the last value (checked against
   * kube-apiserver 1.35 in the e2e tier), and so does the parsed `value`; the CLI warns.
   */
  duplicateKeys: { key: string; line: number; column: number }[];
  /** 1-based line and column of the document start. */
  line: number;
  column: number;
  /** Finds the 1-based line and column of a field path (the deepest existing ancestor if missing). */
  locate(path: readonly PathSegment[]): { line: number; column: number };
}

/** An input that could not be read. */
export class InputError extends Error {
  override name = 'InputError';
}

const YAML_FILE = /\.(ya?ml|json)$/i;

/**
 * Expands CLI arguments into files: directories are walked recursively (sorted, hidden entries
 * skipped) for `.yaml`, `.yml` and `.json` files; `-` stays as standard input.
 *
 * @throws InputError when an argument does not exist.
 */
export async function expandInputs(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    if (arg === '-') {
      out.push(arg);
      continue;
    }
    let st;
    try {
      st = await stat(arg);
    } catch (e) {
      throw new InputError(`cannot read ${arg}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    if (st.isDirectory()) out.push(...(await walk(arg)));
    else out.push(arg);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && YAML_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/** Reads all of standard input as UTF-8. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads one input file into its documents.
 *
 * @throws InputError when the file cannot be read.
 */
export async function readDocuments(
  file: string,
  stdin: () => Promise<string> = readStdin,
): Promise<SourceDocument[]> {
  let text: string;
  try {
    text = file === '-' ? await stdin() : await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseDocuments(text, file === '-' ? '<stdin>' : file);
}

/**
 * Splits YAML text into documents with positions. Empty documents (a bare `---`) are dropped.
 * Pure: no I/O.
 */
export function parseDocuments(text: string, file: string): SourceDocument[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lc,
    uniqueKeys: false,
    prettyErrors: false,
    intAsBigInt: false,
  });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: SourceDocument[] = [];
  list.forEach((doc: Document.Parsed) => {
    if (doc.contents === null && doc.errors.length === 0) return;
    const contents = doc.contents as Node | null;
    const startPos = lc.linePos(contents?.range ? contents.range[0] : doc.range[0]);
    const syntaxErrors = doc.errors.map((e) => {
      const p = lc.linePos(e.pos[0]);
      return { message: e.message.split('\n')[0]!, line: p.line, column: p.col };
    });
    const value: unknown = syntaxErrors.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });
    out.push({
      file,
      index: out.length,
      value,
      identity: identityOf(doc),
      syntaxErrors,
      duplicateKeys: findDuplicateKeys(contents, (offset) => lc.linePos(offset)),
      line: startPos.line,
      column: startPos.col,
      locate(path) {
        let node: unknown = doc.contents;
        let found = node as Node | null;
        for (const seg of path) {
          if (isMap(node)) {
            const pair = node.items.find((it) => {
              const k = it.key as { value?: unknown } | null;
              return (k && typeof k === 'object' && 'value' in k ? k.value : k) === seg;
            });
            if (!pair) break;
            node = pair.value;
            found = (pair.value ?? pair.key) as Node;
          } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
            node = node.items[seg];
            found = node as Node;
          } else break;
        }
        const range = found && 'range' in found ? found.range : undefined;
        const pos = lc.linePos(range ? range[0] : doc.range[0]);
        return { line: pos.line, column: pos.col };
      },
    });
  });
  return out;
}

function identityOf(doc: Document.Parsed): SourceDocument['identity'] {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const out: SourceDocument['identity'] = {};
  const apiVersion = str(doc.get('apiVersion'));
  const kind = str(doc.get('kind'));
  const name = str(doc.getIn(['metadata', 'name']));
  if (apiVersion !== undefined) out.apiVersion = apiVersion;
  if (kind !== undefined) out.kind = kind;
  if (name !== undefined) out.name = name;
  return out;
}

function findDuplicateKeys(
  root: Node | null,
  linePos: (offset: number) => { line: number; col: number },
): SourceDocument['duplicateKeys'] {
  const out: SourceDocument['duplicateKeys'] = [];
  if (!root) return out;
  visit(root, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const range = isScalar(pair.key) ? pair.key.range : undefined;
        const pos = linePos(range ? range[0] : 0);
        out.push({ key: String(key), line: pos.line, column: pos.col });
      }
    },
  });
  return out;
}
