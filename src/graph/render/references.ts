/**
 * Where an expression reads its data, and whether it only passes that data through. Rendering needs
 * both: a reference whose value is unknown can be replaced by a placeholder and evaluated partially
 * only when the expression uses it opaquely (as text pasted into a string, an element of a list or
 * map, an argument of `json.marshal`); any other use (a comparison, `size()`, a field of it, a
 * conditional test) makes the whole result unknown.
 */
import type { CelNode } from '../../cel/ast.ts';
import { KRO_FUNCTIONS, macroVariableCount } from '../../cel/functions.ts';

/**
 * One occurrence of a selection chain rooted at a free identifier (`schema.spec.name`,
 * `key.status.ackResourceMetadata.arn`, `b`), as kro's inspector sees it (kro-contract §5.2).
 *
 * - `root`: the identifier (`schema`, a resource id, an iterator name).
 * - `steps`: the literal steps after the root, in order: field names and string keys as strings,
 *   literal list indexes as numbers. The chain stops at the first step whose index is not a literal.
 * - `text`: the canonical CEL text of root and steps (`key.status.arn`, `x.items[0]`,
 *   `x.labels["app"]`); two references with the same text read the same value.
 * - `opaque`: the value is used opaquely (see the module comment), the chain has no optional step
 *   (`.?f`, `[?i]`) and no computed index after `steps`.
 */
export interface Reference {
  root: string;
  steps: readonly (string | number)[];
  text: string;
  opaque: boolean;
}

/** The references of one expression, in source order, and whether the whole expression is one of them. */
export interface ExpressionReferences {
  refs: Reference[];
  /** The reference when the expression is nothing but one opaque chain (`schema.spec.name`). */
  chain: Reference | undefined;
}

