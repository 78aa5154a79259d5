/**
 * Where the policy documents of ACK objects are (compliance-catalogue §0.1, §1.2, §1.9) and how a
 * rule applies an analysis to one: a document that cannot be parsed FAILS (fail closed), one that
 * is not known yet is `unknown` with its provenance, and a missing one is up to the rule.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import {
  Unknown,
  isRenderedObject,
  valueAt,
  type RenderedObject,
  type RenderedValue,
} from '../../graph/render/symbolic.ts';
import type { GroupVersionKind } from '../../schemas/prune.ts';
import { fail, unknownResult } from '../results.ts';
import type { KindSelector, RuleContext, RuleResult } from '../types.ts';
import { parsePolicyDocument, type PolicyDocument } from './document.ts';

/**
 * One policy document field of an object: its path and rendered value; `invalid` when the field
 * holding the documents already has the wrong shape.
 */
export interface DocumentSite {
  path: PathSegment[];
  value: RenderedValue | undefined;
  invalid?: string;
}

const IAM = 'iam.services.k8s.aws';

/**
 * The permission (identity) policy documents of an object: `Role|User|Group.spec.inlinePolicies.*`
 * (or the whole map when it is unknown), `Policy.spec.policyDocument`, and the session policy
 * `PodIdentityAssociation.spec.policy`. `[]` for other kinds.
 */
export function permissionDocumentSites(obj: RenderedObject, gvk: GroupVersionKind): DocumentSite[] {
  if (gvk.group === IAM && ['Role', 'User', 'Group'].includes(gvk.kind)) {
    const base = ['spec', 'inlinePolicies'];
    const map = valueAt(obj, base);
    if (map === undefined || map === null) return [];
    if (map instanceof Unknown) return [{ path: base, value: map }];
    if (!isRenderedObject(map))
      return [
        { path: base, value: map, invalid: 'inlinePolicies must be a map of policy names to documents' },
      ];
    return Object.entries(map).map(([name, value]) => ({ path: [...base, name], value }));
  }
  if (gvk.group === IAM && gvk.kind === 'Policy') return [site(obj, ['spec', 'policyDocument'])];
  if (gvk.group === 'eks.services.k8s.aws' && gvk.kind === 'PodIdentityAssociation')
    return [site(obj, ['spec', 'policy'])];
  return [];
}

/** The field at `path` as a {@link DocumentSite}. */
export function site(obj: RenderedObject, path: PathSegment[]): DocumentSite {
  return { path, value: valueAt(obj, path) };
}

/**
 * Runs `analysis` on the document at `s`: `fail` with the parse reason when it is invalid,
 * `unknown` when it is not known yet, `absent()` (default: nothing) when it is missing.
 */
export function analyseSite(
  s: DocumentSite,
  analysis: (doc: PolicyDocument, base: PathSegment[]) => RuleResult[],
  absent: () => RuleResult[] = () => [],
): RuleResult[] {
  if (s.invalid !== undefined) return [fail(s.path, s.invalid)];
  const parsed = parsePolicyDocument(s.value);
  switch (parsed.state) {
    case 'absent':
      return absent();
    case 'unknown':
      return [unknownResult(s.path, parsed.value, parsed.reason)];
    case 'invalid':
      return [fail(s.path, `invalid policy document: ${parsed.reason}`)];
    case 'parsed':
      return analysis(parsed.document, s.path);
  }
}

/** True when the context's resource is one of `kinds`. */
export function inScope(ctx: RuleContext, kinds: readonly KindSelector[]): boolean {
  const { group, kind } = ctx.resource.gvk;
  return kinds.some((k) => k.group === group && k.kind === kind);
}

/**
 * Runs a rule body for a resource of `kinds`, `[]` for others. An exception from the body (an
 * engine bug, never bad input) becomes a `fail` at the object, so a rule never admits by crashing.
 */
export function guardedCheck(
  ctx: RuleContext,
  kinds: readonly KindSelector[],
  body: () => RuleResult[],
): RuleResult[] {
  if (!inScope(ctx, kinds)) return [];
  try {
    return body();
  } catch (e) {
    return [fail([], `internal error while checking: ${e instanceof Error ? e.message : String(e)}`)];
  }
}
