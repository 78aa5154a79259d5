/**
 * The JSON Patch `/mutate` returns for an instance, so that a server-side dry-run and `kro-guard`'s
 * offline checks show the values the API server will default.
 */
import jsonPatch from 'fast-json-patch';
import { isObject } from './schema-node.ts';

/**
 * RFC 6902 operations that turn `original` into `admitted` (the `object` of
 * `CompiledInstanceSchema.admit`) as far as defaulting goes: the `add`s of absent defaulted fields and
 * the `replace`s of non-nullable `null`s by their defaults. Empty when nothing is missing, so it is
 * idempotent: the patch of an admitted object is `[]` (safe for `reinvocationPolicy: IfNeeded`).
 * Non-object inputs give `[]`.
 *
 * No `remove` operations, and nothing under `/metadata` or `/status`, although `admit` prunes unknown
 * fields, drops nulls without defaults, coerces metadata and drops `status`:
 * - the API server prunes, drops those nulls and coerces metadata itself when it decodes the request
 *   and again after every mutating webhook, so removals would change nothing it stores;
 * - a removal computed from a stale compiled schema (the CRD changed after kro-guard compiled it) would
 *   delete data the API server keeps, and a remove at an index or key that a later webhook moved
 *   deletes the wrong field; an `add` of a default is harmless in both cases;
 * - `status` is owned by kro through the status subresource (the API server ignores it on main-resource
 *   writes), and metadata is not the schema's to change.
 */
export function instancePatch(original: unknown, admitted: unknown): jsonPatch.Operation[] {
  if (!isObject(original) || !isObject(admitted)) return [];
  return jsonPatch
    .compare(original, admitted)
    .filter(
      (op) =>
        op.op !== 'remove' &&
        !op.path.startsWith('/metadata') &&
        op.path !== '/status' &&
        !op.path.startsWith('/status/'),
    );
}
