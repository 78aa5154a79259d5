/**
 * Matching policies and exceptions against a {@link PolicyTarget} (one checked object). Lists are
 * alternatives, fields are conjunctions, an empty list does not restrict.
 *
 * Unknown target attributes are resolved to fail closed: a policy whose `namespaces`,
 * `excludeNamespaces` or `namespaceSelector` cannot be decided applies (and says so in
 * {@link PolicyMatchOutcome.assumed}); an exception that needs an unknown attribute does not apply.
 */
import type { KindSelector } from '../types.ts';
import { compileGlobs, type GlobMatcher } from './glob.ts';
import type { ComplianceException, KindPattern, LabelSelector, PolicyMatch, PolicyTarget } from './types.ts';

/** A target attribute a policy match had to assume because the target did not carry it. */
export type MatchAssumption = 'namespace' | 'namespaceSelector';

/** Whether a policy selects a target, and what it assumed to decide. */
export interface PolicyMatchOutcome {
  matches: boolean;
  /** Conditions taken as met because the target lacks the attribute (offline checks, RGD admission). */
  assumed: MatchAssumption[];
}

/** A kind matcher: true when any pattern matches the kind. */
export type KindMatcher = (kind: KindSelector) => boolean;

/** Compiles kind patterns (globs on group and kind); undefined for an empty list (no restriction). */
export function compileKindPatterns(patterns: readonly KindPattern[]): KindMatcher | undefined {
  if (patterns.length === 0) return undefined;
  const compiled = patterns.map((p) => ({ group: compileGlobs([p.group]), kind: compileGlobs([p.kind]) }));
  return (k) => compiled.some((c) => c.group(k.group) && c.kind(k.kind));
}

function optionalGlobs(globs: readonly string[]): GlobMatcher | undefined {
  return globs.length === 0 ? undefined : compileGlobs(globs);
}

/**
 * True when `labels` satisfy `selector` (Kubernetes semantics: every `matchLabels` pair present,
 * `In` needs the key with one of the values, `NotIn` is met by an absent key, `Exists`,
 * `DoesNotExist`). An empty selector matches every label set.
 */
export function labelSelectorMatches(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !e.values.includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && e.values.includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A policy's `match` compiled for repeated use. */
export type CompiledPolicyMatch = (target: PolicyTarget) => PolicyMatchOutcome;

const NO_MATCH: PolicyMatchOutcome = Object.freeze({ matches: false, assumed: [] }) as PolicyMatchOutcome;

/**
 * Compiles a policy's `match`:
 * - `rgds`: the target's RGD name matches one glob (a target without an RGD does not match);
 * - `kinds`: the target's kind or its instance's kind matches one pattern;
 * - `excludeNamespaces`: a namespaced target in a matching namespace never matches;
 * - `namespaces`: the target is namespaced and its namespace matches one glob;
 * - `namespaceSelector`: the target's namespace labels satisfy it; cluster-scoped targets are not
 *   restricted by it (as for admission webhooks' `namespaceSelector`).
 * With the namespace unknown (`undefined`), `namespaces`/`excludeNamespaces` are assumed to match
 * (`assumed: ['namespace']`); with the labels unknown, the selector is (`'namespaceSelector'`).
 */
export function compilePolicyMatch(match: PolicyMatch): CompiledPolicyMatch {
  const rgds = optionalGlobs(match.rgds);
  const kinds = compileKindPatterns(match.kinds);
  const namespaces = optionalGlobs(match.namespaces);
  const excluded = optionalGlobs(match.excludeNamespaces);
  const selector = match.namespaceSelector;
  return (t) => {
    if (rgds !== undefined && (t.rgdName === undefined || !rgds(t.rgdName))) return NO_MATCH;
    if (kinds !== undefined && !kinds(t.kind) && !(t.instanceKind !== undefined && kinds(t.instanceKind))) {
      return NO_MATCH;
    }
    const assumed: MatchAssumption[] = [];
    if (t.namespace === undefined) {
      if (namespaces !== undefined || excluded !== undefined) assumed.push('namespace');
    } else {
      if (t.namespace !== '' && excluded?.(t.namespace)) return NO_MATCH;
      if (namespaces !== undefined && (t.namespace === '' || !namespaces(t.namespace))) return NO_MATCH;
    }
    if (selector !== undefined && t.namespace !== '') {
      if (t.namespaceLabels === undefined) assumed.push('namespaceSelector');
      else if (!labelSelectorMatches(selector, t.namespaceLabels)) return NO_MATCH;
    }
    return { matches: true, assumed };
  };
}

/** An exception compiled for repeated use: does it exempt `ruleId` of `policy` for `target`? */
export type CompiledExceptionMatch = (policy: string, ruleId: string, target: PolicyTarget) => boolean;

/**
 * Compiles an exception. It applies when all hold:
 * - scope: the exception is in `exceptionNamespace` (cluster-wide), or the target's namespace is
 *   known and equal to the exception's (an exception never applies across namespaces, nor to
 *   cluster-scoped objects or RGDs from an ordinary namespace);
 * - `match`: each non-empty list matches a known attribute of the target (`rgds` the RGD name,
 *   `instances` the instance name, `resources` the resource id, `kinds` the kind or instance kind);
 *   an unknown attribute never matches;
 * - some `exceptions[]` entry matches the policy name and the rule id.
 * Expiry is handled by `compilePolicySet` (expired exceptions are not compiled).
 */
export function compileExceptionMatch(
  e: ComplianceException,
  exceptionNamespace: string,
): CompiledExceptionMatch {
  const clusterWide = e.namespace === exceptionNamespace;
  const rgds = optionalGlobs(e.match.rgds);
  const instances = optionalGlobs(e.match.instances.map((i) => i.name));
  const resources = optionalGlobs(e.match.resources);
  const kinds = compileKindPatterns(e.match.kinds);
  const entries = e.exceptions.map((x) => ({
    policy: compileGlobs([x.policy]),
    rules: compileGlobs(x.rules),
  }));
  return (policy, ruleId, t) => {
    if (!clusterWide && t.namespace !== e.namespace) return false;
    if (rgds !== undefined && (t.rgdName === undefined || !rgds(t.rgdName))) return false;
    if (instances !== undefined && (t.instanceName === undefined || !instances(t.instanceName))) return false;
    if (resources !== undefined && (t.resourceId === undefined || !resources(t.resourceId))) return false;
    if (kinds !== undefined && !kinds(t.kind) && !(t.instanceKind !== undefined && kinds(t.instanceKind))) {
      return false;
    }
    return entries.some((x) => x.policy(policy) && x.rules(ruleId));
  };
}
