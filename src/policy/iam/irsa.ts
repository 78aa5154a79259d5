/**
 * IAM-016: IRSA trust policies (IAM roles for service accounts), compliance-catalogue §3.1 and the
 * mistakes of §3.2. The correct form (AWS EKS user guide, "Assign IAM roles to Kubernetes service
 * accounts"; EKS Best Practices "Scope the IAM Role trust policy for IRSA Roles to the service
 * account name, namespace, and cluster"):
 *
 * ```json
 * {"Effect": "Allow",
 *  "Principal": {"Federated": "arn:aws:iam::<account>:oidc-provider/<host>"},
 *  "Action": "sts:AssumeRoleWithWebIdentity",
 *  "Condition": {"StringEquals": {"<host>:aud": "sts.amazonaws.com",
 *                                 "<host>:sub": "system:serviceaccount:<namespace>:<name>"}}}
 * ```
 *
 * Steps checked per IRSA statement: (1) exactly one Federated OIDC provider, in `allowedAccounts`
 * and `oidcProviders` when set; (2) `StringEquals` on `<host>:sub` with exactly one
 * `system:serviceaccount:<ns>:<sa>` without `*`/`?`; (3) `StringEquals` on `<host>:aud` equal to
 * the expected audience; (4) both keys' `<host>` equal the Federated provider's host (compared
 * symbolically, so `${schema.spec.oidc}:sub` matches `oidc-provider/${schema.spec.oidc}`);
 * (6) no other principal in the trust. Step (5), the graph's ServiceAccount, is {@link analyseIrsaGraph}.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { RenderedGraph } from '../../graph/render/types.ts';
import { symbolicString, type RenderedValue } from '../../graph/render/symbolic.ts';
import { fail, pass, unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import { statementCovers } from './actions.ts';
import type { ConditionClause, Located, PolicyDocument, Statement } from './document.ts';
import { isKind, resourcesWithId } from './graph.ts';
import { principalValues, principalsOfType } from './principals.ts';
import { parseArn } from './resources.ts';
import { effectIs, finding, passWhenClean, within } from './statements.ts';
import {
  allTri,
  anyTri,
  dropLiteralPrefix,
  dropLiteralSuffix,
  endsWithLiteral,
  holesOf,
  isWildcard,
  printText,
  quoteText,
  splitText,
  startsWithLiteral,
  symEquals,
  type SymText,
  type Tri,
} from './text.ts';

/** The audience EKS projects into service account tokens unless the SA overrides it. */
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

const OIDC_PREFIX = 'oidc-provider/';
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SA_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Options of {@link analyseIrsaTrust}. */
export interface IrsaOptions {
  /** Accounts allowed to own the OIDC provider; empty: any. */
  allowedAccounts: readonly string[];
  /** Allowed provider hosts (`oidc.eks.us-west-2.amazonaws.com/id/ABC`); empty: any. */
  oidcProviders: readonly string[];
  /** The graph, to accept a host derived from a graph `Cluster`'s `status.identity.oidc.issuer`. */
  graph?: RenderedGraph;
  /** The expected token audience (the ServiceAccount's `eks.amazonaws.com/audience`); default sts.amazonaws.com. */
  audience?: SymText;
}

/** What an IRSA statement binds: provider host, `sub` and `aud` values (when readable). */
export interface IrsaBinding {
  statement: Statement;
  host: SymText | undefined;
  sub: Located<SymText> | undefined;
  aud: Located<SymText>[];
}

/** The host of an EKS cluster's OIDC issuer (`oidc.eks.<region>.amazonaws.com/id/<ID>`). */
const EKS_ISSUER_HOST = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\/[^/]+$/i;

/**
 * Whether a statement is an IRSA statement: a possible `Allow` that either lets everyone call
 * `sts:AssumeRoleWithWebIdentity`, or names a Federated OIDC provider that may be a Kubernetes
 * issuer: a host with holes, an EKS issuer host, a host in `oidcProviders`, or any host whose
 * `sub` condition names a service account. Other web identities (Cognito, SAML, GitHub Actions'
 * `token.actions.githubusercontent.com`) are not IRSA.
 */
