/**
 * Conversion of `default=` and `enum=` marker texts into the JSON values kro writes into the CRD
 * (kro-contract §3.4).
 *
 * kro validates the text with Go's parsers and then stores the **raw text** as the JSON value
 * (`extv1.JSON{Raw: …}`); a string default is stored as `"<text>"` without escaping. When that raw
 * text is not JSON (`default=True`, `default=+5`, `default=inf`, a string with `"` or `\`), kro
 * itself reports nothing, but the generated CRD cannot be created (L3). Those cases are reported
 * here with their own codes.
 */
import { CODES, type SimpleSchemaCode } from './codes.ts';
import { parseGoBool, parseGoFloat, parseGoInt } from './go-parse.ts';
import { goQuote, goTrimSpace } from '../golang/strings.ts';

/** A converted value, or the problem to report. */
export type ValueOutcome =
  { ok: true; value: unknown } | { ok: false; code: SimpleSchemaCode; message: string };

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const CRD_REJECTS = 'the API server will reject the generated CRD';

/**
 * An int64 as a JS value: a `number` when it is within ±(2^53−1), else the exact `bigint`.
 */
export function exactInteger(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function notJson(text: string): ValueOutcome {
  return {
    ok: false,
    code: CODES.invalidDefaultJson,
    message: `default value ${text} is not valid JSON (kro copies the marker text verbatim): ${CRD_REJECTS}`,
  };
}

function invalid(what: string, raw: string): ValueOutcome {
  return {
    ok: false,
    code: CODES.invalidDefault,
    message: `default value must be a valid ${what}, got: ${raw}`,
  };
}

/**
 * The value of `default=<raw>` on a schema of OpenAPI type `type` (kro-contract §3.4):
 * - `string`: the JSON text `"<raw>"` (no escaping) decoded;
 * - `integer`: Go `ParseInt` must accept it (`default value must be a valid integer, got: <raw>`);
 *   the value is a number, or a bigint beyond ±(2^53−1);
 * - `number`: Go `ParseFloat` (`…valid number…`); `boolean`: Go `ParseBool` (`…valid boolean…`);
 * - any other type: the raw text decoded as JSON.
 * When kro accepts the value but its raw text is not JSON, the outcome is
 * `simpleschema/invalid-default-json`.
 */
export function convertDefault(type: string | undefined, raw: string): ValueOutcome {
  switch (type) {
    case 'string':
      return decodeJson(`"${raw}"`);
    case 'integer': {
      const r = parseGoInt(raw);
      if (!r.ok) return invalid('integer', raw);
      return JSON_NUMBER.test(raw) ? { ok: true, value: exactInteger(r.value) } : notJson(raw);
    }
    case 'number': {
      const r = parseGoFloat(raw);
      if (!r.ok) return invalid('number', raw);
      return JSON_NUMBER.test(raw) ? { ok: true, value: r.value } : notJson(raw);
    }
    case 'boolean': {
      const r = parseGoBool(raw);
      if (!r.ok) return invalid('boolean', raw);
      return raw === 'true' || raw === 'false' ? { ok: true, value: r.value } : notJson(raw);
    }
    default:
      return decodeJson(raw);
  }
}

function decodeJson(text: string): ValueOutcome {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return notJson(text);
  }
}

/**
 * The values of `enum="a,b"` on a schema of OpenAPI type `type` (kro-contract §3.4): split on `,`,
 * each part trimmed. Errors, in kro's order per part: `empty enum values are not allowed`;
 * for `integer`, `failed to parse integer enum value: <Go error>`; for types other than `string` and
 * `integer`, `enum values only supported for string and integer types, got type: <type>`. kro stores
 * strings Go-quoted (`%q`) and integers as written; a part whose stored text is not JSON (`+1`, `007`,
 * a control character) gives `simpleschema/unencodable-value`.
 */
export function convertEnum(type: string | undefined, raw: string): ValueOutcome {
  const values: unknown[] = [];
  for (const part of raw.split(',')) {
    const v = goTrimSpace(part);
    if (v === '')
      return { ok: false, code: CODES.invalidMarkerValue, message: 'empty enum values are not allowed' };
    if (type === 'string') {
      try {
        values.push(JSON.parse(goQuote(v)));
      } catch {
        return unencodableEnum(goQuote(v));
      }
    } else if (type === 'integer') {
      const r = parseGoInt(v);
      if (!r.ok) {
        return {
          ok: false,
          code: CODES.invalidMarkerValue,
          message: `failed to parse integer enum value: ${r.error}`,
        };
      }
      if (!JSON_NUMBER.test(v)) return unencodableEnum(v);
      values.push(exactInteger(r.value));
    } else {
      return {
        ok: false,
        code: CODES.markerTypeMismatch,
        message: `enum values only supported for string and integer types, got type: ${type ?? ''}`,
      };
    }
  }
  return { ok: true, value: values };
}

function unencodableEnum(text: string): ValueOutcome {
  return {
    ok: false,
    code: CODES.unencodableValue,
    message: `enum value ${text} is not valid JSON (kro copies it verbatim): ${CRD_REJECTS}`,
  };
}
