/**
 * Conditions of policy statements: looking up clauses by key, and whether a statement with a
 * public principal is restricted to fixed values (IAM-014, IAM-019, S3-006, SQS-002, SNS-002,
 * KMS-002, ECR-005).
 *
 * "Fixed values" follows AWS: a policy is non-public when it grants access only to fixed values,
 * "values that don't contain a wildcard or ... Variables" (AWS Config `sqs-queue-no-public-access`,
 * `sns-topic-no-public-access`), of the keys S3 lists in "Blocking public access: the meaning of
 * public" (`aws:SourceArn`, `aws:SourceVpc`, `aws:SourceVpce`, `aws:SourceOwner`,
 * `aws:SourceAccount`, `aws:SourceIp` CIDRs) and the principal keys IAM Access Analyzer treats as
 * restricting (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceOrgID`,
 * `kms:CallerAccount`). Only positive operators restrict: `...IfExists`, negated and `ForAllValues:`
 * operators pass when the key is absent or different, so they do not count.
 */
import type { ConditionClause, Statement } from './document.ts';
import { allTri, anyTri, isFixedText, symEquals, type SymText, type Tri } from './text.ts';

/** Condition keys (lower case) whose fixed values make a public principal non-public. */
export const RESTRICTING_KEYS: ReadonlySet<string> = new Set([
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:sourceorgid',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'kms:calleraccount',
]);

/** Operators that restrict a key to the listed values. `IpAddress` only for `aws:SourceIp`. */
export const RESTRICTING_OPERATORS: ReadonlySet<string> = new Set([
  'StringEquals',
  'StringEqualsIgnoreCase',
  'StringLike',
  'ArnEquals',
  'ArnLike',
  'IpAddress',
]);

/** CIDRs that restrict nothing. */
const OPEN_CIDRS = new Set(['0.0.0.0/0', '::/0']);

/** Clauses whose key is `key` (IAM condition keys are case-insensitive); keys with holes may match. */
export function clausesWithKey(stmt: Statement, key: string): { clause: ConditionClause; match: Tri }[] {
  return stmt.condition
    .map((clause) => ({ clause, match: symEquals(clause.key, key, true) }))
    .filter((c) => c.match !== false);
}

/** Whether a clause restricts its key to fixed values (see the module comment). */
function restrictsToFixedValues(c: ConditionClause): Tri {
  if (typeof c.operator !== 'string' || typeof c.key !== 'string') return 'unknown';
  const key = c.key.toLowerCase();
  if (!RESTRICTING_KEYS.has(key) || !RESTRICTING_OPERATORS.has(c.operator)) return false;
  if ((c.operator === 'IpAddress') !== (key === 'aws:sourceip')) return false;
  if (c.values.length === 0) return false;
  let unknown = false;
  for (const v of c.values) {
    if (typeof v.value === 'string' && OPEN_CIDRS.has(v.value)) return false;
    const fixed = isFixedText(v.value);
    if (fixed === false) return false;
    if (fixed === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

/**
 * Whether the statement restricts who it applies to with a fixed-value condition; `witness` is a
 * restricting clause (or one that may be). `'unknown'` when a deciding value or a whole condition
 * block is not known yet.
 */
export function fixedValueRestriction(stmt: Statement): { restricted: Tri; witness?: ConditionClause } {
  let maybe: ConditionClause | undefined;
  for (const c of stmt.condition) {
    const r = restrictsToFixedValues(c);
    if (r === true) return { restricted: true, witness: c };
    if (r === 'unknown') maybe ??= c;
  }
  if (maybe !== undefined) return { restricted: 'unknown', witness: maybe };
  return { restricted: stmt.unknownConditions.length > 0 ? 'unknown' : false };
}

/** The values of the unknown condition blocks and clause values, for `dependsOn`. */
export function conditionUnknowns(stmt: Statement): SymText[] {
  return [
    ...stmt.unknownConditions.map((u) => u.value),
    ...stmt.condition.flatMap((c) => [c.key, ...c.values.map((v) => v.value)]),
  ];
}

/**
 * Whether the clause tests `key` with `operator` and one of `values` (case-insensitive values when
 * `ignoreCase`), e.g. `Bool aws:SecureTransport false`.
 */
export function clauseTests(
  c: ConditionClause,
  operator: string,
  key: string,
  values: readonly string[],
  ignoreCase: boolean,
): Tri {
  return allTri([
    symEquals(c.operator, operator),
    symEquals(c.key, key, true),
    anyTri(c.values.flatMap((v) => values.map((w) => symEquals(v.value, w, ignoreCase)))),
  ]);
}
