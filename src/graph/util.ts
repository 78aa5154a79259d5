/** Small shared helpers of the graph module. */

/** A JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The JSON type name the Kubernetes API server uses in its validation messages
 * (`string`, `integer`, `number`, `boolean`, `array`, `object`, `null`).
 */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'bigint') return 'integer';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Go's `%v` spelling of a string slice, as kro prints lists in its errors: `[a b c]`.
 */
export function goList(items: readonly string[]): string {
  return `[${items.join(' ')}]`;
}
