/**
 * The decisions of the review workers for every request kro-guard checks: `/validate` and `/mutate`
 * of RGDs, instances, children and kro-guard's own resources. Pure over a {@link DecisionContext}
 * (the schema source, the policy set and the RGDs in force, all read from memory).
 */
import jsonPatch from 'fast-json-patch';
import { withRgdDefaults } from '../graph/defaults.ts';
import type { PolicySet } from '../policy/config/index.ts';
import { parseExceptionResource, parsePolicyResource } from '../policy/config/index.ts';
import { instancePatch } from '../instance/index.ts';
import { mutateRgdTemplates, type TemplateMutationOptions } from '../policy/mutations/index.ts';
import { BUILTIN_RULE_IDS } from '../policy/rules/index.ts';
import type { SchemaSource } from '../schemas/source.ts';
import { compileRgd, type CompiledRgdCache } from './compiled-rgd.ts';
import { childCompliance, childInstanceGvk, instanceCompliance, rgdCompliance } from './compliance.ts';
import { truncateText, WARNING_MAX_LENGTH } from './message.ts';
import { allowReview } from './respond.ts';
import { decisionReview } from './validate.ts';
import { isSpecUnchanged } from './rgd-request.ts';
import { reviewTarget } from './targets.ts';
import type { AdmissionReview, AdmissionReviewRequest, GroupVersionKind } from './types.ts';

