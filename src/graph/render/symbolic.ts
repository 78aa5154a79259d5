/**
 * Symbolic values of a rendered graph: what an instance's children would contain, where some
 * values are not known before kro creates the resources (another resource's `status`), or, when an
 * RGD is rendered without an instance, before a developer types them (free SimpleSchema input).
 *
 * A rendered value is plain JSON (objects, arrays, strings, finite numbers, booleans, null) in which
 * a value may also be an {@link Unknown} (the whole value is not known) or a {@link SymbolicString}
 * (a string of literal text and unknown holes, e.g. `arn:aws:s3:::${bucket.spec.name}/*` where the
 * hole is known, or `${key.status.ackResourceMetadata.arn}` where it is not). Unknowns carry their
 * provenance, so a rule can say "the ARN of resource `key`" rather than just "unknown".
 */

/**
 * Where an unknown value comes from.
 * - `status`: a field of another resource of the same graph that only exists once kro has created
 *   it (`key.status.ackResourceMetadata.arn`); `resourceId` is that resource's id, `path` the CEL
 *   field path (`key.status.ackResourceMetadata.arn`). The value is graph-owned.
 * - `input`: a SimpleSchema field of the instance that a developer may set freely
 *   (`schema.spec.encryption`, `schema.metadata.namespace`); only when rendering an RGD without an
 *   instance. `path` is the CEL path.
 * - `runtime`: anything else not known before creation (externalRef objects, `metadata.uid`,
 *   an expression kro-guard could not evaluate); `path` is the CEL path or the expression.
 */
export type Provenance =
  | { kind: 'status'; resourceId: string; path: string }
  | { kind: 'input'; path: string }
  | { kind: 'runtime'; path: string };

/**
 * What is known of an unknown input value from its SimpleSchema (only for `input` provenance with a
 * single input): `pattern` (RE2 text), `enum`, `format`, `maxLength`, `minimum`, `maximum`.
 */
export interface InputConstraint {
  pattern?: string;
  enum?: readonly unknown[];
  format?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/**
 * A value that is not known when rendering. `expression` is the CEL text that would produce it
 * (what `kro-guard render` prints as `${expression}`); `provenance` lists every unknown it depends
 * on, deduplicated, in order of appearance.
 */
export class Unknown {
  readonly expression: string;
  readonly provenance: readonly Provenance[];
  readonly constraint: InputConstraint | undefined;

  constructor(expression: string, provenance: readonly Provenance[], constraint?: InputConstraint) {
    this.expression = expression;
    this.provenance = provenance;
    this.constraint = constraint;
  }

  /** `${expression}`, as kro-guard prints it. */
  toString(): string {
    return '${' + this.expression + '}';
  }
}

/**
 * A string made of literal text and unknown holes, in order. Adjacent literals are merged and a
 * symbolic string always has at least one {@link Unknown} part (otherwise it is a plain string):
 * build it with {@link symbolicString}.
 */
export class SymbolicString {
  readonly parts: readonly (string | Unknown)[];

  constructor(parts: readonly (string | Unknown)[]) {
    this.parts = parts;
  }

  /** The text with every hole written `${expression}`. */
  toString(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : p.toString())).join('');
  }

  /** The unknown holes, in order. */
  get unknowns(): Unknown[] {
    return this.parts.filter((p): p is Unknown => p instanceof Unknown);
  }
}

/** A value of a rendered object (see the module comment). Numbers are finite; there is no bigint. */
export type RenderedValue =
  | null
  | boolean
  | number
  | string
  | Unknown
  | SymbolicString
  | RenderedValue[]
  | { [key: string]: RenderedValue };

/** A rendered object (a would-be child, or the instance). */
export type RenderedObject = { [key: string]: RenderedValue };

/**
 * Builds a string from parts: merges adjacent literals, drops empty ones, and returns a plain
 * string when no part is unknown, a lone {@link Unknown} when that is the only part.
 */
export function symbolicString(
  parts: readonly (string | Unknown | SymbolicString)[],
): string | Unknown | SymbolicString {
  const out: (string | Unknown)[] = [];
  const push = (p: string | Unknown): void => {
    if (typeof p === 'string') {
      if (p === '') return;
      const last = out[out.length - 1];
      if (typeof last === 'string') out[out.length - 1] = last + p;
      else out.push(p);
    } else out.push(p);
  };
  for (const p of parts) {
    if (p instanceof SymbolicString) for (const q of p.parts) push(q);
    else push(p);
  }
  if (out.length === 0) return '';
  if (out.length === 1) return out[0]!;
  return new SymbolicString(out);
}

/** True for an {@link Unknown} or a {@link SymbolicString}: a value that is not fully known. */
export function isSymbolic(v: unknown): v is Unknown | SymbolicString {
  return v instanceof Unknown || v instanceof SymbolicString;
}

/** True when `v` is a plain (non-array) object of a rendered value tree. */
export function isRenderedObject(v: unknown): v is RenderedObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isSymbolic(v);
}

/**
 * The value at `path` below `root`: `undefined` when a segment is missing, the {@link Unknown}
 * itself when the walk reaches one before the end (everything below an unknown is unknown).
 */
export function valueAt(
  root: RenderedValue | undefined,
  path: readonly (string | number)[],
): RenderedValue | undefined {
  let v: RenderedValue | undefined = root;
  for (const seg of path) {
    if (v === undefined || v === null) return undefined;
    if (v instanceof Unknown) return v;
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      if (!isRenderedObject(v)) return undefined;
      v = Object.hasOwn(v, seg) ? v[seg] : undefined;
    }
  }
  return v;
}

/** Every {@link Provenance} found in `v` (deep), deduplicated, in document order. */
export function provenanceOf(v: RenderedValue | undefined): Provenance[] {
  const out: Provenance[] = [];
  const seen = new Set<string>();
  const add = (u: Unknown): void => {
    for (const p of u.provenance) {
      const key = `${p.kind}:${p.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(p);
    }
  };
  const stack: (RenderedValue | undefined)[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x instanceof Unknown) add(x);
    else if (x instanceof SymbolicString) x.unknowns.forEach(add);
    else if (Array.isArray(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    else if (isRenderedObject(x)) {
      const vals = Object.values(x);
      for (let i = vals.length - 1; i >= 0; i--) stack.push(vals[i]);
    }
  }
  return out;
}

/** Human text for a provenance: `the value of status field key.status.ackResourceMetadata.arn`... */
export function describeProvenance(p: Provenance): string {
  switch (p.kind) {
    case 'status':
      return `${p.path} (known once resource "${p.resourceId}" exists)`;
    case 'input':
      return `instance field ${p.path.replace(/^schema\./, '')}`;
    case 'runtime':
      return `${p.path} (known only at run time)`;
  }
}

/**
 * Converts a rendered value to plain JSON for printing: unknowns and symbolic strings become their
 * `${expression}` text ({@link Unknown.toString}).
 */
export function toPrintable(v: RenderedValue | undefined): unknown {
  if (v === undefined) return undefined;
  if (isSymbolic(v)) return v.toString();
  if (Array.isArray(v)) return v.map(toPrintable);
  if (isRenderedObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toPrintable(x);
    return out;
  }
  return v;
}
