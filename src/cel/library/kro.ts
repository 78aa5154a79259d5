/**
 * Runtime of cel-go `ext.Encoders` (base64) and kro's Random, JSON and Hash libraries
 * (kro `pkg/cel/library/{random,json,hash}.go`).
 */

import { createHash } from 'node:crypto';
import { charge, checkListSize, checkStringLength } from './budget.ts';
import {
  Duration,
  OpaqueValue,
  UnsignedInt,
  celError,
  celTypeName,
  compareStrings,
  isList,
  isMap,
  listItems,
  mapEntries,
} from './values.ts';

type Handler = (...args: never[]) => unknown;

// base64 (Go base64.StdEncoding, falling back to RawStdEncoding)

/** `base64.encode(<bytes>)`: standard alphabet with padding. */
export function base64Encode(b: Uint8Array): string {
  checkStringLength(Math.ceil(b.length / 3) * 4);
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64');
}

/**
 * `base64.decode(<string>)`: standard alphabet, padded or unpadded; `\r` and `\n` are ignored.
 *
 * @throws EvaluationError `illegal base64 data at input byte <n>`.
 */
export function base64Decode(s: string): Uint8Array {
  charge(Math.ceil(s.length / 16));
  const clean = s.replace(/[\r\n]/g, '');
  const bad = /[^A-Za-z0-9+/=]/.exec(clean);
  const firstPad = clean.indexOf('=');
  let errorAt = bad ? bad.index : -1;
  if (errorAt < 0 && firstPad >= 0) {
    const pad = clean.slice(firstPad);
    const ok =
      (pad === '=' || pad === '==') && clean.length % 4 === 0 && (firstPad % 4 === 2 || firstPad % 4 === 3);
    const okLen = pad === '==' ? firstPad % 4 === 2 : firstPad % 4 === 3;
    if (!ok || !okLen) errorAt = firstPad;
  }
  if (errorAt < 0 && firstPad < 0 && clean.length % 4 === 1) errorAt = clean.length - 1;
  if (errorAt >= 0) throw celError(`illegal base64 data at input byte ${errorAt}`);
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

// hash

/** FNV-1a 64-bit of the UTF-8 bytes, big-endian 8 bytes (Go `fnv.New64a().Sum(nil)`). */
export function fnv64a(s: string): Uint8Array {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(h & 0xffn);
    h >>= 8n;
  }
  return out;
}

function digest(algorithm: 'sha256' | 'md5', s: string): Uint8Array {
  charge(Math.ceil(s.length / 64));
  return new Uint8Array(createHash(algorithm).update(s, 'utf8').digest());
}

// random (kro random.go)

const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * `random.seededString(length, seed)`: character i is `ALPHANUMERIC[u32be(sha256(seed)[4i mod 32 ..]) mod 36]`
 * (kro reads 4 hash bytes per character, cycling over the 32-byte digest).
 *
 * @throws EvaluationError `random.seededString length must be positive`.
 */
export function seededString(length: bigint, seed: string): string {
  if (length <= 0n) throw celError('random.seededString length must be positive');
  checkStringLength(Number(length));
  charge(Number(length));
  const hash = createHash('sha256').update(seed, 'utf8').digest();
  let out = '';
  for (let i = 0; i < Number(length); i++) {
    const start = (i * 4) % hash.length;
    out += ALPHANUMERIC[hash.readUInt32BE(start) % ALPHANUMERIC.length] ?? '';
  }
  return out;
}

/**
 * `random.seededInt(min, max, seed)`: `min + (u64be(sha256(seed)[0..8]) mod (max - min))`, with Go's
 * int64 wrap-around.
 *
 * @throws EvaluationError `random.seededInt min must be less than max`.
 */
export function seededInt(min: bigint, max: bigint, seed: string): bigint {
  if (min >= max) throw celError('random.seededInt min must be less than max');
  const hash = createHash('sha256').update(seed, 'utf8').digest();
  const v = hash.readBigUInt64BE(0);
  const rangeSize = BigInt.asUintN(64, BigInt.asIntN(64, max - min));
  return BigInt.asIntN(64, min + BigInt.asIntN(64, v % rangeSize));
}

