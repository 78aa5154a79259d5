import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_EXPRESSION_CODE_POINTS,
  parseCel,
  type CelNode,
  type ParseOutcome,
} from '../../../src/cel/index.ts';

function ok(expression: string): CelNode {
  const r = parseCel(expression);
  assert.equal(r.kind, 'ok', `${expression}: ${r.kind === 'ok' ? '' : r.message}`);
  return (r as { ast: CelNode }).ast;
}

function kindOf(r: ParseOutcome): ParseOutcome['kind'] {
  return r.kind;
}

describe('parseCel: accepted expressions', () => {
  it('returns a plain tree with spans, literal types and unexpanded macros', () => {
    assert.deepEqual(ok('a.b[0] + 2u'), {
      op: '+',
      start: 0,
      end: 11,
      args: [
        {
          op: '[]',
          start: 0,
          end: 6,
          args: [
            { op: '.', start: 0, end: 3, args: [{ op: 'id', start: 0, end: 1, args: 'a' }, 'b'] },
            { op: 'value', start: 4, end: 5, args: { type: 'int', value: 0n } },
          ],
        },
        { op: 'value', start: 9, end: 11, args: { type: 'uint', value: 2n } },
      ],
    });
    const m = ok('l.map(x, x * 1.5)');
    assert.ok(m.op === 'rcall' && m.args[0] === 'map' && m.args[2].length === 2);
    const list = ok('[b"x", null, true, "s"]');
    assert.ok(list.op === 'list');
    assert.deepEqual(
      list.args.map((n) => (n.op === 'value' ? n.args.type : n.op)),
      ['bytes', 'null', 'bool', 'string'],
    );
  });

  it('parses kro idioms: optional chaining, optional index, cel.bind, has, ternaries', () => {
    for (const e of [
      'schema.spec.gpu ? "1" : "0"',
      'x.?a.b.orValue("d")',
      'l[?0].orValue(1)',
      'cel.bind(v, schema.spec.x, v + 1)',
      'has(a.b) && a.b.exists(x, x > 1)',
      'a ? b : c ? d : e',
      'a ? (b ? c : d) : e',
      '[1, 2,]',
      '{"a": 1,}',
      'm.transformMap(k, v, v + 1)',
      'l.sortBy(e, e.name)',
      'o.optMap(v, v + 1)',
      '-9223372036854775808',
      '9223372036854775807',
      '// a comment\n  x',
      "r'\\d+' + '''multi\nline'''",
    ]) {
      ok(e);
    }
  });

  it('accepts reserved words as field names (cel-go: they are identifiers after a dot)', () => {
    for (const word of [
      'namespace',
      'as',
      'break',
      'const',
      'if',
      'import',
      'package',
      'var',
      'while',
      'prototype',
    ]) {
      const ast = ok(`x.${word}`);
      assert.ok(ast.op === '.' && ast.args[1] === word);
    }
  });
});

describe('parseCel: errors', () => {
  it('reports cel-js’s message with 1-based line and code-point column', () => {
    assert.deepEqual(parseCel('1 +'), {
      kind: 'error',
      message: 'ERROR: <input>:1:4: Unexpected token: EOF',
    });
    assert.deepEqual(parseCel('a &&\n  😀 b'), {
      kind: 'error',
      message: 'ERROR: <input>:2:3: Unexpected character: \ud83d',
    });
    assert.deepEqual(parseCel('é + ('), {
      kind: 'error',
      message: 'ERROR: <input>:1:1: Unexpected character: é',
    });
  });

  it('keywords in/true/false/null cannot be field names, as in cel-go’s grammar', () => {
    assert.deepEqual(parseCel('x.in'), {
      kind: 'error',
      message: 'ERROR: <input>:1:3: Expected IDENTIFIER, got IN',
    });
    assert.equal(kindOf(parseCel('x.null')), 'error');
    assert.equal(kindOf(parseCel('x.?true')), 'error');
  });

  it('rejects a conditional in the middle operand of another unless parenthesised (cel-go grammar)', () => {
    assert.deepEqual(parseCel('a ? b ? c : d : e'), {
      kind: 'error',
      message:
        "ERROR: <input>:1:7: Syntax error: unexpected '?': a conditional inside the middle operand of another must be parenthesized",
    });
  });

  it('rejects a trailing comma in a call but not in list or map literals', () => {
    assert.deepEqual(parseCel('f(a,)'), {
      kind: 'error',
      message: "ERROR: <input>:1:5: Syntax error: unexpected ')' after ','",
    });
    ok('f(a)');
  });

  it('rejects operands side by side in cel-go’s tokens (cel-js reads 0X1F as hex)', () => {
    assert.deepEqual(parseCel('0X1F'), {
      kind: 'error',
      message: 'ERROR: <input>:1:2: Syntax error: unexpected "X1F"',
    });
    ok('0x1F');
  });

  it('enforces cel-go’s parse-time macro rules that cel-js leaves out', () => {
    assert.deepEqual(parseCel('has(a)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:5: invalid argument to has() macro',
    });
    assert.deepEqual(parseCel('has(a[0])').kind, 'error');
    assert.deepEqual(parseCel('m.all(k.x, v, true)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:7: argument must be a simple name',
    });
    assert.deepEqual(parseCel('l.transformList(i, 1, f, t)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:20: argument must be a simple name',
    });
    assert.deepEqual(parseCel('l.sortBy("k", x)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:10: argument must be a simple name',
    });
    assert.deepEqual(parseCel('{"a": 1}.sortBy(x, x)'), {
      kind: 'error',
      message:
        'ERROR: <input>:1:1: sortBy can only be applied to a list, identifier, comprehension, call or select expression',
    });
    assert.deepEqual(parseCel('o.optFlatMap(a.b, a)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:14: optFlatMap() variable name must be a simple identifier',
    });
    // cel-js’s own macro checks keep cel-js’s message.
    assert.deepEqual(parseCel('l.map(1, 2)'), {
      kind: 'error',
      message: 'ERROR: <input>:1:7: map(var, transform) invalid predicate iteration variable',
    });
  });

  it('lists every problem cel-go would report, in source order', () => {
    assert.deepEqual(parseCel('has(a) || f(b,) || c ? d ? e : f : g'), {
      kind: 'error',
      message: [
        'ERROR: <input>:1:5: invalid argument to has() macro',
        "ERROR: <input>:1:15: Syntax error: unexpected ')' after ','",
        "ERROR: <input>:1:26: Syntax error: unexpected '?': a conditional inside the middle operand of another must be parenthesized",
      ].join('\n'),
    });
  });

  it('rejects int literals beyond int64 (cel-go: invalid int literal)', () => {
    assert.deepEqual(parseCel('9223372036854775808'), {
      kind: 'error',
      message: 'ERROR: <input>:1:1: invalid int literal',
    });
    assert.equal(kindOf(parseCel('0x8000000000000000')), 'error');
    assert.equal(kindOf(parseCel('-9223372036854775809')), 'error');
    ok('18446744073709551615u');
  });
});

