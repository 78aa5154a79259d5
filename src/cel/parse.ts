/**
 * Parsing one CEL expression the way kro's parser would judge it (cel-go v0.31, kro-contract §5.2, §8),
 * using cel-js 8 for the grammar and filling the known gaps between the two.
 */

import { Environment } from '@marcbachmann/cel-js';
import { type CelNode, type RawNode, fromCelJs, rawDepth, walkCel } from './ast.ts';
import { type SyntaxFinding, scanCelSyntax } from './syntax.ts';

export type { CelNode } from './ast.ts';

/**
 * The outcome of {@link parseCel}.
 *
 * - `ok`: the expression parses; `ast` is its tree.
 * - `error`: kro would reject it at parse time too. `message` has one line per problem, each
 *   `ERROR: <input>:<line>:<column>: <text>` (1-based line and column, columns in code points, as
 *   cel-go prints them); the text is cel-js's message (first line) or, for problems only cel-go
 *   reports, cel-go's wording. kro wraps such errors as `parse error: …` (§5.2).
 * - `unsupported`: cel-js cannot parse it, but it uses syntax cel-go accepts (see `message`), so kro may
 *   well accept it. Callers must not reject on this outcome.
 */
export type ParseOutcome =
  | { kind: 'ok'; ast: CelNode }
  | { kind: 'error'; message: string }
  | { kind: 'unsupported'; message: string };

/** cel-go's default limit on the size of an expression, in code points (`ParserExpressionSizeLimit`). */
export const MAX_EXPRESSION_CODE_POINTS = 100_000;

/** Deepest syntax tree accepted; deeper trees are rejected so later recursive walks stay bounded. */
export const MAX_AST_DEPTH = 500;

const env = new Environment({
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
  unlistedVariablesAreDyn: true,
  limits: {
    maxAstNodes: MAX_EXPRESSION_CODE_POINTS,
    maxDepth: 250,
    // cel-go has no such limits; the size limit above bounds them.
    maxListElements: MAX_EXPRESSION_CODE_POINTS,
    maxMapEntries: MAX_EXPRESSION_CODE_POINTS,
    maxCallArguments: MAX_EXPRESSION_CODE_POINTS,
  },
});

const MAX_INT64 = 2n ** 63n - 1n;

interface Located {
  message: string;
  offset: number;
}

function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * One issue as cel-go prints it: `ERROR: <input>:<line>:<column>: <message>` (1-based line and
 * column, the column in code points) for an offset (UTF-16 units) into `expression`.
 */
export function formatCelIssue(expression: string, message: string, offset: number): string {
  return issue(expression, { message, offset });
}

function issue(expression: string, { message, offset }: Located): string {
  const before = expression.slice(0, Math.max(0, Math.min(offset, expression.length)));
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const column = codePointLength(before.slice(lineStart)) + 1;
  return `ERROR: <input>:${line}:${column}: ${message}`;
}

function report(expression: string, problems: Located[]): ParseOutcome {
  const sorted = [...problems].sort((a, b) => a.offset - b.offset);
  return { kind: 'error', message: sorted.map((p) => issue(expression, p)).join('\n') };
}

const TWO_VARIABLE_MACROS: Readonly<Record<string, readonly number[]>> = {
  all: [3],
  exists: [3],
  existsOne: [3],
  exists_one: [3],
  transformList: [3, 4],
  transformMap: [3, 4],
  transformMapEntry: [3, 4],
};

/**
 * Parse-time macro rules of cel-go (and its `ext` libraries) that cel-js does not enforce: `has()` needs a
 * field selection, two-variable comprehensions and `sortBy` need simple variable names, `sortBy` a
 * suitable target, `optMap`/`optFlatMap` a simple variable name. Also cel-go's `invalid int literal`
 * for integers beyond int64 (cel-js accepts any size).
 */
