/**
 * How the stores keep the objects their informers receive: whole, except `metadata.managedFields`
 * (server-side apply bookkeeping, often larger than the object and never read by kro-guard), and
 * deeply frozen, so every consumer can share one copy without defensive cloning.
 */

/** A stored object: read-only all the way down. */
export type StoredObject = Readonly<Record<string, unknown>>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * `object` without `metadata.managedFields`, deeply frozen. The input (a freshly parsed JSON object
 * that the informer owns) is frozen in place, apart from `metadata`, which is copied.
 */
export function toStoredObject(object: Record<string, unknown>): StoredObject {
  const meta = object.metadata;
  if (typeof meta === 'object' && meta !== null && !Array.isArray(meta) && 'managedFields' in meta) {
    const { managedFields: _managedFields, ...rest } = meta as Record<string, unknown>;
    return deepFreeze({ ...object, metadata: rest });
  }
  return deepFreeze(object);
}
