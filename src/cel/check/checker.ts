/**
 * kro-guard's CEL type checker: infers the type of a parsed expression ({@link CelNode}) in an
 * environment of typed variables and overload declarations, and reports type errors with cel-go's
 * wording (`undefined field 'x'`, `found no matching overload for '_+_' applied to '(string, int)'`,
 * ...). It follows cel-go v0.31's checker as kro configures it (kro-contract §5.7, §5.8, §8), and
 * errs on the side of accepting: where cel-go's result is uncertain the type becomes `dyn`.
 */
import type { CelNode } from '../ast.ts';
import { STANDARD_OVERLOADS, type OverloadDecl } from './stdlib.ts';
import { parseTypeSpec } from './type-spec.ts';
import {
  BOOL,
  DYN,
  ERROR,
  INT,
  NULL,
  formatType,
  isDynOrError,
  listOf,
  mapOf,
  optionalOf,
  primitive,
  type CelType,
} from './types.ts';
import { accept, joinTypes, looseEqual, substitute, type Bindings } from './unify.ts';

/** One type error: cel-go's message and the UTF-16 offset of the offending node. */
export interface CheckIssue {
  message: string;
  offset: number;
}

/** The outcome of {@link checkCel}. */
export interface CheckResult {
  /** The expression's type (`dyn` where unknown; `error` after an error in the whole expression). */
  type: CelType;
  /** Every type error, in source order. Empty when the expression checks. */
  issues: CheckIssue[];
  /**
   * True when some part of the type rests on kro-guard's leniency rather than on cel-go's rules (a
   * {@link LENIENT_DYN} value, a function without declared overloads, disagreeing branches joined
   * to `dyn`): a `dyn` result is then no proof that kro sees `dyn`.
   */
  uncertain: boolean;
}

/** A typed environment for {@link checkCel}. Build it once and reuse it for many expressions. */
export interface CheckEnvironment {
  /** Variable name → type. */
  readonly variables: ReadonlyMap<string, CelType>;
  /** The function table (see {@link createOverloadTable}). */
  readonly overloads: OverloadTable;
  /**
   * Report identifiers that are neither variables nor comprehension variables as cel-go does
   * (`undeclared reference to 'x' (in container '')`). Off for kro's expressions, whose references
   * the reference checks report (§5.2, §5.3).
   */
  readonly undeclaredIsError?: boolean;
}

interface ParsedOverload {
  readonly decl: OverloadDecl;
  readonly params: readonly CelType[];
  readonly result: CelType;
}

/** Overloads by function name, split into global and member style, with parsed types. */
export interface OverloadTable {
  readonly global: ReadonlyMap<string, readonly ParsedOverload[]>;
  readonly member: ReadonlyMap<string, readonly ParsedOverload[]>;
  /** Names callable without declared overloads: calls type as `dyn`, never as an error. */
  readonly untyped: ReadonlySet<string>;
  /** Named types that opaque names in declarations resolve to (e.g. `kro.run.Condition`). */
  readonly namedTypes: ReadonlyMap<string, CelType>;
}

/**
 * Indexes overload declarations: the standard library's plus `extra` (extension libraries), plus
 * names of functions that exist but whose overloads are not declared (`untyped`: their calls are
 * `dyn`). An `extra` overload with the same name, style and parameter types as an earlier one is
 * ignored.
 *
 * @throws Error on a malformed type in a declaration (a programming error).
 */
export function createOverloadTable(
  extra: readonly OverloadDecl[] = [],
  untyped: Iterable<string> = [],
  namedTypes: ReadonlyMap<string, CelType> = new Map(),
): OverloadTable {
  const global = new Map<string, ParsedOverload[]>();
  const member = new Map<string, ParsedOverload[]>();
  const seen = new Set<string>();
  for (const decl of [...STANDARD_OVERLOADS, ...extra]) {
    const key = `${decl.member ? 'm' : 'g'}:${decl.name}(${decl.params.join(',')})`;
    if (seen.has(key)) continue;
    seen.add(key);
    const resolve = (t: CelType): CelType => (t.kind === 'opaque' ? (namedTypes.get(t.name) ?? t) : t);
    const parsed: ParsedOverload = {
      decl,
      params: decl.params.map((p) => resolve(parseTypeSpec(p))),
      result: resolve(parseTypeSpec(decl.result)),
    };
    const table = decl.member ? member : global;
    let list = table.get(decl.name);
    if (list === undefined) table.set(decl.name, (list = []));
    list.push(parsed);
  }
  return { global, member, untyped: new Set(untyped), namedTypes };
}

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  '+': '_+_',
  '-': '_-_',
  '*': '_*_',
  '/': '_/_',
  '%': '_%_',
  '<': '_<_',
  '<=': '_<=_',
  '>': '_>_',
  '>=': '_>=_',
  '==': '_==_',
  '!=': '_!=_',
  in: '@in',
};

