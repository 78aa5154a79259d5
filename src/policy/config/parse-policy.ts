/**
 * Full validation of a `CompliancePolicy` object (manifests/crds/kro-guard.io_compliancepolicies.yaml),
 * as the webhook does at admission of kro-guard's own resources and the CLI does for `--policy`
 * files: every problem is reported (not just the first), with kubectl paths, in a deterministic order.
 * The checks are those of the CRD schema (types, enums, patterns, lengths, list sizes, set
 * uniqueness, `x-kubernetes-validations`) plus those a schema cannot express: custom rule expressions
 * (CEL parse and type check), custom rule ids not colliding with built-ins, and references to rule
 * ids that do not exist.
 */
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.ts';
import { checkCustomRuleExpression } from '../custom/check.ts';
import type { Controls } from '../types.ts';
import { CONTROL_ID, CUSTOM_RULE_ID, NAME_GLOB, NAMESPACE_GLOB, RULE_ID_GLOB } from './formats.ts';
import { readParameters } from './parameters.ts';
import {
  MAX_LIST_ITEMS,
  checkRuleReferences,
  readHeader,
  ruleReferences,
  readKindPatterns,
  readKindSelectors,
  readLabelSelector,
} from './parse-common.ts';
import {
  Findings,
  checkKnownFields,
  isRecord,
  readBoolean,
  readEnum,
  readEnumList,
  readItemObject,
  readList,
  readObject,
  readString,
  readStringList,
  type Path,
} from './read.ts';
import {
  CUSTOM_RULE_PREFIX,
  POLICY_KIND,
  POLICY_MODES,
  RULE_SEVERITIES,
  type CompliancePolicy,
  type CustomRuleSpec,
  type MutationSettings,
  type PolicyMatch,
  type RuleOverride,
  type RuleSelection,
} from './types.ts';

/** Most custom rules in one policy. */
export const MAX_CUSTOM_RULES = 64;
/** Longest custom rule expression, in characters. */
export const MAX_EXPRESSION_LENGTH = 8192;

/** Options of {@link parsePolicyResource}. */
export interface ParsePolicyOptions {
  /**
   * Ids of the built-in rules this kro-guard has (the rule catalogue's ids), to check references in
   * `spec.rules` and collisions of custom rule ids.
   */
  knownRuleIds: ReadonlySet<string>;
}

/** The outcome of {@link parsePolicyResource}: `policy` is set exactly when there is no error. */
export interface ParsedPolicy {
  policy?: CompliancePolicy;
  diagnostics: Diagnostic[];
}

const CUSTOM_RULE_FIELDS = [
  'id',
  'title',
  'severity',
  'kinds',
  'expression',
  'message',
  'controls',
  'remediation',
];

const CONTROL_KEYS: readonly (keyof Controls)[] = [
  'fsbp',
  'config',
  'cis',
  'checkov',
  'trivy',
  'pss',
  'other',
];

function readMatch(f: Findings, v: unknown, path: Path): PolicyMatch {
  const out: PolicyMatch = { rgds: [], kinds: [], namespaces: [], excludeNamespaces: [] };
  const o = readObject(f, v, path);
  if (o === undefined) return out;
  checkKnownFields(f, o, path, ['rgds', 'kinds', 'namespaces', 'namespaceSelector', 'excludeNamespaces']);
  const list = { maxItems: MAX_LIST_ITEMS, unique: true };
  out.rgds = readStringList(f, o, 'rgds', path, { ...NAME_GLOB, ...list }) ?? [];
  out.kinds = readKindPatterns(f, o, 'kinds', path);
  out.namespaces = readStringList(f, o, 'namespaces', path, { ...NAMESPACE_GLOB, ...list }) ?? [];
  const selector = readLabelSelector(f, o.namespaceSelector, [...path, 'namespaceSelector']);
  if (selector !== undefined) out.namespaceSelector = selector;
  out.excludeNamespaces =
    readStringList(f, o, 'excludeNamespaces', path, { ...NAMESPACE_GLOB, ...list }) ?? [];
  return out;
}

