/**
 * The kinds an RGD's resources use, so that the edges (CLI, webhook) can make a schema source fetch
 * them (`SchemaSource.prepare`) before the pure check runs. Pure; never throws.
 */
import type { GroupVersionKind } from '../schemas/prune.ts';
import { isRecord } from './util.ts';

/**
 * Go's `schema.ParseGroupVersion` (k8s.io/apimachinery): `''` and `'/'` give the empty group-version,
 * no `/` gives the core group (`v1` → `{group: '', version: 'v1'}`), one `/` splits there, more is an
 * error. Returns undefined for the error.
 */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } | undefined {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return undefined;
}

/**
 * The literal GVK of one template-shaped object (`{apiVersion, kind, ...}`), or undefined when
 * `apiVersion`/`kind` are not strings, contain `${`, the kind is empty, or the apiVersion does not
 * parse to a non-empty version (kro fails on those before it resolves a schema, §4.2).
 */
export function objectGvk(object: Record<string, unknown>): GroupVersionKind | undefined {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  if (apiVersion.includes('${') || kind.includes('${') || kind === '') return undefined;
  const gv = parseGroupVersion(apiVersion);
  if (gv === undefined || gv.version === '') return undefined;
  return { group: gv.group, version: gv.version, kind };
}

/**
 * The GVK of every `spec.resources[].template` and `spec.resources[].externalRef` whose `apiVersion`
 * and `kind` are literal strings (kro-contract §4.2, §4.3): values that are not strings or contain
 * `${` are skipped, as are an `apiVersion` that {@link parseGroupVersion} rejects or that gives an
 * empty version, and an empty kind (kro fails on those before resolving a schema). Deduplicated,
 * in order of first appearance (resources in list order, a resource's template before its
 * externalRef). Anything that is not an RGD-shaped object gives `[]`.
 *
 * @param rgd any decoded object (no validation is assumed).
 * @returns e.g. `[{group: 'apps', version: 'v1', kind: 'Deployment'}, {group: '', version: 'v1', kind: 'Service'}]`.
 */
export function templateGvks(rgd: unknown): GroupVersionKind[] {
  const out: GroupVersionKind[] = [];
  const seen = new Set<string>();
  const spec = isRecord(rgd) ? rgd.spec : undefined;
  const resources = isRecord(spec) ? spec.resources : undefined;
  if (!Array.isArray(resources)) return out;
  for (const resource of resources as unknown[]) {
    if (!isRecord(resource)) continue;
    for (const object of [resource.template, resource.externalRef]) {
      if (!isRecord(object)) continue;
      const gvk = objectGvk(object);
      if (gvk === undefined) continue;
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(gvk);
    }
  }
  return out;
}