type Scope = ReadonlyMap<string, CelType>;

/**
 * Type-checks `ast` in `env` and returns its type and every type error (kro-contract §5.7).
 * Identifiers that are neither variables nor comprehension variables type as `error` without an
 * issue: undeclared references are the reference checks' business (§5.2, §5.3). Pure.
 */
export function checkCel(ast: CelNode, env: CheckEnvironment): CheckResult {
  const issues: CheckIssue[] = [];
  const checker = new Checker(env, issues);
  const type = checker.check(ast, env.variables);
  issues.sort((a, b) => a.offset - b.offset);
  return { type, issues, uncertain: checker.uncertain };
}

class Checker {
  private readonly env: CheckEnvironment;
  private readonly issues: CheckIssue[];
  uncertain = false;

  constructor(env: CheckEnvironment, issues: CheckIssue[]) {
    this.env = env;
    this.issues = issues;
  }

  private fail(node: CelNode, message: string): CelType {
    this.issues.push({ message, offset: location(node) });
    return ERROR;
  }

  check(n: CelNode, scope: Scope): CelType {
    const t = this.checkNode(n, scope);
    if (t.kind === 'dyn' && t.lenient === true) this.uncertain = true;
    return t;
  }

  private join(types: readonly CelType[]): CelType {
    const t = joinTypes(types);
    if (t.kind === 'dyn' && !types.some((x) => x.kind === 'dyn')) this.uncertain = true;
    return t;
  }

  private checkNode(n: CelNode, scope: Scope): CelType {
    switch (n.op) {
      case 'value':
        return n.args.type === 'null' ? NULL : primitive(n.args.type);
      case 'id': {
        const t = scope.get(n.args);
        if (t !== undefined) return t;
        return this.env.undeclaredIsError === true
          ? this.fail(n, `undeclared reference to '${n.args}' (in container '')`)
          : ERROR;
      }
      case '.':
      case '.?':
        return this.select(n, n.args[0], n.args[1], n.op === '.?', scope);
      case '[]':
      case '[?]':
        return this.index(n, n.args[0], n.args[1], n.op === '[?]', scope);
      case 'list':
        return listOf(this.join(n.args.map((e) => this.check(e, scope))));
      case 'map': {
        const keys = n.args.map(([k]) => this.check(k, scope));
        const values = n.args.map(([, v]) => this.check(v, scope));
        return mapOf(this.join(keys), this.join(values));
      }
      case '?:': {
        const c = this.check(n.args[0], scope);
        const a = this.check(n.args[1], scope);
        const b = this.check(n.args[2], scope);
        const applied = `'(${formatType(c)}, ${formatType(a)}, ${formatType(b)})'`;
        if (!isDynOrError(c) && !(c.kind === 'primitive' && c.name === 'bool'))
          return this.fail(n, `found no matching overload for '_?_:_' applied to ${applied}`);
        // cel-go's `_?_:_` is (bool, A, A): branches of different concrete types do not unify.
        if (!accept(parseTypeSpec('A'), b, new Map([['A', a]])))
          return this.fail(n, `found no matching overload for '_?_:_' applied to ${applied}`);
        return this.join([a, b]);
      }
      case '&&':
      case '||': {
        const a = this.check(n.args[0], scope);
        const b = this.check(n.args[1], scope);
        for (const t of [a, b])
          if (!isDynOrError(t) && !(t.kind === 'primitive' && t.name === 'bool')) {
            const name = n.op === '&&' ? '_&&_' : '_||_';
            return this.fail(
              n,
              `found no matching overload for '${name}' applied to '(${formatType(a)}, ${formatType(b)})'`,
            );
          }
        return BOOL;
      }
      case '!_':
        return this.resolveCall(n, '!_', false, [this.check(n.args, scope)]);
      case '-_':
        return this.resolveCall(n, '-_', false, [this.check(n.args, scope)]);
      case 'call':
        return this.call(n, n.args[0], n.args[1], scope);
      case 'rcall':
        return this.memberCall(n, n.args[0], n.args[1], n.args[2], scope);
      default: {
        const [l, r] = n.args;
        const lt = this.check(l, scope);
        const rt = this.check(r, scope);
        const name = OPERATOR_NAMES[n.op]!;
        if ((name === '_==_' || name === '_!=_') && equalityAllowed(lt, rt)) return BOOL;
        return this.resolveCall(n, name, false, [lt, rt]);
      }
    }
  }

  private select(n: CelNode, operand: CelNode, field: string, optional: boolean, scope: Scope): CelType {
    return this.selectType(n, this.check(operand, scope), field, optional);
  }

