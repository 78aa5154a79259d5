/**
 * Compliance defaults that are safe to add to an RGD's templates (issue 5 item 6): kro-guard fills
 * in what a template omits, never changes what it sets, and never touches a field that holds a
 * `${...}` expression. Each change is a JSON Patch operation on the RGD and a sentence for the
 * admission warning. Applying the patch and mutating again yields no operation (idempotent under
 * `reinvocationPolicy: IfNeeded`).
 *
 * The defaults, with the rules they satisfy (compliance-catalogue §2.1, §3.1):
 * - `s3Encryption`: a Bucket template without `spec.encryption` gets SSE-KMS with the AWS-managed
 *   key and an S3 Bucket Key (`aws:kms`, `bucketKeyEnabled: true`: the Bucket Key keeps KMS request
 *   costs near SSE-S3's). S3-001 / FSBP S3.17. No key id is invented: a customer key is a choice.
 * - `s3PublicAccessBlock`: a Bucket template without `spec.publicAccessBlock` gets all four flags
 *   `true`; one that sets some gets the missing ones `true`. S3-003 / FSBP S3.8.
 * - `s3ObjectOwnership`: a Bucket template with no `objectOwnership`, `ownershipControls`, `acl` or
 *   `grant*` gets `objectOwnership: BucketOwnerEnforced` (ACLs disabled, the AWS default since
 *   April 2023). S3-005 / FSBP S3.12.
 * - `irsaAudience`: in an IAM Role template whose trust policy is JSON text (literal or a string
 *   template whose holes are all inside JSON strings), every `sts:AssumeRoleWithWebIdentity` Allow
 *   statement whose `StringEquals` names `<provider>:sub` but no `<provider>:aud` gets
 *   `<provider>:aud: sts.amazonaws.com`. IAM-016. The document is re-serialised with two-space
 *   indentation; the holes are put back verbatim.
 */
import jsonPatch from 'fast-json-patch';
import { extractExpressions } from '../../cel/extract.ts';
import { formatPath, type PathSegment } from '../../diagnostics/diagnostic.ts';

/** Which defaults to add; all false by default (a policy's `spec.mutations`). */
export interface TemplateMutationOptions {
  s3Encryption?: boolean;
  s3PublicAccessBlock?: boolean;
  s3ObjectOwnership?: boolean;
  irsaAudience?: boolean;
}

/** One change made: where (kubectl path in the RGD), what, and which rule it satisfies. */
export interface TemplateChange {
  path: string;
  ruleId: string;
  description: string;
}

/** The outcome of {@link mutateRgdTemplates}: RFC 6902 operations on the RGD and their descriptions. */
export interface TemplateMutation {
  patch: jsonPatch.Operation[];
  changes: TemplateChange[];
}

