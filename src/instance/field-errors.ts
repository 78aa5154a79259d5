/**
 * The API server's field errors (`k8s.io/apimachinery/pkg/util/validation/field`), as text and as
 * kro-guard {@link Diagnostic}s.
 *
 * Text: `<field>: <type>[: <bad value>][: <detail>]`, e.g.
 * `spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1`.
 * `Required value`, `Forbidden` and `Too long` never print the bad value. Bad values print as Go's
 * `field.Error` does (observed on kube-apiserver 1.35): strings quoted (`%q`), numbers and booleans
 * plain, `null` bare, maps and lists as JSON with sorted keys (`{"name":"a"}`).
 */
import { error, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { goNumber } from '../crd/gofmt.ts';
import { compareGoStrings, goQuote } from '../golang/strings.ts';
import { diagnosticPath, type FieldPath } from './field-path.ts';

/** `field.ErrorType` texts. */
export type FieldErrorType =
  | 'Invalid value'
  | 'Required value'
  | 'Unsupported value'
  | 'Too long'
  | 'Too many'
  | 'Duplicate value'
  | 'Forbidden';

/** A bad value that is not printed (`field.OmitValueType`). */
export const OMIT_VALUE: unique symbol = Symbol('omit value');

/**
 * One API server field error before it becomes a {@link Diagnostic}.
 *
 * - `field`: the path as the API server prints it (kube-openapi name or `field.Path`, see field-path.ts).
 * - `path`: where it is, for {@link Diagnostic.path}.
 * - `code`: the diagnostic code, `instance/<kebab>`.
 */
export interface FieldError {
  code: string;
  path: FieldPath | undefined;
  field: string;
  type: FieldErrorType;
  badValue: unknown;
  detail: string;
}

const NO_VALUE_TYPES: ReadonlySet<FieldErrorType> = new Set(['Required value', 'Forbidden', 'Too long']);

/** Go's `json.Marshal` of a decoded JSON value: sorted keys, `<`, `>`, `&`, U+2028/9 escaped. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return goNumberJson(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (typeof v === 'object') {
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj).sort(compareGoStrings);
    return `{${keys.map((k) => `${goJsonString(k)}:${goJson(obj[k])}`).join(',')}}`;
  }
  return 'null';
}

function goNumberJson(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? goNumber(v) : JSON.stringify(v);
}

function goJsonString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** How `field.Error` prints a bad value. */
export function fieldValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'bigint') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  return goJson(v);
}

/** `field.Error.Error()`: the whole text of one field error. */
export function fieldErrorText(e: FieldError): string {
  let body: string = e.type;
  if (!NO_VALUE_TYPES.has(e.type) && e.badValue !== OMIT_VALUE) body += `: ${fieldValue(e.badValue)}`;
  if (e.detail !== '') body += `: ${e.detail}`;
  return `${e.field}: ${body}`;
}

/** The diagnostic of one field error: its full text as message, the kubectl path as path. */
export function toDiagnostic(e: FieldError): Diagnostic {
  return error(e.code, diagnosticPath(e.path), fieldErrorText(e));
}

/** `field.Invalid`. */
export function invalid(
  code: string,
  path: FieldPath | undefined,
  field: string,
  badValue: unknown,
  detail: string,
): FieldError {
  return { code, path, field, type: 'Invalid value', badValue, detail };
}

/** `field.Required`. */
export function required(code: string, path: FieldPath | undefined, field: string, detail = ''): FieldError {
  return { code, path, field, type: 'Required value', badValue: OMIT_VALUE, detail };
}

/** `field.NotSupported`: `supported values: "a", "b"` (each value `strconv.Quote`d). */
export function notSupported(
  code: string,
  path: FieldPath | undefined,
  field: string,
  badValue: unknown,
  supported: readonly string[],
): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(', ')}` : '';
  return { code, path, field, type: 'Unsupported value', badValue, detail };
}

/** `field.TooLong`: `may not be more than <n> bytes` (`byte` for 1). */
export function tooLong(code: string, path: FieldPath | undefined, field: string, max: number): FieldError {
  const detail =
    max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long';
  return { code, path, field, type: 'Too long', badValue: OMIT_VALUE, detail };
}

/** `field.TooMany`: `<actual>: must have at most <n> items` (`item` for 1). */
export function tooMany(
  code: string,
  path: FieldPath | undefined,
  field: string,
  actual: number,
  max: number,
): FieldError {
  const detail = max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items';
  return { code, path, field, type: 'Too many', badValue: actual, detail };
}

/** `field.Duplicate`. */
export function duplicate(
  code: string,
  path: FieldPath | undefined,
  field: string,
  badValue: unknown,
): FieldError {
  return { code, path, field, type: 'Duplicate value', badValue, detail: '' };
}

/** `field.Forbidden`. */
export function forbidden(
  code: string,
  path: FieldPath | undefined,
  field: string,
  detail: string,
): FieldError {
  return { code, path, field, type: 'Forbidden', badValue: OMIT_VALUE, detail };
}
