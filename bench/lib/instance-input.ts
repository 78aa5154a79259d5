/**
 * The inputs of `npm run bench:instance`: an RGD and an instance of it (bench/fixtures by default),
 * the policy that turns on every built-in rule, and the files the server reads them from.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { GroupVersionKind } from '../../src/admission/types.ts';
import { rgdGeneratedKind } from '../../src/graph/index.ts';
import { BUILTIN_RULES } from '../../src/policy/rules/index.ts';

/** The 10-resource ACK application stack RGD. */
export const DEFAULT_RGD = fileURLToPath(new URL('../fixtures/ack-app-stack.rgd.yaml', import.meta.url));
/** Its instance. */
export const DEFAULT_INSTANCE = fileURLToPath(
  new URL('../fixtures/ack-app-stack.instance.yaml', import.meta.url),
);
/** The ACK CRDs next to the repository. */
export const DEFAULT_ACK_CRDS = fileURLToPath(new URL('../../../shared/crds/ack', import.meta.url));

/** What every benchmark request is about. */
export interface InstanceBenchInput {
  rgdFile: string;
  instanceFile: string;
  /** `metadata.name` of the RGD. */
  rgdName: string;
  /** Entries of `spec.resources`. */
  resources: number;
  /**
   * The RGD as the cluster's RGD store holds it: the file's object plus `metadata.uid`,
   * `resourceVersion`, `generation` and `creationTimestamp` (see {@link asStored}).
   */
  rgd: Record<string, unknown>;
  /** The instance object, as `kubectl create` sends it. */
  instance: Record<string, unknown>;
  /** The kind the RGD generates (the instance's kind). */
  gvk: GroupVersionKind;
  /** The generated CRD's plural resource name (lower-cased kind + `s`, as kro names it). */
  plural: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function singleDocument(path: string): Promise<Record<string, unknown>> {
  const docs = parseAllDocuments(await readFile(path, 'utf8'));
  const objects: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  if (objects.length !== 1 || !isRecord(objects[0])) {
    throw new Error(`${path}: expected exactly one object, found ${objects.length} documents`);
  }
  return objects[0];
}

/**
 * `rgd` with the identity fields the API server adds when it stores it (a fixed uid,
 * `resourceVersion`, `generation`, `creationTimestamp`), as the webhook's RGD store hands it to the
 * review workers in a cluster. kro-guard compiles an RGD once per uid + resourceVersion
 * (`CompiledRgdCache`); an RGD without them is compiled again for every review.
 */
export function asStored(rgd: Record<string, unknown>): Record<string, unknown> {
  const metadata = isRecord(rgd.metadata) ? rgd.metadata : {};
  return {
    ...rgd,
    metadata: {
      ...metadata,
      uid: '6b1f9c52-0d7e-4c1a-9a63-2f5d3e8b7a10',
      resourceVersion: '1',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
  };
}

/**
 * Reads the RGD and instance files (one object each) and works out the instance's kind.
 *
 * @throws Error naming the file when it does not hold exactly one object, when the RGD generates no
 *   kind (invalid `spec.schema`), or when the instance is not of that kind.
 */
export async function readInstanceBenchInput(
  rgdFile: string,
  instanceFile: string,
): Promise<InstanceBenchInput> {
  const rgd = await singleDocument(rgdFile);
  const instance = await singleDocument(instanceFile);
  const generated = rgdGeneratedKind(rgd);
  if (generated === undefined) throw new Error(`${rgdFile}: not an RGD kro would generate a kind for`);
  const { gvk } = generated;
  const apiVersion = `${gvk.group}/${gvk.version}`;
  if (instance.apiVersion !== apiVersion || instance.kind !== gvk.kind) {
    throw new Error(
      `${instanceFile}: the instance is ${String(instance.apiVersion)} ${String(instance.kind)}, not ${apiVersion} ${gvk.kind}`,
    );
  }
  const spec = isRecord(rgd.spec) ? rgd.spec : {};
  const metadata = isRecord(rgd.metadata) ? rgd.metadata : {};
  return {
    rgdFile,
    instanceFile,
    rgdName: typeof metadata.name === 'string' ? metadata.name : '',
    resources: Array.isArray(spec.resources) ? spec.resources.length : 0,
    rgd: asStored(rgd),
    instance,
    gvk,
    plural: `${gvk.kind.toLowerCase()}s`,
  };
}

/** Ids of the built-in rules that are off unless a policy enables them (`optional: true`). */
export function optionalRuleIds(): string[] {
  return BUILTIN_RULES.filter((r) => r.optional === true).map((r) => r.id);
}

/** The mode of {@link allRulesPolicy}. */
export const ALL_RULES_POLICY_MODE = 'Audit';

/**
 * A CompliancePolicy putting every built-in rule in force on every object: `include: ['*']` (the
 * non-optional rules) and `enable` listing every optional one, in mode Audit. Audit findings are
 * evaluated and logged like the others but never deny or warn, so the instance is allowed whatever
 * the rules say (an MFA-delete rule, S3-013, cannot pass on ACK at all) and the response stays the
 * same size for every rule outcome.
 */
export function allRulesPolicy(): Record<string, unknown> {
  return {
    apiVersion: 'kro-guard.io/v1alpha1',
    kind: 'CompliancePolicy',
    metadata: { name: 'bench-every-builtin-rule' },
    spec: { mode: ALL_RULES_POLICY_MODE, rules: { include: ['*'], enable: optionalRuleIds() } },
  };
}

/** Where {@link writeServerInputs} put the server's input files. */
export interface ServerInputFiles {
  rgdPath: string;
  policyPath: string;
}

/**
 * Writes the stored RGD and `policy` into `dir` as the files kro-guard reads (`--rgds`,
 * `--policies`); JSON text, which is YAML.
 */
export async function writeServerInputs(
  dir: string,
  input: InstanceBenchInput,
  policy: Record<string, unknown>,
): Promise<ServerInputFiles> {
  const rgdPath = join(dir, 'rgd.yaml');
  const policyPath = join(dir, 'policy.yaml');
  await writeFile(rgdPath, `${JSON.stringify(input.rgd, null, 2)}\n`);
  await writeFile(policyPath, `${JSON.stringify(policy, null, 2)}\n`);
  return { rgdPath, policyPath };
}
