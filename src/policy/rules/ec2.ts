/**
 * Built-in rules for ACK EC2 `SecurityGroup`s (compliance-catalogue §1.7, §2.5 SG-001..006;
 * scenario S21). ACK removes the default allow-all egress rule and keeps exactly the declared
 * rules, so absent `egressRules` means no egress.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { elementsAt, listAt } from './elements.ts';
import { EC2_SECURITY_GROUP, scopedRule } from './kinds.ts';
import { describeRule, isWorldCidr, opensPort, opensPortOutside } from './sg-rules.ts';
import { Findings, and, nonEmptyString, not, or, show, type Tri } from './tri-state.ts';

const KINDS = [EC2_SECURITY_GROUP];

/** Remote administration ports (SSH, RDP): CIS 5.3/5.4, FSBP EC2.13/EC2.14/EC2.53/EC2.54. */
export const ADMIN_PORTS: readonly number[] = [22, 3389];

/** The high-risk ports of FSBP EC2.19 (Security Hub control description). */
export const HIGH_RISK_PORTS: readonly number[] = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080,
  8088, 8888, 9200, 9300,
];

type Family = 'ipv4' | 'ipv6';
const RANGES: Record<Family, { list: string; cidr: string }> = {
  ipv4: { list: 'ipRanges', cidr: 'cidrIP' },
  ipv6: { list: 'ipv6Ranges', cidr: 'cidrIPv6' },
};

/**
 * Records, for every rule of `direction` and every CIDR of `families`, the violation
 * `world AND opens(rule)`; `what` describes what the rule opens, for reasons.
 */
function checkWorldRules(
  ctx: RuleContext,
  direction: 'ingressRules' | 'egressRules',
  families: readonly Family[],
  opens: (rule: RenderedValue) => Tri,
  what: string,
): RuleResult[] {
  const f = new Findings();
  for (const rule of listAt(ctx.object, ['spec', direction])) {
    if (rule.symbolic) {
      f.unknown(rule.path, rule.value, `${direction} is ${show(rule.value)}, not known yet`);
      continue;
    }
    const opened = opens(rule.value);
    for (const family of families) {
      const { list, cidr } = RANGES[family];
      for (const range of elementsAt(rule.value, rule.path, [list])) {
        const value = range.symbolic ? range.value : valueAt(range.value, [cidr]);
        const path: PathSegment[] = range.symbolic ? range.path : [...range.path, cidr];
        f.record(
          and(isWorldCidr(value), opened),
          path,
          [value, ...['ipProtocol', 'fromPort', 'toPort'].map((k) => valueAt(rule.value, [k]))],
          `${direction}[${rule.index}] opens ${describeRule(rule.value)} to ${show(value)} (${what})`,
          `${direction}[${rule.index}] (${describeRule(rule.value)}) from ${show(value)} is not known yet (${what})`,
        );
      }
    }
  }
  return f.conclude(['spec', direction], `no ${direction} rule opens ${what} to the world`);
}

/** SG-006: every range and group pair of every rule has a description. */
function checkDescriptions(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  for (const direction of ['ingressRules', 'egressRules']) {
    for (const rule of listAt(ctx.object, ['spec', direction])) {
      if (rule.symbolic) {
        f.unknown(rule.path, rule.value, `${direction} is ${show(rule.value)}, not known yet`);
        continue;
      }
      for (const list of ['ipRanges', 'ipv6Ranges', 'prefixListIDs', 'userIDGroupPairs']) {
        for (const entry of elementsAt(rule.value, rule.path, [list])) {
          const description = valueAt(entry.value, ['description']);
          f.record(
            not(nonEmptyString(description)),
            entry.symbolic ? entry.path : [...entry.path, 'description'],
            description ?? entry.value,
            `${direction}[${rule.index}].${list}[${entry.index}] has no description`,
            `the description of ${direction}[${rule.index}].${list} is not known yet`,
          );
        }
      }
    }
  }
  return f.conclude(['spec'], 'every security group rule has a description');
}

