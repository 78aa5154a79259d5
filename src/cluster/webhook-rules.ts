/**
 * The `rules` of kro-guard's instance webhooks, computed from the kinds RGDs generate, and the
 * smallest change that puts them into a webhook configuration. Pure: no I/O (the registrar in
 * `webhook-registrar.ts` does the GET and PATCH).
 *
 * Rule shape: `admissionregistration.k8s.io/v1` `RuleWithOperations` (`apiGroups`, `apiVersions`,
 * `resources`, `operations`, `scope`). The API server defaults `scope` to `*` and keeps list order,
 * so rules are compared in a canonical form ({@link canonicalRules}).
 */
import type { GeneratedKind } from './generated-kinds.ts';

/** One `RuleWithOperations` of a webhook. */
export interface WebhookRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  /** `Cluster`, `Namespaced` or `*` (the API server's default). */
  scope?: string;
}

/** One RFC 6902 operation of a JSON Patch. */
export type JsonPatchOperation =
  { op: 'test'; path: string; value: unknown } | { op: 'add' | 'replace'; path: string; value: unknown };

/** The operations instance webhooks see: writes of the object; deletes need no check. */
export const INSTANCE_OPERATIONS: readonly string[] = ['CREATE', 'UPDATE'];

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The rules that send writes of every kind in `kinds` to the instance webhooks: one rule per
 * group, version and scope, listing that group-version's plural resources (sorted), operations
 * CREATE and UPDATE, no subresources (kro's status writes go to `/status` and are never sent).
 * Rules are sorted by group, version, then scope (`Cluster` before `Namespaced`). No kinds: `[]`
 * (the webhook then matches nothing).
 */
export function instanceWebhookRules(kinds: Iterable<GeneratedKind>): WebhookRule[] {
  const groups = new Map<string, { group: string; version: string; scope: string; resources: Set<string> }>();
  for (const k of kinds) {
    const key = JSON.stringify([k.group, k.version, k.scope]);
    let entry = groups.get(key);
    if (entry === undefined)
      groups.set(key, (entry = { group: k.group, version: k.version, scope: k.scope, resources: new Set() }));
    entry.resources.add(k.resource);
  }
  return [...groups.values()]
    .sort((a, b) => compare(a.group, b.group) || compare(a.version, b.version) || compare(a.scope, b.scope))
    .map((g) => ({
      apiGroups: [g.group],
      apiVersions: [g.version],
      resources: [...g.resources].sort(compare),
      operations: [...INSTANCE_OPERATIONS],
      scope: g.scope,
    }));
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string')
    ? [...(v as string[])].sort(compare)
    : undefined;
}

/**
 * `rules` as read from the API server in a canonical form for comparison: each list sorted, `scope`
 * defaulted to `*`, rules sorted by their JSON. An absent or `null` field is `[]`. Undefined when
 * `rules` is neither absent nor a list of rule objects (the caller replaces it).
 */
export function canonicalRules(rules: unknown): WebhookRule[] | undefined {
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) return undefined;
  const out: WebhookRule[] = [];
  for (const r of rules as unknown[]) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) return undefined;
    const o = r as Record<string, unknown>;
    const lists = ['apiGroups', 'apiVersions', 'resources', 'operations'].map((k) => stringList(o[k] ?? []));
    if (lists.some((l) => l === undefined)) return undefined;
    const [apiGroups, apiVersions, resources, operations] = lists as [string[], string[], string[], string[]];
    out.push({
      apiGroups,
      apiVersions,
      resources,
      operations,
      scope: typeof o.scope === 'string' ? o.scope : '*',
    });
  }
  return out
    .map((r) => [JSON.stringify(r), r] as const)
    .sort((a, b) => compare(a[0], b[0]))
    .map(([, r]) => r);
}

/** True when `current` (as read) and `desired` select the same requests in the same form. */
export function sameRules(current: unknown, desired: readonly WebhookRule[]): boolean {
  const a = canonicalRules(current);
  return a !== undefined && JSON.stringify(a) === JSON.stringify(canonicalRules(desired));
}

/** `group/version/resource` (`v1/pods` for the core group) of every resource a rule list names. */
export function ruleResources(rules: unknown): Set<string> {
  const out = new Set<string>();
  for (const r of canonicalRules(rules) ?? [])
    for (const g of r.apiGroups)
      for (const v of r.apiVersions)
        for (const res of r.resources) out.add(`${g === '' ? '' : `${g}/`}${v}/${res}`);
  return out;
}

/** What a change of rules adds and removes, as sorted `group/version/resource` lists (for logs). */
export function describeRulesChange(
  current: unknown,
  desired: readonly WebhookRule[],
): { added: string[]; removed: string[] } {
  const before = ruleResources(current);
  const after = ruleResources(desired);
  return {
    added: [...after].filter((r) => !before.has(r)).sort(compare),
    removed: [...before].filter((r) => !after.has(r)).sort(compare),
  };
}

/** The result of {@link webhookRulesPatch}. */
export type RulesPatchResult =
  /** The webhook's rules already equal the desired ones. */
  | { state: 'unchanged' }
  /** Apply `patch` (`application/json-patch+json`) to the configuration. */
  | { state: 'patch'; patch: JsonPatchOperation[]; change: { added: string[]; removed: string[] } }
  /** The configuration has no webhook of that name, or is not a webhook configuration. */
  | { state: 'missing'; reason: string };

/**
 * The JSON Patch that sets the `rules` of the webhook named `webhookName` in `configuration` (a
 * Validating- or MutatingWebhookConfiguration as read from the API server) to `desired`, and touches
 * nothing else (no other webhook, no `clientConfig.caBundle`). The patch first tests that the
 * webhook is still at the index it was read at, so a concurrent reordering makes the API server
 * refuse the patch (422) instead of changing another webhook; a concurrent change of anything else
 * (a caBundle injection) does not conflict with it. `add` sets the member whether or not `rules` is
 * present.
 */
export function webhookRulesPatch(
  configuration: unknown,
  webhookName: string,
  desired: readonly WebhookRule[],
): RulesPatchResult {
  const webhooks =
    typeof configuration === 'object' && configuration !== null
      ? (configuration as Record<string, unknown>).webhooks
      : undefined;
  if (!Array.isArray(webhooks)) return { state: 'missing', reason: 'the configuration has no webhooks' };
  const index = webhooks.findIndex(
    (w) => typeof w === 'object' && w !== null && (w as Record<string, unknown>).name === webhookName,
  );
  if (index < 0) return { state: 'missing', reason: `the configuration has no webhook ${webhookName}` };
  const current = (webhooks[index] as Record<string, unknown>).rules;
  if (sameRules(current, desired)) return { state: 'unchanged' };
  return {
    state: 'patch',
    patch: [
      { op: 'test', path: `/webhooks/${index}/name`, value: webhookName },
      { op: 'add', path: `/webhooks/${index}/rules`, value: desired.map((r) => ({ ...r })) },
    ],
    change: describeRulesChange(current, desired),
  };
}
