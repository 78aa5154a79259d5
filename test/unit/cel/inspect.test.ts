import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  KRO_FUNCTIONS,
  KRO_MEMBER_FUNCTIONS,
  KRO_MEMBER_MACROS,
  inspect,
  parseCel,
  type Inspection,
} from '../../../src/cel/index.ts';

function inspectText(expression: string): Inspection {
  const r = parseCel(expression);
  assert.ok(r.kind === 'ok', `${expression}: ${r.kind === 'ok' ? '' : r.message}`);
  return inspect(r.ast);
}

const ids = (e: string): string[] => inspectText(e).identifiers;

describe('inspect: identifiers and field paths (§5.2)', () => {
  it('collects free identifiers once, in order of first appearance, with their selection paths', () => {
    assert.deepEqual(
      inspectText('deployment.spec.replicas > 0 && schema.spec.x == deployment.metadata.name'),
      {
        identifiers: ['deployment', 'schema'],
        functions: [],
        unknownFunctions: [],
        fieldPaths: ['deployment.spec.replicas', 'schema.spec.x', 'deployment.metadata.name'],
        usesOmit: false,
      },
    );
  });

  it('writes index steps as [n], ["key"] and [*], and walks index expressions', () => {
    assert.deepEqual(
      inspectText('a.items[0].name + a.labels["app.io/x"] + a.items[i].v + a.m[?k].orValue(1)'),
      {
        identifiers: ['a', 'i', 'k'],
        functions: [],
        unknownFunctions: [],
        fieldPaths: ['a.items[0].name', 'a.labels["app.io/x"]', 'a.items[*].v', 'i', 'a.m[*]', 'k'],
        usesOmit: false,
      },
    );
    assert.deepEqual(inspectText('a[1u][true]').fieldPaths, ['a[1][*]']);
  });

  it('treats optional selection like selection', () => {
    assert.deepEqual(inspectText('schema.spec.?ingress.?host.orValue("none")').fieldPaths, [
      'schema.spec.ingress.host',
    ]);
  });

  it('ends a path at a method call; a chain on a call result is not a path', () => {
    const i = inspectText('svc.status.conditions.filter(c, c.type == "Ready").size() > 0 && f().a.b');
    assert.deepEqual(i.fieldPaths, ['svc.status.conditions']);
    assert.deepEqual(i.identifiers, ['svc']);
  });

  it('reports type names used as values as identifiers, as kro does', () => {
    assert.deepEqual(ids('type(x) == string'), ['x', 'string']);
  });
});

describe('inspect: macro variables and scoping (§5.2)', () => {
  it('ignores one-variable comprehension variables inside the macro only', () => {
    assert.deepEqual(ids('i + d.metadata.labels.filter(i, i == "x").size()'), ['i', 'd']);
    assert.deepEqual(ids('l.all(x, x > 0) && l.exists(y, y == z) && l.exists_one(w, w) && l.map(m, m + n)'), [
      'l',
      'z',
      'n',
    ]);
    assert.deepEqual(ids('l.map(x, x > lim, x * k)'), ['l', 'lim', 'k']);
  });

  it('ignores both variables of two-variable comprehensions', () => {
    assert.deepEqual(
      ids(
        'm.all(k, v, k == v) && m.exists(k, v, v > a) && l.existsOne(i, v, i == b) && ' +
          'm.exists_one(k, v, k) && l.transformList(i, v, i > c, v) == m.transformMap(k, v, v) && ' +
          'm.transformMapEntry(k, v, {v: k}) == {}',
      ),
      ['m', 'a', 'l', 'b', 'c'],
    );
  });

  it('handles nesting and shadowing: inner bindings end with their macro', () => {
    assert.deepEqual(ids('a.map(x, b.map(y, x + y)) + x + y'), ['a', 'b', 'x', 'y']);
    assert.deepEqual(ids('a.map(x, a.map(x, x) + x) + x'), ['a', 'x']);
    // The range is outside the comprehension's scope.
    assert.deepEqual(ids('x.map(x, x)'), ['x']);
  });

  it('binds cel.bind’s variable in its body only; the initialiser is outside', () => {
    assert.deepEqual(inspectText('cel.bind(v, schema.spec.a + v, v + w)'), {
      identifiers: ['schema', 'v', 'w'],
      functions: ['cel.bind'],
      unknownFunctions: [],
      fieldPaths: ['schema.spec.a', 'v', 'w'],
      usesOmit: false,
    });
  });

  it('binds sortBy and optMap/optFlatMap variables', () => {
    assert.deepEqual(ids('l.sortBy(e, e.k) + o.optMap(v, v + p).optFlatMap(w, w)'), ['l', 'o', 'p']);
  });

  it('a call with a macro name but another argument count binds nothing', () => {
    assert.deepEqual(ids('l.existsOne(v, v)'), ['l', 'v']);
    assert.deepEqual(ids('l.sortBy(e)'), ['l', 'e']);
    assert.deepEqual(ids('foo.bind(v, 1, v)'), ['foo', 'v']);
  });
});

