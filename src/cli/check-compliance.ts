/**
 * What `kro-guard check` does with each object besides kro's static check of RGDs: the three
 * compliance decision points of the webhook (compliance-catalogue §5), offline. RGDs get RGD-time
 * compliance (R) once their static check passes; instances of a kind an RGD among the inputs (or
 * `--rgd`) generates are admitted with the generated CRD and checked (I); ACK and core workload
 * objects are checked as children (C); CompliancePolicy and ComplianceException objects are validated.
 * Pure: the policy set and the RGDs are read by the caller.
 */
import { compileRgd, type CompiledRgd } from '../admission/compiled-rgd.ts';
import {
  childCompliance,
  childInstanceGvk,
  instanceCompliance,
  rgdCompliance,
} from '../admission/compliance.ts';
import { isChildKind, KRO_GUARD_API_GROUP } from '../admission/targets.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { withRgdDefaults } from '../graph/defaults.ts';
import { isResourceGraphDefinition } from '../graph/identify.ts';
import {
  EXCEPTION_KIND,
  parseExceptionResource,
  parsePolicyResource,
  POLICY_KIND,
  type PolicySet,
} from '../policy/config/index.ts';
import type { Finding } from '../policy/engine/index.ts';
import { BUILTIN_RULE_IDS } from '../policy/rules/index.ts';
import type { SchemaSource } from '../schemas/source.ts';

/**
 * Namespace given to namespaced objects without one, as `kubectl apply` does without `--namespace`
 * (policies and exceptions match on it).
 */
export const DEFAULT_NAMESPACE = 'default';

/** The policy set and the RGDs of one check run. */
export interface ComplianceContext {
  /** The policies and exceptions in force (`buildPolicySet`). */
  policies: PolicySet;
  /** The time exceptions' `spec.expires` is compared with. */
  now: Date;
  /** `rgd` checked and compiled (kro-contract §1-§7); the same object is compiled once per run. */
  compile(rgd: object): CompiledRgd;
  /**
   * The first RGD (inputs first, then `--rgd` files) whose generated kind is `apiVersion` (`<group>/<version>`)
   * and `kind`, or undefined.
   */
  rgdFor(apiVersion: string, kind: string): object | undefined;
}

/** Options of {@link complianceContext}. */
export interface ComplianceContextOptions {
  policies: PolicySet;
  /** Every RGD instances may belong to, in order of precedence (any values; non-RGDs are ignored). */
  rgds: readonly unknown[];
  /** The kind schemas RGDs are checked with, prepared for their templates. */
  schemas: SchemaSource;
  now: Date;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The kind an RGD generates, as `<group>/<version> <Kind>` (`spec.schema.group` defaults to `kro.run`,
 * kro-contract §1), or undefined when the RGD does not say.
 */
export function generatedKind(rgd: unknown): string | undefined {
  const schema = record(record(record(withRgdDefaults(rgd)).spec).schema);
  const group = str(schema.group) ?? 'kro.run';
  const version = str(schema.apiVersion);
  const kind = str(schema.kind);
  return version === undefined || kind === undefined ? undefined : `${group}/${version} ${kind}`;
}

/** Builds the context of a run; RGDs are compiled on first use. */
export function complianceContext(options: ComplianceContextOptions): ComplianceContext {
  const byKind = new Map<string, object>();
  for (const rgd of options.rgds) {
    if (!isResourceGraphDefinition(rgd)) continue;
    const key = generatedKind(rgd);
    if (key !== undefined && !byKind.has(key)) byKind.set(key, rgd as object);
  }
  const compiled = new WeakMap<object, CompiledRgd>();
  return {
    policies: options.policies,
    now: options.now,
    compile(rgd) {
      let c = compiled.get(rgd);
      if (c === undefined) {
        c = compileRgd(rgd, options.schemas);
        compiled.set(rgd, c);
      }
      return c;
    },
    rgdFor: (apiVersion, kind) => byKind.get(`${apiVersion} ${kind}`),
  };
}

/** What an object is to the check command, in the order the webhook decides (`reviewTarget`). */
export type ObjectTarget =
  | { target: 'rgd' }
  | { target: 'policy' }
  | { target: 'exception' }
  | { target: 'instance'; rgd: object }
  | { target: 'child' }
  | { target: 'skipped'; reason: string };

/**
 * True for API groups of Kubernetes itself: the core group, groups without a dot (`apps`, `batch`)
 * and `*.k8s.io`. Objects of these groups are never instances; objects of other groups whose kind no
 * RGD generates may be instances whose RGD was not given.
 */
function isKubernetesGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** Classifies a decoded object (see {@link ObjectTarget}). */
export function classifyObject(value: unknown, ctx: ComplianceContext): ObjectTarget {
  if (isResourceGraphDefinition(value)) return { target: 'rgd' };
  const o = record(value);
  const apiVersion = str(o.apiVersion);
  const kind = str(o.kind);
  if (apiVersion === undefined || kind === undefined || kind === '')
    return { target: 'skipped', reason: 'not a Kubernetes object (no apiVersion or kind)' };
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (group === KRO_GUARD_API_GROUP) {
    if (kind === POLICY_KIND) return { target: 'policy' };
    if (kind === EXCEPTION_KIND) return { target: 'exception' };
  }
  const rgd = ctx.rgdFor(apiVersion, kind);
  if (rgd !== undefined) return { target: 'instance', rgd };
  if (isChildKind({ group, version, kind })) return { target: 'child' };
  if (isKubernetesGroup(group) || group === KRO_GUARD_API_GROUP)
    return {
      target: 'skipped',
      reason: `not a ResourceGraphDefinition, instance, policy or kind the rules cover (${apiVersion} ${kind})`,
    };
  return {
    target: 'skipped',
    reason: `no ResourceGraphDefinition among the inputs generates ${group}/${version} ${kind} (give it with --rgd)`,
  };
}

/**
 * The outcome of checking one object. Diagnostic paths are in the object, except instance findings,
 * whose paths are in the rendered children (`resources[<id>].spec...`).
 */
export interface ObjectCheck {
  diagnostics: Diagnostic[];
  /** Every finding of the rules (passes, Audit and non-applicable ones included); absent when no rule ran. */
  findings?: Finding[];
  /** The CRD kro would generate, for an RGD whose static check passed. */
  crd?: unknown;
  /** `metadata.name` of the RGD an instance (or a kro-created child) belongs to, when it was given. */
  rgd?: string;
}

/**
 * An RGD: kro's static check, then, when it has no error, RGD-time compliance (decision point R):
 * definite failures are errors or warnings by mode, undecidable rules `policy/<id>/deferred` warnings.
 */
export function checkRgdObject(rgd: object, ctx: ComplianceContext): ObjectCheck {
  const compiled = ctx.compile(rgd);
  const diagnostics = [...compiled.check.diagnostics];
  const crd = compiled.check.crd === undefined ? {} : { crd: compiled.check.crd };
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, ...crd };
  const result = rgdCompliance(compiled, ctx.policies);
  return { diagnostics: [...diagnostics, ...result.diagnostics], findings: result.findings, ...crd };
}

