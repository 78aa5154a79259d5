/**
 * Reads the compliance scenarios of test/scenarios (compliance-catalogue §5; format in README.md):
 * each directory's RGD, instances, children and policies as parsed YAML, and its `scenario.yaml`
 * runs as typed expectations. Problems with the expectations' shape are collected, not thrown, so
 * that a test can list them all; unreadable files and YAML syntax errors throw (test fixtures only).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** Absolute path of test/scenarios. */
export const SCENARIOS_DIR: string = fileURLToPath(new URL('.', import.meta.url));

/** A decision kro-guard takes at R, I or C: deny when some rule in Enforce mode fails. */
export type Decision = 'allow' | 'deny';

/** What one case (the RGD, one instance, one child) must produce; rule id lists are inclusive. */
export interface ExpectedCase {
  /** Path of the fixture relative to the scenario directory; absent for the RGD (always `rgd.yaml`). */
  file?: string;
  decision: Decision;
  /** Rules that must be among the Enforce failures. */
  errors: string[];
  /** Rules whose failures must be reported without being enforced (Warn mode, or exempted). */
  warnings: string[];
  /** Rules that must be reported as deferred to instance admission (R only in practice). */
  deferred: string[];
  /** Instance fields (`spec.allowPublic`) the deferred findings must name. */
  inputs: string[];
  /** Rules that must pass definitively. */
  passes: string[];
  /** Finding locations (prefixes) the `errors` rules must report (`resources[bucket].spec.acl`). */
  paths: string[];
  /** Control ids (`S3.8`, `CKV_AWS_274`) the denial must carry. */
  controls: string[];
}

/** One document of a `scenario.yaml`: the scenario's fixtures under one set of policies. */
export interface ScenarioRun {
  /** Catalogue id: `S3`, or `S2A` for a variant. */
  id: string;
  /** Run name; `default` when the file has a single document without one. */
  run: string;
  title: string;
  catalogue: string;
  notes: string;
  /** Policy files (relative to the scenario directory) loaded besides the built-in default policy. */
  policies: string[];
  rgd: ExpectedCase;
  instances: ExpectedCase[];
  children: ExpectedCase[];
}

/** One scenario directory, parsed. */
export interface Scenario {
  /** Directory name (`03-bpa-boolean`). */
  name: string;
  /** Absolute directory path. */
  dir: string;
  /** The parsed `rgd.yaml` (its only document). */
  rgd: Record<string, unknown>;
  /** `instances/*.yaml`, `children/*.yaml`, `policies/*.yaml` by relative path, parsed. */
  instances: Map<string, Record<string, unknown>>;
  children: Map<string, Record<string, unknown>>;
  policies: Map<string, Record<string, unknown>>;
  runs: ScenarioRun[];
  /** Shape problems of `scenario.yaml` (unknown keys, wrong types, missing fields). */
  problems: string[];
}