const S3_GROUP = 's3.services.k8s.aws';
const IAM_GROUP = 'iam.services.k8s.aws';
const PUBLIC_ACCESS_FLAGS = [
  'blockPublicACLs',
  'blockPublicPolicy',
  'ignorePublicACLs',
  'restrictPublicBuckets',
];
const ACL_FIELDS = ['acl', 'grantFullControl', 'grantRead', 'grantReadACP', 'grantWrite', 'grantWriteACP'];
const WEB_IDENTITY = 'sts:assumerolewithwebidentity';
const TOKEN = /\uE000(\d+)\uE001/g;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasExpression(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** The group and kind of a template from its literal apiVersion and kind. */
function groupKind(template: Json): { group: string; kind: string } | undefined {
  if (typeof template.apiVersion !== 'string' || typeof template.kind !== 'string') return undefined;
  const slash = template.apiVersion.indexOf('/');
  return { group: slash < 0 ? '' : template.apiVersion.slice(0, slash), kind: template.kind };
}

function pointer(path: readonly PathSegment[]): string {
  return '/' + path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

class Collector {
  readonly patch: jsonPatch.Operation[] = [];
  readonly changes: TemplateChange[] = [];

  add(path: PathSegment[], value: unknown, ruleId: string, description: string): void {
    this.patch.push({ op: 'add', path: pointer(path), value });
    this.changes.push({ path: formatPath(path), ruleId, description });
  }

  replace(path: PathSegment[], value: unknown, ruleId: string, description: string): void {
    this.patch.push({ op: 'replace', path: pointer(path), value });
    this.changes.push({ path: formatPath(path), ruleId, description });
  }
}

function mutateBucket(
  spec: Json,
  base: PathSegment[],
  options: TemplateMutationOptions,
  out: Collector,
): void {
  if (options.s3Encryption && spec.encryption === undefined) {
    out.add(
      [...base, 'encryption'],
      {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
      },
      'S3-001',
      'added SSE-KMS default encryption (aws:kms, bucket key)',
    );
  }
  if (options.s3PublicAccessBlock) {
    const pab = spec.publicAccessBlock;
    if (pab === undefined) {
      out.add(
        [...base, 'publicAccessBlock'],
        Object.fromEntries(PUBLIC_ACCESS_FLAGS.map((f) => [f, true])),
        'S3-003',
        'added the bucket-level public access block (all four flags true)',
      );
    } else if (isObject(pab)) {
      for (const flag of PUBLIC_ACCESS_FLAGS) {
        if (pab[flag] === undefined)
          out.add(
            [...base, 'publicAccessBlock', flag],
            true,
            'S3-003',
            `set publicAccessBlock.${flag}: true`,
          );
      }
    }
  }
  if (
    options.s3ObjectOwnership &&
    spec.objectOwnership === undefined &&
    spec.ownershipControls === undefined &&
    ACL_FIELDS.every((f) => spec[f] === undefined)
  ) {
    out.add(
      [...base, 'objectOwnership'],
      'BucketOwnerEnforced',
      'S3-005',
      'set objectOwnership: BucketOwnerEnforced',
    );
  }
}

/**
 * The trust policy text with the IRSA audience condition added, or undefined when nothing changes
 * or the text is not JSON once its holes are replaced (holes outside JSON strings, invalid JSON).
 */
export function addIrsaAudience(text: string): { text: string; providers: string[] } | undefined {
  const ex = extractExpressions(text);
  if (!ex.ok) return undefined;
  // One token per distinct hole text, so that the same expression in two keys compares equal.
  const holes: string[] = [];
  const tokenOf = new Map<string, number>();
  let masked = '';
  let at = 0;
  for (const e of ex.expressions) {
    const hole = text.slice(e.start, e.end);
    let n = tokenOf.get(hole);
    if (n === undefined) {
      n = holes.length;
      tokenOf.set(hole, n);
      holes.push(hole);
    }
    masked += text.slice(at, e.start) + `\uE000${n}\uE001`;
    at = e.end;
  }
  masked += text.slice(at);
  let doc: unknown;
  try {
    doc = JSON.parse(masked);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const providers: string[] = [];
  for (const st of statements) {
    if (!isObject(st) || st.Effect !== 'Allow') continue;
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    if (!actions.some((a) => typeof a === 'string' && a.toLowerCase() === WEB_IDENTITY)) continue;
    if (!isObject(st.Condition) || !isObject(st.Condition.StringEquals)) continue;
    const eq = st.Condition.StringEquals;
    for (const key of Object.keys(eq)) {
      if (!key.endsWith(':sub')) continue;
      const prefix = key.slice(0, -':sub'.length);
      if (eq[`${prefix}:aud`] !== undefined) continue;
      eq[`${prefix}:aud`] = 'sts.amazonaws.com';
      providers.push(prefix.replace(TOKEN, (_, i: string) => holes[Number(i)]!));
    }
  }
  if (providers.length === 0) return undefined;
  const out = JSON.stringify(doc, null, 2).replace(TOKEN, (_, i: string) => holes[Number(i)]!);
  return { text: out, providers };
}

function mutateRole(spec: Json, base: PathSegment[], options: TemplateMutationOptions, out: Collector): void {
  if (!options.irsaAudience || typeof spec.assumeRolePolicyDocument !== 'string') return;
  const changed = addIrsaAudience(spec.assumeRolePolicyDocument);
  if (changed === undefined) return;
  out.replace(
    [...base, 'assumeRolePolicyDocument'],
    changed.text,
    'IAM-016',
    `added the IRSA audience condition (${changed.providers.map((p) => `${p}:aud`).join(', ')} = sts.amazonaws.com)`,
  );
}

/**
 * The compliance defaults `options` asks for, as a JSON Patch on `rgd` (kro.run/v1alpha1
 * ResourceGraphDefinition) and one {@link TemplateChange} per operation, in template order. Only
 * `spec.resources[].template`s with a literal `apiVersion` and `kind` are considered; fields holding
 * `${...}` are left alone (the instance decides them; the policy checks them at instance admission).
 * Never throws; an RGD of unexpected shape yields no change.
 */
export function mutateRgdTemplates(rgd: unknown, options: TemplateMutationOptions): TemplateMutation {
  const out = new Collector();
  if (!isObject(rgd) || !isObject(rgd.spec) || !Array.isArray(rgd.spec.resources)) return out;
  rgd.spec.resources.forEach((res, i) => {
    if (!isObject(res) || !isObject(res.template)) return;
    const template = res.template;
    const gk = groupKind(template);
    if (gk === undefined || !isObject(template.spec) || hasExpression(template.spec)) return;
    const base: PathSegment[] = ['spec', 'resources', i, 'template', 'spec'];
    if (gk.group === S3_GROUP && gk.kind === 'Bucket') mutateBucket(template.spec, base, options, out);
    else if (gk.group === IAM_GROUP && gk.kind === 'Role') mutateRole(template.spec, base, options, out);
  });
  return out;
}
