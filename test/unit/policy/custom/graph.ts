/** Rendered graphs for the custom rule tests, built the way the renderer shapes them (src/graph/render/types.ts). */
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { Unknown } from '../../../../src/graph/render/symbolic.ts';
import type { RenderedGraph, RenderedResource } from '../../../../src/graph/render/types.ts';
import type { RuleContext } from '../../../../src/policy/types.ts';
import { DEFAULT_RULE_PARAMETERS, type RuleParameters } from '../../../../src/policy/types.ts';

/** A rendered resource of `object`, its GVK taken from apiVersion/kind. */
export function resource(id: string, object: RenderedObject, collectionIndex?: number): RenderedResource {
  const apiVersion = String(object.apiVersion);
  const slash = apiVersion.indexOf('/');
  return {
    id,
    resourceIndex: 0,
    ...(collectionIndex !== undefined ? { collectionIndex } : {}),
    included: true,
    object,
    external: false,
    gvk: {
      group: slash < 0 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      kind: String(object.kind),
    },
    namespaced: true,
    templatePath: ['spec', 'resources', 0, 'template'],
  };
}

/** An instance-mode graph of `resources` for instance `shop` in namespace `team-a`. */
export function graph(
  resources: RenderedResource[],
  mode: 'instance' | 'symbolic' = 'instance',
): RenderedGraph {
  return {
    mode,
    instance:
      mode === 'instance'
        ? { name: 'shop', namespace: 'team-a' }
        : {
            name: new Unknown('schema.metadata.name', [{ kind: 'input', path: 'schema.metadata.name' }]),
            namespace: new Unknown('schema.metadata.namespace', [
              { kind: 'input', path: 'schema.metadata.namespace' },
            ]),
          },
    resources,
    excluded: [],
    assignment: {},
    diagnostics: [],
  };
}

/** The context of checking `r` in graph `g` with the default parameters (or `params`). */
export function context(r: RenderedResource, g: RenderedGraph, params: RuleParameters = {}): RuleContext {
  return { resource: r, object: r.object, graph: g, params: { ...DEFAULT_RULE_PARAMETERS, ...params } };
}
