/**
 * The string formats the API server checks in custom resources: kube-openapi's `strfmt.Default`
 * registry, limited to the formats apiextensions-apiserver keeps (`pkg/apiserver/validation/formats.go`,
 * `supportedVersionedFormats`: the 1.0 set plus `k8s-short-name` and `k8s-long-name` from 1.34). Any
 * other format (`int32`, `int64`, `double`, unknown names) is stripped by the API server and not
 * checked. Names are compared without `-` (go-openapi's normalisation: `date-time` = `datetime`).
 *
 * Approximations, where Go's parsers are not ported exactly: `email` (Go `net/mail.ParseAddress`),
 * `uri` (`net/url.ParseRequestURI`), `duration` (`time.ParseDuration` or strfmt's unit words),
 * `date-time` (strfmt's RFC 3339 layouts; leap seconds not accepted), `isbn*` and `creditcard`
 * (patterns only, no checksum), `ipv4`/`ipv6`/`cidr` (Node's address parser, which accepts IPv6 zones
 * that Go rejects).
 */
import { isIP } from 'node:net';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME =
  /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const MAC =
  /^(?:[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2}){5}|[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2}){7}|[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2}){19}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){2}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){3}|[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4}){9})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX_COLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const BYTE_255 = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])';
const RGB_COLOR = new RegExp(`^rgb\\(\\s*${BYTE_255}\\s*,\\s*${BYTE_255}\\s*,\\s*${BYTE_255}\\s*\\)$`);
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const ISBN10 = /^(?:\d[- ]?){9}[\dXx]$/;
const ISBN13 = /^(?:\d[- ]?){12}\d$/;
const CREDIT_CARD =
  /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const BSON_OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?$/;
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const WORD_DURATION =
  /^(?:\s*-?\d+\s*(?:ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)\s*)+$/;
const EMAIL = /^(?:[^<>]*<\s*)?[^\s@<>]+@[^\s@<>]+?(?:\s*>)?$/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function validDate(y: string, m: string, d: string): boolean {
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && validDate(m[1]!, m[2]!, m[3]!);
}

function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (m === null || !validDate(m[1]!, m[2]!, m[3]!)) return false;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? '0') < 60;
}

function isCidr(s: string): boolean {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return false;
  const family = isIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

function isUri(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  return URI_SCHEME.test(s) && URL.canParse(s);
}

const CHECKS: Readonly<Record<string, (s: string) => boolean>> = {
  bsonobjectid: (s) => BSON_OBJECT_ID.test(s),
  uri: isUri,
  email: (s) => EMAIL.test(s),
  hostname: (s) => s.length <= 255 && HOSTNAME.test(s),
  ipv4: (s) => isIP(s) !== 0 && s.includes('.'),
  ipv6: (s) => isIP(s) !== 0 && s.includes(':'),
  cidr: isCidr,
  mac: (s) => MAC.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => ISBN10.test(s) || ISBN13.test(s),
  isbn10: (s) => ISBN10.test(s),
  isbn13: (s) => ISBN13.test(s),
  creditcard: (s) => CREDIT_CARD.test(s.replace(/\D/g, '')),
  ssn: (s) => SSN.test(s),
  hexcolor: (s) => HEX_COLOR.test(s),
  rgbcolor: (s) => RGB_COLOR.test(s),
  byte: (s) => BASE64.test(s.replace(/[\r\n]/g, '')),
  password: () => true,
  date: isDate,
  duration: (s) => s === '0' || GO_DURATION.test(s) || WORD_DURATION.test(s),
  datetime: isDateTime,
  k8sshortname: (s) => s.length <= 63 && DNS1123_LABEL.test(s),
  k8slongname: (s) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s),
};

/** A string format the API server checks: its name as written in the schema, and the check. */
export interface FormatCheck {
  readonly name: string;
  readonly test: (value: string) => boolean;
}

/**
 * The check of `format`, or undefined when the API server ignores that format (it strips formats
 * outside its supported set before validating).
 */
export function formatCheck(format: string): FormatCheck | undefined {
  const key = format.replaceAll('-', '');
  return Object.hasOwn(CHECKS, key) ? { name: format, test: CHECKS[key]! } : undefined;
}
