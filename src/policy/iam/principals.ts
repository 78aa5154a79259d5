/**
 * Principals of policy statements: who a statement applies to, whether that is "everyone", and
 * which AWS accounts it names.
 *
 * Source: AWS IAM User Guide, "AWS JSON policy elements: Principal": `"*"` and `{"AWS": "*"}` are
 * everyone (anonymous included); an account is named by its 12-digit id or
 * `arn:<partition>:iam::<account>:root` (the whole account: any principal the account allows);
 * wildcards are not otherwise allowed in principals. `NotPrincipal` with `Allow` grants everyone
 * except the listed principals.
 */
import type { Located, PrincipalBlock, Statement } from './document.ts';
import { parseArn } from './resources.ts';
import {
  endsWithLiteral,
  holesOf,
  isFixedHole,
  isWildcard,
  printText,
  symEquals,
  textParts,
  type SymText,
  type Tri,
} from './text.ts';

/** One principal value with its type (`AWS`, `Service`, `Federated`, `CanonicalUser`, or a hole). */
export interface PrincipalValue {
  type: SymText;
  value: Located<SymText>;
}

/** Every value of a `map` principal block, flattened; `[]` for other blocks. */
export function principalValues(block: PrincipalBlock | undefined): PrincipalValue[] {
  if (block?.kind !== 'map') return [];
  return block.entries.flatMap((e) => e.values.map((value) => ({ type: e.type, value })));
}

/** Values of one principal type (`Federated`...); `type` holes are included as possible matches. */
export function principalsOfType(block: PrincipalBlock | undefined, type: string): PrincipalValue[] {
  return principalValues(block).filter((p) => symEquals(p.type, type) !== false);
}

/** Whether a principal value is everyone: a literal wildcard, or a hole that may be `*`. */
function isEveryone(t: SymText): Tri {
  if (isWildcard(t)) return true;
  return holesOf(t).every(isFixedHole) ? false : symEquals(t, '*') === false ? false : 'unknown';
}

/**
 * Whether the statement's principal is everyone (IAM-014, IAM-019, S3-006): `"*"`, a value with a
 * wildcard (`{"AWS": "*"}`), or a `NotPrincipal` (everyone but a few). `witness` is where.
 */
export function publicPrincipal(stmt: Statement): {
  verdict: Tri;
  witness?: { path: Located<SymText>['path']; text: string };
} {
  if (stmt.notPrincipal !== undefined)
    return { verdict: true, witness: { path: stmt.notPrincipal.path, text: 'NotPrincipal (everyone else)' } };
  const block = stmt.principal;
  if (block === undefined) return { verdict: false };
  if (block.kind === 'wildcard') return { verdict: true, witness: { path: block.path, text: '"*"' } };
  if (block.kind === 'unknown')
    return { verdict: 'unknown', witness: { path: block.path, text: printText(block.value) } };
  let maybe: PrincipalValue | undefined;
  for (const p of principalValues(block)) {
    const v = isEveryone(p.value.value);
    const text = `{${JSON.stringify(printText(p.type))}: ${JSON.stringify(printText(p.value.value))}}`;
    if (v === true) return { verdict: true, witness: { path: p.value.path, text } };
    if (v === 'unknown') maybe ??= p;
  }
  if (maybe === undefined) return { verdict: false };
  return {
    verdict: 'unknown',
    witness: { path: maybe.value.path, text: JSON.stringify(printText(maybe.value.value)) },
  };
}

/**
 * The account an `AWS` principal value names: the value itself when it is a literal 12-digit id,
 * the ARN's account component (`arn:aws:iam::123456789012:role/x`), or `undefined` when it names
 * no account (`*`, a service) or cannot be read (a hole for the whole value).
 */
export function accountOf(t: SymText): SymText | undefined {
  if (typeof t === 'string' && /^\d{12}$/.test(t)) return t;
  return parseArn(t)?.account;
}

/**
 * Whether an `AWS` principal value is a whole account (IAM-015): a 12-digit id, or an IAM ARN
 * whose resource is `root`. `'unknown'` for a hole that may be either.
 */
export function isWholeAccount(t: SymText): Tri {
  if (typeof t === 'string') return /^\d{12}$/.test(t) || (parseArn(t) !== undefined && t.endsWith(':root'));
  if (textParts(t).length === 1) return holesOf(t).every(isFixedHole) ? false : 'unknown';
  if (parseArn(t) === undefined) return false;
  return endsWithLiteral(t, ':root');
}
