/**
 * kro's naming rules (kro-contract §2 step 1, §4.1, §5.4): resource ids and forEach iterator
 * names. (kro's kind rule, `^[A-Z][a-zA-Z0-9]*$`, is subsumed by the stricter pattern of the RGD
 * CRD, which the API server applies first: see `rgd-crd.ts`.) Pure; messages are kro's, without its `failed to validate
 * resourcegraphdefinition:` prefix (the diagnostic path says where).
 */
import { error, formatPath, type Diagnostic } from '../diagnostics/diagnostic.ts';

/** kro's resource id and iterator regex (lower camelCase). kro-contract §4.1. */
export const KRO_ID = /^[a-z][a-zA-Z0-9]*$/;
/** Maximum forEach dimensions per resource (kro's MaxCollectionDimensionSize default). §5.4. */
export const MAX_FOREACH_DIMENSIONS = 10;

/** Words kro reserves for resource ids and iterator names, case-sensitive (kro-contract §4.1). */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  // kro's own words
  'apiVersion', 'context', 'dependency', 'dependencies', 'each', 'externalRef', 'externalReference',
  'externalRefs', 'externalReferences', 'graph', 'instance', 'item', 'items', 'kind', 'kro', 'metadata',
  'namespace', 'object', 'resource', 'resourcegraphdefinition', 'resourceGraphDefinition', 'resources',
  'root', 'runtime', 'schema', 'self', 'serviceAccountName', 'spec', 'status', 'this', 'variables', 'vars',
  'version',
  // CEL reserved words
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'return', 'var', 'void', 'while',
]); // prettier-ignore

/**
 * Checks every resource id: reserved words first, then the lower camelCase regex, then
 * duplicates (kro-contract §2 step 1.2). `ids[i]` is `spec.resources[i].id`, or undefined when it
 * is missing or not a string (reported by the CRD check).
 */
export function checkResourceIds(ids: readonly (string | undefined)[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (id === undefined) return;
    const path = formatPath(['spec', 'resources', i, 'id']);
    if (RESERVED_WORDS.has(id)) {
      out.push(
        error(
          'graph/reserved-id',
          path,
          `naming convention violation: id ${id} is a reserved keyword in KRO`,
          id,
        ),
      );
    } else if (!KRO_ID.test(id)) {
      out.push(
        error(
          'graph/invalid-id',
          path,
          `naming convention violation: id ${id} is not a valid KRO resource id: must be lower camelCase`,
          id,
        ),
      );
    } else if (seen.has(id)) {
      out.push(
        error(
          'graph/duplicate-id',
          path,
          `naming convention violation: found duplicate resource IDs ${id}`,
          id,
        ),
      );
    }
    seen.add(id);
  });
  return out;
}

/**
 * Checks the forEach dimensions of one resource (kro-contract §5.4, first pass): count, iterator
 * name regex, reserved words, clashes with resource ids, duplicates.
 *
 * @param index the resource's position in `spec.resources`.
 * @param id the resource id.
 * @param iterators the iterator names in order (one per forEach entry).
 * @param resourceIds every resource id of the RGD.
 */
export function checkIteratorNames(
  index: number,
  id: string,
  iterators: readonly string[],
  resourceIds: ReadonlySet<string>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const base = ['spec', 'resources', index, 'forEach'] as const;
  if (iterators.length > MAX_FOREACH_DIMENSIONS) {
    out.push(
      error(
        'graph/foreach-too-many-dimensions',
        formatPath(base),
        `resource "${id}": forEach cannot have more than ${MAX_FOREACH_DIMENSIONS} dimensions, got ${iterators.length}`,
        id,
      ),
    );
  }
  const seen = new Set<string>();
  iterators.forEach((name, i) => {
    const path = formatPath([...base, i, name]);
    const prefix = `resource "${id}": forEach iterator name "${name}"`;
    if (!KRO_ID.test(name)) {
      out.push(error('graph/invalid-iterator', path, `${prefix} is not valid: must be lowerCamelCase`, id));
    } else if (RESERVED_WORDS.has(name)) {
      out.push(error('graph/reserved-iterator', path, `${prefix} is a reserved keyword`, id));
    } else if (resourceIds.has(name)) {
      out.push(error('graph/iterator-conflicts-with-id', path, `${prefix} conflicts with resource ID`, id));
    } else if (seen.has(name)) {
      out.push(
        error(
          'graph/duplicate-iterator',
          path,
          `resource "${id}": duplicate forEach iterator name "${name}"`,
          id,
        ),
      );
    }
    seen.add(name);
  });
  return out;
}
