/**
 * ARNs in policy documents: splitting an ARN with holes, whether a `Resource` value covers every
 * resource (or every resource of one type), and whether it is derived from a graph resource's ARN.
 *
 * ARN format (AWS General Reference, "Amazon Resource Names"):
 * `arn:<partition>:<service>:<region>:<account>:<resource>`, where `<resource>` may itself contain
 * `:` and `/`. Holes from graph resources' `status` are fixed AWS values (never `*`), so a
 * comparison with a wildcard pattern that stays undecided only because of such holes is `false`.
 */
import type { RenderedGraph } from '../../graph/render/types.ts';
import { Unknown } from '../../graph/render/symbolic.ts';
import {
  anyTri,
  holesOf,
  isFixedHole,
  isWildcard,
  joinText,
  splitText,
  symEquals,
  textParts,
  type SymText,
  type Tri,
} from './text.ts';

/** The components of an ARN; `resource` is everything after the fifth `:`. */
export interface ArnParts {
  partition: SymText;
  service: SymText;
  region: SymText;
  account: SymText;
  resource: SymText;
}

/**
 * Splits `t` as an ARN at its literal colons; `undefined` when it does not start with the literal
 * `arn:` or has fewer than six components (holes are never split, so `arn:aws:s3:::${x}` works
 * but a hole standing for several components does not).
 */
export function parseArn(t: SymText): ArnParts | undefined {
  const parts = splitText(t, ':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    account: parts[4]!,
    resource: joinText(parts.slice(5), ':'),
  };
}

/** `symEquals` where an answer left open only by fixed (status) holes becomes `false`. */
function equalsPattern(t: SymText, pattern: string, ignoreCase = false): Tri {
  const e = symEquals(t, pattern, ignoreCase);
  return e === 'unknown' && holesOf(t).every(isFixedHole) ? false : e;
}

/**
 * Whether `t` covers every resource: `*`, or an ARN whose service and resource are `*`
 * (`arn:aws:*:*:*:*`). With `type` (and `service`), also every resource of that type:
 * `arn:aws:iam::123456789012:role/*`, `arn:aws:kms:*:*:key/*`, `arn:*:iam::*:role*`.
 */
export function coversEveryResource(t: SymText, service?: string, type?: string): Tri {
  if (equalsPattern(t, '*') !== false) return equalsPattern(t, '*');
  const arn = parseArn(t);
  // Not an ARN by its literal text: only a hole from an input or run time may still make it one.
  if (arn === undefined) return holesOf(t).every(isFixedHole) ? false : 'unknown';
  const serviceOk = anyTri([
    equalsPattern(arn.service, '*'),
    service === undefined ? false : equalsPattern(arn.service, service, true),
  ]);
  const resourceOk = anyTri([
    equalsPattern(arn.resource, '*'),
    ...(type === undefined
      ? []
      : [equalsPattern(arn.resource, `${type}/*`), equalsPattern(arn.resource, `${type}*`)]),
  ]);
  if (serviceOk === false || resourceOk === false) return false;
  return serviceOk === true && resourceOk === true ? true : 'unknown';
}

/** The `{kind:'status'}` resource ids of `t`'s holes, or `undefined` when a hole has other provenance. */
function statusResourceIds(t: SymText): Set<string> | undefined {
  const ids = new Set<string>();
  for (const h of holesOf(t)) {
    if (h.provenance.length === 0) return undefined;
    for (const p of h.provenance) {
      if (p.kind !== 'status') return undefined;
      ids.add(p.resourceId);
    }
  }
  return ids;
}

/**
 * How a `Resource` value is scoped (IAM-005):
 * - `graph`: every hole is the status of a resource of `graph`, and the text either starts with such
 *   a hole (`${bucket.status.ackResourceMetadata.arn}/*`: what follows the ARN only narrows it) or
 *   has no wildcard;
 * - `literal`: a literal ARN without wildcards;
 * - `wildcard`: literal text with `*` or `?` that is not derived from a graph resource;
 * - `unknown`: it depends on instance inputs or run-time values;
 * - `foreign`: it uses the status of a resource that is not in the graph.
 */
export function resourceScope(
  t: SymText,
  graph: RenderedGraph | undefined,
): 'graph' | 'literal' | 'wildcard' | 'unknown' | 'foreign' {
  const parts = textParts(t);
  if (parts.every((p) => typeof p === 'string')) return isWildcard(t) ? 'wildcard' : 'literal';
  const ids = statusResourceIds(t);
  if (ids === undefined) return 'unknown';
  if (graph !== undefined && [...ids].some((id) => !graph.resources.some((r) => r.id === id)))
    return 'foreign';
  // Text that starts with a graph ARN is that resource or something inside it (`${bucket...arn}/*`);
  // text that only embeds status values must be wildcard-free to be as specific.
  return parts[0] instanceof Unknown || !isWildcard(t) ? 'graph' : 'wildcard';
}
