/**
 * What kro does when the instance CRD already exists (kro-contract §6.3), as in kro v0.9.3's
 * `pkg/client/crd.go` (`Ensure`), `pkg/metadata/labels.go` (`IsKROOwned`, `CompareRGDOwnership`) and
 * `pkg/graph/crd/compat/{compat,schema,changes}.go` (`CompareVersions`, `Compare`, `Description`,
 * `Report.String`).
 *
 * Order of changes: kro walks Go maps (properties, required sets, enum sets), so its order, and therefore
 * which three changes its message lists, varies between runs. Here every map walk is in Go string order
 * of the keys; the per-node order of checks is kro's: description, default, type (stops the node),
 * pattern, minimum, maximum, minLength, maxLength, minItems, maxItems, properties (removed or recursed, then
 * added), required, enum, items.
 */
import { error, warning, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { compareGoStrings } from '../golang/strings.ts';
import { schemaToJSON } from '../simpleschema/json.ts';
import type { JSONSchemaProps } from '../simpleschema/types.ts';
import { rgdPathForSchema, type RgdSchemaSource, type SchemaStep } from './paths.ts';
import { KRO_LABELS } from './synthesize.ts';
import type { CustomResourceDefinition } from './types.ts';

/** kro's `compat.ChangeType` values. */
export type ChangeType =
  | 'PROPERTY_REMOVED'
  | 'TYPE_CHANGED'
  | 'REQUIRED_ADDED'
  | 'ENUM_RESTRICTED'
  | 'PATTERN_CHANGED'
  | 'PATTERN_ADDED'
  | 'REQUIRED_DEFAULT_REMOVED'
  | 'MINIMUM_ADDED'
  | 'MINIMUM_INCREASED'
  | 'MAXIMUM_ADDED'
  | 'MAXIMUM_DECREASED'
  | 'MIN_LENGTH_ADDED'
  | 'MIN_LENGTH_INCREASED'
  | 'MAX_LENGTH_ADDED'
  | 'MAX_LENGTH_DECREASED'
  | 'MIN_ITEMS_ADDED'
  | 'MIN_ITEMS_INCREASED'
  | 'MAX_ITEMS_ADDED'
  | 'MAX_ITEMS_DECREASED'
  | 'PROPERTY_ADDED'
  | 'DESCRIPTION_CHANGED'
  | 'DEFAULT_CHANGED'
  | 'REQUIRED_REMOVED'
  | 'ENUM_EXPANDED'
  | 'PATTERN_REMOVED'
  | 'ADDITIONAL_PRINTER_COLUMNS_CHANGED'
  | 'MINIMUM_REMOVED'
  | 'MINIMUM_DECREASED'
  | 'MAXIMUM_REMOVED'
  | 'MAXIMUM_INCREASED'
  | 'MIN_LENGTH_REMOVED'
  | 'MIN_LENGTH_DECREASED'
  | 'MAX_LENGTH_REMOVED'
  | 'MAX_LENGTH_INCREASED'
  | 'MIN_ITEMS_REMOVED'
  | 'MIN_ITEMS_DECREASED'
  | 'MAX_ITEMS_REMOVED'
  | 'MAX_ITEMS_INCREASED';

/** One difference between two schemas (kro's `compat.Change`, plus where it is). */
export interface SchemaChange {
  /** kro's path: `.properties.spec.properties.x.type`, `version`, `version.served`, … */
  path: string;
  type: ChangeType;
  /** kro's string forms: JSON text for defaults and enum values, Go `%v`-free numbers. */
  oldValue: string;
  newValue: string;
  /** The schema node the change is on, from the CRD root (for mapping to RGD paths). */
  steps: SchemaStep[];
  /** kro's `Change.Description()`. */
  description: string;
}

/** kro's `compat.Report`. */
export interface CompatReport {
  breaking: SchemaChange[];
  nonBreaking: SchemaChange[];
}

function lastPathComponent(path: string): string {
  return path.split('.').at(-1) ?? path;
}

const CONSTRAINT_TEXT: Partial<Record<ChangeType, [string, 'new' | 'old' | 'both']>> = {
  MINIMUM_ADDED: ['Minimum constraint %s was added', 'new'],
  MINIMUM_REMOVED: ['Minimum constraint %s was removed', 'old'],
  MINIMUM_INCREASED: ['Minimum was increased from %s to %s', 'both'],
  MINIMUM_DECREASED: ['Minimum was decreased from %s to %s', 'both'],
  MAXIMUM_ADDED: ['Maximum constraint %s was added', 'new'],
  MAXIMUM_REMOVED: ['Maximum constraint %s was removed', 'old'],
  MAXIMUM_DECREASED: ['Maximum was decreased from %s to %s', 'both'],
  MAXIMUM_INCREASED: ['Maximum was increased from %s to %s', 'both'],
  MIN_LENGTH_ADDED: ['MinLength constraint %s was added', 'new'],
  MIN_LENGTH_REMOVED: ['MinLength constraint %s was removed', 'old'],
  MIN_LENGTH_INCREASED: ['MinLength was increased from %s to %s', 'both'],
  MIN_LENGTH_DECREASED: ['MinLength was decreased from %s to %s', 'both'],
  MAX_LENGTH_ADDED: ['MaxLength constraint %s was added', 'new'],
  MAX_LENGTH_REMOVED: ['MaxLength constraint %s was removed', 'old'],
  MAX_LENGTH_DECREASED: ['MaxLength was decreased from %s to %s', 'both'],
  MAX_LENGTH_INCREASED: ['MaxLength was increased from %s to %s', 'both'],
  MIN_ITEMS_ADDED: ['MinItems constraint %s was added', 'new'],
  MIN_ITEMS_REMOVED: ['MinItems constraint %s was removed', 'old'],
  MIN_ITEMS_INCREASED: ['MinItems was increased from %s to %s', 'both'],
  MIN_ITEMS_DECREASED: ['MinItems was decreased from %s to %s', 'both'],
  MAX_ITEMS_ADDED: ['MaxItems constraint %s was added', 'new'],
  MAX_ITEMS_REMOVED: ['MaxItems constraint %s was removed', 'old'],
  MAX_ITEMS_DECREASED: ['MaxItems was decreased from %s to %s', 'both'],
  MAX_ITEMS_INCREASED: ['MaxItems was increased from %s to %s', 'both'],
};

/**
 * kro's `Change.Description()` for a change. Quirk kept from kro: a new required property without a
 * default is recorded with new value `required=true`, and the description tests for `required`, so it
 * reads `Optional property <p> was added`.
 */
export function describeChange(type: ChangeType, path: string, oldValue: string, newValue: string): string {
  const prop = lastPathComponent(path);
  switch (type) {
    case 'PROPERTY_REMOVED':
      return `Property ${prop} was removed`;
    case 'PROPERTY_ADDED':
      return newValue === 'required'
        ? `Required property ${prop} was added`
        : `Optional property ${prop} was added`;
    case 'TYPE_CHANGED':
      return `Type changed from ${oldValue} to ${newValue}`;
    case 'REQUIRED_ADDED':
      return `Field ${newValue} is newly required`;
    case 'REQUIRED_REMOVED':
      return `Field ${oldValue} is no longer required`;
    case 'ENUM_RESTRICTED':
      return `Enum value ${oldValue} was removed`;
    case 'ENUM_EXPANDED':
      return `Enum value ${newValue} was added`;
    case 'PATTERN_CHANGED':
      return `Validation pattern changed from ${oldValue} to ${newValue}`;
    case 'PATTERN_ADDED':
      return `Validation pattern ${newValue} was added`;
    case 'PATTERN_REMOVED':
      return `Validation pattern ${oldValue} was removed`;
    case 'REQUIRED_DEFAULT_REMOVED':
      return `Default value removed from required field ${oldValue}`;
    case 'DESCRIPTION_CHANGED':
      return `Description field was changed from ${oldValue} to ${newValue}`;
    case 'DEFAULT_CHANGED':
      return `Default value was changed from ${oldValue} to ${newValue}`;
    case 'ADDITIONAL_PRINTER_COLUMNS_CHANGED':
      return 'Additional printer columns were changed';
    default: {
      const t = CONSTRAINT_TEXT[type];
      if (t === undefined) return `Unknown change to ${path}`;
      const [fmt, which] = t;
      if (which === 'both') return fmt.replace('%s', oldValue).replace('%s', newValue);
      return fmt.replace('%s', which === 'new' ? newValue : oldValue);
    }
  }
}

/** Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (Object.is(f, -0)) return '-0';
  const text = String(f);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, intPart, fracPart = '', expText] = m;
  const digits = intPart! + fracPart;
  const point = intPart!.length + Number(expText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** JSON text of a decoded value with object keys sorted (stand-in for kro's raw bytes). */
function canonicalJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (typeof x === 'object' && x !== null) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort(compareGoStrings)) {
        Object.defineProperty(out, k, {
          value: sortKeys((x as Record<string, unknown>)[k]),
          enumerable: true,
        });
      }
      return out;
    }
    return x;
  };
  return schemaToJSON(sortKeys(v));
}