function isIrsaStatement(stmt: Statement, oidcProviders: readonly string[]): boolean {
  if (effectIs(stmt, 'Allow') === false) return false;
  const block = stmt.principal;
  if (block === undefined || block.kind !== 'map')
    return statementCovers(stmt, 'sts:AssumeRoleWithWebIdentity').covers === true;
  const namesServiceAccount = stmt.condition.some(
    (c) =>
      endsWithLiteral(c.key, ':sub', true) !== false &&
      c.values.some((v) => startsWithLiteral(v.value, 'system:serviceaccount:') !== false),
  );
  return principalsOfType(block, 'Federated').some((p) => {
    const { host, isProvider } = providerHost(p.value.value);
    if (isProvider === false) return false;
    if (host === undefined || typeof host !== 'string') return true;
    return EKS_ISSUER_HOST.test(host) || inList(host, oidcProviders) === true || namesServiceAccount;
  });
}

/** The provider host of a Federated principal (`arn:aws:iam::1:oidc-provider/<host>`), if it is one. */
function providerHost(provider: SymText): {
  host: SymText | undefined;
  isProvider: Tri;
  account: SymText | undefined;
} {
  const arn = parseArn(provider);
  if (arn === undefined)
    return {
      host: undefined,
      isProvider: holesOf(provider).length > 0 ? 'unknown' : false,
      account: undefined,
    };
  const isProvider = allTri([symEquals(arn.service, 'iam'), startsWithLiteral(arn.resource, OIDC_PREFIX)]);
  return {
    host: isProvider === true ? dropLiteralPrefix(arn.resource, OIDC_PREFIX.length) : undefined,
    isProvider,
    account: arn.account,
  };
}

/** Clauses whose key ends with `:<claim>` and whose operator is (or may be) `StringEquals`. */
function claimClauses(
  stmt: Statement,
  claim: 'sub' | 'aud',
): { equals: ConditionClause[]; other: ConditionClause[] } {
  const all = stmt.condition.filter((c) => endsWithLiteral(c.key, `:${claim}`, true) !== false);
  return {
    equals: all.filter((c) => symEquals(c.operator, 'StringEquals') !== false),
    other: all.filter((c) => symEquals(c.operator, 'StringEquals') === false),
  };
}

/**
 * The IRSA statements of a trust document and what they bind.
 *
 * @param oidcProviders provider hosts that count as Kubernetes issuers besides EKS ones.
 */
export function irsaBindings(doc: PolicyDocument, oidcProviders: readonly string[] = []): IrsaBinding[] {
  return doc.statements
    .filter((s) => isIrsaStatement(s, oidcProviders))
    .map((statement) => {
      const fed = principalsOfType(statement.principal, 'Federated');
      const host = fed.length === 1 ? providerHost(fed[0]!.value.value).host : undefined;
      const sub = claimClauses(statement, 'sub').equals.find((c) => c.values.length === 1)?.values[0];
      const aud = claimClauses(statement, 'aud').equals.flatMap((c) => c.values);
      return { statement, host, sub, aud };
    });
}

/** Whether `host` is derived from the OIDC issuer of an EKS `Cluster` of `graph`. */
function isGraphClusterIssuer(host: SymText, graph: RenderedGraph | undefined): boolean {
  const holes = holesOf(host);
  if (graph === undefined || holes.length === 0) return false;
  return holes.every((h) =>
    h.provenance.every(
      (p) =>
        p.kind === 'status' &&
        p.path.includes('.status.identity.oidc.issuer') &&
        resourcesWithId(graph, p.resourceId).some((r) => isKind(r, 'eks.services.k8s.aws', 'Cluster')),
    ),
  );
}

/** Whether a literal (or symbolic) value is in a list of literals (case-insensitive). */
function inList(t: SymText, list: readonly string[]): Tri {
  return anyTri(list.map((x) => symEquals(t, x, true)));
}

