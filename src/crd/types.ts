/**
 * The `apiextensions.k8s.io/v1` CustomResourceDefinition shapes this module builds and checks: the
 * subset of fields kro v0.9.3 sets on an instance CRD (kro-contract §6.1), plus the few read back from
 * an existing CRD (status.storedVersions) for the update checks (§6.3).
 *
 * Conventions: keys that Go would drop (`omitempty` zero values: priority 0, empty description, empty
 * maps) are absent, so `JSON.stringify` of an object built here equals the JSON kro sends, up to key
 * order (use `schemaToJSON` from `src/simpleschema` when the schema holds `bigint` values).
 */
import type { JSONSchemaProps } from '../simpleschema/types.ts';

/** `spec.versions[].additionalPrinterColumns[]`: one `kubectl get` column. */
export interface PrinterColumn {
  name: string;
  /** One of `integer`, `number`, `string`, `boolean`, `date` (checked by the API server). */
  type: string;
  /** `.`-rooted JSONPath into the object, e.g. `.status.state`. */
  jsonPath: string;
  format?: string;
  description?: string;
  /** 0 (shown in the standard view) is written as absent. */
  priority?: number;
}

/** `spec.names` of a CRD. kro sets kind, listKind, plural and singular only. */
export interface CrdNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
}

/** One entry of `spec.versions`. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  /** kro always sets `{status: {}}`. */
  subresources?: { status?: Record<string, never>; scale?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

/** A CustomResourceDefinition object (the fields kro-guard reads or writes). */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    group: string;
    names: CrdNames;
    scope: string;
    versions: CrdVersion[];
  };
  /** Only on CRDs read from a cluster. */
  status?: { storedVersions?: string[]; acceptedNames?: Partial<CrdNames> };
}