function hasDefault(s: JSONSchemaProps | undefined): boolean {
  return s !== undefined && s.default !== undefined;
}

class Comparer {
  readonly report: CompatReport = { breaking: [], nonBreaking: [] };

  private add(
    breaking: boolean,
    path: string,
    steps: SchemaStep[],
    type: ChangeType,
    oldValue: string,
    newValue: string,
  ): void {
    const change = {
      path,
      type,
      oldValue,
      newValue,
      steps,
      description: describeChange(type, path, oldValue, newValue),
    };
    (breaking ? this.report.breaking : this.report.nonBreaking).push(change);
  }

  compare(
    path: string,
    steps: SchemaStep[],
    oldS: JSONSchemaProps | undefined,
    newS: JSONSchemaProps | undefined,
  ): void {
    if (oldS === undefined && newS === undefined) return;
    if (oldS === undefined) return this.add(false, path, steps, 'PROPERTY_ADDED', '', '');
    if (newS === undefined) return this.add(true, path, steps, 'PROPERTY_REMOVED', '', '');
    const oldDesc = oldS.description ?? '';
    const newDesc = newS.description ?? '';
    if (oldDesc !== newDesc)
      this.add(false, `${path}.description`, steps, 'DESCRIPTION_CHANGED', oldDesc, newDesc);
    const oldDef = oldS.default === undefined ? '' : canonicalJson(oldS.default);
    const newDef = newS.default === undefined ? '' : canonicalJson(newS.default);
    if (oldDef !== newDef || hasDefault(oldS) !== hasDefault(newS)) {
      this.add(false, `${path}.default`, steps, 'DEFAULT_CHANGED', oldDef, newDef);
    }
    const oldType = oldS.type ?? '';
    const newType = newS.type ?? '';
    if (oldType !== newType) return this.add(true, `${path}.type`, steps, 'TYPE_CHANGED', oldType, newType);
    const oldPat = oldS.pattern ?? '';
    const newPat = newS.pattern ?? '';
    if (oldPat !== newPat) {
      if (oldPat === '') this.add(true, `${path}.pattern`, steps, 'PATTERN_ADDED', '', newPat);
      else if (newPat === '') this.add(false, `${path}.pattern`, steps, 'PATTERN_REMOVED', oldPat, '');
      else this.add(true, `${path}.pattern`, steps, 'PATTERN_CHANGED', oldPat, newPat);
    }
    this.constraint(path, steps, 'minimum', oldS.minimum, newS.minimum, true, formatFloatF);
    this.constraint(path, steps, 'maximum', oldS.maximum, newS.maximum, false, formatFloatF);
    this.constraint(path, steps, 'minLength', oldS.minLength, newS.minLength, true, String);
    this.constraint(path, steps, 'maxLength', oldS.maxLength, newS.maxLength, false, String);
    this.constraint(path, steps, 'minItems', oldS.minItems, newS.minItems, true, String);
    this.constraint(path, steps, 'maxItems', oldS.maxItems, newS.maxItems, false, String);
    this.properties(path, steps, oldS, newS);
    this.required(path, steps, oldS, newS);
    this.enums(path, steps, oldS, newS);
    if (oldType === 'array' && newType === 'array') {
      const itemsPath = `${path}.items`;
      const itemSteps: SchemaStep[] = [...steps, 'items'];
      if (oldS.items && newS.items) this.compare(itemsPath, itemSteps, oldS.items, newS.items);
      else if (oldS.items) this.add(true, itemsPath, itemSteps, 'PROPERTY_REMOVED', '', '');
      else if (newS.items) this.add(false, itemsPath, itemSteps, 'PROPERTY_ADDED', '', '');
    }
  }

