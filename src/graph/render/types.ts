/**
 * The shapes of graph expansion ("rendering"): the children an instance of an RGD would create,
 * with values that cannot be known before creation kept as symbolic unknowns (`symbolic.ts`).
 */
import type { Diagnostic, PathSegment } from '../../diagnostics/diagnostic.ts';
import type { GroupVersionKind } from '../../schemas/prune.ts';
import type { RenderedObject, Unknown } from './symbolic.ts';

/**
 * How a graph is rendered.
 * - `instance`: with a concrete instance (instance admission, `kro-guard render`, CLI checks of
 *   instances): `schema` is the defaulted instance; only other resources' status (and runtime
 *   values) are unknown.
 * - `symbolic`: without an instance (RGD admission): SimpleSchema inputs are unknown too, except
 *   those with a finite domain (booleans, enums), which are enumerated into worlds.
 */
export type RenderMode = 'instance' | 'symbolic';

/** One would-be child of the instance. */
export interface RenderedResource {
  /** `spec.resources[].id`. */
  id: string;
  /** Index of the resource in `spec.resources`. */
  resourceIndex: number;
  /**
   * For a forEach collection: the element's position (what kro writes as `kro.run/collection-index`).
   * In symbolic mode a collection whose list is unknown renders one representative element with
   * `collectionIndex: '*'` whose iterator values are unknown. Undefined for a plain resource.
   */
  collectionIndex?: number | '*';
  /** The iterator values of this element (forEach variable name → value), for messages. */
  iterators?: Record<string, unknown>;
  /**
   * Whether kro would create it: `true`, or an {@link Unknown} when `includeWhen` depends on an
   * unknown value (the resource is then checked as if included, and the condition is reported).
   * Resources whose includeWhen is false are left out of {@link RenderedGraph.resources} and listed
   * in {@link RenderedGraph.excluded}.
   */
  included: true | Unknown;
  /** The rendered template (or, for an externalRef, the reference object `{apiVersion, kind, metadata}`). */
  object: RenderedObject;
  /** True for an externalRef: kro reads it, never creates or changes it. */
  external: boolean;
  /** The GVK from the rendered `apiVersion`/`kind` (the template's, which are literals). */
  gvk: GroupVersionKind;
  /** True when the kind is namespaced; undefined when no schema source knows it. */
  namespaced: boolean | undefined;
  /** Path of the template in the RGD: `['spec','resources',3,'template']` (or `externalRef`). */
  templatePath: PathSegment[];
}

/** One expanded graph. */
export interface RenderedGraph {
  mode: RenderMode;
  /** The instance's identity: namespace (`''` when cluster-scoped), name; unknown in symbolic mode. */
  instance: { name: string | Unknown; namespace: string | Unknown };
  /** The rendered children (and externalRefs), in kro's topological order, collections expanded in order. */
  resources: RenderedResource[];
  /** Ids (and collection indices) left out because their includeWhen evaluated to false. */
  excluded: { id: string; collectionIndex?: number }[];
  /**
   * In symbolic mode, the values given to finite-domain inputs in this world
   * (`{"schema.spec.allowPublic": true}`); empty in instance mode.
   */
  assignment: Record<string, unknown>;
  /**
   * Problems met while rendering (an expression that fails on this instance, a collection over
   * kro's limit), with paths `resources[<id>].<field>` in instance mode and RGD paths in symbolic
   * mode. Errors mean kro would fail to create the graph for this instance.
   */
  diagnostics: Diagnostic[];
}

/** Result of rendering an RGD without an instance. */
export interface SymbolicRendering {
  /**
   * One graph per combination of finite-domain input values (at most `maxWorlds`; the first world
   * uses every default). Each world's inputs without a finite domain stay unknown.
   */
  worlds: RenderedGraph[];
  /** The inputs that were enumerated, with their domains (CEL paths such as `schema.spec.env`). */
  enumerated: { path: string; values: unknown[] }[];
  /** Inputs left unknown (free strings, numbers, objects, lists, and enumerations beyond the cap). */
  free: string[];
  diagnostics: Diagnostic[];
}
