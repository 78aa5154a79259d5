/**
 * Container image rules K8S-003 (allowed registries), K8S-004 (no `latest`/untagged) and K8S-005
 * (digest pinning) on every container of a workload's pod spec (compliance-catalogue §2.6,
 * scenario S18).
 */
import type { RenderedGraph } from '../../graph/render/types.ts';
import type { Rule, RuleContext, RuleResult } from '../types.ts';
import { registryAllowed, pinnedByDigest, tagFixed, type ImageAnswer } from './image-analysis.ts';
import { containerField, containersOf, locatePodSpec, WORKLOAD_KINDS } from './pod-spec.ts';
import { Findings, not } from './tri-state.ts';
import type { RenderedValue } from '../../graph/render/symbolic.ts';

/** Runs `ask` on the image of every container; a failed answer is a violation. */
function eachImage(
  ctx: RuleContext,
  ask: (image: RenderedValue, graph: RenderedGraph) => ImageAnswer,
  passReason: string,
): RuleResult[] {
  const loc = locatePodSpec(ctx.resource);
  if (loc === undefined || loc.spec === undefined || loc.spec === null) return [];
  const f = new Findings();
  const passes = new Set<string>();
  for (const c of containersOf(loc)) {
    const field = containerField(c, ['image']);
    if (field.value === undefined || field.value === null) {
      f.fail(field.path, `${c.label} has no image`);
      continue;
    }
    const a = ask(field.value, ctx.graph);
    if (a.answer === true) passes.add(a.reason);
    f.record(
      not(a.answer),
      field.path,
      a.values ?? field.value,
      `${c.label}: ${a.reason}`,
      `${c.label}: ${a.reason}`,
    );
  }
  return f.conclude(loc.path, passes.size === 1 ? [...passes][0]! : passReason);
}

/** K8S-003..005 (compliance-catalogue §2.6). */
export const IMAGE_RULES: readonly Rule[] = [
  {
    id: 'K8S-003',
    title: 'Images come from allowed registries',
    severity: 'high',
    controls: {
      trivy: ['KSV-0125'],
      other: ['kyverno:best-practices/restrict-image-registries', 'kyverno:other/allowed-image-repos'],
    },
    remediation:
      'Use images under the policy allowedRegistries (entries match whole path components: ' +
      '"123456789012.dkr.ecr.us-east-1.amazonaws.com/" admits nothing from "...amazonaws.com.evil.io"), or the ' +
      'repositoryURI of an ECR Repository of the same graph. With an empty allowedRegistries every image passes.',
    kinds: WORKLOAD_KINDS,
    check: (ctx) =>
      eachImage(
        ctx,
        (image, graph) => registryAllowed(image, graph, ctx.params.allowedRegistries),
        'every image comes from an allowed registry',
      ),
  },
  {
    id: 'K8S-004',
    title: 'Images have a fixed tag other than latest',
    severity: 'high',
    controls: {
      checkov: ['CKV_K8S_14'],
      trivy: ['KSV-0013'],
      other: ['kyverno:best-practices/disallow-latest-tag'],
    },
    remediation: 'Give every image a version tag (not latest) or a digest; an untagged image pulls latest.',
    kinds: WORKLOAD_KINDS,
    check: (ctx) => eachImage(ctx, tagFixed, 'every image has a fixed tag or digest'),
  },
  {
    id: 'K8S-005',
    title: 'Images are pinned by digest',
    severity: 'low',
    optional: true,
    controls: { checkov: ['CKV_K8S_43'], other: ['kyverno:other/require-image-checksum'] },
    remediation: 'Reference images by digest (`repo@sha256:…`, optionally with the tag before the @).',
    kinds: WORKLOAD_KINDS,
    check: (ctx) => eachImage(ctx, pinnedByDigest, 'every image is pinned by digest'),
  },
];