/** The canonical text of a chain: `root.field`, `root[0]`, `root["key"]`. */
export function referenceText(root: string, steps: readonly (string | number)[]): string {
  let out = root;
  for (const s of steps) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Functions whose argument passes through into the result as text or structure. */
const PASS_THROUGH_CALLS: ReadonlySet<string> = new Set(['string', 'dyn']);

class Walker {
  readonly refs: Reference[] = [];
  private readonly bound = new Map<string, number>();

  private isBound(name: string): boolean {
    return (this.bound.get(name) ?? 0) > 0;
  }

  private within(names: readonly string[], body: () => void): void {
    for (const n of names) this.bound.set(n, (this.bound.get(n) ?? 0) + 1);
    try {
      body();
    } finally {
      for (const n of names) this.bound.set(n, this.bound.get(n)! - 1);
    }
  }

  walk(node: CelNode, opaque: boolean): void {
    switch (node.op) {
      case 'id':
        if (!this.isBound(node.args)) this.refs.push({ root: node.args, steps: [], text: node.args, opaque });
        return;
      case 'value':
        return;
      case '.':
      case '.?':
      case '[]':
      case '[?]':
        this.chain(node, opaque);
        return;
      case 'call': {
        const [name, args] = node.args;
        const through = PASS_THROUGH_CALLS.has(name) && args.length === 1;
        for (const a of args) this.walk(a, opaque && through);
        return;
      }
      case 'rcall':
        this.memberCall(node.args[0], node.args[1], node.args[2], opaque);
        return;
      case 'list':
        for (const e of node.args) this.walk(e, opaque);
        return;
      case 'map':
        for (const [k, v] of node.args) {
          this.walk(k, false);
          this.walk(v, opaque);
        }
        return;
      case '?:':
        this.walk(node.args[0], false);
        this.walk(node.args[1], opaque);
        this.walk(node.args[2], opaque);
        return;
      case '+':
        this.walk(node.args[0], opaque);
        this.walk(node.args[1], opaque);
        return;
      case '!_':
      case '-_':
        this.walk(node.args, false);
        return;
      default:
        for (const a of node.args) this.walk(a, false);
    }
  }

  private chain(outer: CelNode, opaque: boolean): void {
    const links: CelNode[] = [];
    let root = outer;
    while (root.op === '.' || root.op === '.?' || root.op === '[]' || root.op === '[?]') {
      links.push(root);
      root = root.args[0];
    }
    links.reverse();
    if (root.op === 'id' && !this.isBound(root.args)) {
      const steps: (string | number)[] = [];
      let literal = true;
      let optional = false;
      for (const l of links) {
        const step = literalStep(l);
        if (step === undefined) {
          literal = false;
          break;
        }
        if (l.op === '.?' || l.op === '[?]') optional = true;
        steps.push(step);
      }
      this.refs.push({
        root: root.args,
        steps,
        text: referenceText(root.args, steps),
        opaque: opaque && literal && !optional,
      });
    } else {
      this.walk(root, false);
    }
    for (const l of links) if (l.op === '[]' || l.op === '[?]') this.walk(l.args[1], false);
  }

  private memberCall(name: string, receiver: CelNode, args: readonly CelNode[], opaque: boolean): void {
    if (receiver.op === 'id' && receiver.args === 'cel' && name === 'bind' && args.length === 3) {
      const v = args[0]!;
      if (v.op === 'id') {
        this.walk(args[1]!, false);
        this.within([v.args], () => this.walk(args[2]!, opaque));
        return;
      }
    }
    if (
      receiver.op === 'id' &&
      !this.isBound(receiver.args) &&
      KRO_FUNCTIONS.has(`${receiver.args}.${name}`)
    ) {
      const through = receiver.args === 'json' && name === 'marshal' && args.length === 1;
      for (const a of args) this.walk(a, opaque && through);
      return;
    }
    const vars = macroVariableCount(name, args.length);
    const names = args.slice(0, vars);
    if (vars > 0 && names.every((n) => n.op === 'id')) {
      this.walk(receiver, false);
      this.within(
        names.map((n) => (n.op === 'id' ? n.args : '')),
        () => {
          for (const a of args.slice(vars)) this.walk(a, false);
        },
      );
      return;
    }
    // `"%s-%s".format([a, b])`: the arguments pass through `%s`; `[a, b].join("-")` joins strings.
    const receiverThrough = name === 'join';
    const argsThrough = name === 'format' || name === 'join';
    this.walk(receiver, opaque && receiverThrough);
    for (const a of args) this.walk(a, opaque && argsThrough);
  }
}

function literalStep(link: CelNode): string | number | undefined {
  if (link.op === '.' || link.op === '.?') return link.args[1];
  if (link.op !== '[]' && link.op !== '[?]') return undefined;
  const index = link.args[1];
  if (index.op !== 'value') return undefined;
  const lit = index.args;
  if (lit.type === 'string') return lit.value;
  if (
    (lit.type === 'int' || lit.type === 'uint') &&
    lit.value >= 0n &&
    lit.value <= BigInt(Number.MAX_SAFE_INTEGER)
  )
    return Number(lit.value);
  return undefined;
}

/**
 * Lists the references of a parsed expression with the opacity of each use. Scoping follows
 * `inspect` (src/cel/inspect.ts): macro variables and `cel.bind` names are not references; a
 * comprehension's range is outside the new scope. Opaque positions: the whole expression, operands
 * of `+`, list elements, map values, both branches of `?:`, the argument of `json.marshal`,
 * `string()` and `dyn()`, the arguments of `format` and the receiver and argument of `join`.
 *
 * Pure; never throws. Recursive over the syntax tree, whose depth `parseCel` bounds.
 */
export function analyseReferences(ast: CelNode): ExpressionReferences {
  const w = new Walker();
  w.walk(ast, true);
  const only = w.refs.length === 1 ? w.refs[0] : undefined;
  const isChain = ast.op === 'id' || ast.op === '.' || ast.op === '[]';
  return { refs: w.refs, chain: only !== undefined && only.opaque && isChain ? only : undefined };
}
