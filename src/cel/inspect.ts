/**
 * Reference inspection of a parsed CEL expression, as kro's inspector (`pkg/cel/ast/inspector.go`,
 * kro-contract §5.2) does it: which identifiers and functions an expression uses.
 */

import type { CelNode } from './ast.ts';
import { KRO_FUNCTIONS, KRO_MEMBER_FUNCTIONS, macroVariableCount } from './functions.ts';

export { KRO_FUNCTIONS, KRO_MEMBER_FUNCTIONS, KRO_MEMBER_MACROS } from './functions.ts';

/**
 * What an expression references. Every list is deduplicated and in order of first appearance in the
 * source (a call's receiver comes before its arguments).
 *
 * - `identifiers`: free identifiers: not bound by a macro variable (one- and two-variable
 *   comprehensions, `sortBy`, `optMap`/`optFlatMap`, `cel.bind`) in scope, and not the namespace of a
 *   namespaced function call (`base64` in `base64.encode(x)`). Type names used as values (`string` in
 *   `type(x) == string`) are identifiers too, as in kro.
 * - `functions`: global functions called, namespaced ones qualified (`base64.encode`, `cel.bind`).
 * - `unknownFunctions`: the global calls kro's inspector flags: the name is neither a global nor a
 *   member function of kro's environment (`has` counts only with one argument).
 * - `fieldPaths`: every maximal selection/index chain rooted at a free identifier, written
 *   `root.field` for `.f` and `.?f`, `root[0]` for an int or uint literal index, `root["k"]` (JSON
 *   quoting) for a string literal index and `root[*]` for any other index: `deployment.spec.replicas`,
 *   `schema.spec.items[0].name`, `x.labels["app"]`, `x.items[*].name`. A bare identifier is its own path.
 * - `usesOmit`: a global `omit(…)` call occurs (§5.10).
 */
export interface Inspection {
  identifiers: string[];
  functions: string[];
  unknownFunctions: string[];
  fieldPaths: string[];
  usesOmit: boolean;
}

class Collector {
  readonly identifiers = new Set<string>();
  readonly functions = new Set<string>();
  readonly unknownFunctions = new Set<string>();
  readonly fieldPaths = new Set<string>();
  private readonly bound = new Map<string, number>();

  isBound(name: string): boolean {
    return (this.bound.get(name) ?? 0) > 0;
  }

  /** Walks `body` with `names` bound (shadowing outer identifiers of the same name). */
  within(names: readonly string[], body: () => void): void {
    for (const n of names) this.bound.set(n, (this.bound.get(n) ?? 0) + 1);
    try {
      body();
    } finally {
      for (const n of names) this.bound.set(n, this.bound.get(n)! - 1);
    }
  }

  walk(node: CelNode): void {
    switch (node.op) {
      case 'id':
        if (!this.isBound(node.args)) {
          this.identifiers.add(node.args);
          this.fieldPaths.add(node.args);
        }
        return;
      case 'value':
        return;
      case '.':
      case '.?':
      case '[]':
      case '[?]':
        this.chain(node);
        return;
      case 'call':
        this.call(node.args[0], node.args[1]);
        return;
      case 'rcall':
        this.memberCall(node.args[0], node.args[1], node.args[2]);
        return;
      case 'list':
        for (const e of node.args) this.walk(e);
        return;
      case 'map':
        for (const [k, v] of node.args) {
          this.walk(k);
          this.walk(v);
        }
        return;
      case '!_':
      case '-_':
        this.walk(node.args);
        return;
      default:
        for (const a of node.args) this.walk(a);
    }
  }

  /** A selection/index chain: records the path when it is rooted at a free identifier. */
  private chain(outer: CelNode): void {
    const steps: CelNode[] = [];
    let root = outer;
    while (root.op === '.' || root.op === '.?' || root.op === '[]' || root.op === '[?]') {
      steps.push(root);
      root = root.args[0];
    }
    steps.reverse();
    if (root.op === 'id' && !this.isBound(root.args)) {
      this.identifiers.add(root.args);
      this.fieldPaths.add(root.args + steps.map(pathStep).join(''));
    } else {
      this.walk(root);
    }
    for (const s of steps) if (s.op === '[]' || s.op === '[?]') this.walk(s.args[1]);
  }

  private call(name: string, args: readonly CelNode[]): void {
    this.functions.add(name);
    const known =
      name === 'has' ? args.length === 1 : KRO_FUNCTIONS.has(name) || KRO_MEMBER_FUNCTIONS.has(name);
    if (!known) this.unknownFunctions.add(name);
    for (const a of args) this.walk(a);
  }

  private memberCall(name: string, receiver: CelNode, args: readonly CelNode[]): void {
    if (receiver.op === 'id' && receiver.args === 'cel' && name === 'bind' && args.length === 3) {
      const v = args[0]!;
      if (v.op === 'id') {
        this.functions.add('cel.bind');
        this.walk(args[1]!);
        this.within([v.args], () => this.walk(args[2]!));
        return;
      }
    }
    if (receiver.op === 'id' && KRO_FUNCTIONS.has(`${receiver.args}.${name}`)) {
      this.functions.add(`${receiver.args}.${name}`);
      for (const a of args) this.walk(a);
      return;
    }
    this.walk(receiver);
    const vars = macroVariableCount(name, args.length);
    const names = args.slice(0, vars);
    if (vars > 0 && names.every((n) => n.op === 'id')) {
      this.within(
        names.map((n) => (n.op === 'id' ? n.args : '')),
        () => {
          for (const a of args.slice(vars)) this.walk(a);
        },
      );
      return;
    }
    const newCondition = name === 'newCondition' && receiver.op === 'id' && receiver.args === 'runtime';
    for (const a of args) {
      // kro's runtime.newCondition macro turns bare identifier keys into strings: they are field names.
      if (newCondition && args.length === 1 && a.op === 'map') {
        for (const [k, v] of a.args) {
          if (k.op !== 'id') this.walk(k);
          this.walk(v);
        }
      } else {
        this.walk(a);
      }
    }
  }
}

function pathStep(step: CelNode): string {
  if (step.op === '.' || step.op === '.?') return `.${step.args[1]}`;
  if (step.op !== '[]' && step.op !== '[?]') return '';
  const index = step.args[1];
  if (index.op === 'value') {
    const lit = index.args;
    if (lit.type === 'int' || lit.type === 'uint') return `[${lit.value}]`;
    if (lit.type === 'string') return `[${JSON.stringify(lit.value)}]`;
  }
  return '[*]';
}

/**
 * Inspects a parsed expression (from `parseCel`) for the references kro's inspector collects (§5.2);
 * see {@link Inspection} for the exact meaning of each list. Scoping follows cel-go's macro expansion:
 * a comprehension's range (the receiver) and `cel.bind`'s initialiser are outside the new scope, the
 * other arguments inside; inner bindings shadow outer ones and end with their macro.
 *
 * Pure; never throws.
 */
export function inspect(ast: CelNode): Inspection {
  const c = new Collector();
  c.walk(ast);
  return {
    identifiers: [...c.identifiers],
    functions: [...c.functions],
    unknownFunctions: [...c.unknownFunctions],
    fieldPaths: [...c.fieldPaths],
    usesOmit: c.functions.has('omit'),
  };
}