// JSON (Go encoding/json)

/**
 * `json.unmarshal(<string>)`: Go `json.Unmarshal` into `any`, so every number becomes a double.
 *
 * @throws EvaluationError `json.unmarshal failed to parse JSON: <reason>`.
 */
export function jsonUnmarshal(s: string): unknown {
  charge(Math.ceil(s.length / 16));
  let parsed: unknown;
  try {
    parsed = JSON.parse(s, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('number out of range');
      if (Array.isArray(v)) checkListSize(v.length);
      return v;
    });
  } catch (e) {
    const msg = (e as Error).message;
    const reason =
      s.trim() === '' || /end of JSON input|Unexpected end/.test(msg) ? 'unexpected end of JSON input' : msg;
    throw celError(`json.unmarshal failed to parse JSON: ${reason}`);
  }
  return parsed;
}

function jsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u(d[89ab][0-9a-f]{2})(?!\\u)|(?<!\\ud[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/g, '\\ufffd')
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function jsonNumber(x: number): string {
  if (!Number.isFinite(x))
    throw new Error(`json: unsupported value: ${Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf'}`);
  if (Object.is(x, -0)) return '-0';
  return String(x);
}

function marshal(v: unknown, depth: number): string {
  charge(1);
  if (depth > 1000) throw new Error('json: unsupported value: encountered a cycle or excessive nesting');
  switch (typeof v) {
    case 'string':
      return jsonString(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return jsonNumber(v);
    case 'boolean':
      return String(v);
    default:
  }
  if (v === null) return 'null';
  if (v instanceof UnsignedInt) return v.toString();
  if (v instanceof Uint8Array)
    return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64'));
  if (v instanceof Date) return JSON.stringify(v.toISOString().replace(/\.000Z$/, 'Z'));
  if (v instanceof Duration) return (v.seconds * 1_000_000_000n + BigInt(v.nanos)).toString();
  if (v instanceof OpaqueValue) return jsonString(v.toString());
  if (isList(v))
    return (
      '[' +
      listItems(v)
        .map((x) => marshal(x, depth + 1))
        .join(',') +
      ']'
    );
  if (isMap(v)) {
    const entries = mapEntries(v).map(([k, x]) => [typeof k === 'string' ? k : String(k), x] as const);
    entries.sort((a, b) => compareStrings(a[0], b[0]));
    return '{' + entries.map(([k, x]) => `${jsonString(k)}:${marshal(x, depth + 1)}`).join(',') + '}';
  }
  throw new Error(`unsupported type ${celTypeName(v)}`);
}

/**
 * `json.marshal(<dyn>)`: Go `json.Marshal` of the value: map keys sorted, `<`, `>`, `&`, U+2028 and
 * U+2029 escaped, bytes as base64 strings, timestamps as RFC 3339 strings.
 *
 * @throws EvaluationError `json.marshal failed to encode value: <reason>`.
 */
export function jsonMarshal(v: unknown): string {
  let out: string;
  try {
    out = marshal(v, 0);
  } catch (e) {
    if (!(e instanceof Error) || e.name === 'EvaluationError') throw e;
    throw celError(`json.marshal failed to encode value: ${e.message}`);
  }
  checkStringLength(out.length);
  return out;
}

/** Handlers by overload id. */
export const KRO_HANDLERS: Readonly<Record<string, Handler>> = {
  base64_encode_bytes: base64Encode,
  base64_decode_string: base64Decode,
  'hash.fnv64a_string': fnv64a,
  'hash.sha256_string': (s: string) => digest('sha256', s),
  'hash.md5_string': (s: string) => digest('md5', s),
  'random.seededString_int_string': seededString,
  'random.seededInt_int_int_string': seededInt,
  'json.unmarshal_string': jsonUnmarshal,
  'json.marshal_dyn': jsonMarshal,
};