function readRules(f: Findings, v: unknown, path: Path): RuleSelection {
  const out: RuleSelection = { include: ['*'], exclude: [], enable: [], overrides: [] };
  const o = readObject(f, v, path);
  if (o === undefined) return out;
  checkKnownFields(f, o, path, ['include', 'exclude', 'enable', 'overrides']);
  const list = { ...RULE_ID_GLOB, maxItems: MAX_LIST_ITEMS, unique: true };
  out.include = readStringList(f, o, 'include', path, list) ?? ['*'];
  out.exclude = readStringList(f, o, 'exclude', path, list) ?? [];
  out.enable = readStringList(f, o, 'enable', path, list) ?? [];
  out.overrides =
    readList(f, o, 'overrides', path, { maxItems: MAX_LIST_ITEMS }, (x, p): RuleOverride | undefined => {
      const r = readItemObject(f, x, p);
      if (r === undefined) return undefined;
      checkKnownFields(f, r, p, ['id', 'severities', 'mode']);
      const id = readString(f, r, 'id', p, RULE_ID_GLOB);
      const severities = readEnumList(f, r, 'severities', p, RULE_SEVERITIES, { minItems: 1 });
      const mode = readEnum(f, r, 'mode', p, POLICY_MODES, true);
      if ((r.id === undefined || r.id === null) && (r.severities === undefined || r.severities === null)) {
        f.error('policy/invalid-value', p, 'Invalid value: an override needs "id", "severities" or both');
        return undefined;
      }
      if (mode === undefined) return undefined;
      return {
        ...(id !== undefined ? { id } : {}),
        ...(severities !== undefined ? { severities } : {}),
        mode,
      };
    }) ?? [];
  return out;
}

const MUTATION_FIELDS = ['s3Encryption', 's3PublicAccessBlock', 'irsaAudience', 's3ObjectOwnership'] as const;

function readMutations(f: Findings, v: unknown, path: Path): MutationSettings {
  const out: MutationSettings = {
    enabled: false,
    s3Encryption: false,
    s3PublicAccessBlock: false,
    irsaAudience: false,
    s3ObjectOwnership: false,
  };
  const o = readObject(f, v, path);
  if (o === undefined) return out;
  checkKnownFields(f, o, path, ['enabled', ...MUTATION_FIELDS]);
  out.enabled = readBoolean(f, o, 'enabled', path) ?? false;
  for (const k of MUTATION_FIELDS) out[k] = readBoolean(f, o, k, path) ?? false;
  if (out.enabled && !MUTATION_FIELDS.some((k) => out[k])) {
    f.warning(
      'policy/no-mutation-selected',
      [...path, 'enabled'],
      `mutations are enabled but none is selected (${MUTATION_FIELDS.join(', ')})`,
    );
  }
  return out;
}

function readControls(f: Findings, v: unknown, path: Path): Controls {
  const o = readObject(f, v, path);
  if (o === undefined) return {};
  checkKnownFields(f, o, path, CONTROL_KEYS);
  const out: Controls = {};
  for (const k of CONTROL_KEYS) {
    const ids = readStringList(f, o, k, path, { ...CONTROL_ID, maxItems: 32, unique: true });
    if (ids !== undefined) out[k] = ids;
  }
  return out;
}

function readCustomRule(
  f: Findings,
  v: unknown,
  p: Path,
  seen: Set<string>,
  knownRuleIds: ReadonlySet<string>,
): CustomRuleSpec | undefined {
  const r = readItemObject(f, v, p);
  if (r === undefined) return undefined;
  const mark = f.list.length;
  checkKnownFields(f, r, p, CUSTOM_RULE_FIELDS);
  const id = readString(f, r, 'id', p, { ...CUSTOM_RULE_ID, required: true });
  if (id !== undefined) {
    if (seen.has(id)) f.error('policy/duplicate', [...p, 'id'], `Duplicate value: ${JSON.stringify(id)}`);
    else if (knownRuleIds.has(id)) {
      f.error(
        'policy/rule-id-collision',
        [...p, 'id'],
        `Invalid value: ${JSON.stringify(id)}: is a built-in rule id`,
      );
    }
    seen.add(id);
  }
  const title = readString(f, r, 'title', p, { minLength: 1, maxLength: 256, required: true });
  const severity = readEnum(f, r, 'severity', p, RULE_SEVERITIES, true);
  const kinds = readKindSelectors(f, r, 'kinds', p);
  const expression = readString(f, r, 'expression', p, {
    minLength: 1,
    maxLength: MAX_EXPRESSION_LENGTH,
    required: true,
  });
  if (expression !== undefined) {
    const checked = checkCustomRuleExpression(expression);
    if (!checked.ok) {
      for (const problem of checked.problems) f.error(problem.code, [...p, 'expression'], problem.message);
    }
  }
  const message = readString(f, r, 'message', p, { minLength: 1, maxLength: 1024 });
  const controls = readControls(f, r.controls, [...p, 'controls']);
  const remediation = readString(f, r, 'remediation', p, { maxLength: 2048 }) ?? '';
  if (f.errorsSince(mark) || id === undefined || title === undefined || severity === undefined)
    return undefined;
  if (expression === undefined) return undefined;
  const out: CustomRuleSpec = { id, title, severity, kinds, expression, controls, remediation };
  if (message !== undefined) out.message = message;
  return out;
}