  private selectType(n: CelNode, t: CelType, field: string, optional: boolean): CelType {
    if (isDynOrError(t)) return optional ? optionalOf(t) : t;
    if (t.kind === 'optional') {
      const inner = this.selectType(n, t.elem, field, false);
      return inner.kind === 'error' ? inner : optionalOf(inner);
    }
    let ft: CelType | undefined;
    if (t.kind === 'struct') {
      ft = t.field(field);
      if (ft === undefined) return this.fail(n, `undefined field '${field}'`);
    } else if (t.kind === 'map') {
      ft = t.value;
    } else {
      return this.fail(n, `type '${formatType(t)}' does not support field selection`);
    }
    return optional ? optionalOf(ft) : ft;
  }

  private index(n: CelNode, operand: CelNode, idx: CelNode, optional: boolean, scope: Scope): CelType {
    const t = this.check(operand, scope);
    const it = this.check(idx, scope);
    if (isDynOrError(t)) return optional ? optionalOf(t) : t;
    const container = t.kind === 'optional' ? t.elem : t;
    const wrap = optional || t.kind === 'optional';
    if (isDynOrError(container)) return wrap ? optionalOf(container) : container;
    let out: CelType | undefined;
    if (container.kind === 'list') {
      const ok = isDynOrError(it) || (it.kind === 'primitive' && (it.name === 'int' || it.name === 'uint'));
      if (ok) out = container.elem;
    } else if (container.kind === 'map') {
      if (looseEqual(container.key, it) || numericKey(container.key, it)) out = container.value;
    }
    if (out === undefined)
      return this.fail(
        n,
        `found no matching overload for '_[_]' applied to '(${formatType(t)}, ${formatType(it)})'`,
      );
    return wrap ? optionalOf(out) : out;
  }

  private call(n: CelNode, name: string, args: readonly CelNode[], scope: Scope): CelType {
    if (name === 'has' && args.length === 1) {
      const sel = args[0]!;
      if (sel.op === '.' || sel.op === '.?') {
        this.selectType(sel, this.check(sel.args[0], scope), sel.args[1], false);
      }
      return BOOL;
    }
    const types = args.map((a) => this.check(a, scope));
    return this.resolveCall(n, name, false, types);
  }

  private memberCall(
    n: CelNode,
    name: string,
    receiver: CelNode,
    args: readonly CelNode[],
    scope: Scope,
  ): CelType {
    // A namespaced global function (`base64.encode(x)`, `cel.bind(...)`, `optional.of(x)`).
    if (receiver.op === 'id' && !scope.has(receiver.args)) {
      const qualified = `${receiver.args}.${name}`;
      if (qualified === 'cel.bind' && args.length === 3 && args[0]!.op === 'id') {
        const init = this.check(args[1]!, scope);
        return this.check(args[2]!, extend(scope, [[args[0]!.args, init]]));
      }
      if (this.env.overloads.global.has(qualified) || this.env.overloads.untyped.has(qualified)) {
        return this.resolveCall(
          n,
          qualified,
          false,
          args.map((a) => this.check(a, scope)),
        );
      }
    }
    const macro = this.macro(n, name, receiver, args, scope);
    if (macro !== undefined) return macro;
    const rt = this.check(receiver, scope);
    const types = args.map((a) => this.check(a, scope));
    return this.resolveCall(n, name, true, [rt, ...types]);
  }

