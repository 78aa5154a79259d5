/**
 * k8s `library.URLs()` (Go `net/url` rules), `library.SemverLib()` (blang/semver v4 rules) and
 * `library.Regex()` (Go RE2 syntax mapped onto JS regular expressions).
 */

import { activeMeter, budgetError, charge, checkListSize } from './budget.ts';
import { celError, compareStrings, OpaqueValue, toIndex } from './values.ts';

type Handler = (...args: never[]) => unknown;

// ---------------------------------------------------------------------------------------------
// URLs

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const PATH_SAFE = /[$&+,/:;=@]/;

function escapePath(p: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(p)) {
    const c = String.fromCharCode(b);
    out +=
      b < 0x80 && (UNRESERVED.test(c) || PATH_SAFE.test(c))
        ? c
        : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function unescapeStrict(s: string, plusIsSpace: boolean): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex))
        throw new Error(`invalid URL escape ${JSON.stringify(s.slice(i, i + 3))}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+' && plusIsSpace) bytes.push(0x20);
    else bytes.push(...new TextEncoder().encode(c));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** A parsed URL (cel-go type `kubernetes.URL`). */
export class ParsedURL extends OpaqueValue {
  readonly celType = 'kubernetes.URL';
  readonly raw: string;
  readonly scheme: string;
  readonly host: string;
  readonly path: string;
  readonly rawPath: string;
  readonly rawQuery: string;

  constructor(
    raw: string,
    parts: { scheme: string; host: string; path: string; rawPath: string; rawQuery: string },
  ) {
    super();
    this.raw = raw;
    this.scheme = parts.scheme;
    this.host = parts.host;
    this.path = parts.path;
    this.rawPath = parts.rawPath;
    this.rawQuery = parts.rawQuery;
  }

  equals(other: OpaqueValue): boolean {
    return other instanceof ParsedURL && other.raw === this.raw;
  }

  toString(): string {
    return this.raw;
  }

  hostname(): string {
    if (this.host.startsWith('[')) {
      const end = this.host.indexOf(']');
      return this.host.slice(1, end < 0 ? undefined : end);
    }
    const i = this.host.lastIndexOf(':');
    return i < 0 ? this.host : this.host.slice(0, i);
  }

  port(): string {
    const start = this.host.startsWith('[') ? this.host.indexOf(']') + 1 : 0;
    const i = this.host.indexOf(':', start);
    if (i < 0) return '';
    const p = this.host.slice(this.host.lastIndexOf(':') + 1);
    return /^[0-9]*$/.test(p) ? p : '';
  }

  /** Go `URL.EscapedPath`. */
  escapedPath(): string {
    if (this.rawPath !== '') {
      try {
        if (
          unescapeStrict(this.rawPath, false) === this.path &&
          /^(?:[A-Za-z0-9\-_.~!$&'()*+,;=:@[\]/]|%[0-9a-fA-F]{2})*$/.test(this.rawPath)
        ) {
          return this.rawPath;
        }
      } catch {
        // fall through to escaping
      }
    }
    if (this.path === '*') return '*';
    return escapePath(this.path);
  }

  /** Go `URL.Query()`: `&`-separated pairs; pairs with `;` or bad escapes are dropped. */
  query(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const pair of this.rawQuery.split('&')) {
      if (pair === '' || pair.includes(';')) continue;
      const eq = pair.indexOf('=');
      try {
        const k = unescapeStrict(eq < 0 ? pair : pair.slice(0, eq), true);
        const v = eq < 0 ? '' : unescapeStrict(pair.slice(eq + 1), true);
        (Object.hasOwn(out, k) ? (out[k] as string[]) : (out[k] = [])).push(v);
      } catch {
        // Go skips pairs that do not unescape.
      }
    }
    return out;
  }
}

/** Go `url.Parse` (`viaRequest` false) / `url.ParseRequestURI` (true). @throws Error Go's reason. */
function goParseURL(raw: string, viaRequest: boolean): ParsedURL {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new Error('empty url');
  let rest = raw;
  if (!viaRequest) {
    const hash = rest.indexOf('#');
    if (hash >= 0) rest = rest.slice(0, hash);
  }
  let scheme = '';
  const sm = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(rest);
  if (sm) {
    scheme = (sm[1] ?? '').toLowerCase();
    rest = rest.slice((sm[1] ?? '').length + 1);
  } else if (rest.startsWith(':')) throw new Error('missing protocol scheme');
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return new ParsedURL(raw, { scheme, host: '', path: '', rawPath: '', rawQuery });
    if (viaRequest) throw new Error('invalid URI for request');
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash))
      throw new Error('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || !viaRequest) && rest.startsWith('//') && !(viaRequest && rest.startsWith('///'))) {
    const end = rest.indexOf('/', 2);
    let authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) authority = authority.slice(at + 1);
    if (authority.startsWith('[')) {
      const close = authority.indexOf(']');
      if (close < 0) throw new Error("missing ']' in host");
      const after = authority.slice(close + 1);
      if (!/^(:[0-9]*)?$/.test(after)) throw new Error(`invalid port ${JSON.stringify(after)} after host`);
    } else {
      const i = authority.lastIndexOf(':');
      if (i >= 0 && !/^:[0-9]*$/.test(authority.slice(i))) {
        throw new Error(`invalid port ${JSON.stringify(authority.slice(i))} after host`);
      }
    }
    host = unescapeStrict(authority, false);
  }
  const path = unescapeStrict(rest, false);
  const rawPath = escapePath(path) === rest ? '' : rest;
  return new ParsedURL(raw, { scheme, host, path, rawPath, rawQuery });
}

/** k8s `url()`: must pass `url.ParseRequestURI`, then is parsed with `url.Parse`. */
export function parseURL(s: string): ParsedURL {
  try {
    goParseURL(s, true);
    return goParseURL(s, false);
  } catch (e) {
    throw celError(
      `URL parse error during conversion from string: parse ${JSON.stringify(s)}: ${(e as Error).message}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Semver (blang/semver v4)

/** A semantic version (cel-go type `kubernetes.Semver`). */
export class Semver extends OpaqueValue {
  readonly celType = 'kubernetes.Semver';
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly pre: readonly string[];
  readonly build: readonly string[];

  constructor(major: bigint, minor: bigint, patch: bigint, pre: string[], build: string[]) {
    super();
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.pre = pre;
    this.build = build;
  }

  /** blang `Version.Compare` (build metadata ignored). */
  compare(o: Semver): number {
    for (const [a, b] of [
      [this.major, o.major],
      [this.minor, o.minor],
      [this.patch, o.patch],
    ] as const) {
      if (a !== b) return a < b ? -1 : 1;
    }
    if (this.pre.length === 0 || o.pre.length === 0) {
      return this.pre.length === o.pre.length ? 0 : this.pre.length === 0 ? 1 : -1;
    }
    for (let i = 0; i < Math.min(this.pre.length, o.pre.length); i++) {
      const a = this.pre[i] ?? '';
      const b = o.pre[i] ?? '';
      const an = /^[0-9]+$/.test(a);
      const bn = /^[0-9]+$/.test(b);
      if (an && bn) {
        const x = BigInt(a);
        const y = BigInt(b);
        if (x !== y) return x < y ? -1 : 1;
      } else if (an !== bn) return an ? -1 : 1;
      else if (a !== b) return compareStrings(a, b);
    }
    return this.pre.length === o.pre.length ? 0 : this.pre.length < o.pre.length ? -1 : 1;
  }

  equals(other: OpaqueValue): boolean {
    return other instanceof Semver && this.compare(other) === 0;
  }

  toString(): string {
    const pre = this.pre.length ? '-' + this.pre.join('.') : '';
    const build = this.build.length ? '+' + this.build.join('.') : '';
    return `${this.major}.${this.minor}.${this.patch}${pre}${build}`;
  }
}

const MAX_UINT64 = 2n ** 64n - 1n;

function parseNumber(s: string, what: string): bigint {
  if (!/^[0-9]+$/.test(s))
    throw new Error(`Invalid character(s) found in ${what} number ${JSON.stringify(s)}`);
  if (s.length > 1 && s.startsWith('0')) {
    throw new Error(
      `${what[0]?.toUpperCase() ?? ''}${what.slice(1)} number must not contain leading zeroes ${JSON.stringify(s)}`,
    );
  }
  const v = BigInt(s);
  if (v > MAX_UINT64) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** blang/semver v4 `Parse`. @throws Error with blang's messages. */
export function parseSemver(s: string): Semver {
  if (s === '') throw new Error('Version string empty');
  const parts = s.split('.');
  if (parts.length < 3) throw new Error('No Major.Minor.Patch elements found');
  const rest = parts.slice(2).join('.');
  const major = parseNumber(parts[0] ?? '', 'major');
  const minor = parseNumber(parts[1] ?? '', 'minor');
  let patchStr = rest;
  let build: string[] = [];
  let pre: string[] = [];
  const plus = patchStr.indexOf('+');
  if (plus >= 0) {
    build = patchStr.slice(plus + 1).split('.');
    patchStr = patchStr.slice(0, plus);
  }
  const dash = patchStr.indexOf('-');
  if (dash >= 0) {
    pre = patchStr.slice(dash + 1).split('.');
    patchStr = patchStr.slice(0, dash);
  }
  const patch = parseNumber(patchStr, 'patch');
  for (const p of pre) {
    if (p === '') throw new Error('Prerelease is empty');
    if (/^[0-9]+$/.test(p)) {
      if (p.length > 1 && p.startsWith('0')) {
        throw new Error(`Numeric PreRelease version must not contain leading zeroes ${JSON.stringify(p)}`);
      }
    } else if (!/^[0-9A-Za-z-]+$/.test(p))
      throw new Error(`Invalid character(s) found in prerelease ${JSON.stringify(p)}`);
  }
  for (const b of build) {
    if (b === '') throw new Error(`Build meta data can not be empty ${JSON.stringify(b)}`);
    if (!/^[0-9A-Za-z-]+$/.test(b))
      throw new Error(`Invalid character(s) found in build meta data ${JSON.stringify(b)}`);
  }
  return new Semver(major, minor, patch, pre, build);
}

/** k8s `normalizeAndParse`: strips a leading `v`, leading zeros, fills missing minor/patch. */
export function parseSemverNormalized(s: string): Semver {
  s = s.startsWith('v') ? s.slice(1) : s;
  const parts = s.split('.');
  const head = parts.length > 3 ? [...parts.slice(0, 2), parts.slice(2).join('.')] : parts;
  const fixed = head.map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/^[0-9]/.test(t) ? '0' + t : t;
  });
  if (fixed.length < 3) {
    if (/[+-]/.test(fixed[fixed.length - 1] ?? ''))
      throw new Error('short version cannot contain PreRelease/Build meta data');
    while (fixed.length < 3) fixed.push('0');
  }
  return parseSemver(fixed.join('.'));
}