/** Step 1: the Federated provider of one IRSA statement. */
function checkProvider(
  stmt: Statement,
  base: readonly PathSegment[],
  opts: IrsaOptions,
  out: RuleResult[],
): SymText | undefined {
  const block = stmt.principal;
  const principalPath = within(base, block?.path ?? stmt.path);
  if (stmt.notPrincipal !== undefined || block === undefined || block.kind === 'wildcard') {
    out.push(fail(principalPath, 'an IRSA statement must name exactly one Federated OIDC provider'));
    return undefined;
  }
  if (block.kind === 'unknown') {
    out.push(
      unknownResult(principalPath, block.value, `principal ${quoteText(block.value)} is not known yet`),
    );
    return undefined;
  }
  const fed = principalsOfType(block, 'Federated');
  if (fed.length !== 1) {
    out.push(fail(principalPath, `${fed.length} Federated principals; IRSA needs exactly one OIDC provider`));
    return undefined;
  }
  const provider = fed[0]!.value;
  const path = within(base, provider.path);
  const { host, isProvider, account } = providerHost(provider.value);
  if (isProvider !== true || host === undefined) {
    const reason = `${quoteText(provider.value)} is not an arn:aws:iam::<account>:oidc-provider/<host> ARN`;
    out.push(...finding(isProvider === false ? true : 'unknown', path, reason, [provider.value]));
    return undefined;
  }
  if (opts.allowedAccounts.length > 0 && account !== undefined) {
    const ok = inList(account, opts.allowedAccounts);
    out.push(
      ...finding(
        ok === 'unknown' ? 'unknown' : !ok,
        path,
        `provider account ${quoteText(account)} is not in allowedAccounts`,
        [account],
      ),
    );
  }
  const single = holesOf(host);
  if (
    single.length === 1 &&
    printText(host) === single[0]!.toString() &&
    /\.status\.identity\.oidc\.issuer$/.test(single[0]!.expression.replace(/\s+/g, ''))
  ) {
    out.push(fail(path, `${quoteText(host)} is the issuer URL; strip "https://" for the provider host`));
  } else if (startsWithLiteral(host, 'https://', true) === true) {
    out.push(fail(path, `provider host ${quoteText(host)} must not include "https://"`));
  }
  if (opts.oidcProviders.length > 0 && !isGraphClusterIssuer(host, opts.graph)) {
    const ok = inList(host, opts.oidcProviders);
    out.push(
      ...finding(
        ok === 'unknown' ? 'unknown' : !ok,
        path,
        `provider ${quoteText(host)} is not in oidcProviders`,
        [host],
      ),
    );
  }
  // Step 6: other principals of the same statement get the same access.
  for (const p of principalValues(block)) {
    if (symEquals(p.type, 'Federated') === true) continue;
    out.push(
      fail(
        within(base, p.value.path),
        `the IRSA statement also trusts ${printText(p.type)} ${quoteText(p.value.value)}`,
      ),
    );
  }
  return host;
}

/** Steps 2 and 4 for `sub`. */
function checkSub(
  stmt: Statement,
  base: readonly PathSegment[],
  host: SymText | undefined,
  out: RuleResult[],
): void {
  const { equals, other } = claimClauses(stmt, 'sub');
  const conditionPath = within(base, [...stmt.path, 'Condition']);
  if (equals.length === 0) {
    if (other.length > 0) {
      const c = other[0]!;
      out.push(
        fail(
          within(base, c.path),
          `sub is tested with ${quoteText(c.operator)}, not StringEquals: more than one service account may assume the role`,
        ),
      );
    } else if (stmt.unknownConditions.length > 0) {
      out.push(
        unknownResult(
          conditionPath,
          stmt.unknownConditions.map((u) => u.value),
          'the sub condition is not known yet',
        ),
      );
    } else {
      out.push(
        fail(
          stmt.hasCondition ? conditionPath : within(base, stmt.path),
          'no StringEquals sub condition: any service account of the cluster can assume the role',
        ),
      );
    }
    return;
  }
  for (const c of equals) {
    const path = within(base, c.path);
    const op = symEquals(c.operator, 'StringEquals');
    if (op === 'unknown')
      out.push(
        unknownResult(path, c.operator, `condition operator ${quoteText(c.operator)} is not known yet`),
      );
    if (c.values.length !== 1) {
      out.push(fail(path, `sub lists ${c.values.length} values; exactly one service account expected`));
      continue;
    }
    const v = c.values[0]!;
    checkSubValue(v, base, out);
    checkKeyPrefix(c, host, base, out);
  }
}

