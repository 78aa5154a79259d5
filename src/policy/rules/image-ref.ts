/**
 * Container image references, parsed and normalized as Docker/containerd do
 * (github.com/distribution/reference: `[domain/]path[:tag][@digest]`; the first path component is a
 * registry host when it contains `.` or `:`, is `localhost`, or has upper-case letters; otherwise the
 * registry is `docker.io`, and single-component Docker Hub names get `library/`).
 */

/** A parsed image reference. */
export interface ImageRef {
  /** Registry host (and port): `docker.io`, `123456789012.dkr.ecr.us-east-1.amazonaws.com`. */
  registry: string;
  /** Repository path below the registry: `library/nginx`, `team/app`. */
  path: string;
  /** `registry/path`, the normalized name compared with allow-lists. */
  name: string;
  tag?: string;
  /** `sha256:…`. */
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DOMAIN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?$|^\[[0-9A-Fa-f:]+\](?::[0-9]+)?$/;

/**
 * Whether the first component of a name is a registry host (distribution/reference
 * `splitDockerDomain`): it contains `.` or `:`, is `localhost`, or is not all lower case.
 */
export function isRegistryHost(component: string): boolean {
  return /[.:]/.test(component) || component === 'localhost' || component !== component.toLowerCase();
}

/** `index.docker.io` and `registry-1.docker.io` are Docker Hub's `docker.io`. */
export function normalizeRegistry(host: string): string {
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** Parses an image reference; `{error}` when it is not a valid reference. */
export function parseImageRef(reference: string): ImageRef | { error: string } {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { error: `invalid digest "${digest}"` };
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { error: `invalid tag "${tag}"` };
  }
  const slash = rest.indexOf('/');
  let registry = 'docker.io';
  let path = rest;
  if (slash >= 0 && isRegistryHost(rest.slice(0, slash))) {
    registry = normalizeRegistry(rest.slice(0, slash));
    path = rest.slice(slash + 1);
    if (!DOMAIN.test(registry)) return { error: `invalid registry "${registry}"` };
  }
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (path === '' || !path.split('/').every((c) => PATH_COMPONENT.test(c))) {
    return { error: `invalid repository name "${path}"` };
  }
  return {
    registry,
    path,
    name: `${registry}/${path}`,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * Whether a normalized image name is under an allow-list entry (`registry`, `registry/path`, with or
 * without a trailing `/`): equal, or followed by `/` — so `123.dkr.ecr.us-east-1.amazonaws.com`
 * never admits `123.dkr.ecr.us-east-1.amazonaws.com.evil.io/x`.
 */
export function nameUnder(name: string, entry: string): boolean {
  const e = normalizeEntry(entry);
  return name === e || name.startsWith(`${e}/`);
}

/** An allow-list entry without trailing `/`, Docker Hub's aliases mapped to `docker.io`. */
export function normalizeEntry(entry: string): string {
  const trimmed = entry.replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = slash < 0 ? trimmed : trimmed.slice(0, slash);
  return normalizeRegistry(host) + (slash < 0 ? '' : trimmed.slice(slash));
}
