/**
 * The SimpleSchema marker tokenizer (kro-contract §3.4): turns the text after a field's first `|`
 * (`required=true default="a b" enum="x,y"`) into `key=value` markers, with kro's exact quirks and
 * error texts.
 */
import { goIsSpace, goQuote, goTrimSpace } from '../golang/strings.ts';

/** Every marker key kro knows (kro-contract §3.4). Keys are case-sensitive. */
export const MARKER_KEYS = [
  'required',
  'default',
  'description',
  'minimum',
  'maximum',
  'validation',
  'immutable',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'listType',
  'listMapKey',
] as const;

/** A marker key kro knows. */
export type MarkerKey = (typeof MARKER_KEYS)[number];

/** One parsed marker: its key and its value after quote stripping / trimming. */
export interface Marker {
  key: MarkerKey;
  value: string;
}

/** The tokenizer's outcome: all markers, or the first error (kro stops at it too). */
export type MarkerParseResult = { ok: true; markers: Marker[] } | { ok: false; error: string };

function isMarkerKey(k: string): k is MarkerKey {
  return (MARKER_KEYS as readonly string[]).includes(k);
}

/**
 * Tokenizes a marker string exactly as kro does (kro-contract §3.4):
 * - until a `=` (outside quotes and brackets, no marker open) characters build the key; whitespace
 *   outside quotes and brackets is dropped there, so `foo bar=1` has the key `foobar`;
 * - the key is trimmed; an empty key gives `empty marker key`, an unknown one
 *   `invalid marker key "<k>": unknown marker: <k>`;
 * - a value ends at whitespace outside quotes and outside `{}` / `[]` nesting;
 * - `"` toggles quoting unless escaped; inside quotes `\` escapes the next character;
 * - `{`/`[` and `}`/`]` outside quotes count nesting; going below zero gives
 *   `unmatched closing bracket/brace`;
 * - at the end, if no marker is open: `marker key '<rest>' without a value` (also for an empty or
 *   whitespace-only marker section and for trailing whitespace after the last value); then
 *   `unclosed quote`, then `unclosed bracket/brace`.
 *
 * Values go through {@link processMarkerValue}.
 */
export function parseMarkers(text: string): MarkerParseResult {
  const markers: Marker[] = [];
  let key: MarkerKey | undefined;
  let inQuotes = false;
  let escaped = false;
  let depth = 0;
  let buf = '';
  for (const ch of text) {
    if (ch === '=' && key === undefined && !inQuotes && depth === 0) {
      const k = goTrimSpace(buf);
      if (k === '') return { ok: false, error: 'empty marker key' };
      if (!isMarkerKey(k))
        return { ok: false, error: `invalid marker key ${goQuote(k)}: unknown marker: ${k}` };
      key = k;
      buf = '';
    } else if (ch === '"' && !escaped) {
      inQuotes = !inQuotes;
      buf += ch;
    } else if (ch === '\\' && inQuotes && !escaped) {
      escaped = true;
      buf += ch;
    } else if ((ch === '{' || ch === '[') && !inQuotes) {
      depth++;
      buf += ch;
    } else if ((ch === '}' || ch === ']') && !inQuotes) {
      depth--;
      buf += ch;
      if (depth < 0) return { ok: false, error: 'unmatched closing bracket/brace' };
    } else if (goIsSpace(ch) && !inQuotes && depth === 0) {
      if (key !== undefined) {
        markers.push({ key, value: processMarkerValue(buf) });
        key = undefined;
        buf = '';
      }
    } else {
      if (escaped && inQuotes) escaped = false;
      buf += ch;
    }
  }
  if (key === undefined) return { ok: false, error: `marker key '${buf}' without a value` };
  markers.push({ key, value: processMarkerValue(buf) });
  if (inQuotes) return { ok: false, error: 'unclosed quote' };
  if (depth > 0) return { ok: false, error: 'unclosed bracket/brace' };
  return { ok: true, markers };
}

/**
 * Post-processes a raw marker value (kro-contract §3.4): when it starts and ends with `"`, the quotes
 * are stripped and `\"` → `"`, `\\` → `\`, any other `\c` kept as `\c` (so regex escapes like `\d`
 * survive), a trailing lone `\` dropped; otherwise the value is only trimmed (Go `TrimSpace`).
 * A value that is a single `"` counts as quoted and yields `""` (kro would slice out of range here).
 */
export function processMarkerValue(raw: string): string {
  if (raw.startsWith('"') && raw.endsWith('"'))
    return unescapeQuoted(raw.slice(1, Math.max(1, raw.length - 1)));
  return goTrimSpace(raw);
}

function unescapeQuoted(s: string): string {
  let out = '';
  let escaped = false;
  for (const ch of s) {
    if (escaped) {
      out += ch === '"' || ch === '\\' ? ch : `\\${ch}`;
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else {
      out += ch;
    }
  }
  return out;
}