describe('inspect: functions (§5.2, §8)', () => {
  it('records namespaced functions qualified and does not count the namespace as an identifier', () => {
    assert.deepEqual(inspectText('base64.encode(bytes(x)) + random.seededString(8, schema.metadata.uid)'), {
      identifiers: ['x', 'schema'],
      functions: ['base64.encode', 'bytes', 'random.seededString'],
      unknownFunctions: [],
      fieldPaths: ['x', 'schema.metadata.uid'],
      usesOmit: false,
    });
    assert.deepEqual(inspectText('ip.isCanonical(a) && optional.none() == optional.of(1)').functions, [
      'ip.isCanonical',
      'optional.none',
      'optional.of',
    ]);
  });

  it('a member call on an identifier whose qualified name is not a function references the identifier', () => {
    assert.deepEqual(inspectText('foo.bar(x)'), {
      identifiers: ['foo', 'x'],
      functions: [],
      unknownFunctions: [],
      fieldPaths: ['foo', 'x'],
      usesOmit: false,
    });
    // ext.Math and ext.Sets are not enabled in kro: `math`/`sets` are plain identifiers.
    assert.deepEqual(ids('math.greatest(1, 2) + sets.contains(a, b)'), ['math', 'sets', 'a', 'b']);
    assert.deepEqual(ids('base64.nope(x)'), ['base64', 'x']);
  });

  it('flags unknown global functions, never member calls', () => {
    assert.deepEqual(inspectText('foo(1) + bar.baz() + x.qux() + foo(2)'), {
      identifiers: ['bar', 'x'],
      functions: ['foo'],
      unknownFunctions: ['foo'],
      fieldPaths: ['bar', 'x'],
      usesOmit: false,
    });
  });

  it('knows names declared only as member functions when called globally (cel-go HasFunction)', () => {
    assert.deepEqual(inspectText('startsWith("a", "b") || lowerAscii("A") == "a"').unknownFunctions, []);
  });

  it('knows has() only with one argument, and macros are not global functions', () => {
    assert.deepEqual(inspectText('has(a.b)').unknownFunctions, []);
    assert.deepEqual(inspectText('has(a.b, c)').unknownFunctions, ['has']);
    assert.deepEqual(inspectText('map(l, x)').unknownFunctions, ['map']);
    assert.deepEqual(inspectText('has(a.b.c)').fieldPaths, ['a.b.c']);
  });

  it('knows every global function of the catalogue', () => {
    for (const name of KRO_FUNCTIONS) {
      if (name === 'cel.bind') continue; // a macro with its own test
      const arity = name === 'has' ? 'a.b' : 'x';
      assert.deepEqual(inspectText(`${name}(${arity})`).unknownFunctions, [], name);
    }
    for (const name of KRO_MEMBER_FUNCTIONS)
      assert.deepEqual(inspectText(`${name}(x)`).unknownFunctions, [], name);
    for (const name of KRO_MEMBER_MACROS.keys()) {
      if (!KRO_MEMBER_FUNCTIONS.has(name))
        assert.deepEqual(inspectText(`${name}(x)`).unknownFunctions, [name]);
    }
  });

  it('sets usesOmit only for a global omit() call', () => {
    assert.equal(inspectText('schema.spec.x == "" ? omit() : schema.spec.x').usesOmit, true);
    assert.equal(inspectText('x.omit()').usesOmit, false);
    assert.equal(inspectText('omitted').usesOmit, false);
  });
});

describe('inspect: runtime.newCondition keys (§5.9)', () => {
  it('bare keys of the newCondition map are field names, not identifiers', () => {
    const i = inspectText(
      'runtime.newCondition({type: "Ok", status: dep.ready ? "True" : "False", reason: r})',
    );
    assert.deepEqual(i.identifiers, ['runtime', 'dep', 'r']);
  });

  it('on another receiver the keys are identifiers again', () => {
    assert.deepEqual(ids('other.newCondition({type: "Ok"})'), ['other', 'type']);
    assert.deepEqual(ids('{type: 1}'), ['type']);
  });
});