function semverOrError(s: string, normalize = false): Semver {
  try {
    return normalize ? parseSemverNormalized(s) : parseSemver(s);
  } catch (e) {
    throw celError((e as Error).message);
  }
}

// ---------------------------------------------------------------------------------------------
// Regex

const regexCache = new Map<string, RegExp>();

/** Nested quantifiers like `(a+)+` can make JS backtracking exponential (RE2 is linear). */
function hasNestedQuantifier(pattern: string): boolean {
  const stack: boolean[] = [];
  let quantifiedInside = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') {
      stack.push(quantifiedInside);
      quantifiedInside = false;
    } else if (c === ')') {
      const inner: boolean = quantifiedInside;
      quantifiedInside = stack.pop() ?? false;
      const next = pattern[i + 1];
      if (inner && (next === '*' || next === '+' || next === '{')) return true;
      quantifiedInside ||= inner;
    } else if (c === '*' || c === '+' || c === '{') quantifiedInside = true;
  }
  return false;
}

/**
 * Compiles a Go RE2 pattern as a JS RegExp (`(?P<n>` → `(?<n>`, leading `(?i)`/`(?s)`/`(?m)` flags,
 * `\z` → end of input). During bounded evaluation, patterns with nested quantifiers are rejected.
 *
 * @throws EvaluationError `error parsing regexp: ...`.
 */