  private constraint(
    path: string,
    steps: SchemaStep[],
    name: 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems',
    oldV: number | undefined,
    newV: number | undefined,
    lowerBound: boolean,
    fmt: (n: number) => string,
  ): void {
    if (oldV === undefined && newV === undefined) return;
    const key = name.replace(/([A-Z])/g, '_$1').toUpperCase();
    const fieldPath = `${path}.${name}`;
    if (oldV === undefined)
      return this.add(true, fieldPath, steps, `${key}_ADDED` as ChangeType, '', fmt(newV!));
    if (newV === undefined)
      return this.add(false, fieldPath, steps, `${key}_REMOVED` as ChangeType, fmt(oldV), '');
    if (oldV === newV) return;
    const up = newV > oldV;
    const tightened = lowerBound ? up : !up;
    const verb = up ? 'INCREASED' : 'DECREASED';
    this.add(tightened, fieldPath, steps, `${key}_${verb}` as ChangeType, fmt(oldV), fmt(newV));
  }

  private properties(path: string, steps: SchemaStep[], oldS: JSONSchemaProps, newS: JSONSchemaProps): void {
    const oldProps = oldS.properties ?? {};
    const newProps = newS.properties ?? {};
    for (const name of Object.keys(oldProps).sort(compareGoStrings)) {
      const propPath = `${path}.properties.${name}`;
      const propSteps: SchemaStep[] = [...steps, { prop: name }];
      if (!Object.hasOwn(newProps, name)) this.add(true, propPath, propSteps, 'PROPERTY_REMOVED', '', '');
      else this.compare(propPath, propSteps, oldProps[name], newProps[name]);
    }
    const required = new Set(newS.required ?? []);
    for (const name of Object.keys(newProps).sort(compareGoStrings)) {
      if (Object.hasOwn(oldProps, name)) continue;
      const propPath = `${path}.properties.${name}`;
      const propSteps: SchemaStep[] = [...steps, { prop: name }];
      if (required.has(name) && !hasDefault(newProps[name])) {
        this.add(true, propPath, propSteps, 'PROPERTY_ADDED', 'required=false', 'required=true');
      } else {
        this.add(false, propPath, propSteps, 'PROPERTY_ADDED', '', '');
      }
    }
  }

