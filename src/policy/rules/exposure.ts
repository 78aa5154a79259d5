/**
 * Network exposure rules K8S-009 (Service) and K8S-010 (Ingress) of compliance-catalogue §2.6, for
 * the AWS Load Balancer Controller's annotations.
 */
import type { PathSegment } from '../../diagnostics/diagnostic.ts';
import { isSymbolic, valueAt, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { listAt } from './elements.ts';
import { INGRESS, scopedRule, SERVICE } from './kinds.ts';
import { Findings, and, nonEmptyString, not, or, show, testValue, type Tri } from './tri-state.ts';

const LB_SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme';
const LB_INTERNAL = 'service.beta.kubernetes.io/aws-load-balancer-internal';
const LB_CERT = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
const ALB_SCHEME = 'alb.ingress.kubernetes.io/scheme';
const ALB_CERT = 'alb.ingress.kubernetes.io/certificate-arn';

/** The annotation `key` of the object: its value, or the symbolic annotations map that may hold it. */
function annotation(
  ctx: RuleContext,
  key: string,
): { path: PathSegment[]; value: RenderedValue | undefined } {
  const annotations = valueAt(ctx.object, ['metadata', 'annotations']);
  if (isSymbolic(annotations)) return { path: ['metadata', 'annotations'], value: annotations };
  return { path: ['metadata', 'annotations', key], value: valueAt(annotations, [key]) };
}

/** Whether an annotation equals `expected`; absent is false, a symbolic map unknown. */
function annotationIs(ctx: RuleContext, key: string, expected: string): Tri {
  return testValue(annotation(ctx, key).value, (v) => v === expected, false);
}

/** K8S-009: no externalIPs, no NodePort, a LoadBalancer is internal or terminates TLS. */
function checkService(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  const ips = listAt(ctx.object, ['spec', 'externalIPs']);
  for (const ip of ips) {
    f.record(
      ip.symbolic ? 'unknown' : true,
      ip.path,
      ip.value,
      `externalIPs routes ${show(ip.value)} to the service`,
      `externalIPs is ${show(ip.value)}, not known yet (must be empty)`,
    );
  }
  const typePath = ['spec', 'type'];
  const type = valueAt(ctx.object, typePath);
  f.record(
    testValue(type, (v) => v === 'NodePort', false),
    typePath,
    type,
    'type NodePort opens a port on every node',
    `type ${show(type)} is not known yet (must not be NodePort)`,
  );
  const isLb = testValue(type, (v) => v === 'LoadBalancer', false);
  const internal = or(annotationIs(ctx, LB_SCHEME, 'internal'), annotationIs(ctx, LB_INTERNAL, 'true'));
  const cert = annotation(ctx, LB_CERT);
  f.record(
    and(isLb, not(or(internal, nonEmptyString(cert.value)))),
    typePath,
    [type, cert.value ?? null],
    `an internet-facing LoadBalancer without TLS (set ${LB_SCHEME}: internal or ${LB_CERT})`,
    `type ${show(type)} or the load balancer annotations are not known yet`,
  );
  return f.conclude(['spec'], 'the service is not exposed outside the cluster without TLS');
}

/** K8S-010: TLS, a host on every rule, and an internal ALB scheme. */
function checkIngress(ctx: RuleContext): RuleResult[] {
  const f = new Findings();
  const tls = valueAt(ctx.object, ['spec', 'tls']);
  const cert = annotation(ctx, ALB_CERT);
  f.record(
    not(
      or(
        testValue(tls, (v) => Array.isArray(v) && v.length > 0, false),
        nonEmptyString(cert.value),
      ),
    ),
    ['spec', 'tls'],
    [tls ?? null, cert.value ?? null],
    `no TLS: set spec.tls or ${ALB_CERT}`,
    'the TLS settings are not known yet',
  );
  const rules = listAt(ctx.object, ['spec', 'rules']);
  if (rules.length === 0) f.fail(['spec', 'rules'], 'no host rule: the ingress matches every host');
  for (const rule of rules) {
    const host = rule.symbolic ? rule.value : valueAt(rule.value, ['host']);
    f.record(
      not(nonEmptyString(host)),
      rule.symbolic ? rule.path : [...rule.path, 'host'],
      host,
      `rules[${rule.index}] has no host: it matches every host`,
      `rules host ${show(host)} is not known yet (must not be empty)`,
    );
  }
  const scheme = annotation(ctx, ALB_SCHEME);
  f.record(
    testValue(scheme.value, (v) => v === 'internet-facing', false),
    scheme.path,
    scheme.value,
    `${ALB_SCHEME} is internet-facing (record an exception if the ingress must be public)`,
    `${ALB_SCHEME} is ${show(scheme.value)}, not known yet (must be internal)`,
  );
  return f.conclude(['spec'], 'the ingress uses TLS, named hosts and an internal scheme');
}

/** K8S-009 and K8S-010. */
export const EXPOSURE_RULES: readonly Rule[] = [
  scopedRule(
    [SERVICE],
    {
      id: 'K8S-009',
      title: 'Services are not exposed without TLS',
      severity: 'high',
      controls: {
        trivy: ['KSV-0108'],
        other: [
          'kyverno:best-practices/restrict-service-external-ips',
          'kyverno:best-practices/restrict-node-port',
          'kyverno:aws/require-encryption-aws-loadbalancers',
        ],
      },
      remediation:
        `Remove spec.externalIPs and NodePort; make LoadBalancer services internal (${LB_SCHEME}: internal) or ` +
        `terminate TLS (${LB_CERT}).`,
    },
    checkService,
  ),
  scopedRule(
    [INGRESS],
    {
      id: 'K8S-010',
      title: 'Ingresses use TLS, named hosts and an internal scheme',
      severity: 'medium',
      controls: { other: ['kyverno:best-practices/disallow-empty-ingress-host'] },
      remediation: `Add spec.tls (or ${ALB_CERT}), a host on every rule, and ${ALB_SCHEME}: internal unless public by exception.`,
    },
    checkIngress,
  ),
];
