/**
 * Three-valued questions about a container `image` that may be symbolic (compliance-catalogue
 * §2.6 K8S-003..005, scenario S18): is its registry allowed, does it pin a tag other than
 * `latest`, is it pinned by digest. `${repo.status.repositoryURI}` of a graph ECR `Repository` is a
 * graph-owned registry and repository with no tag.
 */
import { SymbolicString, Unknown, isSymbolic, type RenderedValue } from '../../graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../graph/render/types.ts';
import { statusSource } from './graph-refs.ts';
import { isRegistryHost, nameUnder, normalizeEntry, normalizeRegistry, parseImageRef } from './image-ref.ts';
import { ECR_REPOSITORY } from './kinds.ts';
import { candidates, type KnownValue, type Tri } from './tri-state.ts';

/** An answer with its reason. */
export interface ImageAnswer {
  answer: Tri;
  reason: string;
  /** For `'unknown'`: the values it depends on, when narrower than the whole image (the tag). */
  values?: RenderedValue[];
}

/** The graph ECR Repository whose `status.repositoryURI` the value is, exactly. */
export function graphRepository(
  value: RenderedValue | string,
  graph: RenderedGraph,
): RenderedResource | undefined {
  return value instanceof Unknown
    ? statusSource(value, graph, ECR_REPOSITORY, ['status.repositoryURI'])
    : undefined;
}

/** Applies `known` to a known image or to every SimpleSchema candidate of a bare input. */
function onCandidates(image: Unknown | SymbolicString, known: (s: string) => boolean): Tri {
  const values = candidates(image);
  if (values === undefined) return 'unknown';
  const outcomes = values.map((v: KnownValue) => typeof v === 'string' && known(v));
  return outcomes.every(Boolean) ? true : outcomes.some(Boolean) ? 'unknown' : false;
}

/** Whether a known image's registry is allowed. */
function knownRegistryAllowed(image: string, allowed: readonly string[]): boolean {
  const ref = parseImageRef(image);
  return !('error' in ref) && allowed.some((e) => nameUnder(ref.name, e));
}

/**
 * The normalized name prefix a template fixes when its leading literal includes the first `/`
 * (the registry host is then decided), and whether the name is complete (a `:` tag or `@` digest
 * follows in the literal). Undefined when the registry depends on an unknown value.
 */
function literalNamePrefix(image: SymbolicString): { prefix: string; complete: boolean } | undefined {
  const lead = image.parts[0];
  if (typeof lead !== 'string') return undefined;
  const slash = lead.indexOf('/');
  if (slash < 0) return undefined;
  const first = lead.slice(0, slash);
  const host = isRegistryHost(first);
  const registry = host ? normalizeRegistry(first) : 'docker.io';
  let path = host ? lead.slice(slash + 1) : lead;
  const lastSlash = path.lastIndexOf('/');
  const end = path.slice(lastSlash + 1).search(/[:@]/);
  const complete = end >= 0;
  if (complete) path = path.slice(0, lastSlash + 1 + end);
  if (registry === 'docker.io' && !path.includes('/')) {
    // A one-component Docker Hub name gets `library/`; an incomplete one may still grow a `/`,
    // so only the registry is certain.
    if (!complete) return { prefix: `${registry}/`, complete };
    path = `library/${path}`;
  }
  return { prefix: `${registry}/${path}`, complete };
}

/** K8S-003: whether the image comes from an allowed registry/repository prefix. */
export function registryAllowed(
  image: RenderedValue,
  graph: RenderedGraph,
  allowed: readonly string[],
): ImageAnswer {
  if (allowed.length === 0)
    return { answer: true, reason: 'no allowedRegistries: every registry is allowed' };
  const lead = image instanceof SymbolicString ? image.parts[0]! : image;
  const repo = graphRepository(lead, graph);
  if (repo !== undefined)
    return { answer: true, reason: `the image is in graph ECR repository "${repo.id}"` };
  if (typeof image === 'string') {
    return knownRegistryAllowed(image, allowed)
      ? { answer: true, reason: `image ${JSON.stringify(image)} is from an allowed registry` }
      : { answer: false, reason: `image ${JSON.stringify(image)} is not under allowedRegistries` };
  }
  if (!isSymbolic(image)) return { answer: false, reason: 'image is not a string' };
  if (image instanceof SymbolicString) {
    const lit = literalNamePrefix(image);
    if (lit !== undefined) {
      if (lit.complete) {
        const ok = allowed.some((e) => nameUnder(lit.prefix, e));
        return { answer: ok, reason: `image ${image} is ${ok ? '' : 'not '}under allowedRegistries` };
      }
      if (allowed.some((e) => lit.prefix.startsWith(`${normalizeEntry(e)}/`))) {
        return { answer: true, reason: `image ${image} starts with an allowed registry prefix` };
      }
      if (!allowed.some((e) => `${normalizeEntry(e)}/`.startsWith(lit.prefix))) {
        return { answer: false, reason: `image ${image} can match no entry of allowedRegistries` };
      }
    }
  }
  const answer = onCandidates(image, (s) => knownRegistryAllowed(s, allowed));
  return {
    answer,
    reason: `image ${image} is ${answer === 'unknown' ? 'not known yet' : answer ? 'allowed' : 'not allowed'}`,
  };
}