/** What the decisions read; everything is in memory (the edges keep it current). */
export interface DecisionContext {
  schemas: SchemaSource;
  /** The policy set in force. */
  policies: PolicySet;
  /** The stored RGD generating `gvk`, or undefined (the RGD store; none offline). */
  rgdForKind(gvk: GroupVersionKind): unknown;
  /** Compiled RGD generations. */
  compiled: CompiledRgdCache;
  /** Labels of a namespace, when known (policies' namespaceSelector). */
  namespaceLabels?(namespace: string): Readonly<Record<string, string>> | undefined;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function nameOf(review: AdmissionReviewRequest): string | undefined {
  const md = record(record(review.request.object).metadata);
  return review.request.name || (typeof md.name === 'string' ? md.name : undefined);
}

function labelsFor(
  ctx: DecisionContext,
  namespace: string | undefined,
): { namespaceLabels?: Readonly<Record<string, string>> } {
  if (namespace === undefined || namespace === '' || ctx.namespaceLabels === undefined) return {};
  const labels = ctx.namespaceLabels(namespace);
  return labels === undefined ? {} : { namespaceLabels: labels };
}

/**
 * `/validate` for one review:
 * - RGD: kro's static check (kro-contract §1-§6) and, when it passes, RGD-time compliance;
 * - instance: the generated CRD's admission and instance-time compliance;
 * - child: the rules on the object;
 * - CompliancePolicy / ComplianceException: their validation;
 * - anything else, DELETE, CONNECT and subresources: allowed.
 * An instance UPDATE that leaves `spec` unchanged is allowed unchecked, as RGD updates are.
 *
 * @throws only on defects; the server answers those by the webhook's failurePolicy.
 */
export function decideValidate(review: AdmissionReviewRequest, ctx: DecisionContext): AdmissionReview {
  const req = review.request;
  const isInstance = (gvk: GroupVersionKind): boolean => ctx.rgdForKind(gvk) !== undefined;
  switch (reviewTarget(req, isInstance)) {
    case 'rgd': {
      if (isSpecUnchanged(req)) return allowReview(req.uid);
      const compiled = compileRgd(
        req.object,
        ctx.schemas,
        req.operation === 'UPDATE' ? { oldRgd: req.oldObject } : {},
      );
      const diagnostics = [...compiled.check.diagnostics];
      if (!diagnostics.some((d) => d.severity === 'error'))
        diagnostics.push(...rgdCompliance(compiled, ctx.policies).diagnostics);
      return decisionReview(review, diagnostics);
    }
    case 'instance': {
      if (isSpecUnchanged(req)) return allowReview(req.uid);
      const compiled = ctx.compiled.get(ctx.rgdForKind(req.kind), ctx.schemas);
      const result = instanceCompliance(req.object, compiled, ctx.policies, {
        operation: req.operation as 'CREATE' | 'UPDATE',
        ...(req.operation === 'UPDATE' ? { oldObject: req.oldObject } : {}),
        ...labelsFor(ctx, req.namespace),
      });
      return decisionReview(review, result.diagnostics);
    }
    case 'child': {
      // kro v0.9.3 labels children with their instance's kind, not their RGD: find it from that.
      const instance = childInstanceGvk(req.object);
      const rgdName = record(
        record(instance === undefined ? undefined : ctx.rgdForKind(instance)).metadata,
      ).name;
      const options = {
        ...labelsFor(ctx, req.namespace),
        ...(typeof rgdName === 'string' ? { rgdName } : {}),
      };
      return decisionReview(review, childCompliance(record(req.object), ctx.policies, options).diagnostics);
    }
    case 'policy':
      return decisionReview(
        review,
        parsePolicyResource(req.object, { knownRuleIds: BUILTIN_RULE_IDS }).diagnostics,
      );
    case 'exception':
      return decisionReview(
        review,
        parseExceptionResource(req.object, { knownRuleIds: BUILTIN_RULE_IDS, now: new Date() }).diagnostics,
      );
    case 'ignore':
      return allowReview(req.uid);
  }
}

/** The template mutations the policies matching `rgdName` enable (their union). */
export function enabledMutations(policies: PolicySet, rgdName: string | undefined): TemplateMutationOptions {
  const out: TemplateMutationOptions = {};
  const target = {
    kind: { group: 'kro.run', kind: 'ResourceGraphDefinition' },
    ...(rgdName === undefined ? {} : { rgdName }),
  };
  for (const { policy } of policies.matchingPolicies(target)) {
    const m = policy.policy.mutations;
    if (!m.enabled) continue;
    out.s3Encryption ||= m.s3Encryption;
    out.s3PublicAccessBlock ||= m.s3PublicAccessBlock;
    out.s3ObjectOwnership ||= m.s3ObjectOwnership;
    out.irsaAudience ||= m.irsaAudience;
  }
  return out;
}

function base64Patch(patch: readonly jsonPatch.Operation[]): string | undefined {
  return patch.length === 0 ? undefined : Buffer.from(JSON.stringify(patch)).toString('base64');
}

/**
 * `/mutate` for one review (never denies):
 * - RGD: the RGD CRD's defaults (`spec.schema.group`, `scope`) and the compliance defaults the
 *   matching policies enable on its templates (`mutateRgdTemplates`), each change named in a
 *   warning (`kro-guard: <path>: <change> (<rule>)`);
 * - instance: the generated CRD's defaults (what dry-run output then shows);
 * - anything else: allowed unchanged.
 * The patch is idempotent: reinvoked on its own output it is empty.
 */
export function decideMutate(review: AdmissionReviewRequest, ctx: DecisionContext): AdmissionReview {
  const req = review.request;
  const isInstance = (gvk: GroupVersionKind): boolean => ctx.rgdForKind(gvk) !== undefined;
  const target = reviewTarget(req, isInstance);
  if (typeof req.object !== 'object' || req.object === null) return allowReview(req.uid);
  if (target === 'rgd') {
    const defaulted = withRgdDefaults(req.object) as object;
    const mutation = mutateRgdTemplates(defaulted, enabledMutations(ctx.policies, nameOf(review)));
    const final =
      mutation.patch.length === 0
        ? defaulted
        : (jsonPatch.applyPatch(structuredClone(defaulted), mutation.patch, false, false)
            .newDocument as object);
    const patch = base64Patch(jsonPatch.compare(req.object, final));
    const warnings = mutation.changes.map((c) =>
      truncateText(`kro-guard: ${c.path}: ${c.description} (${c.ruleId})`, WARNING_MAX_LENGTH),
    );
    return allowReview(req.uid, { warnings, ...(patch === undefined ? {} : { patch }) });
  }
  if (target === 'instance') {
    const compiled = ctx.compiled.get(ctx.rgdForKind(req.kind), ctx.schemas);
    if (compiled.instanceSchema === undefined) return allowReview(req.uid);
    const admitted = compiled.instanceSchema.admit(req.object, {
      operation: req.operation as 'CREATE' | 'UPDATE',
      ...(req.operation === 'UPDATE' ? { oldObject: req.oldObject } : {}),
    });
    const patch = base64Patch(instancePatch(req.object, admitted.object));
    return allowReview(req.uid, patch === undefined ? {} : { patch });
  }
  return allowReview(req.uid);
}
