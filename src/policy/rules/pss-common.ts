/**
 * Shared machinery of the Pod Security Standards rules (`PSS-<checkId>`, compliance-catalogue §2.6):
 * one rule per Pod Security Admission check id, evaluated on the pod spec of every workload kind
 * with PSA's semantics (kubernetes/pod-security-admission `policy/check_*.go`), three-valued.
 */
import { isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { unknownResult } from '../results.ts';
import type { Rule, RuleResult, RuleSeverity } from '../types.ts';
import { fieldAt, locatePodSpec, WORKLOAD_KINDS, type FieldAt, type PodSpecLocation } from './pod-spec.ts';
import { show, testValue, type Exemption, type Findings, type KnownValue, type Tri } from './tri-state.ts';

/** One PSA check as a rule. */
export interface PssCheckDefinition {
  /** PSA's `CheckID`: `runAsNonRoot`, `capabilities_restricted`. The rule id is `PSS-<checkId>`. */
  checkId: string;
  /** The Pod Security Standards level the check belongs to. */
  level: 'baseline' | 'restricted';
  title: string;
  severity: RuleSeverity;
  checkov?: readonly string[];
  trivy?: readonly string[];
  /** The Kyverno library policy (`pod-security/baseline/disallow-privileged-containers`). */
  kyverno?: string;
  remediation: string;
  /** Evaluates the located (present) pod spec. */
  evaluate(loc: PodSpecLocation): RuleResult[];
}

/**
 * Builds the rule `PSS-<checkId>` for every workload kind; objects without a pod spec give `[]`,
 * a pod spec that is symbolic as a whole gives one `unknown`.
 */
export function pssRule(def: PssCheckDefinition): Rule {
  return {
    id: `PSS-${def.checkId}`,
    title: def.title,
    severity: def.severity,
    controls: {
      pss: [def.checkId],
      ...(def.checkov ? { checkov: def.checkov } : {}),
      ...(def.trivy ? { trivy: def.trivy } : {}),
      ...(def.kyverno ? { other: [`kyverno:${def.kyverno}`] } : {}),
    },
    remediation: def.remediation,
    kinds: WORKLOAD_KINDS,
    check(ctx) {
      const loc = locatePodSpec(ctx.resource);
      if (loc === undefined || loc.spec === undefined || loc.spec === null) return [];
      if (isSymbolic(loc.spec)) {
        return [unknownResult(loc.path, loc.spec, `the pod spec is ${loc.spec}, not known yet`)];
      }
      return def.evaluate(loc);
    },
  };
}

/**
 * Whether the object `value` has key `key` (with a non-null value, symbolic or not): `'unknown'`
 * when `value` itself is symbolic. PSA tests volume sources by presence (`volume.HostPath != nil`).
 */
export function hasKey(value: RenderedValue, key: string): Tri {
  if (isSymbolic(value)) return 'unknown';
  const v = valueAt(value, [key]);
  return v !== undefined && v !== null;
}

/**
 * Records a PSA "forbidden value" check on one field: a fail when the known value `isBad`, an
 * unknown when it is symbolic (and its SimpleSchema does not settle it), nothing when absent.
 *
 * @param who `pod` or the container label, for reasons.
 * @param allowed the allowed values in words (`false or unset`).
 */
export function forbid(
  f: Findings,
  who: string,
  field: FieldAt,
  isBad: (v: KnownValue) => boolean,
  allowed: string,
): void {
  f.record(
    testValue(field.value, isBad, false),
    field.path,
    field.value,
    `${who} must not set ${field.name}=${show(field.value)} (allowed: ${allowed})`,
    `${who} sets ${field.name}=${show(field.value)}, not known yet (allowed: ${allowed})`,
  );
}

/**
 * PSA's user-namespace relaxation (KEP-127, `relaxPolicyForUserNamespacePod`): `spec.hostUsers:
 * false` exempts a pod from `runAsNonRoot`, `runAsUser` and baseline `procMount`.
 */
export function userNamespaceExemption(loc: PodSpecLocation): Exemption {
  const field = fieldAt(loc.spec, loc.path, ['hostUsers']);
  return {
    holds: testValue(field.value, (v) => v === false, false),
    path: field.path,
    value: field.value,
    condition: 'hostUsers is false (user namespace)',
    verdict: 'pass',
  };
}

/**
 * PSA's Windows exemption (policy version 1.25+): `spec.os.name: windows` exempts a pod from
 * `allowPrivilegeEscalation`, `seccompProfile_restricted` and `capabilities_restricted`.
 */
export function windowsExemption(loc: PodSpecLocation): Exemption {
  const field = fieldAt(loc.spec, loc.path, ['os', 'name']);
  return {
    holds: testValue(field.value, (v) => v === 'windows', false),
    path: field.path,
    value: field.value,
    condition: 'the pod is a Windows pod (spec.os.name is windows)',
    verdict: 'pass',
  };
}

/** A security profile (`seccompProfile`, `appArmorProfile`) and whether its `type` is allowed. */
export interface ProfileCheck {
  /** The `type` field (a symbolic profile stands for its type). */
  type: FieldAt;
  /** Whether the type is one of the allowed ones; a present profile without `type` has type `""`. */
  valid: Tri;
}

/** Checks the profile at `profile`; undefined when the profile is absent (PSA: allowed, or "not set"). */
export function checkProfile(profile: FieldAt, allowed: readonly string[]): ProfileCheck | undefined {
  if (profile.value === undefined || profile.value === null) return undefined;
  const type: FieldAt = isSymbolic(profile.value)
    ? { path: profile.path, name: `${profile.name}.type`, value: profile.value }
    : {
        path: [...profile.path, 'type'],
        name: `${profile.name}.type`,
        value: valueAt(profile.value, ['type']),
      };
  return { type, valid: testValue(type.value, (v) => typeof v === 'string' && allowed.includes(v), false) };
}
