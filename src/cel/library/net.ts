/**
 * IP addresses and CIDR prefixes for the k8s `library.IP()` / `library.CIDR()` CEL functions, with
 * Go `net/netip` parsing and printing rules (RFC 5952 canonical IPv6; zones and IPv4-mapped IPv6
 * addresses rejected as k8s does).
 */

import { celError, OpaqueValue } from './values.ts';

type Handler = (...args: never[]) => unknown;

/** `unable to parse IP`-style failure carrying netip's reason. */
class AddrError extends Error {}

function parseV4(s: string): number[] {
  const parts = s.split('.');
  if (parts.length !== 4) throw new AddrError('IPv4 address too short');
  return parts.map((p) => {
    if (!/^[0-9]{1,3}$/.test(p)) throw new AddrError('unexpected character');
    if (p.length > 1 && p.startsWith('0')) throw new AddrError('IPv4 field has octet with leading zero');
    const n = Number(p);
    if (n > 255) throw new AddrError('IPv4 field has value >255');
    return n;
  });
}

function parseV6(s: string): { bytes: number[]; zone: string } {
  let zone = '';
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    if (zone === '') throw new AddrError('zone must be a non-empty string');
    s = s.slice(0, pct);
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new AddrError('multiple :: in address');
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    fields.forEach((f, i) => {
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = parseV4(f);
        out.push((v4[0] ?? 0) * 256 + (v4[1] ?? 0), (v4[2] ?? 0) * 256 + (v4[3] ?? 0));
        return;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f))
        throw new AddrError('each colon-separated field must have at least one digit');
      out.push(parseInt(f, 16));
    });
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) throw new AddrError('address string too long');
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) throw new AddrError('address string too short');
    all = head;
  }
  return { bytes: all.flatMap((g) => [g >> 8, g & 0xff]), zone };
}

/** An IP address (cel-go type `net.IP`): 4 or 16 bytes. */
export class IPAddr extends OpaqueValue {
  readonly celType = 'net.IP';
  readonly bytes: readonly number[];

  constructor(bytes: readonly number[]) {
    super();
    this.bytes = bytes;
  }

  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }

  equals(other: OpaqueValue): boolean {
    return (
      other instanceof IPAddr &&
      other.bytes.length === this.bytes.length &&
      other.bytes.every((b, i) => b === this.bytes[i])
    );
  }

  private u16(i: number): number {
    return (this.bytes[2 * i] ?? 0) * 256 + (this.bytes[2 * i + 1] ?? 0);
  }

  /** netip `Addr.String()`: dotted IPv4; RFC 5952 IPv6 (longest zero run of ≥ 2 groups as `::`). */
  toString(): string {
    if (this.family === 4) return this.bytes.join('.');
    const g = Array.from({ length: 8 }, (_, i) => this.u16(i));
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8;) {
      if (g[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && g[j] === 0) j++;
      if (j - i > bestLen && j - i >= 2) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
    if (bestStart < 0) return hex(g);
    return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
  }

  isUnspecified(): boolean {
    return this.bytes.every((b) => b === 0);
  }
  isLoopback(): boolean {
    return this.family === 4
      ? this.bytes[0] === 127
      : this.bytes.slice(0, 15).every((b) => b === 0) && this.bytes[15] === 1;
  }
  isMulticast(): boolean {
    return this.family === 4 ? ((this.bytes[0] ?? 0) & 0xf0) === 0xe0 : this.bytes[0] === 0xff;
  }
  isLinkLocalMulticast(): boolean {
    if (this.family === 4) return this.bytes[0] === 224 && this.bytes[1] === 0 && this.bytes[2] === 0;
    return (this.u16(0) & 0xff0f) === 0xff02;
  }
  isLinkLocalUnicast(): boolean {
    if (this.family === 4) return this.bytes[0] === 169 && this.bytes[1] === 254;
    return (this.u16(0) & 0xffc0) === 0xfe80;
  }
  isGlobalUnicast(): boolean {
    if (this.family === 4 && (this.isUnspecified() || this.bytes.every((b) => b === 255))) return false;
    return !this.isUnspecified() && !this.isLoopback() && !this.isMulticast() && !this.isLinkLocalUnicast();
  }
}

/** netip.ParseAddr; returns the zone separately. @throws AddrError with netip's reason. */
function parseAddrRaw(s: string): { addr: IPAddr; zone: string; mapped: boolean } {
  if (s === '') throw new AddrError('unable to parse IP');
  if (s.includes(':')) {
    const { bytes, zone } = parseV6(s);
    const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    return { addr: new IPAddr(bytes), zone, mapped };
  }
  if (s.includes('.')) return { addr: new IPAddr(parseV4(s)), zone: '', mapped: false };
  throw new AddrError('unable to parse IP');
}

/**
 * k8s `parseIPAddr`: netip parsing, then zones and IPv4-mapped IPv6 addresses rejected.
 *
 * @throws Error `IP Address "<s>" parse error during conversion from string: ParseAddr("<s>"): <reason>`,
 *   `IP address "<s>" with zone value is not allowed`, `IPv4-mapped IPv6 address "<s>" is not allowed`.
 */
