/**
 * Reading ACK EC2 `SecurityGroup` rules (compliance-catalogue §1.7: `spec.ingressRules[]` /
 * `egressRules[]` with `ipProtocol` ("-1" = all), `fromPort`, `toPort`, `ipRanges[].cidrIP`,
 * `ipv6Ranges[].cidrIPv6`) three-valued: which ports a rule opens and whether a CIDR is the world.
 */
import { SymbolicString, isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import { and, or, show, testValue, type Tri } from './tri-state.ts';

const ALL_PROTOCOLS = ['-1', 'all'];
/** Protocols with ports (TCP, UDP) by name and number. */
const PORT_PROTOCOLS = ['tcp', '6', 'udp', '17'];

/** Whether the rule's protocol is "all traffic". */
function allTraffic(rule: RenderedValue): Tri {
  return testValue(
    valueAt(rule, ['ipProtocol']),
    (v) => ALL_PROTOCOLS.includes(String(v).toLowerCase()),
    false,
  );
}

/** Whether the rule's protocol has ports (TCP or UDP). */
function portProtocol(rule: RenderedValue): Tri {
  return testValue(
    valueAt(rule, ['ipProtocol']),
    (v) => PORT_PROTOCOLS.includes(String(v).toLowerCase()),
    false,
  );
}

/** A port bound: -1 or absent means unbounded (AWS requires both for TCP/UDP; absent is read as "any"). */
function bound(value: RenderedValue | undefined, test: (port: number) => boolean): Tri {
  return testValue(value, (v) => typeof v !== 'number' || v === -1 || test(v), true);
}

/** Whether the rule opens `port` (all traffic, or TCP/UDP with fromPort <= port <= toPort). */
export function opensPort(rule: RenderedValue, port: number): Tri {
  const inRange = and(
    bound(valueAt(rule, ['fromPort']), (from) => from <= port),
    bound(valueAt(rule, ['toPort']), (to) => to >= port),
  );
  return or(allTraffic(rule), and(portProtocol(rule), inRange));
}

/**
 * Whether the rule opens any port outside `allowed` (all traffic does; a TCP/UDP range does unless
 * every port in it is allowed; other protocols such as ICMP have no ports and do not).
 */
export function opensPortOutside(rule: RenderedValue, allowed: readonly number[]): Tri {
  const from = valueAt(rule, ['fromPort']);
  const to = valueAt(rule, ['toPort']);
  let outside: Tri;
  if (typeof from === 'number' && typeof to === 'number' && from !== -1 && to !== -1) {
    outside = to - from + 1 > allowed.length;
    for (let p = from; !outside && p <= to; p++) {
      if (!allowed.includes(p)) outside = true;
    }
  } else if (isSymbolic(from) || isSymbolic(to)) {
    outside = 'unknown';
  } else {
    outside = true;
  }
  return or(allTraffic(rule), and(portProtocol(rule), outside));
}

/**
 * Whether a CIDR covers every address (`0.0.0.0/0`, `::/0`: prefix length 0). A template is
 * decided by its literal suffix (`${schema.spec.net}/16` is not the world).
 */
export function isWorldCidr(value: RenderedValue | undefined): Tri {
  if (value instanceof SymbolicString) {
    const last = value.parts[value.parts.length - 1];
    const m = typeof last === 'string' ? /\/(\d+)\s*$/.exec(last) : null;
    if (m) return Number(m[1]) === 0;
    return 'unknown';
  }
  return testValue(value, (v) => typeof v === 'string' && /\/0+\s*$/.test(v), false);
}

/** `tcp 22-22`, `all traffic`, for reasons. */
export function describeRule(rule: RenderedValue): string {
  const protocol = valueAt(rule, ['ipProtocol']);
  if (allTraffic(rule) === true) return 'all traffic';
  const from = valueAt(rule, ['fromPort']);
  const to = valueAt(rule, ['toPort']);
  return `${typeof protocol === 'string' ? protocol : show(protocol)} ${show(from)}-${show(to)}`;
}
