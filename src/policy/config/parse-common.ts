/**
 * Parts shared by the CompliancePolicy and ComplianceException parsers: the object header
 * (`apiVersion`, `kind`, `metadata`), kind lists, label selectors, and the check of rule id references.
 */
import type { KindSelector } from '../types.ts';
import { compileGlobs, isGlob } from './glob.ts';
import {
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  GROUP,
  GROUP_GLOB,
  KIND,
  KIND_GLOB,
  LABEL_KEY,
  LABEL_VALUE,
  RULE_ID_GLOB,
} from './formats.ts';
import {
  Findings,
  checkKnownFields,
  checkString,
  isRecord,
  jsonType,
  readItemObject,
  readList,
  readObject,
  readString,
  readStringList,
  required,
  type Path,
} from './read.ts';
import { CUSTOM_RULE_PREFIX, KRO_GUARD_API_VERSION, type KindPattern, type LabelSelector } from './types.ts';

/** Most entries of a `match` list or a rule list (the CRDs' `maxItems`). */
export const MAX_LIST_ITEMS = 64;

/** The identity read from an object's header. */
export interface Header {
  name?: string;
  namespace?: string;
  spec?: Record<string, unknown>;
}

/**
 * Checks the header of a kro-guard resource: `apiVersion: kro-guard.io/v1alpha1`, `kind`,
 * `metadata.name` (a DNS-1123 subdomain), `metadata.namespace` (a DNS-1123 label, or a warning on a
 * cluster-scoped kind, which the API server ignores), `spec` (required object), no unknown top-level
 * field (`status` is allowed and ignored).
 */
