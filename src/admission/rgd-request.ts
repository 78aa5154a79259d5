/**
 * Which admission requests are about ResourceGraphDefinitions, and which need the RGD check.
 *
 * This file deliberately does not import the graph engine (only its dependency-free `identify.ts`):
 * the server's main thread uses it to route requests, and only worker threads load the engine, so a
 * defect in the engine can never stop the HTTPS server itself.
 */
import { isResourceGraphDefinition, KRO_GROUP, RGD_KIND, RGD_RESOURCE } from '../graph/identify.ts';
import type { AdmissionRequest } from './types.ts';

/**
 * True when the request is about an RGD: `request.kind` is `kro.run` `ResourceGraphDefinition`, or
 * `request.resource` is `kro.run` `resourcegraphdefinitions`, or `request.object` (or, on DELETE,
 * `request.oldObject`) is a `kro.run/*` `ResourceGraphDefinition`.
 */
export function isRgdRequest(request: AdmissionRequest): boolean {
  return (
    (request.kind.group === KRO_GROUP && request.kind.kind === RGD_KIND) ||
    (request.resource.group === KRO_GROUP && request.resource.resource === RGD_RESOURCE) ||
    isResourceGraphDefinition(request.object) ||
    isResourceGraphDefinition(request.oldObject)
  );
}

/** The `spec` of an object, or undefined. */
function specOf(obj: unknown): unknown {
  return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>).spec : undefined;
}

/**
 * True when an UPDATE leaves `spec` unchanged (metadata, labels, finalizers or status only).
 * kro-guard admits those without checking, like the API server's validation ratcheting: otherwise an
 * RGD stored before kro-guard was installed, and invalid, could never get its finalizer removed by
 * kro and would be stuck in deletion.
 */
export function isSpecUnchanged(request: AdmissionRequest): boolean {
  return request.operation === 'UPDATE' && jsonEqual(specOf(request.object), specOf(request.oldObject));
}

/**
 * Deep equality of two JSON values (objects compared by key set, arrays by position). Iterative, so
 * nesting depth is limited by memory, not by the call stack.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: [unknown, unknown][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], y[i]]);
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = Object.keys(xo);
    if (keys.length !== Object.keys(yo).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(yo, k)) return false;
      stack.push([xo[k], yo[k]]);
    }
  }
  return true;
}

/**
 * True when `/validate` must run the RGD check for this request: an RGD CREATE, or an RGD UPDATE
 * that changes `spec`, on the main resource (not a subresource such as `status`). Everything else is
 * allowed without checking.
 */
export function requiresRgdCheck(request: AdmissionRequest): boolean {
  return (
    (request.operation === 'CREATE' || request.operation === 'UPDATE') &&
    (request.subResource ?? '') === '' &&
    isRgdRequest(request) &&
    !isSpecUnchanged(request)
  );
}
