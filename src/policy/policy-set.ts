/**
 * The policy set in force, from CompliancePolicy and ComplianceException objects (read from files
 * by the CLI, from the cluster by the webhook) and the built-in rule catalogue. When no
 * CompliancePolicy is given at all, the built-in default policy (manifests/policies/default.yaml)
 * applies, so that an empty configuration never means "no rules".
 */
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import {
  compilePolicySet,
  EXCEPTION_KIND,
  KRO_GUARD_GROUP,
  loadDefaultPolicy,
  parseExceptionResource,
  parsePolicyResource,
  POLICY_KIND,
  type ComplianceException,
  type CompliancePolicy,
  type PolicySet,
} from './config/index.ts';
import { BUILTIN_RULE_IDS, BUILTIN_RULES } from './rules/index.ts';

/** True for an object of kro-guard's own API group with the given kind. */
export function isKroGuardObject(obj: unknown, kind: string): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  return (
    typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${KRO_GUARD_GROUP}/`) && o.kind === kind
  );
}

/** Options of {@link buildPolicySet}. */
export interface BuildPolicySetOptions {
  /** The current time (expired exceptions are dropped). */
  now: Date;
  /** Use the built-in default policy when `objects` hold no CompliancePolicy; default true. */
  defaultWhenEmpty?: boolean;
  /** Namespace given to exceptions without one (CLI files); default `default`, as kubectl. */
  defaultNamespace?: string;
}

/** The policy set and every problem found reading the objects (invalid ones are left out). */
export interface BuiltPolicySet {
  set: PolicySet;
  /** Diagnostics per object: `source` is the object's `kind/name`. */
  problems: { source: string; diagnostics: Diagnostic[] }[];
  /** True when the built-in default policy was used. */
  usedDefault: boolean;
}

function nameOf(obj: unknown): string {
  const md = (obj as { metadata?: { name?: unknown; namespace?: unknown } }).metadata;
  const name = typeof md?.name === 'string' ? md.name : '<unnamed>';
  return typeof md?.namespace === 'string' ? `${md.namespace}/${name}` : name;
}

/**
 * Parses the CompliancePolicy and ComplianceException objects among `objects` (others are ignored)
 * and compiles them with the built-in rules. Invalid objects are left out and reported in
 * `problems`; they never stop the others from applying.
 */
export function buildPolicySet(objects: readonly unknown[], options: BuildPolicySetOptions): BuiltPolicySet {
  const policies: CompliancePolicy[] = [];
  const exceptions: ComplianceException[] = [];
  const problems: BuiltPolicySet['problems'] = [];
  for (const obj of objects) {
    if (isKroGuardObject(obj, POLICY_KIND)) {
      const parsed = parsePolicyResource(obj, { knownRuleIds: BUILTIN_RULE_IDS });
      if (parsed.diagnostics.length > 0)
        problems.push({ source: `${POLICY_KIND}/${nameOf(obj)}`, diagnostics: parsed.diagnostics });
      if (parsed.policy !== undefined) policies.push(parsed.policy);
    } else if (isKroGuardObject(obj, EXCEPTION_KIND)) {
      const parsed = parseExceptionResource(obj, {
        knownRuleIds: BUILTIN_RULE_IDS,
        now: options.now,
        ...(options.defaultNamespace === undefined ? {} : { defaultNamespace: options.defaultNamespace }),
      });
      if (parsed.diagnostics.length > 0)
        problems.push({ source: `${EXCEPTION_KIND}/${nameOf(obj)}`, diagnostics: parsed.diagnostics });
      if (parsed.exception !== undefined) exceptions.push(parsed.exception);
    }
  }
  const usedDefault = policies.length === 0 && (options.defaultWhenEmpty ?? true);
  if (usedDefault) policies.push(loadDefaultPolicy(BUILTIN_RULE_IDS).policy);
  const set = compilePolicySet(policies, exceptions, { rules: BUILTIN_RULES, now: options.now });
  if (set.diagnostics.length > 0) problems.push({ source: 'policy set', diagnostics: [...set.diagnostics] });
  return { set, problems, usedDefault };
}
