/**
 * Recognising a ResourceGraphDefinition. Kept apart from the engine (it imports nothing) so that the
 * webhook's main thread can route requests without loading the graph engine, which runs only in the
 * review workers.
 */

/** kro's API group. */
export const KRO_GROUP = 'kro.run';
/** The RGD kind (kro-contract §1). */
export const RGD_KIND = 'ResourceGraphDefinition';
/** The RGD resource (plural). */
export const RGD_RESOURCE = 'resourcegraphdefinitions';

/** True when `obj` is a `kro.run/<any version>` `ResourceGraphDefinition`. */
export function isResourceGraphDefinition(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return false;
  const o = obj as Record<string, unknown>;
  return o.kind === RGD_KIND && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${KRO_GROUP}/`);
}
