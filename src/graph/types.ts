import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { CustomResourceDefinition } from '../crd/index.ts';
import type { OpenAPISchema } from '../schemas/prune.ts';
import type { SchemaSource } from '../schemas/source.ts';
import type { JSONSchemaProps } from '../simpleschema/types.ts';
import type { ResourceNode } from './resources.ts';

/** Options of {@link checkRgd}. */
export interface RgdCheckOptions {
  /**
   * The stored object on UPDATE (AdmissionReview `request.oldObject`). When given, the RGD CRD's
   * transition rules apply: `spec.schema.apiVersion`, `kind`, `group` and `scope` are immutable
   * (kro-contract §1.2).
   */
  oldRgd?: unknown;
  /**
   * Where the templates' kind schemas come from (kro-contract §4.3). Without it (or for a kind the
   * source does not know, when it is not authoritative) the typed checks of that template are skipped.
   */
  schemas?: SchemaSource;
}

/** The outcome of the static check of one RGD. */
export interface RgdCheckResult {
  /** Every problem found, sorted by {@link sortDiagnostics}. Errors reject the RGD. */
  diagnostics: Diagnostic[];
  /** Resource ids in the order kro creates them (kro-contract §5.3); absent when the graph is invalid. */
  topologicalOrder?: string[];
  /** The OpenAPI v3 `spec` schema of the CRD kro would generate (kro-contract §3); absent on schema errors. */
  specSchema?: JSONSchemaProps;
  /**
   * The `status` schema kro infers from the status expressions' types (kro-contract §5.9), without
   * `state` and `conditions`; only with a `schemas` source, no errors, and a non-empty status.
   */
  statusSchema?: OpenAPISchema;
  /** The CustomResourceDefinition kro would create (kro-contract §6.1); with a `schemas` source only. */
  crd?: CustomResourceDefinition;
  /**
   * The resources as the graph analysis saw them (first definition of each id, in `spec.resources`
   * order, with their expression fields); absent when the graph is invalid. Read-only: rendering
   * (`graph/render`) evaluates them.
   */
  nodes?: readonly ResourceNode[];
}
