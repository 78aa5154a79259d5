/**
 * kro-guard's built-in default policy, `kro-guard-default`. Its source of truth is
 * manifests/policies/default.yaml (the same object an administrator applies to a cluster), read from
 * the installed package at run time: the file sits three directories above this module both in the
 * sources (`src/policy/config/`) and in the build (`dist/policy/config/`), so the package must ship
 * `manifests/policies/default.yaml` beside `dist/`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Diagnostic } from '../../diagnostics/diagnostic.ts';
import { parsePolicyResource } from './parse-policy.ts';
import type { CompliancePolicy } from './types.ts';

/** `metadata.name` of the default policy. */
export const DEFAULT_POLICY_NAME = 'kro-guard-default';

/** Absolute path of manifests/policies/default.yaml in the installed package. */
export const DEFAULT_POLICY_YAML_PATH: string = fileURLToPath(
  new URL('../../../manifests/policies/default.yaml', import.meta.url),
);

/**
 * Reads and parses the default policy. `knownRuleIds` are the built-in rule ids (for the warnings of
 * `parsePolicyResource`; the policy is the same without them). Returns the policy and its warnings.
 *
 * @throws Error when the file is missing or does not parse (a packaging error, not a user error).
 */
export function loadDefaultPolicy(knownRuleIds: ReadonlySet<string> = new Set()): {
  policy: CompliancePolicy;
  diagnostics: Diagnostic[];
} {
  const text = readFileSync(DEFAULT_POLICY_YAML_PATH, 'utf8');
  const parsed = parsePolicyResource(parse(text) as unknown, { knownRuleIds });
  if (parsed.policy === undefined) {
    const problems = parsed.diagnostics.map((d) => `${d.path}: ${d.message}`).join('; ');
    throw new Error(`${DEFAULT_POLICY_YAML_PATH} is not a valid CompliancePolicy: ${problems}`);
  }
  return { policy: parsed.policy, diagnostics: parsed.diagnostics };
}