describe('parseCel: limits', () => {
  it('rejects expressions over cel-go’s code point limit with cel-go’s message', () => {
    const long = 'a'.repeat(MAX_EXPRESSION_CODE_POINTS + 1);
    assert.deepEqual(parseCel(long), {
      kind: 'error',
      message: `ERROR: <input>:1:1: expression code point size exceeds limit: size: ${MAX_EXPRESSION_CODE_POINTS + 1}, limit ${MAX_EXPRESSION_CODE_POINTS}`,
    });
    ok('a'.repeat(1000));
  });

  it('rejects deep nesting through cel-js’s depth limit', () => {
    const r = parseCel('('.repeat(300) + 'x' + ')'.repeat(300));
    assert.equal(r.kind, 'error');
    assert.match((r as { message: string }).message, /Exceeded maxDepth \(250\)/);
    ok('('.repeat(100) + 'x' + ')'.repeat(100));
  });

  it('rejects a degenerate tree deeper than 500 levels without overflowing the stack', () => {
    assert.deepEqual(parseCel(Array(600).fill('1').join(' + ')), {
      kind: 'error',
      message: 'ERROR: <input>:1:1: expression nests deeper than 500 levels',
    });
    ok(Array(400).fill('1').join(' + '));
  });

  it('accepts long lists and many call arguments (cel-go has no such limits)', () => {
    ok(`[${Array(2000).fill('1').join(', ')}]`);
    ok(`f(${Array(40).fill('a').join(', ')})`);
  });
});

describe('parseCel: syntax cel-go accepts but cel-js cannot parse', () => {
  const cases: [string, string][] = [
    ['[?a, b]', 'optional list or map entries ([?e], {?k: v}) at <input>:1:2'],
    ['[a, ?b]', 'optional list or map entries ([?e], {?k: v}) at <input>:1:5'],
    ['{?"k": v}', 'optional list or map entries ([?e], {?k: v}) at <input>:1:2'],
    ['{"a": 1, ?"k": v}', 'optional list or map entries ([?e], {?k: v}) at <input>:1:10'],
    ['Foo{a: 1}', 'message construction (Name{field: value}) at <input>:1:1'],
    ['.x + 1', 'root-scoped identifiers (.name) at <input>:1:1'],
    ['x * .5', 'floating-point literals without a leading digit (.5) at <input>:1:5'],
    ['br"x"', 'raw bytes literals (br"…") at <input>:1:1'],
    ['a\f+ b', 'form feed characters as white space at <input>:1:2'],
    ['prototype.x', 'the identifiers __proto__ and prototype at <input>:1:1'],
    ['r"a\\" + x', 'backslashes in raw string literals at <input>:1:5'],
    ['foo.bind(a.b, 1, 2)', 'a bind(…) method on a receiver other than cel at <input>:1:5'],
  ];
  for (const [expression, what] of cases) {
    it(`${JSON.stringify(expression)} is unsupported, not an error`, () => {
      assert.deepEqual(parseCel(expression), {
        kind: 'unsupported',
        message: `kro-guard cannot parse CEL syntax that kro accepts: ${what}`,
      });
    });
  }

  it('names each construct once, in source order', () => {
    assert.deepEqual(parseCel('[?a, ?b] + [.5]'), {
      kind: 'unsupported',
      message:
        'kro-guard cannot parse CEL syntax that kro accepts: optional list or map entries ([?e], {?k: v}) at <input>:1:2; ' +
        'floating-point literals without a leading digit (.5) at <input>:1:13',
    });
  });

  it('looks at tokens, so the same characters inside strings or comments do not count', () => {
    ok('"[?" + x');
    assert.deepEqual(parseCel('"[?" + )'), {
      kind: 'error',
      message: 'ERROR: <input>:1:8: Unexpected token: RPAREN',
    });
    assert.equal(kindOf(parseCel("'{?' + Foo.x +")), 'error');
    assert.equal(kindOf(parseCel('// [?x]\n a +')), 'error');
    assert.equal(kindOf(parseCel('x[?0] +')), 'error'); // optional index is cel-js syntax
    assert.equal(kindOf(parseCel('a.5')), 'error'); // cel-go rejects it too
  });

  it('a limit error is an error even if cel-go-only syntax appears', () => {
    const r = parseCel('('.repeat(300) + 'x' + ')'.repeat(300) + ' + [?a]');
    assert.equal(r.kind, 'error');
    assert.match((r as { message: string }).message, /Exceeded maxDepth/);
  });
});