function readCustomRules(
  f: Findings,
  spec: Record<string, unknown>,
  knownRuleIds: ReadonlySet<string>,
): CustomRuleSpec[] {
  const seen = new Set<string>();
  return (
    readList(f, spec, 'customRules', ['spec'], { maxItems: MAX_CUSTOM_RULES }, (v, p) =>
      readCustomRule(f, v, p, seen, knownRuleIds),
    ) ?? []
  );
}

/**
 * Validates and parses a CompliancePolicy (any decoded YAML/JSON value). Returns the policy with
 * every default filled in when there is no error; the diagnostics (errors and warnings, codes
 * `policy/…`, paths such as `spec.rules.overrides[1].mode`) are sorted with `sortDiagnostics`.
 *
 * Warnings: rule ids that match no known rule (`policy/unknown-rule`; they may come from a newer
 * kro-guard), `CUSTOM-` entries in `include`/`enable` (custom rules are always selected),
 * `metadata.namespace` on this cluster-scoped kind, registry prefixes without a trailing `/`, and
 * mutations enabled with none selected. Never throws.
 */
export function parsePolicyResource(obj: unknown, options: ParsePolicyOptions): ParsedPolicy {
  const f = new Findings();
  const header = readHeader(f, obj, POLICY_KIND, false);
  const spec = header.spec;
  if (spec === undefined) return { diagnostics: sortDiagnostics(f.list) };
  const path: Path = ['spec'];
  checkKnownFields(f, spec, path, ['mode', 'match', 'rules', 'parameters', 'mutations', 'customRules']);
  const mode = readEnum(f, spec, 'mode', path, POLICY_MODES) ?? 'Enforce';
  const match = readMatch(f, spec.match, [...path, 'match']);
  const rules = readRules(f, spec.rules, [...path, 'rules']);
  const parameters = readParameters(f, spec.parameters, [...path, 'parameters']);
  const mutations = readMutations(f, spec.mutations, [...path, 'mutations']);
  const customRules = readCustomRules(f, spec, options.knownRuleIds);

  const customIds = new Set(
    (Array.isArray(spec.customRules) ? spec.customRules : []).flatMap((r: unknown) =>
      isRecord(r) && typeof r.id === 'string' ? [r.id] : [],
    ),
  );
  const rulesPath: Path = [...path, 'rules'];
  const rawRules = isRecord(spec.rules) ? spec.rules : undefined;
  for (const key of ['include', 'enable'] as const) {
    for (const ref of ruleReferences(rawRules, key, rulesPath)) {
      if (ref.glob.startsWith(CUSTOM_RULE_PREFIX)) {
        f.warning(
          'policy/custom-rule-selection',
          ref.path,
          `custom rules are always selected; ${key} has no effect on them (use exclude to turn one off)`,
        );
      }
    }
  }
  const overrides = Array.isArray(rawRules?.overrides) ? rawRules.overrides : [];
  checkRuleReferences(
    f,
    [
      ...ruleReferences(rawRules, 'include', rulesPath),
      ...ruleReferences(rawRules, 'exclude', rulesPath),
      ...ruleReferences(rawRules, 'enable', rulesPath),
      ...overrides.flatMap((o: unknown, i) =>
        isRecord(o) && typeof o.id === 'string'
          ? [{ glob: o.id, path: [...rulesPath, 'overrides', i, 'id'] }]
          : [],
      ),
    ],
    options.knownRuleIds,
    customIds,
  );

  const diagnostics = sortDiagnostics(f.list);
  if (diagnostics.some((d) => d.severity === 'error') || header.name === undefined) return { diagnostics };
  return {
    policy: { name: header.name, mode, match, rules, parameters, mutations, customRules },
    diagnostics,
  };
}