export function parseIP(s: string): IPAddr {
  let parsed;
  try {
    parsed = parseAddrRaw(s);
  } catch (e) {
    throw new Error(
      `IP Address ${JSON.stringify(s)} parse error during conversion from string: ParseAddr(${JSON.stringify(s)}): ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (parsed.zone !== '') throw new Error(`IP address ${JSON.stringify(s)} with zone value is not allowed`);
  if (parsed.mapped) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(s)} is not allowed`);
  return parsed.addr;
}

/** A CIDR prefix (cel-go type `net.CIDR`): an address (host bits kept) and a prefix length. */
export class CIDRPrefix extends OpaqueValue {
  readonly celType = 'net.CIDR';
  readonly addr: IPAddr;
  readonly bits: number;

  constructor(addr: IPAddr, bits: number) {
    super();
    this.addr = addr;
    this.bits = bits;
  }

  equals(other: OpaqueValue): boolean {
    return other instanceof CIDRPrefix && other.bits === this.bits && other.addr.equals(this.addr);
  }

  toString(): string {
    return `${this.addr.toString()}/${this.bits}`;
  }

  /** The prefix with host bits zeroed (netip `Prefix.Masked`). */
  masked(): CIDRPrefix {
    const bytes = this.addr.bytes.map((b, i) => {
      const keep = Math.max(0, Math.min(8, this.bits - 8 * i));
      return b & ((0xff << (8 - keep)) & 0xff);
    });
    return new CIDRPrefix(new IPAddr(bytes), this.bits);
  }

  /** netip `Prefix.Contains`: same family and equal under the mask. */
  contains(ip: IPAddr): boolean {
    if (ip.family !== this.addr.family) return false;
    return new CIDRPrefix(ip, this.bits).masked().addr.equals(this.masked().addr);
  }

  /** k8s `containsCIDR`: same masked network and a prefix at least as long. */
  containsCIDR(other: CIDRPrefix): boolean {
    if (other.addr.family !== this.addr.family) return false;
    return new CIDRPrefix(other.addr, this.bits).masked().equals(this.masked()) && this.bits <= other.bits;
  }
}

const CIDR_ERR = 'network address parse error during conversion from string';

/**
 * k8s `parseCIDR` (netip.ParsePrefix, IPv4-mapped IPv6 rejected).
 *
 * @throws Error `network address parse error during conversion from string: netip.ParsePrefix("<s>"): <reason>`.
 */
export function parseCIDR(s: string): CIDRPrefix {
  const fail = (reason: string): never => {
    throw new Error(`${CIDR_ERR}: netip.ParsePrefix(${JSON.stringify(s)}): ${reason}`);
  };
  const slash = s.lastIndexOf('/');
  if (slash < 0) fail("no '/'");
  const addrPart = s.slice(0, slash);
  const bitsPart = s.slice(slash + 1);
  let parsed;
  try {
    parsed = parseAddrRaw(addrPart);
  } catch (e) {
    return fail(`ParseAddr(${JSON.stringify(addrPart)}): ${(e as Error).message}`);
  }
  if (parsed.zone !== '') fail('IPv6 zones cannot be present in a prefix');
  if (!/^[0-9]+$/.test(bitsPart) || (bitsPart.length > 1 && bitsPart.startsWith('0'))) {
    fail(`bad bits after slash: ${JSON.stringify(bitsPart)}`);
  }
  const bits = Number(bitsPart);
  const max = parsed.addr.family === 4 ? 32 : 128;
  if (bits > max) fail(`prefix length out of range`);
  if (parsed.mapped) throw new Error(`IPv4-mapped IPv6 address ${JSON.stringify(s)} is not allowed`);
  return new CIDRPrefix(parsed.addr, bits);
}

function ipOrError(s: string): IPAddr {
  try {
    return parseIP(s);
  } catch (e) {
    throw celError((e as Error).message);
  }
}

function cidrOrError(s: string): CIDRPrefix {
  try {
    return parseCIDR(s);
  } catch (e) {
    throw celError(`${CIDR_ERR}: ${(e as Error).message}`);
  }
}

const succeeds = (f: () => unknown): boolean => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

/** Handlers by k8s overload id. */
export const NET_HANDLERS: Readonly<Record<string, Handler>> = {
  string_to_ip: ipOrError,
  ip_family: (ip: IPAddr) => BigInt(ip.family),
  ip_is_canonical: (s: string) => ipOrError(s).toString() === s,
  ip_is_unspecified: (ip: IPAddr) => ip.isUnspecified(),
  ip_is_loopback: (ip: IPAddr) => ip.isLoopback(),
  ip_is_link_local_multicast: (ip: IPAddr) => ip.isLinkLocalMulticast(),
  ip_is_link_local_unicast: (ip: IPAddr) => ip.isLinkLocalUnicast(),
  ip_is_global_unicast: (ip: IPAddr) => ip.isGlobalUnicast(),
  is_ip: (s: string) => succeeds(() => parseIP(s)),
  ip_to_string: (ip: IPAddr) => ip.toString(),
  string_to_cidr: cidrOrError,
  cidr_contains_ip_string: (c: CIDRPrefix, s: string) => c.contains(ipOrError(s)),
  cidr_contains_ip_ip: (c: CIDRPrefix, ip: IPAddr) => c.contains(ip),
  cidr_contains_cidr_string: (c: CIDRPrefix, s: string) => c.containsCIDR(cidrOrError(s)),
  cidr_contains_cidr: (c: CIDRPrefix, o: CIDRPrefix) => c.containsCIDR(o),
  cidr_ip: (c: CIDRPrefix) => c.addr,
  cidr_prefix_length: (c: CIDRPrefix) => BigInt(c.bits),
  cidr_masked: (c: CIDRPrefix) => c.masked(),
  is_cidr: (s: string) => succeeds(() => parseCIDR(s)),
  cidr_to_string: (c: CIDRPrefix) => c.toString(),
};