/** `obj` with `metadata.namespace` {@link DEFAULT_NAMESPACE} when it is namespaced and has none. */
function withNamespace(obj: Record<string, unknown>, namespaced: boolean): Record<string, unknown> {
  const md = record(obj.metadata);
  if (!namespaced || typeof md.namespace === 'string') return obj;
  return { ...obj, metadata: { ...md, namespace: DEFAULT_NAMESPACE } };
}

/**
 * An instance of `rgd`'s kind as `kubectl apply` would create it (decision point I): the generated
 * CRD's pruning, defaulting and validation with the API server's messages, then the rules on every
 * rendered child. A namespaced instance without a namespace gets `default`.
 */
export function checkInstanceObject(instance: unknown, rgd: object, ctx: ComplianceContext): ObjectCheck {
  const compiled = ctx.compile(rgd);
  const object = withNamespace(record(instance), !compiled.graph.clusterScoped);
  const result = instanceCompliance(object, compiled, ctx.policies, { operation: 'CREATE' });
  return { diagnostics: result.diagnostics, findings: result.findings, rgd: compiled.name };
}

/**
 * An ACK or core workload object (decision point C). Objects kro created carry their instance's kind
 * in kro's labels; the RGD generating it among the inputs, when there is one, names the RGD that
 * policies match on. Every child kind the rules cover is namespaced: one without a namespace gets
 * `default`.
 */
export function checkChildObject(child: unknown, ctx: ComplianceContext): ObjectCheck {
  const instance = childInstanceGvk(child);
  const rgd =
    instance === undefined ? undefined : ctx.rgdFor(`${instance.group}/${instance.version}`, instance.kind);
  const rgdName = str(record(record(rgd).metadata).name);
  const result = childCompliance(withNamespace(record(child), true), ctx.policies, {
    ...(rgdName === undefined ? {} : { rgdName }),
  });
  return {
    diagnostics: result.diagnostics,
    findings: result.findings,
    ...(rgdName === undefined ? {} : { rgd: rgdName }),
  };
}

/**
 * A CompliancePolicy or ComplianceException: its full validation, as the webhook does at admission
 * of kro-guard's own resources (exceptions without a namespace get `default`, as kubectl would).
 */
export function checkPolicyObject(obj: unknown, target: 'policy' | 'exception', now: Date): ObjectCheck {
  const diagnostics =
    target === 'policy'
      ? parsePolicyResource(obj, { knownRuleIds: BUILTIN_RULE_IDS }).diagnostics
      : parseExceptionResource(obj, {
          knownRuleIds: BUILTIN_RULE_IDS,
          now,
          defaultNamespace: DEFAULT_NAMESPACE,
        }).diagnostics;
  return { diagnostics };
}
