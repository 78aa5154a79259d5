/**
 * The CEL syntax tree kro-guard's checks walk: a plain copy (readonly types) of cel-js 8's parser output
 * (`{op, args, start, end}` nodes), with macros left unexpanded (`x.map(v, e)` is an `rcall`, `has(a.b)`
 * a `call`, `cel.bind(v, i, e)` an `rcall` named `bind` on the identifier `cel`).
 */

/** Binary operators; each node has `args: [left, right]`. `in` is membership. */
export type CelBinaryOp =
  '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%' | '&&' | '||';

/**
 * A literal's CEL type and value: `int` and `uint` as bigint, `double` as number, `bytes` as a
 * Uint8Array, `null` as null.
 */
export type CelLiteral =
  | { readonly type: 'int'; readonly value: bigint }
  | { readonly type: 'uint'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'null'; readonly value: null };

/** Half-open source span `[start, end)` of a node in the parsed expression, in UTF-16 units. */
interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * One node of a parsed CEL expression. `op` selects the shape of `args`:
 *
 * | op | args | source |
 * |---|---|---|
 * | `id` | name | `x` |
 * | `value` | {@link CelLiteral} | `1`, `2u`, `1.5`, `"s"`, `b"s"`, `true`, `null` |
 * | `.` / `.?` | `[operand, field]` | `a.f`, `a.?f` |
 * | `[]` / `[?]` | `[operand, index]` | `a[i]`, `a[?i]` |
 * | `call` | `[name, args]` | `f(x)`, `has(a.b)` |
 * | `rcall` | `[name, receiver, args]` | `x.f(y)`, `base64.encode(b)`, `l.map(v, e)` |
 * | `list` | elements | `[a, b]` |
 * | `map` | `[key, value]` entries | `{k: v}` |
 * | `?:` | `[condition, then, else]` | `c ? a : b` |
 * | {@link CelBinaryOp} | `[left, right]` | `a + b` |
 * | `!_` / `-_` | operand | `!a`, `-a` |
 */
export type CelNode =
  | (Span & { readonly op: 'id'; readonly args: string })
  | (Span & { readonly op: 'value'; readonly args: CelLiteral })
  | (Span & { readonly op: '.' | '.?'; readonly args: readonly [CelNode, string] })
  | (Span & { readonly op: '[]' | '[?]'; readonly args: readonly [CelNode, CelNode] })
  | (Span & { readonly op: 'call'; readonly args: readonly [string, readonly CelNode[]] })
  | (Span & { readonly op: 'rcall'; readonly args: readonly [string, CelNode, readonly CelNode[]] })
  | (Span & { readonly op: 'list'; readonly args: readonly CelNode[] })
  | (Span & { readonly op: 'map'; readonly args: readonly (readonly [CelNode, CelNode])[] })
  | (Span & { readonly op: '?:'; readonly args: readonly [CelNode, CelNode, CelNode] })
  | (Span & { readonly op: CelBinaryOp; readonly args: readonly [CelNode, CelNode] })
  | (Span & { readonly op: '!_' | '-_'; readonly args: CelNode });

const BINARY_OPS: ReadonlySet<string> = new Set<CelBinaryOp>([
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&&',
  '||',
]);

/** The shape of a cel-js 8 parser node as far as we read it (`env.parse(e).ast`). */
export interface RawNode {
  op: string;
  args: unknown;
  start: number;
  end: number;
}