const DECISIONS: readonly string[] = ['allow', 'deny'];
const RUN_KEYS = ['id', 'run', 'title', 'catalogue', 'notes', 'policies', 'rgd', 'instances', 'children'];
const LIST_KEYS = ['errors', 'warnings', 'deferred', 'inputs', 'passes', 'paths', 'controls'] as const;
const CASE_KEYS = ['file', 'decision', ...LIST_KEYS];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The documents of a YAML file. @throws Error naming the file on a YAML error. */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const d of list) {
    if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map((e) => e.message).join('; ')}`);
    out.push(d.toJS());
  }
  return out;
}

/** The single object of a one-document YAML file. @throws Error when it is not exactly one object. */
export function readYamlObject(path: string): Record<string, unknown> {
  const docs = readYamlDocuments(path);
  const [doc] = docs;
  if (docs.length !== 1 || !isRecord(doc)) throw new Error(`${path}: expected exactly one YAML object`);
  return doc;
}

function readFolder(dir: string, sub: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const folder = join(dir, sub);
  if (!existsSync(folder)) return out;
  for (const f of readdirSync(folder).sort()) {
    if (f.endsWith('.yaml')) out.set(`${sub}/${f}`, readYamlObject(join(folder, f)));
  }
  return out;
}

function stringList(v: unknown, where: string, problems: string[]): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  problems.push(`${where}: must be a list of strings`);
  return [];
}

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): string[] {
  return Object.keys(obj)
    .filter((k) => !allowed.includes(k))
    .map((k) => `${where}: unknown key "${k}"`);
}

/** Parses one expected case; `needsFile` for instances and children. */
export function parseCase(v: unknown, where: string, needsFile: boolean, problems: string[]): ExpectedCase {
  const c: ExpectedCase = {
    decision: 'allow',
    errors: [],
    warnings: [],
    deferred: [],
    inputs: [],
    passes: [],
    paths: [],
    controls: [],
  };
  if (!isRecord(v)) {
    problems.push(`${where}: must be a mapping`);
    return c;
  }
  problems.push(...unknownKeys(v, needsFile ? CASE_KEYS : CASE_KEYS.filter((k) => k !== 'file'), where));
  if (needsFile) {
    if (typeof v.file === 'string') c.file = v.file;
    else problems.push(`${where}.file: must be a string`);
  }
  if (typeof v.decision === 'string' && DECISIONS.includes(v.decision)) c.decision = v.decision as Decision;
  else problems.push(`${where}.decision: must be allow or deny`);
  for (const k of LIST_KEYS) c[k] = stringList(v[k], `${where}.${k}`, problems);
  return c;
}

function requiredString(
  doc: Record<string, unknown>,
  key: string,
  where: string,
  problems: string[],
): string {
  const v = doc[key];
  if (typeof v === 'string' && v.trim() !== '') return v;
  problems.push(`${where}.${key}: must be a non-empty string`);
  return '';
}

/** Parses one document of a `scenario.yaml`; `multi` when the file has several documents. */
export function parseRun(doc: unknown, where: string, multi: boolean, problems: string[]): ScenarioRun {
  const d = isRecord(doc) ? doc : {};
  if (!isRecord(doc)) problems.push(`${where}: must be a mapping`);
  problems.push(...unknownKeys(d, RUN_KEYS, where));
  if (multi && typeof d.run !== 'string')
    problems.push(`${where}.run: required when the file has several runs`);
  const cases = (key: string): ExpectedCase[] => {
    const v = d[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      problems.push(`${where}.${key}: must be a list`);
      return [];
    }
    return v.map((x, i) => parseCase(x, `${where}.${key}[${i}]`, true, problems));
  };
  return {
    id: requiredString(d, 'id', where, problems),
    run: typeof d.run === 'string' ? d.run : 'default',
    title: requiredString(d, 'title', where, problems),
    catalogue: requiredString(d, 'catalogue', where, problems),
    notes: typeof d.notes === 'string' ? d.notes : '',
    policies: stringList(d.policies, `${where}.policies`, problems),
    rgd: parseCase(d.rgd, `${where}.rgd`, false, problems),
    instances: cases('instances'),
    children: cases('children'),
  };
}

/** Loads one scenario directory. @throws Error on unreadable files or YAML errors. */
export function loadScenario(dir: string, name: string): Scenario {
  const problems: string[] = [];
  const docs = readYamlDocuments(join(dir, 'scenario.yaml'));
  const runs = docs.map((doc, i) => parseRun(doc, `${name}/scenario.yaml#${i}`, docs.length > 1, problems));
  return {
    name,
    dir,
    rgd: readYamlObject(join(dir, 'rgd.yaml')),
    instances: readFolder(dir, 'instances'),
    children: readFolder(dir, 'children'),
    policies: readFolder(dir, 'policies'),
    runs,
    problems,
  };
}

/** Every scenario directory under `root` (those holding a `scenario.yaml`), in name order. */
export function loadScenarios(root: string = SCENARIOS_DIR): Scenario[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'scenario.yaml')))
    .map((e) => e.name)
    .sort()
    .map((name) => loadScenario(join(root, name), name));
}
