/**
 * An RGD made ready for instance admission, once per RGD generation: the static check, the
 * generated CRD's schema compiled for defaulting and validation (kro-contract §6.1, §7), and the
 * graph compiled for rendering. The webhook keeps them in a small cache keyed by the RGD's uid and
 * resourceVersion, so that reviews of instances pay only for defaulting, rendering and rules.
 */
import { checkRgd, type RgdCheckResult } from '../graph/index.ts';
import { withRgdDefaults } from '../graph/defaults.ts';
import { compileGraph, type CompiledGraph } from '../graph/render/index.ts';
import { compileInstanceSchema, type CompiledInstanceSchema } from '../instance/index.ts';
import type { SchemaSource } from '../schemas/source.ts';
import type { KindSelector } from '../policy/types.ts';

/** An RGD compiled for its instances. */
export interface CompiledRgd {
  /** `metadata.name` of the RGD. */
  name: string;
  /** The kind instances have: `spec.schema.group` (default kro.run) and `spec.schema.kind`. */
  instanceKind: KindSelector;
  /** `<group>/<apiVersion>` of the instances. */
  instanceApiVersion: string;
  check: RgdCheckResult;
  /** Undefined when the RGD has errors (kro generates no CRD, and serves no instance). */
  instanceSchema: CompiledInstanceSchema | undefined;
  graph: CompiledGraph;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Checks and compiles `rgd` with `schemas` (see the module comment); `oldRgd` is the stored object
 * on UPDATE (the RGD CRD's immutability rules). Never throws; an invalid RGD gives
 * `instanceSchema: undefined` and a graph with `ok: false`.
 */
export function compileRgd(
  rgd: unknown,
  schemas: SchemaSource,
  options: { oldRgd?: unknown } = {},
): CompiledRgd {
  const obj = record(withRgdDefaults(rgd));
  const schema = record(record(obj.spec).schema);
  const group = typeof schema.group === 'string' ? schema.group : 'kro.run';
  const version = typeof schema.apiVersion === 'string' ? schema.apiVersion : '';
  const kind = typeof schema.kind === 'string' ? schema.kind : '';
  const check = checkRgd(
    rgd,
    options.oldRgd === undefined ? { schemas } : { schemas, oldRgd: options.oldRgd },
  );
  const crdSchema = check.crd?.spec.versions[0]?.schema?.openAPIV3Schema;
  const name = typeof record(obj.metadata).name === 'string' ? (record(obj.metadata).name as string) : '';
  return {
    name,
    instanceKind: { group, kind },
    instanceApiVersion: `${group}/${version}`,
    check,
    instanceSchema:
      crdSchema === undefined
        ? undefined
        : compileInstanceSchema(crdSchema, { scope: schema.scope === 'Cluster' ? 'Cluster' : 'Namespaced' }),
    graph: compileGraph(rgd, check, { schemas }),
  };
}

/**
 * Compiled RGDs by identity, least recently used evicted beyond `maxEntries` (default 256). The key is
 * `metadata.uid` + `metadata.resourceVersion` when both are set (stored RGDs); other RGDs (files,
 * CLI inputs) are cached by object identity for as long as the object lives.
 */
export class CompiledRgdCache {
  readonly #max: number;
  readonly #entries = new Map<string, CompiledRgd>();
  readonly #byObject = new WeakMap<object, CompiledRgd>();

  constructor(maxEntries = 256) {
    this.#max = maxEntries;
  }

  /** The compiled form of `rgd`, from the cache when this generation was compiled before. */
  get(rgd: unknown, schemas: SchemaSource): CompiledRgd {
    const md = record(record(rgd).metadata);
    const key =
      typeof md.uid === 'string' && typeof md.resourceVersion === 'string'
        ? `${md.uid}/${md.resourceVersion}`
        : undefined;
    if (key === undefined) {
      // Not stored (RGD files given to the webhook, CLI inputs): cached by object identity.
      if (typeof rgd !== 'object' || rgd === null) return compileRgd(rgd, schemas);
      let compiled = this.#byObject.get(rgd);
      if (compiled === undefined) {
        compiled = compileRgd(rgd, schemas);
        this.#byObject.set(rgd, compiled);
      }
      return compiled;
    }
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const compiled = compileRgd(rgd, schemas);
    this.#entries.set(key, compiled);
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    return compiled;
  }

  /** Number of cached RGD generations. */
  get size(): number {
    return this.#entries.size;
  }
}