/** The security group rules of compliance-catalogue §2.5. */
export const SG_RULES: readonly Rule[] = [
  scopedRule(
    KINDS,
    {
      id: 'SG-001',
      title: 'No SSH/RDP from 0.0.0.0/0',
      severity: 'critical',
      controls: {
        fsbp: ['EC2.13', 'EC2.14', 'EC2.53'],
        config: ['restricted-ssh', 'restricted-common-ports'],
        cis: ['v5:5.3', 'v6:6.3', 'v7:6.3'],
        checkov: ['CKV_AWS_24', 'CKV_AWS_25'],
        trivy: ['AWS-0107'],
      },
      remediation:
        'Restrict ingress to ports 22 and 3389 (and "-1" all-traffic rules) to known CIDRs or security groups; ' +
        'use SSM Session Manager instead of open SSH.',
    },
    (ctx) =>
      checkWorldRules(
        ctx,
        'ingressRules',
        ['ipv4'],
        (r) => or(...ADMIN_PORTS.map((p) => opensPort(r, p))),
        'SSH/RDP (22, 3389)',
      ),
  ),
  scopedRule(
    KINDS,
    {
      id: 'SG-002',
      title: 'No SSH/RDP from ::/0',
      severity: 'critical',
      controls: {
        fsbp: ['EC2.13', 'EC2.14', 'EC2.54'],
        cis: ['v5:5.4', 'v6:6.4', 'v7:6.4'],
        trivy: ['AWS-0107'],
      },
      remediation: 'Restrict IPv6 ingress to ports 22 and 3389 to known CIDRs or security groups.',
    },
    (ctx) =>
      checkWorldRules(
        ctx,
        'ingressRules',
        ['ipv6'],
        (r) => or(...ADMIN_PORTS.map((p) => opensPort(r, p))),
        'SSH/RDP (22, 3389)',
      ),
  ),
  scopedRule(
    KINDS,
    {
      id: 'SG-003',
      title: 'Only authorized ports are open to the world',
      severity: 'high',
      controls: {
        fsbp: ['EC2.18'],
        config: ['vpc-sg-open-only-to-authorized-ports'],
        checkov: ['CKV_AWS_260', 'CKV_AWS_277'],
      },
      remediation: 'Open only the policy worldOpenPorts (default 80, 443) to 0.0.0.0/0 or ::/0.',
    },
    (ctx) =>
      checkWorldRules(
        ctx,
        'ingressRules',
        ['ipv4', 'ipv6'],
        (r) => opensPortOutside(r, ctx.params.worldOpenPorts),
        `ports other than ${ctx.params.worldOpenPorts.join(', ') || 'none'}`,
      ),
  ),
  scopedRule(
    KINDS,
    {
      id: 'SG-004',
      title: 'No high-risk ports are open to the world',
      severity: 'high',
      controls: { fsbp: ['EC2.19'], config: ['restricted-common-ports'] },
      remediation: `Close the high-risk ports (${HIGH_RISK_PORTS.join(', ')}) to 0.0.0.0/0 and ::/0.`,
    },
    (ctx) => {
      const ports = HIGH_RISK_PORTS.filter((p) => !ctx.params.worldOpenPorts.includes(p));
      return checkWorldRules(
        ctx,
        'ingressRules',
        ['ipv4', 'ipv6'],
        (r) => or(...ports.map((p) => opensPort(r, p))),
        'high-risk ports',
      );
    },
  ),
  scopedRule(
    KINDS,
    {
      id: 'SG-005',
      title: 'Egress is not open to the world',
      severity: 'low',
      optional: true,
      controls: { trivy: ['AWS-0104'] },
      remediation: 'Restrict egressRules to the CIDRs, prefix lists or security groups the workload needs.',
    },
    (ctx) => checkWorldRules(ctx, 'egressRules', ['ipv4', 'ipv6'], () => true, 'egress'),
  ),
  scopedRule(
    KINDS,
    {
      id: 'SG-006',
      title: 'Security group rules have descriptions',
      severity: 'info',
      optional: true,
      controls: { checkov: ['CKV_AWS_23'], trivy: ['AWS-0099', 'AWS-0124'] },
      remediation: 'Give every ipRanges, ipv6Ranges, prefixListIDs and userIDGroupPairs entry a description.',
    },
    checkDescriptions,
  ),
];
