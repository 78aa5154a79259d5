/**
 * The defaults the API server applies to a ResourceGraphDefinition from kro's RGD CRD
 * (kro-contract §1.2): `spec.schema.group` defaults to `kro.run` and `spec.schema.scope` to
 * `Namespaced`. The webhook's `/mutate` emits them as JSONPatch so that `--dry-run=server` shows
 * the object as stored; the CLI applies them before checking, as the API server would.
 */
import { isRecord } from './util.ts';

/** Default of `spec.schema.group` (kro-contract §1.2). */
export const DEFAULT_GROUP = 'kro.run';
/** Default of `spec.schema.scope` (kro-contract §1.2). */
export const DEFAULT_SCOPE = 'Namespaced';

/**
 * Returns a copy of `rgd` with the RGD CRD's defaults filled in where absent. Structural defaulting
 * only applies inside objects that exist: when `spec.schema` is missing or not an object, the input
 * is returned unchanged (the missing field is reported by the check instead). Never mutates `rgd`.
 */
export function withRgdDefaults(rgd: unknown): unknown {
  if (!isRecord(rgd) || !isRecord(rgd.spec) || !isRecord(rgd.spec.schema)) return rgd;
  const schema = rgd.spec.schema;
  if (schema.group !== undefined && schema.scope !== undefined) return rgd;
  return {
    ...rgd,
    spec: {
      ...rgd.spec,
      schema: {
        ...schema,
        group: schema.group ?? DEFAULT_GROUP,
        scope: schema.scope ?? DEFAULT_SCOPE,
      },
    },
  };
}
