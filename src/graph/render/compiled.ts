/**
 * The shapes of a compiled graph: everything about an RGD that rendering needs and that does not
 * depend on the instance, computed once per RGD generation by `compileGraph`.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import type { Diagnostic, PathSegment } from '../../diagnostics/diagnostic.ts';
import type { GroupVersionKind } from '../../schemas/prune.ts';
import type { JSONSchemaProps } from '../../simpleschema/types.ts';
import type { Reference } from './references.ts';

/** One `${...}` expression, parsed and analysed. */
export interface CompiledExpression {
  /** The CEL text inside `${...}`, trimmed (what an unknown result is named after). */
  text: string;
  /** The cel-js program; undefined when cel-js cannot parse syntax that kro accepts. */
  program: ParseResult | undefined;
  /** The references, in source order (`references.ts`). */
  refs: readonly Reference[];
  /** The reference when the expression is exactly one plain selection chain. */
  chain: Reference | undefined;
  /** Whether a reference starts at one of the resource's forEach iterators. */
  usesIterators: boolean;
}

/** A template string that holds expressions. */
export interface CompiledField {
  /** Path inside the template (`['spec','replicas']`). */
  relPath: readonly PathSegment[];
  /** Path inside the RGD (`['spec','resources',0,'template','spec','replicas']`). */
  path: readonly PathSegment[];
  /** True for a standalone `${...}`: the value replaces the field. */
  standalone: boolean;
  /** Literal text and expressions in order (a standalone field is one expression). */
  segments: readonly (string | CompiledExpression)[];
  usesIterators: boolean;
}

/** A compiled forEach dimension or includeWhen entry. */
export interface CompiledEntry {
  /** The iterator name (forEach) or the entry index (includeWhen). */
  name: string;
  /** Undefined when the entry is not a usable expression (the check reported it). */
  expression: CompiledExpression | undefined;
  path: readonly PathSegment[];
}

/** One resource of the graph. */
export interface CompiledNode {
  id: string;
  /** Index in `spec.resources`. */
  index: number;
  external: boolean;
  /** The template (or the externalRef as `{apiVersion, kind, metadata}`), as written. */
  object: Readonly<Record<string, unknown>>;
  objectPath: readonly PathSegment[];
  gvk: GroupVersionKind;
  /** From the schema source; undefined when no source knows the kind. */
  namespaced: boolean | undefined;
  forEach: readonly CompiledEntry[];
  includeWhen: readonly CompiledEntry[];
  fields: readonly CompiledField[];
  /** Resource ids this one depends on (template, forEach and includeWhen references; §5.3). */
  deps: readonly string[];
}

/** A compiled RGD; see `compileGraph`. */
export interface CompiledGraph {
  /** `metadata.name` of the RGD. */
  name: string;
  /** False when the RGD has errors: nothing is rendered and `diagnostics` says why. */
  ok: boolean;
  /** Problems found while compiling (and the check's errors when `ok` is false). */
  diagnostics: readonly Diagnostic[];
  /** The resources in kro's topological order. */
  nodes: readonly CompiledNode[];
  /** The instance `spec` schema (SimpleSchema as OpenAPI). */
  specSchema: JSONSchemaProps | undefined;
  /** `<group>/<version>` and kind of the instances. */
  instanceApiVersion: string;
  instanceKind: string;
  /** `schema.scope` of the RGD. */
  clusterScoped: boolean;
  /** Canonical texts of every reference rooted at `schema` (which inputs the templates read). */
  schemaReferences: ReadonlySet<string>;
}
