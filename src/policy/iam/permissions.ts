/**
 * Analyses of permission (identity) policies: `Policy.spec.policyDocument`,
 * `Role|User|Group.spec.inlinePolicies.*`, `PodIdentityAssociation.spec.policy` (compliance-catalogue
 * §2.2, IAM-001 to IAM-005, IAM-007 to IAM-009, IAM-013).
 *
 * Each analysis takes a parsed document and `base` (the policy field's path in the object) and
 * returns one `fail` or `unknown` per offending statement or value, or a single `pass` at `base`.
 * Only `Allow` statements grant; a statement whose Effect has holes counts as a possible Allow.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import type { RenderedGraph } from '../../graph/render/types.ts';
import { unknownResult } from '../results.ts';
import type { RuleResult } from '../types.ts';
import {
  PASS_ROLE_PARTNERS,
  PRIVILEGE_ESCALATION_ACTIONS,
  isNonResourceAction,
  statementCovers,
} from './actions.ts';
import { clausesWithKey } from './conditions.ts';
import type { Located, PolicyDocument, Statement } from './document.ts';
import { coversEveryResource, resourceScope } from './resources.ts';
import {
  effectIs,
  finding,
  listTexts,
  passWhenClean,
  unknownStatementFindings,
  within,
} from './statements.ts';
import {
  allTri,
  anyTri,
  holesOf,
  isFixedHole,
  isFixedText,
  joinText,
  literalText,
  quoteText,
  splitText,
  symEquals,
  type SymText,
  type Tri,
} from './text.ts';

/** The first item with the strongest verdict (`true` over `'unknown'`), or `undefined`. */
function strongest<T>(items: readonly T[], test: (item: T) => Tri): { verdict: Tri; item: T | undefined } {
  let maybe: T | undefined;
  for (const item of items) {
    const v = test(item);
    if (v === true) return { verdict: true, item };
    if (v === 'unknown') maybe ??= item;
  }
  return { verdict: maybe === undefined ? false : 'unknown', item: maybe };
}

/** Whether an action pattern is every action (`*`, `*:*`). */
export function isEveryAction(t: SymText): Tri {
  return anyTri([symEquals(t, '*'), symEquals(t, '*:*')]);
}

/**
 * Whether an action pattern is every action of one service (`s3:*`, `${svc}:*`): its action part is
 * only `*`. `*` and `*:*` are not (they are every action, IAM-002).
 */
export function isServiceWide(t: SymText): Tri {
  const [service, ...rest] = splitText(t, ':');
  if (rest.length === 0) return holesOf(t).every(isFixedHole) ? false : 'unknown';
  if (service === '*') return false;
  const name = joinText(rest, ':');
  const literal = literalText(name);
  if (/[^*]/.test(literal)) return false;
  if (holesOf(name).length > 0) return 'unknown';
  return literal.length > 0;
}

/** Whether a statement's resources cover every resource (`NotResource` counts as yes). */
function everyResource(
  stmt: Statement,
  service?: string,
  type?: string,
): { verdict: Tri; item: Located<SymText> | undefined } {
  if (stmt.notResource.length > 0) return { verdict: true, item: stmt.notResource[0] };
  return strongest(stmt.resource, (r) => coversEveryResource(r.value, service, type));
}

/** IAM-001: no `Allow` of every action (`*`, `*:*`) on every resource (FSBP IAM.1, CIS 1.15/2.15/2.14). */
export function analyseFullAdmin(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow "*" on "*"');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const action = strongest(stmt.action, (a) => isEveryAction(a.value));
    const resource = everyResource(stmt);
    if (action.item === undefined || resource.item === undefined) continue;
    results.push(
      ...finding(
        allTri([allow, action.verdict, resource.verdict]),
        within(base, action.item.path),
        `Allow of Action ${quoteText(action.item.value)} on Resource ${quoteText(resource.item.value)} is full admin`,
        [stmt.effect.value, action.item.value, resource.item.value],
      ),
    );
  }
  return passWhenClean(results, base, 'no statement allows every action on every resource');
}

