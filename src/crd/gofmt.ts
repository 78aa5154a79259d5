/**
 * Go formatting of decoded JSON values, as the Kubernetes API server prints them in field errors
 * (`k8s.io/apimachinery/pkg/util/validation/field`): `%q` for strings, `%v` for int64/float64/bool,
 * `%#v` for other values. JSON numbers that are whole are int64 on the API server (its JSON decoder
 * converts them), others float64.
 */
import { compareGoStrings, goQuote } from '../golang/strings.ts';

function isWhole(v: number | bigint): boolean {
  return typeof v === 'bigint' || (Number.isInteger(v) && Math.abs(v) < 2 ** 63);
}

/**
 * Go `%v` of a float64: `strconv.FormatFloat(f, 'g', -1, 64)`, shortest digits, exponent form when the
 * decimal exponent is below -4 or at least 6 (`1e+06`, `1.5e-05`).
 */
export function goFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exp + 1;
  let text: string;
  if (point <= 0) text = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) text = digits + '0'.repeat(point - digits.length);
  else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${text}` : text;
}

/** Go `%v` of a JSON number as the API server holds it (int64 when whole, else float64). */
export function goNumber(v: number | bigint): string {
  if (typeof v === 'bigint') return v.toString();
  return isWhole(v) ? BigInt(v).toString() : goFloatV(v);
}

/** Go `%#v` of a decoded JSON value (`interface{}` holding string/int64/float64/bool/slice/map/nil). */
export function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number' || typeof v === 'bigint') return goNumber(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  const obj = v as Record<string, unknown>;
  const entries = Object.keys(obj)
    .sort(compareGoStrings)
    .map((k) => `${goQuote(k)}:${goSharpV(obj[k])}`);
  return `map[string]interface {}{${entries.join(', ')}}`;
}

/** How `field.Error` prints a bad value: `%q`, `%v` for simple types, `%#v` otherwise. */
export function goFieldValue(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'bigint') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return goSharpV(v);
}

/** The OpenAPI type name of a decoded JSON value, as kube-openapi reports it. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number' || typeof v === 'bigint') return isWhole(v) ? 'integer' : 'number';
  return Array.isArray(v) ? 'array' : 'object';
}
