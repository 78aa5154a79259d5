/**
 * The instance CRD kro v0.9.3 creates for an RGD (kro-contract §6.1). Facts verified in kro's source:
 * - `pkg/graph/crd/crd.go` (`newCRD`, `newCRDSchema`, `newCRDAdditionalPrinterColumns`): name
 *   `<plural>.<group>`, names {kind, listKind `<Kind>List`, plural, singular `lower(kind)`}, the scope,
 *   one version served and stored with the status subresource, the root schema, and the printer columns
 *   (the RGD's, or kro's defaults when it has none). v0.9.3's RGD schema has no shortNames/categories
 *   (they are newer than v0.9.3), so the CRD has none.
 * - `pkg/graph/crd/defaults.go`: the default `state` and `conditions` status schemas and columns.
 * - `SetCRDStatus`: `state` and `conditions` are added to the inferred status schema unless defined.
 * - `pkg/controller/resourcegraphdefinition/controller_reconcile.go` + `pkg/metadata/labels.go`: the CRD
 *   carries `spec.schema.metadata.labels/annotations`, then kro's labels are set over them:
 *   `kro.run/owned: "true"`, `kro.run/kro-version: <version>`,
 *   `kro.run/resource-graph-definition-id: <RGD uid>`, `kro.run/resource-graph-definition-name: <RGD name>`.
 */
import { compareGoStrings } from '../golang/strings.ts';
import type { JSONSchemaProps } from '../simpleschema/types.ts';
import type { CustomResourceDefinition, PrinterColumn } from './types.ts';
import { pluralizeKind } from './pluralize.ts';

/** kro's label keys on the CRDs it owns (`pkg/metadata/labels.go`). */
export const KRO_LABELS = {
  owned: 'kro.run/owned',
  kroVersion: 'kro.run/kro-version',
  rgdId: 'kro.run/resource-graph-definition-id',
  rgdName: 'kro.run/resource-graph-definition-name',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** The kro release kro-guard emulates; the default of {@link InstanceCrdInput.kroVersion}. */
export const KRO_VERSION = 'v0.9.3';

/** Everything {@link buildInstanceCrd} needs, taken from a (defaulted) RGD. */
export interface InstanceCrdInput {
  /** `metadata.name` of the RGD (value of the `kro.run/resource-graph-definition-name` label). */
  rgdName: string;
  /**
   * `metadata.uid` of the RGD (value of the `kro.run/resource-graph-definition-id` label). Unknown at
   * admission of a CREATE, when the API server has not assigned it: default `""`.
   */
  rgdUid?: string;
  /** `spec.schema.kind`, e.g. `WebApp`. */
  kind: string;
  /** `spec.schema.group` after defaulting (`kro.run` when absent). */
  group: string;
  /** `spec.schema.apiVersion`, e.g. `v1alpha1`: the CRD version name. */
  apiVersion: string;
  /** `spec.schema.scope` after defaulting. */
  scope: 'Namespaced' | 'Cluster';
  /** The instance `spec` schema: `toOpenAPISpec(spec.schema.spec, spec.schema.types).schema`. */
  specSchema: JSONSchemaProps;
  /**
   * The status schema inferred from `spec.schema.status` (kro-contract §5.9), **without** kro's `state`
   * and `conditions`, which are added here. Absent: `{type: object}` (what kro infers from no fields).
   */
  statusSchema?: JSONSchemaProps;
  /** Raw `spec.schema.additionalPrinterColumns`; absent or empty gives kro's default columns. */
  additionalPrinterColumns?: readonly unknown[];
  /** Raw `spec.schema.metadata`: labels and annotations copied onto the CRD. */
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Value of the `kro.run/kro-version` label; default {@link KRO_VERSION}. */
  kroVersion?: string;
}

/** `state` schema kro adds to the instance status (`defaults.go`). */
export const DEFAULT_STATE_SCHEMA: JSONSchemaProps = { type: 'string' };

/** `conditions` schema kro adds to the instance status (`defaults.go`). */
export const DEFAULT_CONDITIONS_SCHEMA: JSONSchemaProps = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      status: { type: 'string' },
      reason: { type: 'string' },
      message: { type: 'string' },
      lastTransitionTime: { type: 'string' },
      observedGeneration: { type: 'integer' },
    },
  },
};