  private required(path: string, steps: SchemaStep[], oldS: JSONSchemaProps, newS: JSONSchemaProps): void {
    const oldReq = new Set(oldS.required ?? []);
    const newReq = new Set(newS.required ?? []);
    if (oldReq.size === 0 && newReq.size === 0) return;
    const oldProps = oldS.properties ?? {};
    const newProps = newS.properties ?? {};
    const sortedNew = [...newReq].sort(compareGoStrings);
    for (const r of sortedNew) {
      if (Object.hasOwn(oldProps, r) && !oldReq.has(r))
        this.add(true, `${path}.required`, steps, 'REQUIRED_ADDED', '', r);
    }
    for (const r of [...oldReq].sort(compareGoStrings)) {
      if (!newReq.has(r)) this.add(false, `${path}.required`, steps, 'REQUIRED_REMOVED', r, '');
    }
    for (const r of sortedNew) {
      if (!Object.hasOwn(oldProps, r) || !oldReq.has(r)) continue;
      if (hasDefault(oldProps[r]) && !hasDefault(newProps[r])) {
        this.add(true, `${path}.required`, steps, 'REQUIRED_DEFAULT_REMOVED', r, '');
      }
    }
  }

  private enums(path: string, steps: SchemaStep[], oldS: JSONSchemaProps, newS: JSONSchemaProps): void {
    if (!oldS.enum?.length || !newS.enum?.length) return;
    const oldSet = new Set(oldS.enum.map(canonicalJson));
    const newSet = new Set(newS.enum.map(canonicalJson));
    for (const v of [...oldSet].sort(compareGoStrings)) {
      if (!newSet.has(v)) this.add(true, `${path}.enum`, steps, 'ENUM_RESTRICTED', v, '');
    }
    for (const v of [...newSet].sort(compareGoStrings)) {
      if (!oldSet.has(v)) this.add(false, `${path}.enum`, steps, 'ENUM_EXPANDED', '', v);
    }
  }
}

/**
 * kro's `compat.Compare(old, new)` over two whole `openAPIV3Schema` values (kro-contract §6.3). Not
 * compared, as in kro: `x-kubernetes-validations`, list types, `additionalProperties`,
 * preserve-unknown-fields, format. Defaults are compared as sorted-key JSON (kro compares raw bytes, so
 * it may also see a change where only key order differs; such a change is never breaking).
 */
export function compareCrdSchemas(
  oldSchema: JSONSchemaProps | undefined,
  newSchema: JSONSchemaProps | undefined,
): CompatReport {
  const c = new Comparer();
  c.compare('', [], oldSchema, newSchema);
  return c.report;
}

