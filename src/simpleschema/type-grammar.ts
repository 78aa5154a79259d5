/**
 * SimpleSchema field definitions and the type grammar (kro-contract §3.1, §3.2):
 *
 * ```
 * field  := type [ "|" markers ]
 * type   := atomic | "object" | "[]" type | "map[string]" type | CustomName
 * atomic := "string" | "integer" | "boolean" | "float"
 * ```
 */
import { goQuote, goTrimSpace } from '../golang/strings.ts';

/** A parsed SimpleSchema type. `float` is kept as written; it maps to OpenAPI `number`. */
export type TypeExpr =
  | { kind: 'atomic'; name: 'string' | 'integer' | 'boolean' | 'float' }
  | { kind: 'object' }
  | { kind: 'slice'; elem: TypeExpr }
  | { kind: 'map'; value: TypeExpr }
  | { kind: 'custom'; name: string };

/** The outcome of {@link parseType}: the type, or kro's error text. */
export type TypeParseResult = { ok: true; type: TypeExpr } | { ok: false; error: string };

/** The two parts of a field definition string. */
export interface FieldDefinition {
  /** Everything before the first `|`, trimmed (Go `TrimSpace`). */
  typeText: string;
  /** Everything after the first `|`, untouched (later `|` belong to it); `undefined` without a `|`. */
  markerText: string | undefined;
}

/**
 * Splits a field definition at its **first** `|` (kro-contract §3.1, `ParseField`). The type part is
 * trimmed; the marker part is returned as is, including surrounding whitespace (which the marker
 * tokenizer treats specially).
 */
export function parseFieldDefinition(text: string): FieldDefinition {
  const bar = text.indexOf('|');
  if (bar < 0) return { typeText: goTrimSpace(text), markerText: undefined };
  return { typeText: goTrimSpace(text.slice(0, bar)), markerText: text.slice(bar + 1) };
}

/** Deepest nesting of `[]` / `map[string]` kro accepts (kro-contract §3.2). */
export const MAX_TYPE_NESTING = 16;

const ATOMIC = new Set(['string', 'integer', 'boolean', 'float']);

/**
 * Parses the type part of a field definition (kro-contract §3.2). Matching is exact on the trimmed
 * text, so `number`, `int`, `bool` are custom names (resolved later). Errors, with kro's texts:
 * `empty type`, `empty slice element type`, `map key must be string`, `map value type is required`,
 * `type nesting too deep (max 16): "<rest>"`.
 */
export function parseType(text: string): TypeParseResult {
  if (goTrimSpace(text) === '') return { ok: false, error: 'empty type' };
  return parseAtDepth(text, 0);
}

function parseAtDepth(raw: string, depth: number): TypeParseResult {
  if (depth > MAX_TYPE_NESTING) {
    return { ok: false, error: `type nesting too deep (max ${MAX_TYPE_NESTING}): ${goQuote(raw)}` };
  }
  const s = goTrimSpace(raw);
  if (ATOMIC.has(s)) return { ok: true, type: { kind: 'atomic', name: s as 'string' } };
  if (s === 'object') return { ok: true, type: { kind: 'object' } };
  if (s.startsWith('[]')) {
    const elem = s.slice(2);
    if (elem === '') return { ok: false, error: 'empty slice element type' };
    const inner = parseAtDepth(elem, depth + 1);
    return inner.ok ? { ok: true, type: { kind: 'slice', elem: inner.type } } : inner;
  }
  if (s.startsWith('map[')) {
    if (!s.startsWith('map[string]')) return { ok: false, error: 'map key must be string' };
    const value = goTrimSpace(s.slice('map[string]'.length));
    if (value === '') return { ok: false, error: 'map value type is required' };
    const inner = parseAtDepth(value, depth + 1);
    return inner.ok ? { ok: true, type: { kind: 'map', value: inner.type } } : inner;
  }
  return { ok: true, type: { kind: 'custom', name: s } };
}

/** The custom type names a type refers to, in order of appearance (at most one: the innermost). */
export function typeReferences(t: TypeExpr): string[] {
  switch (t.kind) {
    case 'custom':
      return [t.name];
    case 'slice':
      return typeReferences(t.elem);
    case 'map':
      return typeReferences(t.value);
    default:
      return [];
  }
}
