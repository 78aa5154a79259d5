/**
 * A rendered graph as the YAML stream `kro-guard render` prints: one document per child.
 */
import { Document } from 'yaml';
import { toPrintable, Unknown } from './symbolic.ts';
import type { RenderedGraph, RenderedResource } from './types.ts';

/**
 * The children of `graph` (externalRefs, which kro only reads, are left out) as a YAML stream, in
 * topological order. Unknown values are written as their `${expression}` text. Each document starts
 * with a comment naming the resource, its collection index and, when its inclusion is unknown, the
 * condition: `# resource bucket[2]`, `# resource ingress (included: when ${schema.spec.ingress.enabled})`.
 * An empty graph gives an empty string.
 */
export function renderedToYaml(graph: RenderedGraph): string {
  return graph.resources
    .filter((r) => !r.external)
    .map((r) => {
      const doc = new Document(toPrintable(r.object));
      if (doc.contents !== null) doc.contents.commentBefore = ` ${describe(r)}`;
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

function describe(r: RenderedResource): string {
  const index = r.collectionIndex === undefined ? '' : `[${r.collectionIndex}]`;
  const when = r.included instanceof Unknown ? ` (included: when ${r.included.toString()})` : '';
  return `resource ${r.id}${index}${when}`;
}
