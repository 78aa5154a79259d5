/**
 * The globs of policies and exceptions (rule ids, RGD, namespace, instance and resource names,
 * kinds): `*` matches any run of characters (also none), `?` exactly one; every other character
 * matches itself. Matching is case-sensitive and covers the whole string.
 */

/** A compiled set of globs: true when any of them matches. */
export type GlobMatcher = (value: string) => boolean;

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 4096;

function toRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re === undefined) {
    const body = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 's');
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(glob, re);
  }
  return re;
}

/** True when `glob` contains a wildcard (`*` or `?`). */
export function isGlob(glob: string): boolean {
  return glob.includes('*') || glob.includes('?');
}

/** True when `value` matches `glob` as a whole. */
export function globMatch(glob: string, value: string): boolean {
  return isGlob(glob) ? toRegExp(glob).test(value) : glob === value;
}

/** A matcher for "any of `globs`"; with no globs it matches nothing. */
export function compileGlobs(globs: readonly string[]): GlobMatcher {
  if (globs.length === 0) return () => false;
  if (globs.includes('*')) return () => true;
  const exact = new Set(globs.filter((g) => !isGlob(g)));
  const patterns = globs.filter(isGlob).map(toRegExp);
  return (value) => exact.has(value) || patterns.some((re) => re.test(value));
}
