import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Environment } from '@marcbachmann/cel-js';
import {
  NESTED_EXPRESSION_ERROR,
  extractExpressions,
  parseCel,
  templateToCel,
  type Extraction,
} from '../../../src/cel/index.ts';

function expressionsOf(x: Extraction): string[] {
  assert.ok(x.ok, 'extraction failed');
  return x.expressions.map((e) => e.expression);
}

describe('extractExpressions: standalone and template strings (§5.1)', () => {
  it('a whole-string ${…} is standalone, with its span', () => {
    assert.deepEqual(extractExpressions('${schema.spec.name}'), {
      ok: true,
      expressions: [{ expression: 'schema.spec.name', start: 0, end: 19 }],
      standalone: true,
    });
  });

  it('text, whitespace or a second expression around it make a template', () => {
    const x = extractExpressions('pre-${a.b}-post');
    assert.deepEqual(x, {
      ok: true,
      expressions: [{ expression: 'a.b', start: 4, end: 10 }],
      standalone: false,
    });
    assert.equal((extractExpressions(' ${a}') as { standalone: boolean }).standalone, false);
    assert.equal((extractExpressions('${a}${b}') as { standalone: boolean }).standalone, false);
    assert.deepEqual(expressionsOf(extractExpressions('${a}${b}')), ['a', 'b']);
  });

  it('a YAML `|` block keeps its trailing newline, so the value is a template; `|-` is standalone', () => {
    const doc = parseYaml('keep: |\n  ${schema.spec.x}\nstrip: |-\n  ${schema.spec.x}\n') as Record<
      string,
      string
    >;
    const keep = extractExpressions(doc.keep!);
    const strip = extractExpressions(doc.strip!);
    assert.ok(keep.ok && strip.ok);
    assert.equal(keep.standalone, false);
    assert.deepEqual(expressionsOf(keep), ['schema.spec.x']);
    assert.equal(strip.standalone, true);
  });

  it('a string without ${ has no expressions and is not standalone', () => {
    assert.deepEqual(extractExpressions('plain $ {x} text'), {
      ok: true,
      expressions: [],
      standalone: false,
    });
    assert.deepEqual(extractExpressions(''), { ok: true, expressions: [], standalone: false });
  });
});

describe('extractExpressions: brace counting and strings (§5.1)', () => {
  it('counts braces of map literals and ignores braces inside double-quoted strings', () => {
    assert.deepEqual(expressionsOf(extractExpressions('${{"a": {"b": x}}}')), ['{"a": {"b": x}}']);
    assert.deepEqual(expressionsOf(extractExpressions('${"}" + x}')), ['"}" + x']);
    assert.deepEqual(expressionsOf(extractExpressions('${"a\\"}" + x}')), ['"a\\"}" + x']);
  });

  it('`${}` yields an empty expression, which fails to parse', () => {
    assert.deepEqual(extractExpressions('${}'), {
      ok: true,
      expressions: [{ expression: '', start: 0, end: 3 }],
      standalone: true,
    });
    assert.deepEqual(parseCel(''), { kind: 'error', message: 'ERROR: <input>:1:1: Unexpected token: EOF' });
  });

  it("hazard: `${a == '}'}` ends at the } inside the single-quoted string, then fails to parse", () => {
    const x = extractExpressions("${a == '}'}");
    assert.deepEqual(x, {
      ok: true,
      expressions: [{ expression: "a == '", start: 0, end: 9 }],
      standalone: false,
    });
    assert.deepEqual(parseCel("a == '"), {
      kind: 'error',
      message: 'ERROR: <input>:1:6: Unterminated string',
    });
  });

  it('hazard: a lone " inside single quotes flips the string state; the expression never closes and stays literal', () => {
    assert.deepEqual(extractExpressions(`\${a == '"'}`), { ok: true, expressions: [], standalone: false });
    // The first ${ runs to the end without closing, so it is literal; the scan resumes after it.
    assert.deepEqual(expressionsOf(extractExpressions(`\${a == '"'} and \${b}"`)), ['b']);
  });

  it('an unterminated ${ is literal text and the scan goes on after it', () => {
    assert.deepEqual(extractExpressions('${a'), { ok: true, expressions: [], standalone: false });
    assert.deepEqual(extractExpressions('x ${ y } ${z'), {
      ok: true,
      expressions: [{ expression: ' y ', start: 2, end: 8 }],
      standalone: false,
    });
    assert.deepEqual(expressionsOf(extractExpressions('$${x}')), ['x']);
  });
});