/**
 * kro's `compat.CompareVersions` over `spec.versions` of the existing and the desired CRD: exactly one
 * version each (else an error text); a changed version name is the only change; otherwise the schema
 * comparison, then served true→false and status subresource removal (breaking), then printer columns
 * (non-breaking). Returns the report, or kro's error text.
 */
export function compareCrdVersions(
  oldCrd: CustomResourceDefinition,
  newCrd: CustomResourceDefinition,
): CompatReport | { error: string } {
  const oldVersions = oldCrd.spec.versions;
  const newVersions = newCrd.spec.versions;
  if (oldVersions.length !== 1 || newVersions.length !== 1) {
    return {
      error: `expected exactly one version in each CRD, got ${oldVersions.length} old and ${newVersions.length} new versions`,
    };
  }
  const oldV = oldVersions[0]!;
  const newV = newVersions[0]!;
  if (oldV.name !== newV.name) {
    const change: SchemaChange = {
      path: 'version',
      type: 'TYPE_CHANGED',
      oldValue: oldV.name,
      newValue: newV.name,
      steps: [],
      description: describeChange('TYPE_CHANGED', 'version', oldV.name, newV.name),
    };
    return { breaking: [change], nonBreaking: [] };
  }
  if (oldV.schema?.openAPIV3Schema === undefined) return { error: `old version ${oldV.name} has no schema` };
  if (newV.schema?.openAPIV3Schema === undefined) return { error: `new version ${newV.name} has no schema` };
  const report = compareCrdSchemas(oldV.schema.openAPIV3Schema, newV.schema.openAPIV3Schema);
  const meta = (breaking: boolean, path: string, type: ChangeType, o: string, n: string): void => {
    const change = {
      path,
      type,
      oldValue: o,
      newValue: n,
      steps: [],
      description: describeChange(type, path, o, n),
    };
    (breaking ? report.breaking : report.nonBreaking).push(change);
  };
  if (oldV.served && !newV.served) meta(true, 'version.served', 'TYPE_CHANGED', 'true', 'false');
  if (oldV.subresources?.status !== undefined && newV.subresources?.status === undefined) {
    meta(true, 'version.subresources.status', 'PROPERTY_REMOVED', '', '');
  }
  if (
    canonicalJson(oldV.additionalPrinterColumns ?? []) !== canonicalJson(newV.additionalPrinterColumns ?? [])
  ) {
    meta(false, 'version.additionalPrinterColumns', 'ADDITIONAL_PRINTER_COLUMNS_CHANGED', '', '');
  }
  return report;
}

/** kro's `Report.String()`: the first three breaking descriptions joined by `"; "`, then `and N more changes`. */
export function summarizeBreakingChanges(breaking: readonly SchemaChange[]): string {
  if (breaking.length === 0) return 'no breaking changes';
  const parts = breaking.slice(0, 3).map((c) => c.description);
  if (breaking.length > 3) parts.push(`and ${breaking.length - 3} more changes`);
  return parts.join('; ');
}

/** The RGD fields {@link checkCrdUpdate} reads. */
export interface RgdIdentity {
  /** `metadata.name` of the RGD. */
  name: string;
  /** `metadata.annotations` of the RGD (for `kro.run/allow-breaking-changes`). */
  annotations?: Record<string, string>;
  /** Raw `spec.schema.spec` / `spec.schema.types`, to map schema changes to RGD fields. */
  schemaSource?: RgdSchemaSource;
}

/** Annotation that lets kro apply breaking CRD changes (kro-contract §1.4, §6.3). */
export const ALLOW_BREAKING_CHANGES_ANNOTATION = 'kro.run/allow-breaking-changes';

/** kro's `IsKROOwned`: label `kro.run/owned` decides when present (`"true"`), else managed-by `kro`. */
export function isKroOwned(labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  if (Object.hasOwn(l, KRO_LABELS.owned)) return l[KRO_LABELS.owned] === 'true';
  return l[KRO_LABELS.managedBy] === 'kro';
}

function changePath(change: SchemaChange | undefined, source: RgdSchemaSource | undefined): string {
  if (change === undefined) return 'spec.schema';
  if (change.path === 'version') return 'spec.schema.apiVersion';
  return rgdPathForSchema(change.steps, source);
}