function celGoOnlyProblems(ast: CelNode): Located[] {
  const out: Located[] = [];
  const simpleName = (n: CelNode | undefined): void => {
    if (n !== undefined && n.op !== 'id')
      out.push({ message: 'argument must be a simple name', offset: n.start });
  };
  const negatedLiterals = new Set<CelNode>();
  walkCel(ast, (n) => {
    if (n.op === '-_' && n.args.op === 'value') negatedLiterals.add(n.args);
    if (n.op === 'value' && n.args.type === 'int') {
      const v = n.args.value;
      const ok = v <= MAX_INT64 || (v === MAX_INT64 + 1n && negatedLiterals.has(n));
      if (!ok) out.push({ message: 'invalid int literal', offset: n.start });
    }
    if (n.op === 'call' && n.args[0] === 'has' && n.args[1].length === 1 && n.args[1][0]!.op !== '.') {
      out.push({ message: 'invalid argument to has() macro', offset: n.args[1][0]!.start });
    }
    if (n.op !== 'rcall') return;
    const [name, receiver, args] = n.args;
    if (TWO_VARIABLE_MACROS[name]?.includes(args.length)) {
      simpleName(args[0]);
      simpleName(args[1]);
    } else if (name === 'sortBy' && args.length === 2) {
      if (receiver.op === 'value' || receiver.op === 'map') {
        out.push({
          message:
            'sortBy can only be applied to a list, identifier, comprehension, call or select expression',
          offset: receiver.start,
        });
      }
      simpleName(args[0]);
    } else if ((name === 'optMap' || name === 'optFlatMap') && args.length === 2 && args[0]!.op !== 'id') {
      out.push({ message: `${name}() variable name must be a simple identifier`, offset: args[0]!.start });
    }
  });
  return out;
}

function describeUnsupported(expression: string, findings: SyntaxFinding[]): string {
  const seen = new Map<string, number>();
  for (const f of findings) if (!seen.has(f.construct)) seen.set(f.construct, f.offset);
  const parts = [...seen].map(([construct, offset]) => {
    const where = issue(expression, { message: '', offset }).replace(/^ERROR: (.*): $/, '$1');
    return `${construct} at ${where}`;
  });
  return `kro-guard cannot parse CEL syntax that kro accepts: ${parts.join('; ')}`;
}

/**
 * Parses one CEL expression (the text inside `${…}`) with cel-js 8 configured like kro's base
 * environment (optional syntax on, heterogeneous literals allowed) and classifies the result:
 *
 * - cel-js fails and the expression uses syntax only cel-go supports (optional list/map entries,
 *   message literals, `.x`, `.5`, `br"…"`, … see `scanCelSyntax`): `unsupported`.
 * - cel-js fails otherwise, or the expression breaks a rule cel-go enforces at parse time that cel-js
 *   does not (nested `?:` in a middle operand, `f(a,)`, `0X1F`, `has(x)` without a selection,
 *   non-simple names in two-variable macros/`sortBy`/`optMap`, an int literal beyond int64): `error`.
 * - otherwise `ok`.
 *
 * Limits, reported as errors: more than {@link MAX_EXPRESSION_CODE_POINTS} code points (cel-go's own
 * limit and message), cel-js's parser limits (250 nesting levels, 100,000 nodes), and a syntax tree
 * deeper than {@link MAX_AST_DEPTH}. Reserved words as field names behave as in cel-go: `x.namespace`
 * parses, `x.in`/`x.true`/`x.null` do not (they are keyword tokens in cel-go's grammar too).
 *
 * Pure. Source: kro-contract §5.2 (parse errors), §8 (environment); cel-go `parser/gen/CEL.g4`.
 */
export function parseCel(expression: string): ParseOutcome {
  const size = codePointLength(expression);
  if (size > MAX_EXPRESSION_CODE_POINTS) {
    return report(expression, [
      {
        message: `expression code point size exceeds limit: size: ${size}, limit ${MAX_EXPRESSION_CODE_POINTS}`,
        offset: 0,
      },
    ]);
  }
  let raw: RawNode;
  try {
    raw = env.parse(expression).ast as unknown as RawNode;
  } catch (e) {
    const err = e as {
      code?: string;
      summary?: string;
      message?: string;
      node?: { start?: number };
      range?: { start: number };
    };
    const scan = scanCelSyntax(expression);
    if (err.code !== 'limit_exceeded' && scan.unsupported.length > 0) {
      return { kind: 'unsupported', message: describeUnsupported(expression, scan.unsupported) };
    }
    const message = err.summary ?? String(err.message ?? e).split('\n')[0]!;
    return report(expression, [{ message, offset: err.node?.start ?? err.range?.start ?? 0 }]);
  }
  if (rawDepth(raw) > MAX_AST_DEPTH) {
    return report(expression, [
      { message: `expression nests deeper than ${MAX_AST_DEPTH} levels`, offset: 0 },
    ]);
  }
  const ast = fromCelJs(raw);
  const problems: Located[] = [
    ...scanCelSyntax(expression).errors.map((f) => ({ message: f.construct, offset: f.offset })),
    ...celGoOnlyProblems(ast),
  ];
  return problems.length > 0 ? report(expression, problems) : { kind: 'ok', ast };
}
