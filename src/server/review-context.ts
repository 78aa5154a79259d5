/**
 * What one review worker decides with (`DecisionContext`): its schema source
 * (`review-schemas.ts`), the RGDs generating instance kinds, the policy set in force, and the
 * compiled RGD generations. With `cluster` schemas the RGDs and kro-guard's CompliancePolicies and
 * ComplianceExceptions come from informers (`src/cluster`); offline there are no RGDs and the
 * policies come from `KRO_GUARD_POLICIES` files.
 *
 * The webhook enforces only the policies it is given, as Kyverno and Gatekeeper do: with none, it runs
 * kro's static checks and no compliance rule. The installation applies manifests/policies/default.yaml
 * (and `npm start` passes it), so a fresh install is protected; the CLI, for CI pipelines, uses the
 * same default policy when no `--policy` is given.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { CompiledRgdCache } from '../admission/compiled-rgd.ts';
import type { DecisionContext } from '../admission/decide.ts';
import { reviewTarget } from '../admission/targets.ts';
import type { AdmissionReviewRequest, GroupVersionKind } from '../admission/types.ts';
import { templateGvks } from '../graph/gvks.ts';
import { isResourceGraphDefinition, rgdGeneratedKind } from '../graph/index.ts';
import type { PolicySet } from '../policy/config/index.ts';
import { buildPolicySet } from '../policy/policy-set.ts';
import {
  createWorkerSchemas,
  SchemaUnavailableError,
  type WorkerSchemaSettings,
  type WorkerSchemas,
} from './review-schemas.ts';

/** Longest a worker waits for the RGD and policy stores' first lists before it says ready, ms. */
const STORE_SYNC_WAIT_MS = 10_000;

/** Where policies come from, when not from the cluster. */
export interface WorkerPolicySettings {
  /** YAML files holding CompliancePolicy and ComplianceException documents (`KRO_GUARD_POLICIES`). */
  policyPaths?: string[];
  /** YAML files holding ResourceGraphDefinitions whose instances are checked (`KRO_GUARD_RGDS`). */
  rgdPaths?: string[];
}

/** A worker's decision context and its upkeep. */
export interface ReviewContext {
  readonly ctx: DecisionContext;
  /**
   * Makes the schema source answer the kinds `review` needs from memory (the templates' kinds of an
   * RGD, or of the RGD generating an instance's kind).
   *
   * @throws SchemaUnavailableError when the cluster failed to serve one of them.
   */
  prepare(review: AdmissionReviewRequest): Promise<void>;
  close(): Promise<void>;
}

function readYamlFiles(paths: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const path of paths) {
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
      const value: unknown = doc.toJS();
      if (value !== null && value !== undefined) out.push(value);
    }
  }
  return out;
}

/**
 * Builds the context of one worker.
 *
 * @throws KubeConfigError, CrdFileError (see `createWorkerSchemas`), or an Error naming a policy file
 *   that cannot be read or parsed: the worker then fails to start and `/readyz` says why.
 */
export async function createReviewContext(
  settings: (WorkerSchemaSettings & WorkerPolicySettings) | undefined,
): Promise<ReviewContext> {
  const schemas: WorkerSchemas = await createWorkerSchemas(settings);
  const compiled = new CompiledRgdCache();
  let rgdForKind: (gvk: GroupVersionKind) => unknown = () => undefined;
  let policies: () => PolicySet;
  const closers: (() => void)[] = [];
  if (settings?.source === 'cluster') {
    const { policyStore, rgdStore } = await import('../cluster/index.ts');
    const connection =
      settings.kubeconfigPath === undefined
        ? { inCluster: true }
        : { kubeconfigPath: settings.kubeconfigPath };
    const rgds = rgdStore(connection);
    const store = policyStore(connection);
    closers.push(
      () => rgds.close(),
      () => store.close(),
    );
    rgdForKind = (gvk) => rgds.byGeneratedKind(gvk)?.rgd;
    // Decide nothing before the first lists: a worker without the cluster's policies and RGDs would
    // fail open. Bounded, so that an unreachable cluster still lets the worker start (and report).
    await Promise.race([
      Promise.all([rgds.synced, store.synced]).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, STORE_SYNC_WAIT_MS).unref()),
    ]);
    let cached: { version: number; set: PolicySet } | undefined;
    policies = () => {
      if (cached?.version !== store.version) {
        const objects = [...store.policies(), ...store.exceptions()];
        cached = {
          version: store.version,
          set: buildPolicySet(objects, { now: new Date(), defaultWhenEmpty: false }).set,
        };
      }
      return cached.set;
    };
  } else {
    const rgds = readYamlFiles(settings?.rgdPaths ?? []).filter((o) => isResourceGraphDefinition(o));
    const kinds = new Map<string, unknown>();
    for (const rgd of rgds) {
      const k = rgdGeneratedKind(rgd);
      const key = k === undefined ? undefined : `${k.gvk.group}/${k.gvk.version}/${k.gvk.kind}`;
      if (key !== undefined && !kinds.has(key)) kinds.set(key, rgd);
    }
    rgdForKind = (gvk) => kinds.get(`${gvk.group}/${gvk.version}/${gvk.kind}`);
    const set = buildPolicySet(readYamlFiles(settings?.policyPaths ?? []), {
      now: new Date(),
      defaultWhenEmpty: false,
    }).set;
    policies = () => set;
  }
  const ctx: DecisionContext = {
    schemas: schemas.source,
    get policies() {
      return policies();
    },
    rgdForKind,
    compiled,
  };
  return {
    ctx,
    async prepare(review) {
      const req = review.request;
      const target = reviewTarget(req, (gvk) => rgdForKind(gvk) !== undefined);
      const rgd = target === 'rgd' ? req.object : target === 'instance' ? rgdForKind(req.kind) : undefined;
      if (rgd === undefined) return;
      const gvks = templateGvks(rgd);
      await schemas.source.prepare?.(gvks);
      if (schemas.cluster === undefined) return;
      const failures = new Set<string>();
      for (const gvk of gvks) {
        const error = schemas.cluster.lastError(gvk);
        if (error !== undefined) failures.add(error);
      }
      if (failures.size > 0)
        throw new SchemaUnavailableError(`cluster schemas unavailable: ${[...failures].join('; ')}`);
    },
    async close() {
      for (const c of closers) c();
      await schemas.cluster?.close();
    },
  };
}