/** IAM-002: no `Allow` of Action `*` (checkov CKV_AWS_63, CKV_AWS_49). */
export function analyseWildcardAction(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow Action "*"');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    for (const a of stmt.action) {
      results.push(
        ...finding(
          allTri([allow, isEveryAction(a.value)]),
          within(base, a.path),
          `Action ${quoteText(a.value)} allows every action of every service`,
          [stmt.effect.value, a.value],
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no statement allows Action "*"');
}

/** IAM-003: no `Allow` of a whole service (`s3:*`) (FSBP IAM.21, Config iam-policy-no-statements-with-full-access). */
export function analyseServiceWildcard(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow a whole service');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    for (const a of stmt.action) {
      const service = splitText(a.value, ':')[0]!;
      results.push(
        ...finding(
          allTri([allow, isServiceWide(a.value)]),
          within(base, a.path),
          `Action ${quoteText(a.value)} allows every action of service ${quoteText(service)}`,
          [stmt.effect.value, a.value],
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no statement allows every action of a service');
}

/**
 * Whether an action pattern includes actions that support resource-level permissions: every
 * pattern except literal ones inside {@link isNonResourceAction}'s table. Unknown actions are
 * scopable (strict default).
 */
function isScopable(t: SymText): Tri {
  if (typeof t === 'string') return !isNonResourceAction(t);
  return holesOf(t).length > 0 ? 'unknown' : true;
}

/** IAM-004: no `Resource: *` for actions that support resource-level permissions (checkov CKV_AWS_355). */
export function analyseResourceWildcard(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow actions on "*"');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const resource = everyResource(stmt);
    if (resource.verdict === false || resource.item === undefined) continue;
    const scopable: SymText[] = stmt.notAction.length > 0 ? ['NotAction'] : [];
    const maybe: SymText[] = [];
    for (const a of stmt.action) {
      const s = isScopable(a.value);
      if (s === true) scopable.push(a.value);
      else if (s === 'unknown') maybe.push(a.value);
    }
    const path = within(base, resource.item.path);
    const on = `Resource ${quoteText(resource.item.value)}`;
    if (scopable.length > 0) {
      const verdict = allTri([allow, resource.verdict]);
      const reason = `${on} for actions with resource-level permissions: ${listTexts(scopable)}`;
      results.push(...finding(verdict, path, reason, [stmt.effect.value, resource.item.value]));
    } else if (maybe.length > 0) {
      results.push(
        unknownResult(
          path,
          [stmt.effect.value, resource.item.value, ...maybe],
          `${on} for actions not known yet: ${listTexts(maybe)}`,
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no resource-scopable action is allowed on every resource');
}

/** Whether every action of the statement is a literal action without resource-level permissions. */
function onlyNonResourceActions(stmt: Statement): boolean {
  return (
    stmt.notAction.length === 0 &&
    stmt.action.length > 0 &&
    stmt.action.every((a) => isScopable(a.value) === false)
  );
}

/**
 * IAM-005: every `Resource` of an `Allow` statement is derived from the status ARN of a resource of
 * `graph` (`${bucket.status.ackResourceMetadata.arn}/*`) or is a literal ARN without wildcards
 * (compliance-catalogue §2.2; NIST AC-6). Statements whose actions all lack resource-level
 * permissions are exempt; `NotResource` is never scoped.
 */
export function analyseGraphScope(
  doc: PolicyDocument,
  base: readonly PathSegment[],
  graph: RenderedGraph | undefined,
): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'its resources may not be graph resources');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false || onlyNonResourceActions(stmt)) continue;
    if (stmt.notResource.length > 0) {
      const reason = 'NotResource allows every resource but a few; list graph resources instead';
      results.push(
        ...finding(allow, within(base, [...stmt.path, 'NotResource']), reason, [stmt.effect.value]),
      );
    }
    for (const r of stmt.resource) {
      const scope = resourceScope(r.value, graph);
      const path = within(base, r.path);
      if (scope === 'wildcard')
        results.push(
          ...finding(allow, path, `Resource ${quoteText(r.value)} is a pattern, not a graph resource`, [
            stmt.effect.value,
          ]),
        );
      else if (scope === 'foreign')
        results.push(
          ...finding(allow, path, `Resource ${quoteText(r.value)} uses a resource not in the graph`, [
            stmt.effect.value,
          ]),
        );
      else if (scope === 'unknown')
        results.push(unknownResult(path, r.value, `Resource ${quoteText(r.value)} is not known yet`));
    }
  }
  return passWhenClean(results, base, 'every resource is a graph resource or a literal ARN');
}

/**
 * Whether the statement limits `iam:PassRole` with an `iam:PassedToService` condition, and the
 * services it names (`undefined` when any service, or not known).
 */
function passedToService(stmt: Statement): { constrained: Tri; services: string[] | undefined } {
  let unknown = stmt.unknownConditions.length > 0;
  for (const { clause, match } of clausesWithKey(stmt, 'iam:PassedToService')) {
    const positive = anyTri(
      ['StringEquals', 'StringEqualsIgnoreCase', 'StringLike'].map((op) => symEquals(clause.operator, op)),
    );
    const fixed = allTri(clause.values.map((v) => isFixedText(v.value)));
    const v = allTri([match, positive, clause.values.length > 0, fixed]);
    if (v === true) {
      const services = clause.values.map((x) => x.value);
      const literal = services.every((s): s is string => typeof s === 'string');
      return { constrained: true, services: literal ? services.map((s) => s.toLowerCase()) : undefined };
    }
    if (v === 'unknown') unknown = true;
  }
  return { constrained: unknown ? 'unknown' : false, services: undefined };
}

/** IAM-007: `iam:PassRole` not on every role without `iam:PassedToService` (checkov CKV_AWS_286, trivy AWS-0342). */
export function analysePassRole(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow iam:PassRole on every role');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const pass = statementCovers(stmt, 'iam:PassRole');
    if (pass.covers === false) continue;
    const resource = everyResource(stmt, 'iam', 'role');
    if (resource.verdict === false || resource.item === undefined) continue;
    const { constrained } = passedToService(stmt);
    const unconstrained: Tri = constrained === 'unknown' ? 'unknown' : !constrained;
    results.push(
      ...finding(
        allTri([allow, pass.covers, resource.verdict, unconstrained]),
        within(base, pass.path ?? stmt.path),
        `iam:PassRole on ${quoteText(resource.item.value)} without an iam:PassedToService condition`,
        [stmt.effect.value, ...(pass.value === undefined ? [] : [pass.value]), resource.item.value],
      ),
    );
  }
  return passWhenClean(results, base, 'iam:PassRole is scoped to roles or to services');
}

/** Whether the statement's resources are patterns (or not known yet) rather than specific resources. */
function broadResources(stmt: Statement): Tri {
  if (stmt.notResource.length > 0) return true;
  return anyTri(
    stmt.resource.map((r) => {
      const scope = resourceScope(r.value, undefined);
      return scope === 'wildcard' ? true : scope === 'unknown' ? 'unknown' : false;
    }),
  );
}

/**
 * IAM-008: no privilege-escalation actions on unscoped resources, alone
 * ({@link PRIVILEGE_ESCALATION_ACTIONS}) or as `iam:PassRole` plus a compute-creating action
 * ({@link PASS_ROLE_PARTNERS}) anywhere in the document (checkov CKV_AWS_286-290, CKV_AWS_107-111).
 */
export function analysePrivilegeEscalation(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow privilege escalation');
  const allows = doc.statements
    .map((stmt) => ({ stmt, allow: effectIs(stmt, 'Allow') }))
    .filter((s) => s.allow !== false);
  for (const { stmt, allow } of allows) {
    const broad = broadResources(stmt);
    if (broad === false) continue;
    const certain: string[] = [];
    const maybe: string[] = [];
    for (const action of PRIVILEGE_ESCALATION_ACTIONS) {
      const c = statementCovers(stmt, action).covers;
      if (c === true) certain.push(action);
      else if (c === 'unknown') maybe.push(action);
    }
    const found = certain.length > 0 ? certain : maybe;
    if (found.length === 0) continue;
    const verdict = allTri([allow, broad, certain.length > 0 ? true : 'unknown']);
    const reason = `allows privilege escalation on unscoped resources: ${listTexts(found)}`;
    results.push(
      ...finding(verdict, within(base, stmt.path), reason, [
        stmt.effect.value,
        ...stmt.resource.map((r) => r.value),
      ]),
    );
  }
  // iam:PassRole on any role, plus an action that starts compute running as the passed role.
  for (const { stmt, allow } of allows) {
    const pass = statementCovers(stmt, 'iam:PassRole');
    if (pass.covers === false) continue;
    const broad = anyTri([broadResources(stmt), everyResource(stmt, 'iam', 'role').verdict]);
    if (broad === false) continue;
    const { services } = passedToService(stmt);
    const certain: string[] = [];
    const maybe: string[] = [];
    for (const partner of PASS_ROLE_PARTNERS) {
      if (services !== undefined && !services.includes(partner.service)) continue;
      const allowed = anyTri(
        allows.map((a) => allTri([a.allow, statementCovers(a.stmt, partner.action).covers])),
      );
      if (allowed === true) certain.push(partner.action);
      else if (allowed === 'unknown') maybe.push(partner.action);
    }
    const partners = certain.length > 0 ? certain : maybe;
    if (partners.length === 0) continue;
    const verdict = allTri([allow, pass.covers, broad, certain.length > 0 ? true : 'unknown']);
    const reason = `iam:PassRole on any role with ${listTexts(partners)} can run code as any role`;
    const values = [stmt.effect.value, ...stmt.resource.map((r) => r.value)];
    results.push(...finding(verdict, within(base, pass.path ?? stmt.path), reason, values));
  }
  return passWhenClean(results, base, 'no privilege-escalation action is allowed on unscoped resources');
}

/** IAM-009: no `kms:Decrypt` / `kms:ReEncryptFrom` on every key (FSBP KMS.1, KMS.2). */
export function analyseKmsDecrypt(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may allow decryption with every KMS key');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    for (const action of ['kms:Decrypt', 'kms:ReEncryptFrom']) {
      const c = statementCovers(stmt, action);
      if (c.covers === false) continue;
      const resource = everyResource(stmt, 'kms', 'key');
      if (resource.item === undefined) continue;
      results.push(
        ...finding(
          allTri([allow, c.covers, resource.verdict]),
          within(base, resource.item.path),
          `${action} on ${quoteText(resource.item.value)} allows decrypting with every KMS key`,
          [stmt.effect.value, resource.item.value],
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no statement allows decryption with every KMS key');
}

/** IAM-013: no `NotAction`, `NotResource` or `NotPrincipal` in an `Allow` statement. */
export function analyseNegations(doc: PolicyDocument, base: readonly PathSegment[]): RuleResult[] {
  const results = unknownStatementFindings(doc, base, 'it may use NotAction or NotResource with Allow');
  for (const stmt of doc.statements) {
    const allow = effectIs(stmt, 'Allow');
    if (allow === false) continue;
    const negations: [string, boolean][] = [
      ['NotAction', stmt.notAction.length > 0],
      ['NotResource', stmt.notResource.length > 0],
      ['NotPrincipal', stmt.notPrincipal !== undefined],
    ];
    for (const [element, present] of negations) {
      if (!present) continue;
      results.push(
        ...finding(
          allow,
          within(base, [...stmt.path, element]),
          `Allow with ${element} grants everything but the listed values`,
          [stmt.effect.value],
        ),
      );
    }
  }
  return passWhenClean(results, base, 'no Allow statement uses NotAction, NotResource or NotPrincipal');
}
