/**
 * Analyses of who a policy lets in: public principals (IAM-014 on trust policies; IAM-019, S3-006,
 * SQS-002, SNS-002, KMS-002, ECR-005 on resource policies), whole-account trust (IAM-015), and
 * principals outside the allowed accounts (S3-007). Compliance-catalogue §2.1, §2.2, §2.4.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { fail, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { conditionUnknowns, fixedValueRestriction } from './conditions.ts';
import type { PolicyDocument, Statement } from './document.ts';
import { accountOf, isWholeAccount, principalValues, publicPrincipal } from './principals.ts';
import { effectIs, finding, passWhenClean, unknownStatementFindings, within } from './statements.ts';
import { allTri, printText, quoteText, symEquals, type SymText, type Tri } from './text.ts';

/**
 * No `Allow` to everyone (`"*"`, `{"AWS": "*"}`, `NotPrincipal`) unless the statement is restricted
 * by a fixed-value condition (see conditions.ts). One finding per public statement.
 */
export function analysePublicPrincipal(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow everyone');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const pub = publicPrincipal(stmt);
    if (pub.verdict === false || pub.witness === undefined) continue;
    const { restricted, witness } = fixedValueRestriction(stmt);
    const open: Tri = restricted === 'unknown' ? 'unknown' : !restricted;
    const verdict = allTri([allow, pub.verdict, open]);
    const path = within(base, pub.witness.path);
    if (verdict === true) {
      results.push(fail(path, `Allow to principal ${pub.witness.text} without a fixed-value condition`));
    } else if (verdict === 'unknown') {
      const values: SymText[] = [
        stmt.effect.value,
        ...(witness === undefined
          ? conditionUnknowns(stmt)
          : [witness.key, ...witness.values.map((v) => v.value)]),
      ];
      if (stmt.principal?.kind === 'unknown') values.push(stmt.principal.value);
      for (const p of principalValues(stmt.principal)) values.push(p.value.value);
      results.push(
        unknownResult(
          path,
          values,
          `principal ${pub.witness.text} may be public; depends on values not known yet`,
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no statement allows everyone');
}

/** Whether `account` (text of an ARN's account component or an id) is in `allowed`. */
function accountAllowed(account: SymText, allowed: readonly string[]): Tri {
  let unknown = false;
  for (const a of allowed) {
    const e = symEquals(account, a);
    if (e === true) return true;
    if (e === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

/** The `AWS` principal values of a statement (every principal when the type is a hole). */
function awsPrincipals(stmt: Statement) {
  return principalValues(stmt.principal).filter((p) => symEquals(p.type, 'AWS') !== false);
}

/**
 * IAM-015: no `Allow` to a whole account (`arn:aws:iam::<account>:root` or the bare id) without
 * conditions (checkov CKV_AWS_61); with `allowedAccounts`, every account named must be in it.
 */
export function analyseWholeAccountTrust(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  allowedAccounts: readonly string[],
): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may trust a whole account');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    for (const p of awsPrincipals(stmt)) {
      const path = within(base, p.value.path);
      const v = p.value.value;
      results.push(
        ...finding(
          allTri([allow, isWholeAccount(v), !stmt.hasCondition]),
          path,
          `trusts the whole account ${quoteText(v)} without a condition`,
          [stmt.effect.value, v],
        ),
      );
      results.push(...accountFindings(allow, v, path, allowedAccounts, stmt.effect.value));
    }
  }
  return passWhenClean(results, base, 'no whole account is trusted without a condition');
}

/** A fail/unknown when the account `v` names is not in `allowed` (nothing when `allowed` is empty). */
function accountFindings(
  allow: Tri,
  v: SymText,
  path: PathSegment[],
  allowed: readonly string[],
  effect: SymText,
): RuleResult[] {
  if (allowed.length === 0) return [];
  const account = accountOf(v);
  if (account === undefined) {
    // `*` is handled by the public-principal rules; a hole for a whole principal may name any account.
    return typeof v === 'string'
      ? []
      : finding(
          allow === false ? false : 'unknown',
          path,
          `principal ${quoteText(v)} may be another account`,
          [effect, v],
        );
  }
  const ok = accountAllowed(account, allowed);
  const notAllowed: Tri = ok === 'unknown' ? 'unknown' : !ok;
  return finding(
    allTri([allow, notAllowed]),
    path,
    `account ${quoteText(account)} is not in allowedAccounts`,
    [effect, account],
    `account ${quoteText(account)} is not known yet (allowed: ${allowed.join(', ')})`,
  );
}

/**
 * S3-007 (FSBP S3.6): every account an `Allow` statement grants to is in `allowedAccounts`;
 * service principals are not accounts and are skipped; `*` passes only with a fixed
 * `aws:PrincipalAccount`/`aws:SourceAccount` condition naming allowed accounts. With no
 * `allowedAccounts` every account is allowed.
 */
export function analyseAllowedAccounts(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  allowedAccounts: readonly string[],
): RuleResult[] {
  if (allowedAccounts.length === 0)
    return passWhenClean([], base, 'allowedAccounts is empty: any account is allowed');
  const results = unknownStatementFindings(doc, base, 'it may grant to other accounts');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const pub = publicPrincipal(stmt);
    if (pub.verdict !== false && pub.witness !== undefined) {
      const limited = accountCondition(stmt, allowedAccounts);
      const open: Tri = limited === 'unknown' ? 'unknown' : !limited;
      results.push(
        ...finding(
          allTri([allow, pub.verdict, open]),
          within(base, pub.witness.path),
          `principal ${pub.witness.text} is any account; no aws:PrincipalAccount condition limits it`,
          [stmt.effect.value, ...conditionUnknowns(stmt)],
        ),
      );
    }
    for (const p of principalValues(stmt.principal)) {
      const type = printText(p.type);
      if (type === 'Service') continue;
      const path = within(base, p.value.path);
      if (type === 'CanonicalUser') {
        results.push(
          ...finding(allow, path, 'a CanonicalUser principal cannot be checked against allowedAccounts', [
            stmt.effect.value,
          ]),
        );
        continue;
      }
      if (typeof p.value.value === 'string' && p.value.value === '*') continue;
      results.push(...accountFindings(allow, p.value.value, path, allowedAccounts, stmt.effect.value));
    }
  }
  return passWhenClean(
    results,
    base,
    `every principal is in allowedAccounts (${allowedAccounts.join(', ')})`,
  );
}

/** Whether a fixed `aws:PrincipalAccount`/`aws:SourceAccount` condition limits the statement to `allowed`. */
function accountCondition(stmt: Statement, allowed: readonly string[]): Tri {
  let unknown = stmt.unknownConditions.length > 0;
  for (const c of stmt.condition) {
    const key = allTri([
      symEquals(c.operator, 'StringEquals'),
      symEquals(c.key, 'aws:PrincipalAccount', true) === true ||
        symEquals(c.key, 'aws:SourceAccount', true) === true,
    ]);
    if (key === false) continue;
    const inList = allTri(c.values.map((v) => accountAllowed(v.value, allowed)));
    const v = allTri([key, c.values.length > 0, inList]);
    if (v === true) return true;
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}