export function readHeader(f: Findings, obj: unknown, kind: string, namespaced: boolean): Header {
  if (!isRecord(obj)) {
    f.error(
      'policy/invalid-type',
      [],
      `Invalid value: ${JSON.stringify(jsonType(obj))}: must be of type object`,
    );
    return {};
  }
  checkKnownFields(f, obj, [], ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  if (obj.apiVersion !== KRO_GUARD_API_VERSION) {
    f.error(
      'policy/invalid-api-version',
      ['apiVersion'],
      `Unsupported value: ${JSON.stringify(obj.apiVersion ?? null)}: supported values: "${KRO_GUARD_API_VERSION}"`,
    );
  }
  if (obj.kind !== kind) {
    f.error(
      'policy/invalid-kind',
      ['kind'],
      `Unsupported value: ${JSON.stringify(obj.kind ?? null)}: supported values: "${kind}"`,
    );
  }
  const out: Header = {};
  const md = readObject(f, obj.metadata, ['metadata']);
  if (md === undefined) {
    if (obj.metadata === undefined || obj.metadata === null) required(f, ['metadata', 'name']);
  } else {
    const name = readString(f, md, 'name', ['metadata'], { ...DNS1123_SUBDOMAIN, required: true });
    if (name !== undefined) out.name = name;
    if (md.namespace !== undefined && md.namespace !== null && md.namespace !== '') {
      if (namespaced) {
        const ns = readString(f, md, 'namespace', ['metadata'], DNS1123_LABEL);
        if (ns !== undefined) out.namespace = ns;
      } else {
        f.warning(
          'policy/namespace-ignored',
          ['metadata', 'namespace'],
          `${kind} is cluster-scoped: metadata.namespace is ignored`,
        );
      }
    }
  }
  const spec = readObject(f, obj.spec, ['spec']);
  if (obj.spec === undefined || obj.spec === null) required(f, ['spec']);
  if (spec !== undefined) out.spec = spec;
  return out;
}

/** A list of kind patterns (`[{group, kind}]` globs); both fields required (`group: ""` is the core group). */
export function readKindPatterns(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
): KindPattern[] {
  return (
    readList(f, o, key, path, { maxItems: MAX_LIST_ITEMS }, (v, p) => {
      const k = readItemObject(f, v, p);
      if (k === undefined) return undefined;
      checkKnownFields(f, k, p, ['group', 'kind']);
      const group = readString(f, k, 'group', p, GROUP_GLOB);
      if (k.group === undefined || k.group === null) {
        f.error(
          'policy/required',
          [...p, 'group'],
          'Required value: "" for the core group, "*" for any group',
        );
      }
      const kind = readString(f, k, 'kind', p, { ...KIND_GLOB, required: true });
      return group !== undefined && kind !== undefined ? { group, kind } : undefined;
    }) ?? []
  );
}

/** A list of exact kinds (`[{group, kind}]`), as custom rules declare them. */
export function readKindSelectors(
  f: Findings,
  o: Record<string, unknown>,
  key: string,
  path: Path,
): KindSelector[] {
  return (
    readList(f, o, key, path, { maxItems: MAX_LIST_ITEMS }, (v, p) => {
      const k = readItemObject(f, v, p);
      if (k === undefined) return undefined;
      checkKnownFields(f, k, p, ['group', 'kind']);
      const group = readString(f, k, 'group', p, GROUP);
      if (k.group === undefined || k.group === null) {
        f.error('policy/required', [...p, 'group'], 'Required value: "" for the core group');
      }
      const kind = readString(f, k, 'kind', p, { ...KIND, required: true });
      return group !== undefined && kind !== undefined ? { group, kind } : undefined;
    }) ?? []
  );
}

/**
 * A `metav1.LabelSelector` with the API server's checks: label keys and values well-formed,
 * `In`/`NotIn` need values, `Exists`/`DoesNotExist` take none.
 */
export function readLabelSelector(f: Findings, v: unknown, path: Path): LabelSelector | undefined {
  const o = readObject(f, v, path);
  if (o === undefined) return undefined;
  checkKnownFields(f, o, path, ['matchLabels', 'matchExpressions']);
  const out: LabelSelector = { matchLabels: {}, matchExpressions: [] };
  const labels = readObject(f, o.matchLabels, [...path, 'matchLabels']);
  for (const [k, x] of Object.entries(labels ?? {})) {
    const at = [...path, 'matchLabels', k];
    const keyOk = checkString(f, k, at, LABEL_KEY);
    if (typeof x !== 'string') {
      f.error(
        'policy/invalid-type',
        at,
        `Invalid value: ${JSON.stringify(jsonType(x))}: must be of type string`,
      );
    } else if (checkString(f, x, at, LABEL_VALUE) && keyOk) out.matchLabels[k] = x;
  }
  out.matchExpressions =
    readList(f, o, 'matchExpressions', path, { maxItems: MAX_LIST_ITEMS }, (e, p) => {
      const r = readItemObject(f, e, p);
      if (r === undefined) return undefined;
      checkKnownFields(f, r, p, ['key', 'operator', 'values']);
      const key = readString(f, r, 'key', p, { ...LABEL_KEY, required: true });
      const operator = readString(f, r, 'operator', p, {
        enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
        required: true,
      }) as LabelSelector['matchExpressions'][number]['operator'] | undefined;
      const values = readStringList(f, r, 'values', p, { ...LABEL_VALUE, maxItems: 256 }) ?? [];
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
        f.error(
          'policy/required',
          [...p, 'values'],
          "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        );
      }
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
        f.error(
          'policy/forbidden',
          [...p, 'values'],
          "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        );
      }
      return key !== undefined && operator !== undefined ? { key, operator, values } : undefined;
    }) ?? [];
  return out;
}

/** A rule id glob written at `path`. */
export interface RuleReference {
  glob: string;
  path: Path;
}

/** The string items of `o[key]` (a list) as {@link RuleReference}s, with their original indices. */
export function ruleReferences(
  o: Record<string, unknown> | undefined,
  key: string,
  path: Path,
): RuleReference[] {
  const v = o?.[key];
  if (!Array.isArray(v)) return [];
  return v.flatMap((g, i) => (typeof g === 'string' ? [{ glob: g, path: [...path, key, i] }] : []));
}

/**
 * Checks rule id globs against the rule ids that exist: built-in ids (`knownRuleIds`) and the custom
 * rules a policy defines (`customIds`, undefined when the caller cannot know them, as for
 * exceptions). A glob made only of wildcards is always accepted. An entry matching no rule is:
 * - an error `policy/unknown-custom-rule` for an exact `CUSTOM-` id when `customIds` is known (a
 *   custom rule that is not defined cannot come from anywhere else);
 * - otherwise a warning `policy/unknown-rule` (it may name a rule of a newer kro-guard).
 * `CUSTOM-` globs are not checked when `customIds` is undefined.
 */
export function checkRuleReferences(
  f: Findings,
  refs: readonly RuleReference[],
  knownRuleIds: ReadonlySet<string>,
  customIds: ReadonlySet<string> | undefined,
): void {
  for (const { glob, path } of refs) {
    if (/^[*?]+$/.test(glob) || !checkString(new Findings(), glob, path, RULE_ID_GLOB)) continue;
    const custom = glob.startsWith(CUSTOM_RULE_PREFIX);
    if (custom && customIds === undefined) continue;
    const matches = compileGlobs([glob]);
    const candidates = custom ? customIds! : [...knownRuleIds, ...(customIds ?? [])];
    let found = false;
    for (const id of candidates) {
      if (matches(id)) {
        found = true;
        break;
      }
    }
    if (found) continue;
    if (custom && !isGlob(glob)) {
      f.error(
        'policy/unknown-custom-rule',
        path,
        `no custom rule ${JSON.stringify(glob)} is defined in this policy`,
      );
    } else {
      f.warning(
        'policy/unknown-rule',
        path,
        `${JSON.stringify(glob)} matches no rule known to this kro-guard (it may come from a newer version)`,
      );
    }
  }
}
