/**
 * JSON text of schemas this module produces. `JSON.stringify` cannot write `bigint`, which
 * {@link ./types.ts JSONSchemaProps} uses for integer defaults and enum values beyond ±(2^53−1).
 */

const TAG = '\u0000kro-guard-bigint:';

/**
 * `JSON.stringify(value, null, space)`, except that a `bigint` is written as an exact JSON number.
 * (A string that is exactly `"\u0000kro-guard-bigint:<digits>"` would be mistaken for one.)
 */
export function schemaToJSON(value: unknown, space?: number): string {
  const text = JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'bigint' ? `${TAG}${v.toString()}` : v),
    space,
  );
  return text.replace(/"\\u0000kro-guard-bigint:(-?[0-9]+)"/g, '$1');
}
