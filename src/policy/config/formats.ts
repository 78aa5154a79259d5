/**
 * The string formats of kro-guard's resources, each the same pattern and length limit as the field's
 * OpenAPI schema in manifests/crds/ (the CRD tests check that they agree), with a description for
 * messages. Patterns are RE2- and JavaScript-compatible (no look-around, no back-references).
 */
import type { StringRule } from './read.ts';

/** A {@link StringRule} with the pattern's source text (the CRD's `pattern`). */
export type StringFormat = StringRule & { source: string; maxLength: number };

/** Builds a {@link StringFormat} from anchored pattern text; `minLength` is 1. */
function format(pattern: string, maxLength: number, describe: string): StringFormat {
  return { pattern: new RegExp(pattern), maxLength, minLength: 1, describe, source: pattern };
}

/** A rule id or rule id glob (`S3-003`, `IAM-*`, `PSS-runAsNonRoot`, `CUSTOM-team-*`). */
export const RULE_ID_GLOB = format(
  '^[A-Za-z0-9*?][-A-Za-z0-9_.*?]*$',
  63,
  'a rule id or glob: letters, digits, "-", "_", ".", "*" and "?", starting with a letter, digit or wildcard',
);

/** A custom rule id: `CUSTOM-` then letters, digits, `-`, `_`, `.`, ending with a letter or digit. */
export const CUSTOM_RULE_ID = format(
  '^CUSTOM-[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$',
  63,
  'a custom rule id: "CUSTOM-" followed by letters, digits, "-", "_" or ".", ending with a letter or digit',
);

/** A glob of object names (RGD, instance, policy names): DNS-1123 subdomain characters and wildcards. */
export const NAME_GLOB = format(
  '^[a-z0-9*?][-a-z0-9.*?]*$',
  253,
  'a name or glob: lower case letters, digits, "-", ".", "*" and "?", not starting with "-" or "."',
);

/** A glob of namespace names: DNS-1123 label characters and wildcards. */
export const NAMESPACE_GLOB = format(
  '^[a-z0-9*?][-a-z0-9*?]*$',
  63,
  'a namespace or glob: lower case letters, digits, "-", "*" and "?", not starting with "-"',
);

/** A glob of API groups; empty is the core group. */
export const GROUP_GLOB: StringFormat = {
  pattern: /^[-a-z0-9.*?]*$/,
  maxLength: 253,
  describe: 'an API group or glob: lower case letters, digits, "-", ".", "*" and "?" ("" for the core group)',
  source: '^[-a-z0-9.*?]*$',
};

/** A glob of kinds. */
export const KIND_GLOB = format('^[A-Za-z0-9*?]+$', 63, 'a kind or glob: letters, digits, "*" and "?"');

/** An exact API group (a DNS-1123 subdomain), or empty for the core group. */
export const GROUP: StringFormat = {
  pattern: /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/,
  maxLength: 253,
  describe: 'an API group (a DNS-1123 subdomain, "" for the core group)',
  source: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$',
};

/** An exact kind (`Bucket`, `Deployment`). */
export const KIND = format('^[A-Za-z][A-Za-z0-9]*$', 63, 'a kind: a letter followed by letters and digits');

/** A glob of RGD resource ids (`spec.resources[].id`, lowerCamelCase in kro). */
export const RESOURCE_ID_GLOB = format(
  '^[A-Za-z0-9_*?]+$',
  63,
  'a resource id or glob: letters, digits, "_", "*" and "?"',
);

/** An image registry or repository prefix (K8S-003). */
export const REGISTRY = format('^[^\\s]+$', 255, 'an image registry or repository prefix without spaces');

/** A KMS key ARN or ARN prefix. */
export const KMS_KEY_ARN = format(
  '^arn:aws[a-z-]*:kms:[^\\s]*$',
  2048,
  'a KMS key ARN or ARN prefix (arn:aws:kms:…)',
);

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = format('^[0-9]{12}$', 12, 'a 12-digit AWS account id');

/** An OIDC provider host and path, without scheme. */
export const OIDC_PROVIDER = format(
  '^[a-z0-9.-]+(/[A-Za-z0-9._-]+)*$',
  512,
  'an OIDC provider host and path without "https://" (oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE)',
);

/** An IAM managed policy ARN (AWS-managed or customer-managed). */
export const MANAGED_POLICY_ARN = format(
  '^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[^\\s]+$',
  2048,
  'an IAM policy ARN (arn:aws:iam::aws:policy/… or arn:aws:iam::123456789012:policy/…)',
);

/** An EKS Kubernetes version (`1.33`). */
export const EKS_VERSION = format('^[0-9]+\\.[0-9]+$', 16, 'a Kubernetes minor version such as "1.33"');

/** A label key: an optional DNS subdomain prefix and `/`, then a name of up to 63 characters. */
export const LABEL_KEY = format(
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
  317,
  'a label key (an optional DNS subdomain prefix and "/", then alphanumerics, "-", "_" or ".")',
);

/** A label value (may be empty). */
export const LABEL_VALUE: StringFormat = {
  pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
  maxLength: 63,
  describe: 'a label value (alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric)',
  source: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$',
};

/** A DNS-1123 subdomain (cluster-scoped object names). */
export const DNS1123_SUBDOMAIN = format(
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
  253,
  'a lowercase RFC 1123 subdomain (lower case alphanumerics, "-" or ".", starting and ending with an alphanumeric)',
);

/** A DNS-1123 label (namespace names). */
export const DNS1123_LABEL = format(
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  63,
  'a lowercase RFC 1123 label (lower case alphanumerics or "-", starting and ending with an alphanumeric)',
);

/** A control identifier of a custom rule (`S3.8`, `CKV_AWS_53`). */
export const CONTROL_ID = format('^[^\\s]+$', 128, 'a control id without spaces');

/** An RFC 3339 date-time (`2026-06-30T00:00:00Z`), as the `date-time` format of OpenAPI. */
export const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$/;