/**
 * The outcome of kro's `CRDWrapper.Ensure` when `existingCrd` (as read from the cluster) is replaced by
 * `desiredCrd` (from {@link ./synthesize.ts buildInstanceCrd}) for the RGD `rgd` (kro-contract §6.3):
 * - `crd/not-owned`: `failed to update CRD <n>: CRD already exists and is not owned by KRO`
 * - `crd/owned-by-other-rgd`: `failed to update CRD <n>: CRD is owned by another ResourceGraphDefinition <name>`
 * - `crd/compat-check-failed`: `failed to check schema compatibility: <kro's error>`
 * - `crd/breaking-change`: `cannot update CRD <n>: breaking changes detected: <summary>` (error), or,
 *   when the RGD has `kro.run/allow-breaking-changes: "true"`, the same summary as a warning
 *   (`crd/breaking-change-allowed`) followed by the API server's update checks kro then runs into:
 *   `spec.scope: Invalid value: …: field is immutable`, `spec.names.kind: …: field is immutable` and
 *   `status.storedVersions[i]: Invalid value: "<v>": must appear in spec.versions` (code `crd/update-rejected`).
 * The path of a breaking change is the RGD field of the first breaking change. Never throws.
 */
export function checkCrdUpdate(
  existingCrd: CustomResourceDefinition,
  desiredCrd: CustomResourceDefinition,
  rgd: RgdIdentity,
): Diagnostic[] {
  const name = desiredCrd.metadata.name;
  const existingLabels = existingCrd.metadata.labels ?? {};
  if (!isKroOwned(existingLabels)) {
    return [
      error(
        'crd/not-owned',
        'spec.schema',
        `failed to update CRD ${name}: CRD already exists and is not owned by KRO`,
      ),
    ];
  }
  const existingOwner = existingLabels[KRO_LABELS.rgdName] ?? '';
  const desiredOwner = desiredCrd.metadata.labels?.[KRO_LABELS.rgdName] ?? rgd.name;
  if (existingOwner !== desiredOwner) {
    return [
      error(
        'crd/owned-by-other-rgd',
        'metadata.name',
        `failed to update CRD ${name}: CRD is owned by another ResourceGraphDefinition ${existingOwner}`,
      ),
    ];
  }
  const report = compareCrdVersions(existingCrd, desiredCrd);
  if ('error' in report) {
    return [
      error(
        'crd/compat-check-failed',
        'spec.schema',
        `failed to check schema compatibility: ${report.error}`,
      ),
    ];
  }
  if (report.breaking.length === 0) return [];
  const summary = summarizeBreakingChanges(report.breaking);
  const path = changePath(report.breaking[0], rgd.schemaSource);
  if (rgd.annotations?.[ALLOW_BREAKING_CHANGES_ANNOTATION] !== 'true') {
    return [
      error('crd/breaking-change', path, `cannot update CRD ${name}: breaking changes detected: ${summary}`),
    ];
  }
  const out = [
    warning(
      'crd/breaking-change-allowed',
      path,
      `breaking changes to CRD ${name} are allowed by annotation ${ALLOW_BREAKING_CHANGES_ANNOTATION}: ${summary}`,
    ),
  ];
  out.push(...updateRejections(existingCrd, desiredCrd));
  return out;
}

/** API server checks on a CRD update that kro's merge patch can fail (validation.go, update rules). */
function updateRejections(
  existing: CustomResourceDefinition,
  desired: CustomResourceDefinition,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const prefix = `CustomResourceDefinition.apiextensions.k8s.io "${desired.metadata.name}" is invalid: `;
  if (existing.spec.scope !== desired.spec.scope) {
    out.push(
      error(
        'crd/update-rejected',
        'spec.schema.scope',
        `${prefix}spec.scope: Invalid value: ${JSON.stringify(desired.spec.scope)}: field is immutable`,
      ),
    );
  }
  if (existing.spec.names.kind !== desired.spec.names.kind) {
    out.push(
      error(
        'crd/update-rejected',
        'spec.schema.kind',
        `${prefix}spec.names.kind: Invalid value: ${JSON.stringify(desired.spec.names.kind)}: field is immutable`,
      ),
    );
  }
  const served = new Set(desired.spec.versions.map((v) => v.name));
  (existing.status?.storedVersions ?? []).forEach((v, i) => {
    if (served.has(v)) return;
    out.push(
      error(
        'crd/update-rejected',
        'spec.schema.apiVersion',
        `${prefix}status.storedVersions[${i}]: Invalid value: ${JSON.stringify(v)}: must appear in spec.versions`,
      ),
    );
  });
  return out;
}
