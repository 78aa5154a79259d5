import {
  ADMISSION_API_VERSION,
  ADMISSION_KIND,
  ADMISSION_OPERATIONS,
  type AdmissionOperation,
  type AdmissionReviewRequest,
  type GroupVersionKind,
  type GroupVersionResource,
} from './types.ts';

/** Outcome of {@link parseAdmissionReview}: the review, or one error naming the bad field. */
export type ParseAdmissionReviewResult =
  { ok: true; review: AdmissionReviewRequest } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

class ReviewShapeError extends Error {}

function fail(path: string, what: string): never {
  throw new ReviewShapeError(`${path}: ${what}`);
}

function optionalString(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`${path}.${key}`, `must be a string, got ${describe(v)}`);
  return v;
}

function requiredString(obj: Record<string, unknown>, key: string, path: string): string {
  const v = obj[key];
  if (typeof v !== 'string') {
    fail(
      `${path}.${key}`,
      v === undefined ? 'required field is missing' : `must be a string, got ${describe(v)}`,
    );
  }
  return v;
}

function groupVersionKind(v: unknown, path: string): GroupVersionKind {
  if (!isRecord(v))
    fail(path, v === undefined ? 'required field is missing' : `must be an object, got ${describe(v)}`);
  return {
    group: optionalString(v, 'group', path) ?? '',
    version: requiredString(v, 'version', path),
    kind: requiredString(v, 'kind', path),
  };
}

function groupVersionResource(v: unknown, path: string): GroupVersionResource {
  if (!isRecord(v))
    fail(path, v === undefined ? 'required field is missing' : `must be an object, got ${describe(v)}`);
  return {
    group: optionalString(v, 'group', path) ?? '',
    version: requiredString(v, 'version', path),
    resource: requiredString(v, 'resource', path),
  };
}

/**
 * Checks that `body` (a parsed JSON request body) is an `admission.k8s.io/v1` AdmissionReview with a
 * usable request, as the API server sends to a webhook.
 *
 * Requires: `apiVersion: admission.k8s.io/v1`, `kind: AdmissionReview`, a `request` object with a
 * non-empty string `uid`, `kind` {group?, version, kind}, `resource` {group?, version, resource},
 * `operation` one of CREATE/UPDATE/DELETE/CONNECT; `request.object` must be an object on CREATE and
 * UPDATE, and `request.oldObject` an object on UPDATE; `name`, `namespace`, `subResource` strings
 * and `dryRun` a boolean when present. A missing `group` means the core group (`""`).
 *
 * Never throws. The returned review is a shallow copy with `kind`/`resource` groups filled in; the
 * objects inside are shared with `body`, not copied.
 *
 * @returns `{ok: true, review}` or `{ok: false, error}` where `error` starts with the field path,
 *   e.g. `request.uid: required field is missing`.
 */
export function parseAdmissionReview(body: unknown): ParseAdmissionReviewResult {
  try {
    return { ok: true, review: parse(body) };
  } catch (e) {
    if (e instanceof ReviewShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

function parse(body: unknown): AdmissionReviewRequest {
  if (!isRecord(body)) throw new ReviewShapeError(`body must be a JSON object, got ${describe(body)}`);
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    fail(
      'apiVersion',
      body.apiVersion === undefined
        ? `required field is missing (expected "${ADMISSION_API_VERSION}")`
        : `${JSON.stringify(body.apiVersion)} is not supported, expected "${ADMISSION_API_VERSION}"` +
            ' (set admissionReviewVersions: ["v1"] on the webhook)',
    );
  }
  if (body.kind !== ADMISSION_KIND) {
    fail('kind', `expected "${ADMISSION_KIND}", got ${JSON.stringify(body.kind) ?? 'nothing'}`);
  }
  const req = body.request;
  if (!isRecord(req)) {
    fail(
      'request',
      req === undefined ? 'required field is missing' : `must be an object, got ${describe(req)}`,
    );
  }
  const uid = requiredString(req, 'uid', 'request');
  if (uid === '') fail('request.uid', 'must not be empty');
  const operation = req.operation;
  if (!ADMISSION_OPERATIONS.includes(operation as AdmissionOperation)) {
    fail(
      'request.operation',
      `must be one of ${ADMISSION_OPERATIONS.join(', ')}, got ${JSON.stringify(operation) ?? 'nothing'}`,
    );
  }
  const op = operation as AdmissionOperation;
  const kind = groupVersionKind(req.kind, 'request.kind');
  const resource = groupVersionResource(req.resource, 'request.resource');
  for (const key of ['name', 'namespace', 'subResource']) optionalString(req, key, 'request');
  if (req.dryRun !== undefined && req.dryRun !== null && typeof req.dryRun !== 'boolean') {
    fail('request.dryRun', `must be a boolean, got ${describe(req.dryRun)}`);
  }
  if ((op === 'CREATE' || op === 'UPDATE') && !isRecord(req.object)) {
    fail('request.object', `must be an object on ${op}, got ${describe(req.object)}`);
  }
  if (op === 'UPDATE' && !isRecord(req.oldObject)) {
    fail('request.oldObject', `must be an object on UPDATE, got ${describe(req.oldObject)}`);
  }
  return {
    apiVersion: ADMISSION_API_VERSION,
    kind: ADMISSION_KIND,
    request: { ...req, uid, operation: op, kind, resource },
  } as AdmissionReviewRequest;
}
