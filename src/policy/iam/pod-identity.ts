/**
 * IAM-017: EKS Pod Identity trust policies, compliance-catalogue §3.3. The correct form (AWS EKS
 * user guide, "Create a Pod Identity association"; EKS Best Practices):
 *
 * ```json
 * {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
 *  "Action": ["sts:AssumeRole", "sts:TagSession"]}
 * ```
 *
 * `sts:TagSession` is required unless every association using the role sets
 * `disableSessionTags: true`; no other principal may share the trust, and no other action is needed.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { fail, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import type { PolicyDocument, Statement } from './document.ts';
import { principalValues } from './principals.ts';
import { effectIs, finding, passWhenClean, within } from './statements.ts';
import { anyTri, printText, quoteText, symEquals } from './text.ts';

/** The service principal of EKS Pod Identity. */
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
const ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/** Whether a statement may be an `Allow` naming the Pod Identity service principal. */
function isPodIdentityStatement(stmt: Statement): boolean {
  if (effectIs(stmt, 'Allow') === false) return false;
  return principalValues(stmt.principal).some(
    (p) =>
      symEquals(p.type, 'Service') === true && symEquals(p.value.value, POD_IDENTITY_SERVICE, true) === true,
  );
}

/** True when the trust document has a Pod Identity statement. */
export function hasPodIdentityStatement(doc: PolicyDocument): boolean {
  return doc.statements.some(isPodIdentityStatement);
}

/**
 * IAM-017 on a trust document. `[]` when it has no Pod Identity statement.
 *
 * @param sessionTags whether `sts:TagSession` is required (false only when every
 *   PodIdentityAssociation using the role sets `disableSessionTags: true`).
 */
export function analysePodIdentityTrust(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  sessionTags: boolean,
): RuleResult[] {
  const pid = doc.statements.filter(isPodIdentityStatement);
  if (pid.length === 0) return [];
  const out: RuleResult[] = [];
  const required = sessionTags ? ACTIONS : ACTIONS.slice(0, 1);
  for (const stmt of pid) {
    for (const p of principalValues(stmt.principal)) {
      if (
        symEquals(p.type, 'Service') === true &&
        symEquals(p.value.value, POD_IDENTITY_SERVICE, true) === true
      )
        continue;
      out.push(
        fail(
          within(base, p.value.path),
          `the Pod Identity statement also trusts ${printText(p.type)} ${quoteText(p.value.value)}`,
        ),
      );
    }
    if (stmt.notAction.length > 0) {
      out.push(
        fail(within(base, [...stmt.path, 'NotAction']), `use Action ${ACTIONS.join(' and ')}, not NotAction`),
      );
      continue;
    }
    for (const a of stmt.action) {
      const known = anyTri(ACTIONS.map((x) => symEquals(a.value, x, true)));
      const path = within(base, a.path);
      if (known === false)
        out.push(
          fail(path, `Action ${quoteText(a.value)} is not needed by Pod Identity (${ACTIONS.join(', ')})`),
        );
      else if (known === 'unknown')
        out.push(unknownResult(path, a.value, `Action ${quoteText(a.value)} is not known yet`));
    }
    for (const action of required) {
      const present = anyTri(stmt.action.map((a) => symEquals(a.value, action, true)));
      const reason = `Action lacks ${action}${action === 'sts:TagSession' ? ' (needed unless disableSessionTags)' : ''}`;
      out.push(
        ...finding(
          present === 'unknown' ? 'unknown' : !present,
          within(base, [...stmt.path, 'Action']),
          reason,
          stmt.action.map((a) => a.value),
        ),
      );
    }
  }
  for (const stmt of doc.statements) {
    if (pid.includes(stmt) || effectIs(stmt, 'Allow') === false) continue;
    const who = principalValues(stmt.principal).map(
      (p) => `${printText(p.type)} ${quoteText(p.value.value)}`,
    );
    const reason = `the trust also allows ${who.length > 0 ? who.join(', ') : 'other principals'} besides Pod Identity`;
    out.push(
      ...finding(effectIs(stmt, 'Allow'), within(base, stmt.principal?.path ?? stmt.path), reason, [
        stmt.effect.value,
      ]),
    );
  }
  return passWhenClean(out, base, `trusts only ${POD_IDENTITY_SERVICE} with ${required.join(' and ')}`);
}