  /** Receiver-style macros; undefined when `name`/arity is not one. */
  private macro(
    n: CelNode,
    name: string,
    receiver: CelNode,
    args: readonly CelNode[],
    scope: Scope,
  ): CelType | undefined {
    const varName = (i: number): string | undefined => {
      const a = args[i];
      return a?.op === 'id' ? a.args : undefined;
    };
    const oneVar = ['all', 'exists', 'exists_one', 'map', 'filter', 'sortBy'];
    const twoVar = [
      'all',
      'exists',
      'exists_one',
      'existsOne',
      'transformList',
      'transformMap',
      'transformMapEntry',
    ];
    if ((name === 'optMap' || name === 'optFlatMap') && args.length === 2 && varName(0) !== undefined) {
      const rt = this.check(receiver, scope);
      const elem = rt.kind === 'optional' ? rt.elem : DYN;
      if (!isDynOrError(rt) && rt.kind !== 'optional')
        return this.fail(
          n,
          `found no matching overload for '${name}' applied to '${formatType(rt)}.(${'dyn'})'`,
        );
      const body = this.check(args[1]!, extend(scope, [[varName(0)!, elem]]));
      if (name === 'optMap') return optionalOf(body);
      return body.kind === 'optional' || isDynOrError(body) ? body : optionalOf(body);
    }
    const isTwo =
      twoVar.includes(name) && (args.length === 3 || (args.length === 4 && name.startsWith('transform')));
    const isOne = oneVar.includes(name) && (args.length === 2 || (name === 'map' && args.length === 3));
    if (!isTwo && !isOne) return undefined;
    const rt = this.check(receiver, scope);
    let keyT: CelType = DYN;
    let valT: CelType = DYN;
    if (rt.kind === 'list') {
      keyT = INT;
      valT = rt.elem;
    } else if (rt.kind === 'map') {
      keyT = rt.key;
      valT = rt.value;
    } else if (!isDynOrError(rt)) {
      this.fail(
        receiver,
        `expression of type '${formatType(rt)}' cannot be range of a comprehension (must be list, map, or dynamic)`,
      );
      keyT = ERROR;
      valT = ERROR;
    }
    if (isTwo) {
      const a = varName(0);
      const b = varName(1);
      if (a === undefined || b === undefined) return DYN;
      const inner = extend(scope, [
        [a, keyT],
        [b, valT],
      ]);
      const bodies = args.slice(2).map((e) => this.check(e, inner));
      const last = bodies[bodies.length - 1]!;
      switch (name) {
        case 'transformList':
          return listOf(last);
        case 'transformMap':
          return mapOf(keyT, last);
        case 'transformMapEntry':
          return last.kind === 'map' ? last : DYN;
        default:
          return BOOL;
      }
    }
    const v = varName(0);
    if (v === undefined) return DYN;
    // One-variable comprehensions range over list elements or map keys.
    const elem = rt.kind === 'list' ? rt.elem : rt.kind === 'map' ? rt.key : keyT;
    const inner = extend(scope, [[v, elem]]);
    const bodies = args.slice(1).map((e) => this.check(e, inner));
    const last = bodies[bodies.length - 1]!;
    switch (name) {
      case 'map':
        return listOf(last);
      case 'filter':
        return listOf(elem);
      case 'sortBy':
        return rt.kind === 'list' ? rt : listOf(DYN);
      default:
        return BOOL;
    }
  }

  /** Resolves `name` applied to `args` (receiver first for member calls) against the overload table. */
  private resolveCall(n: CelNode, name: string, member: boolean, args: readonly CelType[]): CelType {
    const table = member ? this.env.overloads.member : this.env.overloads.global;
    const candidates = table.get(name);
    if (candidates === undefined) {
      if (this.env.overloads.untyped.has(name)) {
        this.uncertain = true;
        return DYN;
      }
      // Declared in the other style only, or not at all.
      const other = (member ? this.env.overloads.global : this.env.overloads.member).get(name);
      if (other === undefined) return this.fail(n, `undeclared reference to '${name}' (in container '')`);
      return this.noOverload(n, name, member, args);
    }
    if (args.some((t) => t.kind === 'error')) return ERROR;
    const results: CelType[] = [];
    for (const o of candidates) {
      if (o.params.length !== args.length) continue;
      const b: Bindings = new Map();
      if (o.params.every((p, i) => accept(p, args[i]!, b))) results.push(substitute(o.result, b));
    }
    if (results.length === 0) return this.noOverload(n, name, member, args);
    if (results.length === 1) return results[0]!;
    return this.join(results);
  }

  private noOverload(n: CelNode, name: string, member: boolean, args: readonly CelType[]): CelType {
    const fmt = args.map(formatType);
    const applied = member ? `${fmt[0]}.(${fmt.slice(1).join(', ')})` : `(${fmt.join(', ')})`;
    return this.fail(n, `found no matching overload for '${name}' applied to '${applied}'`);
  }
}

/**
 * `==`/`!=` operands cel-go accepts beyond `(A, A)`: either side `null`, and numbers of different
 * kinds (kro-guard is lenient here: cel-go's checker may reject `1 == 1.0`, its runtime does not).
 */
function equalityAllowed(a: CelType, b: CelType): boolean {
  const isNull = (t: CelType): boolean => t.kind === 'primitive' && t.name === 'null_type';
  const isNum = (t: CelType): boolean =>
    t.kind === 'primitive' && (t.name === 'int' || t.name === 'uint' || t.name === 'double');
  return isNull(a) || isNull(b) || (isNum(a) && isNum(b)) || looseEqual(a, b);
}

function numericKey(key: CelType, idx: CelType): boolean {
  const nums = new Set(['int', 'uint', 'double']);
  return key.kind === 'primitive' && idx.kind === 'primitive' && nums.has(key.name) && nums.has(idx.name);
}

/** Where cel-go locates a node: a selection at its `.` (or `.?`), anything else at its start. */
function location(n: CelNode): number {
  if (n.op === '.' || n.op === '.?') return Math.max(n.start, n.end - n.args[1].length - n.op.length);
  return n.start;
}

function extend(scope: Scope, entries: readonly (readonly [string, CelType])[]): Scope {
  const m = new Map(scope);
  for (const [k, v] of entries) m.set(k, v);
  return m;
}