/** Whether a known image has a fixed tag other than `latest` (a digest pins it too). */
function knownTagFixed(image: string): boolean {
  const ref = parseImageRef(image);
  return !('error' in ref) && (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest'));
}

/** Whether a tag made of `parts` can be `latest` (unknown holes match any text). */
function mayBeLatest(parts: readonly (string | Unknown)[]): boolean {
  const pattern = parts
    .map((p) => (typeof p === 'string' ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.*'))
    .join('');
  return new RegExp(`^${pattern}$`).test('latest');
}

/** K8S-004: whether the image has a fixed tag other than `latest` (or a digest). */
export function tagFixed(image: RenderedValue, graph: RenderedGraph): ImageAnswer {
  if (graphRepository(image, graph) !== undefined) {
    return { answer: false, reason: `image ${image} has no tag: the repository URI alone pulls latest` };
  }
  if (typeof image === 'string') {
    return knownTagFixed(image)
      ? { answer: true, reason: `image ${JSON.stringify(image)} has a fixed tag or digest` }
      : { answer: false, reason: `image ${JSON.stringify(image)} is untagged or uses latest` };
  }
  if (image instanceof SymbolicString) {
    const parts = image.parts;
    if (parts.some((p) => typeof p === 'string' && p.includes('@'))) {
      return { answer: true, reason: `image ${image} is pinned by digest` };
    }
    // The tag separator: the last literal ':' with no literal '/' after it.
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (typeof p !== 'string') continue;
      const colon = p.lastIndexOf(':');
      if (colon > p.lastIndexOf('/')) {
        const tag = [p.slice(colon + 1), ...parts.slice(i + 1)].filter((x) => x !== '');
        if (tag.length === 1 && tag[0] instanceof Unknown) {
          const answer = onCandidates(tag[0], (t) => t !== 'latest' && t !== '');
          if (answer !== 'unknown')
            return { answer, reason: `tag ${tag[0]} ${answer ? 'is never' : 'is'} latest` };
        }
        if (!mayBeLatest(tag)) return { answer: true, reason: `image ${image} has a fixed tag` };
        const known = tag.every((t) => typeof t === 'string');
        return known
          ? { answer: false, reason: `image ${image} uses latest` }
          : {
              answer: 'unknown',
              reason: `the tag of image ${image} is not known yet (must not be latest)`,
              values: tag.filter((t): t is Unknown => t instanceof Unknown),
            };
      }
      if (p.includes('/')) {
        // A last path component that is all literal and has no ':' is untagged; a hole after the
        // last '/' may still carry a tag.
        if (i === parts.length - 1)
          return { answer: false, reason: `image ${image} has no tag (pulls latest)` };
        break;
      }
    }
    return {
      answer: 'unknown',
      reason: `image ${image} is not known yet (must have a tag other than latest)`,
    };
  }
  if (image instanceof Unknown) {
    const answer = onCandidates(image, knownTagFixed);
    return {
      answer,
      reason: `image ${image} ${answer === 'unknown' ? 'is not known yet (must have a tag other than latest)' : answer ? 'has a fixed tag' : 'is untagged or latest'}`,
    };
  }
  return { answer: false, reason: 'image is not a string' };
}

/** K8S-005: whether the image is pinned by digest (`@sha256:…`). */
export function pinnedByDigest(image: RenderedValue, graph: RenderedGraph): ImageAnswer {
  if (graphRepository(image, graph) !== undefined)
    return { answer: false, reason: `image ${image} has no digest` };
  const known = (s: string): boolean => {
    const ref = parseImageRef(s);
    return !('error' in ref) && ref.digest !== undefined;
  };
  if (typeof image === 'string') {
    return {
      answer: known(image),
      reason: `image ${JSON.stringify(image)} is ${known(image) ? '' : 'not '}pinned by digest`,
    };
  }
  if (image instanceof SymbolicString) {
    if (image.parts.some((p) => typeof p === 'string' && p.includes('@'))) {
      return { answer: true, reason: `image ${image} is pinned by digest` };
    }
    if (typeof image.parts[image.parts.length - 1] === 'string') {
      return { answer: false, reason: `image ${image} ends without a digest` };
    }
  }
  if (isSymbolic(image)) {
    const answer = onCandidates(image, known);
    return {
      answer,
      reason: `image ${image} ${answer === 'unknown' ? 'is not known yet (must be pinned by digest)' : answer ? 'is pinned' : 'is not pinned'}`,
    };
  }
  return { answer: false, reason: 'image is not a string' };
}