export function compileRegex(pattern: string): RegExp {
  if (activeMeter() !== undefined && hasNestedQuantifier(pattern)) {
    throw budgetError(
      `regular expression ${JSON.stringify(pattern)} has nested quantifiers, refused in bounded evaluation`,
    );
  }
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let source = pattern;
  let flags = 'gu';
  const lead = /^\(\?([ims]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1] ?? '') if (!flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\(\?P</g, '(?<')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\\A/g, '^');
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch {
    try {
      re = new RegExp(source, flags.replace('u', ''));
    } catch (e) {
      throw celError(`error parsing regexp: ${(e as Error).message}`);
    }
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

/** Go `Regexp.FindAllString(s, n)`: non-overlapping, empty matches right after a match skipped. */
export function findAll(s: string, pattern: string, n = -1n): string[] {
  const re = compileRegex(pattern);
  const limit = n < 0n ? Infinity : toIndex(n);
  const out: string[] = [];
  re.lastIndex = 0;
  let prevEnd = -1;
  charge(Math.ceil(s.length / 16));
  while (out.length < limit && re.lastIndex <= s.length) {
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '') {
      const cp = s.codePointAt(start) ?? 0;
      re.lastIndex = start + (cp > 0xffff ? 2 : 1);
      if (start === prevEnd) continue;
    }
    out.push(m[0]);
    checkListSize(out.length);
    prevEnd = end;
  }
  re.lastIndex = 0;
  return out;
}

/** Go `Regexp.FindString`: the leftmost match, or `''`. */
export function find(s: string, pattern: string): string {
  const re = compileRegex(pattern);
  re.lastIndex = 0;
  const m = re.exec(s);
  re.lastIndex = 0;
  return m ? m[0] : '';
}

/** Handlers by k8s overload id. */
export const K8S_MISC_HANDLERS: Readonly<Record<string, Handler>> = {
  string_to_url: parseURL,
  url_get_scheme: (u: ParsedURL) => u.scheme,
  url_get_host: (u: ParsedURL) => u.host,
  url_get_hostname: (u: ParsedURL) => u.hostname(),
  url_get_port: (u: ParsedURL) => u.port(),
  url_get_escaped_path: (u: ParsedURL) => u.escapedPath(),
  url_get_query: (u: ParsedURL) => u.query(),
  is_url_string: (s: string) => {
    try {
      goParseURL(s, true);
      return true;
    } catch {
      return false;
    }
  },
  string_find_string: find,
  string_find_all_string: (s: string, p: string) => findAll(s, p),
  string_find_all_string_int: findAll,
  string_to_semver: (s: string) => semverOrError(s),
  string_bool_to_semver: semverOrError,
  is_semver_string: (s: string) => {
    try {
      parseSemver(s);
      return true;
    } catch {
      return false;
    }
  },
  is_semver_string_bool: (s: string, normalize: boolean) => {
    try {
      if (normalize) parseSemverNormalized(s);
      else parseSemver(s);
      return true;
    } catch {
      return false;
    }
  },
  semver_is_greater_than: (a: Semver, b: Semver) => a.compare(b) === 1,
  semver_is_less_than: (a: Semver, b: Semver) => a.compare(b) === -1,
  semver_compare_to: (a: Semver, b: Semver) => BigInt(a.compare(b)),
  semver_major: (v: Semver) => v.major,
  semver_minor: (v: Semver) => v.minor,
  semver_patch: (v: Semver) => v.patch,
};
