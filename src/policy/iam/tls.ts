/**
 * S3-008 (FSBP S3.5, Config `s3-bucket-ssl-requests-only`, CIS 2.1.1/3.1.1, checkov CKV_AWS_379,
 * Control Tower CT.S3.PR.8): the bucket policy denies requests not sent over TLS.
 *
 * The accepted form is AWS's documented one: a `Deny` statement for everyone (`"*"` or
 * `{"AWS": "*"}`) of every S3 action (`s3:*` or `*`) with `"Bool": {"aws:SecureTransport": "false"}`
 * (the boolean `false` is the same value). Which resources it names is not checked: it is the
 * bucket's own policy.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { clauseTests, conditionUnknowns } from './conditions.ts';
import type { PolicyDocument, Statement } from './document.ts';
import { publicPrincipal } from './principals.ts';
import { effectIs, within } from './statements.ts';
import { allTri, anyTri, symEquals, type SymText, type Tri } from './text.ts';

/** Whether the statement is the TLS-only deny described in the module comment. */
function isTlsDeny(stmt: Statement): Tri {
  const everyS3Action = anyTri(
    stmt.action.map((a) => anyTri([symEquals(a.value, '*'), symEquals(a.value, 's3:*', true)])),
  );
  const insecure = anyTri([
    ...stmt.condition.map((c) => clauseTests(c, 'Bool', 'aws:SecureTransport', ['false'], true)),
    stmt.unknownConditions.length > 0 ? 'unknown' : false,
  ]);
  const everyone = stmt.notPrincipal === undefined ? publicPrincipal(stmt).verdict : false;
  return allTri([effectIs(stmt, 'Deny'), everyone, everyS3Action, insecure]);
}

/**
 * S3-008 on a parsed bucket policy: `pass` at the deciding statement, `unknown` when a statement
 * that may be the deny is not known yet, else `fail` at `base`.
 */
export function analyseTlsRequired(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const maybe: SymText[] = doc.unknownStatements.map((s) => s.value);
  for (const stmt of doc.statements) {
    const v = isTlsDeny(stmt);
    if (v === true)
      return [pass(within(base, stmt.path), 'denies every S3 action when aws:SecureTransport is false')];
    if (v === 'unknown')
      maybe.push(stmt.effect.value, ...stmt.action.map((a) => a.value), ...conditionUnknowns(stmt));
  }
  if (maybe.length > 0)
    return [
      unknownResult(
        [...base],
        maybe,
        'the Deny for aws:SecureTransport false depends on values not known yet',
      ),
    ];
  return [fail([...base], 'no statement denies s3:* when aws:SecureTransport is false')];
}
