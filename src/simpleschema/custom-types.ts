/**
 * Loading `spec.schema.types` (kro-contract §3.3): parse every type, check the type graph, then build
 * every type (used or not) in dependency order and register it with the {@link SchemaBuilder}.
 *
 * Messages: kro wraps type errors as `parsing type <T>: …` and `building schema for <T>: …`. Since a
 * diagnostic's path already names the type (`spec.schema.types.<T>…`), these wrappers are redundant
 * and dropped, as are the `field <x>: ` wrappers: the message is kro's innermost text. The graph
 * errors keep kro's full text: `node <X> does not exist` and `self references are not allowed` at
 * the field that names the type, and `cyclic dependency in type <T>: graph contains a cycle: A -> B -> A`
 * at `spec.schema.types.<T>`, where `T` is the cycle's first type in Go string order.
 */
import { error, formatPath, type Diagnostic, type PathSegment } from '../diagnostics/diagnostic.ts';
import { CODES } from './codes.ts';
import { compareGoStrings } from '../golang/strings.ts';
import { collectReferences, parseNode, type SpecNode } from './spec-tree.ts';
import type { SchemaBuilder } from './transform.ts';
import { analyseTypeGraph } from './type-graph.ts';

const TYPES_PATH: PathSegment[] = ['spec', 'schema', 'types'];

/**
 * Parses, checks and builds the custom types in `rawTypes` into `builder`; problems go to `diags`
 * (parse and graph errors) and `builder.diagnostics` (build errors). Types on a cycle are not built;
 * a reference that cannot be resolved is dropped from the type that makes it (already reported).
 */
export function loadCustomTypes(
  rawTypes: Record<string, unknown>,
  builder: SchemaBuilder,
  diags: Diagnostic[],
): void {
  const parsed = new Map<string, SpecNode>();
  for (const name of Object.keys(rawTypes).sort(compareGoStrings)) {
    const node = parseNode(rawTypes[name], name, [...TYPES_PATH, name], diags);
    if (node) parsed.set(name, node);
  }

  const deps = new Map<string, string[]>();
  for (const [name, node] of parsed) {
    const out: string[] = [];
    for (const ref of collectReferences(node)) {
      const where = formatPath(ref.path);
      if (!Object.hasOwn(rawTypes, ref.name)) {
        diags.push(error(CODES.missingTypeReference, where, `node ${ref.name} does not exist`));
      } else if (ref.name === name) {
        diags.push(error(CODES.typeSelfReference, where, 'self references are not allowed'));
      } else {
        out.push(ref.name);
      }
    }
    deps.set(name, out);
  }

  const graph = analyseTypeGraph(deps);
  for (const cycle of graph.cycles) {
    const first = cycle[0]!;
    diags.push(
      error(
        CODES.typeCycle,
        formatPath([...TYPES_PATH, first]),
        `cyclic dependency in type ${first}: graph contains a cycle: ${cycle.join(' -> ')}`,
      ),
    );
  }

  builder.buildingTypes = true;
  for (const name of graph.order) {
    const node = parsed.get(name)!;
    if (node.kind === 'struct') {
      builder.defineType(name, builder.buildStruct(node), false);
    } else {
      const required: string[] = [];
      const schema = builder.buildField(node, required);
      if (schema) builder.defineType(name, schema, required.length > 0);
    }
  }
  builder.buildingTypes = false;
}