describe('extractExpressions: nested expressions (§5.1)', () => {
  it('`${outer("${inner}")}` is allowed: the inner ${ is inside a string literal', () => {
    assert.deepEqual(expressionsOf(extractExpressions('${outer("${inner}")}')), ['outer("${inner}")']);
  });

  it('a ${ right after a closing " is allowed too (kro only looks at the previous character)', () => {
    assert.deepEqual(expressionsOf(extractExpressions('${"a"${b}}')), ['"a"${b}']);
  });

  it('a ${ inside an expression outside a string is an error with kro’s text', () => {
    const expected = { ok: false, error: 'nested expressions are not allowed unless inside string literals' };
    assert.deepEqual(extractExpressions('${outer(${inner})}'), expected);
    assert.deepEqual(extractExpressions('ok ${a} then ${${b}}'), expected);
    // The whole string fails even though the outer expression would never close.
    assert.deepEqual(extractExpressions('${x ${y}'), expected);
    assert.equal(NESTED_EXPRESSION_ERROR, expected.error);
  });
});

describe('templateToCel (§5.1)', () => {
  const evaluator = new Environment({ unlistedVariablesAreDyn: true });

  it('joins quoted literal parts and parenthesised expressions with +', () => {
    const text = 'a${x}b${y}';
    const x = extractExpressions(text);
    assert.ok(x.ok);
    assert.equal(templateToCel(text, x.expressions), '"a" + (x) + "b" + (y)');
  });

  it('leaves out empty literal parts', () => {
    const text = '${x}-${y}';
    const x = extractExpressions(text);
    assert.ok(x.ok);
    assert.equal(templateToCel(text, x.expressions), '(x) + "-" + (y)');
    assert.equal(templateToCel('${x}', [{ expression: 'x', start: 0, end: 4 }]), '(x)');
    assert.equal(templateToCel('no expressions', []), '"no expressions"');
  });

  it('quotes literal parts like Go strconv.Quote', () => {
    const text = 'say "hi" \\ \n\t\u0007\u0000\u007f é 😀\u00a0\u200b\ue000 ${x}';
    const x = extractExpressions(text);
    assert.ok(x.ok);
    assert.equal(
      templateToCel(text, x.expressions),
      '"say \\"hi\\" \\\\ \\n\\t\\a\\x00\\x7f é 😀\\u00a0\\u200b\\ue000 " + (x)',
    );
  });

  it('produces CEL that evaluates back to the template with the values substituted', () => {
    const text = 'pre "q" \\ \n ${x}-${y.z} ünï 😀 ${x}';
    const x = extractExpressions(text);
    assert.ok(x.ok);
    const cel = templateToCel(text, x.expressions);
    assert.equal(parseCel(cel).kind, 'ok');
    const value = evaluator.evaluate(cel, { x: 'X', y: { z: 'Z' } }) as string;
    assert.equal(value, 'pre "q" \\ \n X-Z ünï 😀 X');
  });
});

/** A literal transcription of the §5.1 pseudo-code (quadratic), to check the optimised implementation. */
function referenceExtract(s: string): string[] | 'nested' {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const i = s.indexOf('${', start);
    if (i < 0) return out;
    let depth = 1;
    let j = i + 2;
    let inStr = false;
    let esc = false;
    while (j < s.length) {
      const c = s[j];
      if (esc) {
        esc = false;
        j++;
        continue;
      }
      if (inStr && c === '\\') {
        esc = true;
        j++;
        continue;
      }
      if (c === '"') inStr = !inStr;
      else if (!inStr) {
        if (c === '{') depth++;
        else if (c === '}') {
          depth--;
          if (depth === 0) break;
        } else if (s.slice(j, j + 2) === '${' && s[j - 1] !== '"') return 'nested';
      }
      j++;
    }
    if (depth !== 0) {
      start++;
      continue;
    }
    out.push(s.slice(i + 2, j));
    start = j + 1;
  }
}

describe('extractExpressions: equivalence with the §5.1 algorithm', () => {
  it('agrees with a literal transcription on 20,000 random strings', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const alphabet = ['$', '{', '}', '"', '\\', "'", 'a', '${', '${', '}'];
    for (let n = 0; n < 20000; n++) {
      let s = '';
      const len = Math.floor(random() * 24);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(random() * alphabet.length)];
      const expected = referenceExtract(s);
      const actual = extractExpressions(s);
      if (expected === 'nested') assert.deepEqual(actual, { ok: false, error: NESTED_EXPRESSION_ERROR }, s);
      else assert.deepEqual(expressionsOf(actual), expected, s);
    }
  });

  it('stays linear on strings full of unterminated ${ (kro’s loop is quadratic there)', () => {
    for (const unit of ['${"', '${', '${\'"', '${{']) {
      const small = unit.repeat(301);
      for (const s of [small, `${small}\${a} \${b`, `\${x}${small}"\${y}`]) {
        const expected = referenceExtract(s);
        const actual = extractExpressions(s);
        if (expected === 'nested') assert.deepEqual(actual, { ok: false, error: NESTED_EXPRESSION_ERROR }, s);
        else assert.deepEqual(expressionsOf(actual), expected, s);
      }
    }
    const started = performance.now();
    assert.deepEqual(extractExpressions('${"'.repeat(100_000)), {
      ok: true,
      expressions: [],
      standalone: false,
    });
    assert.ok(performance.now() - started < 5000, 'extraction took too long');
  });
});