/** Printer columns kro uses when the RGD declares none (`defaults.go`). */
export const DEFAULT_PRINTER_COLUMNS: readonly PrinterColumn[] = [
  {
    name: 'State',
    type: 'string',
    description: 'The state of a ResourceGraphDefinition instance',
    jsonPath: '.status.state',
  },
  {
    name: 'Ready',
    type: 'string',
    description: 'Whether a ResourceGraphDefinition instance is ready',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  },
  { name: 'Age', type: 'date', description: 'Age of the resource', jsonPath: '.metadata.creationTimestamp' },
];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * One RGD printer column as Go decodes it into `CustomResourceColumnDefinition` and encodes it again:
 * unknown keys and values of the wrong JSON type are dropped, zero values (`""`, priority 0) omitted.
 */
function normalizeColumn(raw: unknown): PrinterColumn {
  const c = isRecord(raw) ? raw : {};
  const str = (k: string): string => (typeof c[k] === 'string' ? c[k] : '');
  const col: PrinterColumn = { name: str('name'), type: str('type'), jsonPath: str('jsonPath') };
  if (str('format') !== '') col.format = str('format');
  if (str('description') !== '') col.description = str('description');
  if (typeof c.priority === 'number' && Number.isInteger(c.priority) && c.priority !== 0)
    col.priority = c.priority;
  return col;
}

function sortedStringMap(...maps: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged = new Map<string, string>();
  for (const m of maps) for (const [k, v] of Object.entries(m ?? {})) merged.set(k, v);
  const out: Record<string, string> = {};
  for (const k of [...merged.keys()].sort(compareGoStrings)) {
    Object.defineProperty(out, k, {
      value: merged.get(k),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The instance status schema kro writes: the inferred schema (deep-copied) with `state` and
 * `conditions` added when not already defined (`SetCRDStatus(..., statusFieldsOverride=true)`).
 */
export function instanceStatusSchema(inferred: JSONSchemaProps | undefined): JSONSchemaProps {
  const status = structuredClone(inferred ?? { type: 'object' });
  const props = { ...(status.properties ?? {}) };
  if (!Object.hasOwn(props, 'state')) props.state = structuredClone(DEFAULT_STATE_SCHEMA);
  if (!Object.hasOwn(props, 'conditions')) props.conditions = structuredClone(DEFAULT_CONDITIONS_SCHEMA);
  status.properties = props;
  return status;
}

/**
 * Builds the CustomResourceDefinition kro v0.9.3 creates for an RGD (kro-contract §6.1). Pure and
 * deterministic: the same input gives a deep-equal object with the same key order (labels and
 * annotations sorted as Go's JSON encoder writes map keys). Inputs are not validated: a bad kind or
 * group yields the CRD kro would send, and {@link ./check.ts checkGeneratedCrd} reports what the API
 * server rejects. Never throws.
 */
export function buildInstanceCrd(input: InstanceCrdInput): CustomResourceDefinition {
  const plural = pluralizeKind(input.kind);
  const userColumns = input.additionalPrinterColumns ?? [];
  const columns =
    userColumns.length > 0
      ? userColumns.map(normalizeColumn)
      : DEFAULT_PRINTER_COLUMNS.map((c) => ({ ...c }));
  const labels = sortedStringMap(input.metadata?.labels, {
    [KRO_LABELS.owned]: 'true',
    [KRO_LABELS.kroVersion]: input.kroVersion ?? KRO_VERSION,
    [KRO_LABELS.rgdId]: input.rgdUid ?? '',
    [KRO_LABELS.rgdName]: input.rgdName,
  });
  const annotations = sortedStringMap(input.metadata?.annotations);
  const metadata: CustomResourceDefinition['metadata'] = { name: `${plural}.${input.group}`, labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata,
    spec: {
      group: input.group,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural,
        singular: input.kind.toLowerCase(),
      },
      scope: input.scope,
      versions: [
        {
          name: input.apiVersion,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: structuredClone(input.specSchema),
                status: instanceStatusSchema(input.statusSchema),
              },
            },
          },
          subresources: { status: {} },
          additionalPrinterColumns: columns,
        },
      ],
    },
  };
}