/** `system:serviceaccount:<namespace>:<name>` without wildcards. */
function checkSubValue(v: Located<SymText>, base: readonly PathSegment[], out: RuleResult[]): void {
  const path = within(base, v.path);
  if (isWildcard(v.value)) {
    out.push(fail(path, `sub ${quoteText(v.value)} contains "*" or "?": name one service account`));
    return;
  }
  const parts = splitText(v.value, ':');
  // Fewer than four parts may still come from a hole holding colons; more never fit.
  const shape: Tri =
    parts.length === 4
      ? allTri([symEquals(parts[0]!, 'system'), symEquals(parts[1]!, 'serviceaccount')])
      : parts.length < 4 && holesOf(v.value).length > 0
        ? 'unknown'
        : false;
  if (shape !== true) {
    const reason = `sub ${quoteText(v.value)} is not system:serviceaccount:<namespace>:<name>`;
    out.push(...finding(shape, path, reason, [v.value]));
    return;
  }
  const [, , ns, name] = parts as [SymText, SymText, SymText, SymText];
  if ((typeof ns === 'string' && !NAMESPACE.test(ns)) || (typeof name === 'string' && !SA_NAME.test(name)))
    out.push(fail(path, `sub ${quoteText(v.value)} does not name a valid namespace and service account`));
}

/** Step 4: the condition key's `<host>` is the Federated provider's host. */
function checkKeyPrefix(
  c: ConditionClause,
  host: SymText | undefined,
  base: readonly PathSegment[],
  out: RuleResult[],
): void {
  if (host === undefined) return;
  const prefix = dropLiteralSuffix(c.key, 4);
  const path = within(base, c.path);
  if (prefix === undefined) {
    out.push(unknownResult(path, c.key, `condition key ${quoteText(c.key)} is not known yet`));
    return;
  }
  const same = symEquals(prefix, host, true);
  const reason = `condition key ${quoteText(c.key)} is not for the Federated provider ${quoteText(host)}`;
  out.push(...finding(same === 'unknown' ? 'unknown' : !same, path, reason, [prefix, host]));
}

/** Steps 3 and 4 for `aud`. */
function checkAud(
  stmt: Statement,
  base: readonly PathSegment[],
  host: SymText | undefined,
  audience: SymText,
  out: RuleResult[],
): void {
  const { equals } = claimClauses(stmt, 'aud');
  if (equals.length === 0) {
    if (stmt.unknownConditions.length > 0)
      out.push(
        unknownResult(
          within(base, [...stmt.path, 'Condition']),
          stmt.unknownConditions.map((u) => u.value),
          'the aud condition is not known yet',
        ),
      );
    else
      out.push(
        fail(
          within(base, stmt.hasCondition ? [...stmt.path, 'Condition'] : stmt.path),
          `no StringEquals aud condition (must be ${quoteText(audience)})`,
        ),
      );
    return;
  }
  for (const c of equals) {
    const path = within(base, c.path);
    const values = c.values.map((v) => v.value);
    const exact = c.values.length === 1 ? symEquals(c.values[0]!.value, audience) : false;
    const reason = `aud is ${values.map(quoteText).join(', ') || 'empty'}, must be exactly ${quoteText(audience)}`;
    out.push(...finding(exact === 'unknown' ? 'unknown' : !exact, path, reason, [...values, audience]));
    checkKeyPrefix(c, host, base, out);
  }
}

/**
 * IAM-016 on a trust document, steps 1-4 and 6 (see the module comment). Returns `[]` when the
 * document has no IRSA statement (the role is not an IRSA role).
 */