function literal(value: unknown): CelLiteral {
  if (typeof value === 'bigint') return { type: 'int', value };
  if (typeof value === 'number') return { type: 'double', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (value === null) return { type: 'null', value: null };
  if (value instanceof Uint8Array) return { type: 'bytes', value };
  // cel-js represents uint literals as an UnsignedInt object whose valueOf() is the bigint.
  const n = (value as { valueOf(): unknown }).valueOf();
  if (typeof n === 'bigint') return { type: 'uint', value: n };
  throw new Error(`unexpected cel-js literal ${String(value)}`);
}

function make(op: string, args: unknown, raw: RawNode): CelNode {
  return { op, args, start: raw.start, end: raw.end } as CelNode;
}

/**
 * Copies a cel-js AST into {@link CelNode}s (plain objects, no cel-js internals; treat them as
 * immutable). Recursive: check {@link rawDepth} first for untrusted input.
 *
 * @throws Error on a node shape cel-js 8 does not produce (a programming error, not bad input).
 */
export function fromCelJs(raw: RawNode): CelNode {
  const a = raw.args as never;
  switch (raw.op) {
    case 'id':
      return make('id', a, raw);
    case 'value':
      return make('value', literal(a), raw);
    case '.':
    case '.?': {
      const [operand, field] = a as [RawNode, string];
      return make(raw.op, [fromCelJs(operand), field], raw);
    }
    case 'call': {
      const [name, args] = a as [string, RawNode[]];
      return make('call', [name, args.map(fromCelJs)], raw);
    }
    case 'rcall': {
      const [name, receiver, args] = a as [string, RawNode, RawNode[]];
      return make('rcall', [name, fromCelJs(receiver), args.map(fromCelJs)], raw);
    }
    case 'map':
      return make(
        'map',
        (a as [RawNode, RawNode][]).map(([k, v]) => [fromCelJs(k), fromCelJs(v)]),
        raw,
      );
    case '!_':
    case '-_':
      return make(raw.op, fromCelJs(a), raw);
    case '[]':
    case '[?]':
    case '?:':
    case 'list':
      return make(raw.op, (a as RawNode[]).map(fromCelJs), raw);
    default:
      if (BINARY_OPS.has(raw.op)) return make(raw.op, (a as RawNode[]).map(fromCelJs), raw);
      throw new Error(`unexpected cel-js node op ${JSON.stringify(raw.op)}`);
  }
}

/**
 * Calls `visit` on `node` and every node below it, parents before children, children in source order
 * (receiver before arguments). Pure apart from what `visit` does.
 */
export function walkCel(node: CelNode, visit: (n: CelNode) => void): void {
  visit(node);
  for (const child of children(node)) walkCel(child, visit);
}

/** The direct child nodes of `node`, in source order. */
export function children(node: CelNode): readonly CelNode[] {
  switch (node.op) {
    case 'id':
    case 'value':
      return [];
    case '.':
    case '.?':
      return [node.args[0]];
    case 'call':
      return node.args[1];
    case 'rcall':
      return [node.args[1], ...node.args[2]];
    case 'list':
      return node.args;
    case 'map':
      return node.args.flat();
    case '!_':
    case '-_':
      return [node.args];
    default:
      return node.args;
  }
}

/** Pushes the raw child nodes of a cel-js node onto `out`. */
function pushRawChildren(raw: RawNode, out: RawNode[]): void {
  const a = raw.args as never;
  switch (raw.op) {
    case 'id':
    case 'value':
      return;
    case '.':
    case '.?':
      out.push((a as [RawNode, string])[0]);
      return;
    case 'call':
      for (const x of (a as [string, RawNode[]])[1]) out.push(x);
      return;
    case 'rcall':
      out.push((a as [string, RawNode, RawNode[]])[1]);
      for (const x of (a as [string, RawNode, RawNode[]])[2]) out.push(x);
      return;
    case 'map':
      for (const [k, v] of a as [RawNode, RawNode][]) out.push(k, v);
      return;
    case '!_':
    case '-_':
      out.push(a as RawNode);
      return;
    default:
      for (const x of a as RawNode[]) out.push(x);
  }
}

/**
 * The depth of a cel-js AST (a lone node has depth 1), computed without recursion so that a
 * degenerate tree (`1+1+…+1` is left-deep) cannot overflow the stack.
 */
export function rawDepth(root: RawNode): number {
  let max = 0;
  const nodes: RawNode[] = [root];
  const depths: number[] = [1];
  const kids: RawNode[] = [];
  while (nodes.length > 0) {
    const n = nodes.pop()!;
    const d = depths.pop()!;
    if (d > max) max = d;
    kids.length = 0;
    pushRawChildren(n, kids);
    for (const c of kids) {
      nodes.push(c);
      depths.push(d + 1);
    }
  }
  return max;
}
