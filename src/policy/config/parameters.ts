/**
 * `spec.parameters` of a CompliancePolicy: the {@link RuleParameters} of the built-in rules, with the
 * same validation as the CRD schema, and their merge with {@link DEFAULT_RULE_PARAMETERS}.
 */
import { DEFAULT_RULE_PARAMETERS, type RuleParameters } from '../types.ts';
import {
  ACCOUNT_ID,
  EKS_VERSION,
  KMS_KEY_ARN,
  MANAGED_POLICY_ARN,
  OIDC_PROVIDER,
  REGISTRY,
} from './formats.ts';
import {
  checkKnownFields,
  readBoolean,
  readInteger,
  readIntegerList,
  readObject,
  readStringList,
  type Findings,
  type Path,
} from './read.ts';

/** The field names of {@link RuleParameters}, in schema order. */
export const PARAMETER_FIELDS: readonly (keyof RuleParameters)[] = [
  'allowedRegistries',
  'allowedKmsKeys',
  'allowedAccounts',
  'oidcProviders',
  'deniedManagedPolicies',
  'permissionsBoundaries',
  'worldOpenPorts',
  'minBackupRetentionDays',
  'requireCpuLimit',
  'eksVersions',
];

/** Most entries of any parameter list (the CRD's `maxItems`). */
export const MAX_PARAMETER_ITEMS = 256;

/**
 * Reads `spec.parameters` (at `path`): every field optional; lists are sets (duplicates are errors);
 * `worldOpenPorts` 0-65535, `minBackupRetentionDays` 1-35 (the RDS maximum). Also warns about a
 * registry prefix that does not end in `/` (K8S-003: `ghcr.io/org` also admits `ghcr.io/org-evil/x`).
 * Returns only the fields that were set and valid.
 */
export function readParameters(f: Findings, v: unknown, path: Path): RuleParameters {
  const o = readObject(f, v, path);
  if (o === undefined) return {};
  checkKnownFields(f, o, path, PARAMETER_FIELDS);
  const list = { unique: true, maxItems: MAX_PARAMETER_ITEMS };
  const out: RuleParameters = {};
  const registries = readStringList(f, o, 'allowedRegistries', path, { ...REGISTRY, ...list });
  if (registries !== undefined) {
    out.allowedRegistries = registries;
    registries.forEach((r, i) => {
      if (!r.endsWith('/')) {
        f.warning(
          'policy/unanchored-registry',
          [...path, 'allowedRegistries', i],
          `${JSON.stringify(r)} does not end with "/": it also admits images whose name merely starts with it`,
        );
      }
    });
  }
  const kms = readStringList(f, o, 'allowedKmsKeys', path, { ...KMS_KEY_ARN, ...list });
  if (kms !== undefined) out.allowedKmsKeys = kms;
  const accounts = readStringList(f, o, 'allowedAccounts', path, { ...ACCOUNT_ID, ...list });
  if (accounts !== undefined) out.allowedAccounts = accounts;
  const oidc = readStringList(f, o, 'oidcProviders', path, { ...OIDC_PROVIDER, ...list });
  if (oidc !== undefined) out.oidcProviders = oidc;
  const denied = readStringList(f, o, 'deniedManagedPolicies', path, { ...MANAGED_POLICY_ARN, ...list });
  if (denied !== undefined) out.deniedManagedPolicies = denied;
  const boundaries = readStringList(f, o, 'permissionsBoundaries', path, { ...MANAGED_POLICY_ARN, ...list });
  if (boundaries !== undefined) out.permissionsBoundaries = boundaries;
  const ports = readIntegerList(f, o, 'worldOpenPorts', path, { minimum: 0, maximum: 65535, ...list });
  if (ports !== undefined) out.worldOpenPorts = ports;
  const days = readInteger(f, o, 'minBackupRetentionDays', path, { minimum: 1, maximum: 35 });
  if (days !== undefined) out.minBackupRetentionDays = days;
  const cpu = readBoolean(f, o, 'requireCpuLimit', path);
  if (cpu !== undefined) out.requireCpuLimit = cpu;
  const eks = readStringList(f, o, 'eksVersions', path, { ...EKS_VERSION, ...list });
  if (eks !== undefined) out.eksVersions = eks;
  return out;
}

/**
 * The parameters a policy's rules run with: each field the policy sets replaces the default (lists
 * are replaced, not merged: `worldOpenPorts: [443]` closes port 80). Returns a frozen object.
 */
export function mergeParameters(set: RuleParameters): Readonly<Required<RuleParameters>> {
  const out: Required<RuleParameters> = { ...DEFAULT_RULE_PARAMETERS };
  for (const key of PARAMETER_FIELDS) {
    const v = set[key];
    if (v !== undefined) (out as Record<string, unknown>)[key] = Array.isArray(v) ? Object.freeze([...v]) : v;
  }
  return Object.freeze(out);
}