export function analyseIrsaTrust(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  opts: IrsaOptions,
): RuleResult[] {
  const irsa = doc.statements.filter((s) => isIrsaStatement(s, opts.oidcProviders));
  if (irsa.length === 0) return [];
  const out: RuleResult[] = [];
  for (const stmt of irsa) {
    const host = checkProvider(stmt, base, opts, out);
    checkSub(stmt, base, host, out);
    checkAud(stmt, base, host, opts.audience ?? DEFAULT_AUDIENCE, out);
  }
  // Step 6: any other statement letting principals in shares the role's permissions.
  for (const stmt of doc.statements) {
    if (irsa.includes(stmt) || effectIs(stmt, 'Allow') === false) continue;
    const who =
      stmt.principal?.kind === 'map'
        ? principalValues(stmt.principal).map((p) => `${printText(p.type)} ${quoteText(p.value.value)}`)
        : [];
    const reason = `the trust also allows ${who.length > 0 ? who.join(', ') : 'other principals'} besides IRSA`;
    out.push(
      ...finding(effectIs(stmt, 'Allow'), within(base, stmt.principal?.path ?? stmt.path), reason, [
        stmt.effect.value,
      ]),
    );
  }
  const subs = irsaBindings(doc, opts.oidcProviders)
    .map((b) => b.sub?.value)
    .filter((s) => s !== undefined);
  return passWhenClean(
    out,
    base,
    `IRSA trust is scoped to ${subs.map(quoteText).join(', ')} with aud ${quoteText(opts.audience ?? DEFAULT_AUDIENCE)}`,
  );
}

/**
 * IAM-016 step 5 (compliance-catalogue §3.1): exactly one ServiceAccount of the graph carries
 * this role's ARN, and each IRSA `sub` equals `system:serviceaccount:<its namespace>:<its name>`
 * (compared symbolically: the same instance field on both sides is equal).
 *
 * @param serviceAccounts the graph's ServiceAccounts whose role-arn annotation is this role, each
 *   with its namespace and name (see graph.ts).
 * @param oidcProviders as in {@link IrsaOptions}, to recognise IRSA statements.
 */
export function analyseIrsaGraph(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  roleId: string,
  serviceAccounts: readonly { id: string; namespace: SymText | undefined; name: SymText | undefined }[],
  oidcProviders: readonly string[] = [],
): RuleResult[] {
  const bindings = irsaBindings(doc, oidcProviders);
  if (bindings.length === 0) return [];
  if (serviceAccounts.length === 0)
    return [
      fail(
        [...base],
        `no ServiceAccount of the graph has eks.amazonaws.com/role-arn: \${${roleId}.status.ackResourceMetadata.arn}`,
      ),
    ];
  if (serviceAccounts.length > 1)
    return [
      fail(
        [...base],
        `${serviceAccounts.length} ServiceAccounts use this role (${serviceAccounts.map((s) => s.id).join(', ')}); one expected`,
      ),
    ];
  const sa = serviceAccounts[0]!;
  if (sa.namespace === undefined || sa.name === undefined)
    return [fail([...base], `ServiceAccount "${sa.id}" has no readable namespace and name`)];
  const expected = symbolicString(['system:serviceaccount:', sa.namespace, ':', sa.name]);
  const out: RuleResult[] = [];
  for (const b of bindings) {
    if (b.sub === undefined) continue; // reported by analyseIrsaTrust
    const path = within(base, b.sub.path);
    const same = symEquals(b.sub.value, expected);
    if (same === true) out.push(pass(path, `sub names ServiceAccount "${sa.id}" (${quoteText(expected)})`));
    else if (same === false)
      out.push(
        fail(path, `sub ${quoteText(b.sub.value)} is not ServiceAccount "${sa.id}" (${quoteText(expected)})`),
      );
    else
      out.push(
        unknownResult(
          path,
          [b.sub.value, expected] as RenderedValue[],
          `sub ${quoteText(b.sub.value)} may not be ${quoteText(expected)}`,
        ),
      );
  }
  return out;
}
