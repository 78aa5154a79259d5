import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { JSONSchemaProps } from '../simpleschema/types.ts';

/** Options of {@link checkRgd}. */
export interface RgdCheckOptions {
  /**
   * The stored object on UPDATE (AdmissionReview `request.oldObject`). When given, the RGD CRD's
   * transition rules apply: `spec.schema.apiVersion`, `kind`, `group` and `scope` are immutable
   * (kro-contract §1.2).
   */
  oldRgd?: unknown;
}

/** The outcome of the static check of one RGD. */
export interface RgdCheckResult {
  /** Every problem found, sorted by {@link sortDiagnostics}. Errors reject the RGD. */
  diagnostics: Diagnostic[];
  /** Resource ids in the order kro creates them (kro-contract §5.3); absent when the graph is invalid. */
  topologicalOrder?: string[];
  /** The OpenAPI v3 `spec` schema of the CRD kro would generate (kro-contract §3); absent on schema errors. */
  specSchema?: JSONSchemaProps;
}
