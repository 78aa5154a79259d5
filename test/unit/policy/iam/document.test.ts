import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SymbolicString, Unknown, symbolicString } from '../../../../src/graph/render/symbolic.ts';
import { MAX_STATEMENTS, parsePolicyDocument } from '../../../../src/policy/iam/document.ts';
import { printText } from '../../../../src/policy/iam/text.ts';
import { doc, hole, json, template } from './helpers.ts';

describe('parsePolicyDocument: plain documents', () => {
  it('normalises single values to lists and remembers paths', () => {
    const d = doc(
      json({
        Version: '2012-10-17',
        Statement: {
          Sid: 'One',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b'],
        },
      }),
    );
    assert.equal(d.statements.length, 1);
    const s = d.statements[0]!;
    assert.deepEqual(s.path, ['Statement']);
    assert.deepEqual(s.effect, { value: 'Allow', path: ['Statement', 'Effect'] });
    assert.deepEqual(s.action, [{ value: 's3:GetObject', path: ['Statement', 'Action'] }]);
    assert.deepEqual(
      s.resource.map((r) => r.path),
      [
        ['Statement', 'Resource', 0],
        ['Statement', 'Resource', 1],
      ],
    );
    assert.deepEqual(s.notAction, []);
    assert.equal(s.hasCondition, false);
  });

  it('normalises principals and conditions (booleans and numbers as text)', () => {
    const d = doc(
      json({
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': false } },
          },
          {
            Effect: 'Allow',
            Principal: { AWS: ['arn:aws:iam::111122223333:root'], Service: 'ec2.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          },
        ],
      }),
    );
    const [deny, allow] = d.statements;
    assert.deepEqual(deny!.principal, { kind: 'wildcard', path: ['Statement', 0, 'Principal'] });
    assert.deepEqual(deny!.condition, [
      {
        operator: 'Bool',
        key: 'aws:SecureTransport',
        path: ['Statement', 0, 'Condition', 'Bool', 'aws:SecureTransport'],
        values: [{ value: 'false', path: ['Statement', 0, 'Condition', 'Bool', 'aws:SecureTransport'] }],
      },
    ]);
    assert.equal(allow!.principal?.kind, 'map');
    if (allow!.principal?.kind !== 'map') return;
    assert.deepEqual(
      allow!.principal.entries.map((e) => [e.type, e.values.map((v) => v.value)]),
      [
        ['AWS', ['arn:aws:iam::111122223333:root']],
        ['Service', ['ec2.amazonaws.com']],
      ],
    );
    assert.equal(allow!.condition[0]!.values[0]!.value, '1.2');
  });

  it('absent, unknown and non-string values', () => {
    assert.deepEqual(parsePolicyDocument(undefined), { state: 'absent' });
    assert.deepEqual(parsePolicyDocument(null), { state: 'absent' });
    const u = hole('schema.spec.policy');
    const r = parsePolicyDocument(u);
    assert.equal(r.state, 'unknown');
    assert.equal(r.state === 'unknown' && r.value, u);
    assert.deepEqual(parsePolicyDocument({ Statement: [] }), {
      state: 'invalid',
      reason: 'a policy document must be a JSON string, found an object',
    });
  });
});

describe('parsePolicyDocument: invalid documents fail closed', () => {
  const reason = (v: string) => {
    const r = parsePolicyDocument(v);
    assert.equal(r.state, 'invalid', JSON.stringify(r));
    return r.state === 'invalid' ? r.reason : '';
  };

  it('bad JSON names the position', () => {
    assert.equal(
      reason('{"Statement": [}'),
      'not valid JSON: unexpected "}" at line 1, column 16 (expected a JSON value)',
    );
    assert.equal(reason(''), 'not valid JSON: unexpected end of text (expected a JSON value)');
    assert.match(reason('{"Statement": []} x'), /text after the JSON value/);
    assert.match(reason('{"a":\n  "b\u0001"}'), /control character in string/);
  });

  it('duplicate keys are refused (JSON.parse would keep the last silently)', () => {
    assert.equal(
      reason('{"Statement": {"Effect": "Deny", "Effect": "Allow", "Action": "*"}}'),
      'not valid JSON: duplicate key "Effect" at line 1, column 34',
    );
  });

  it('shapes outside the IAM grammar', () => {
    assert.equal(
      reason(json({ Statement: { Effect: 'allow', Action: '*' } })),
      'Statement.Effect: must be "Allow" or "Deny" (found "allow")',
    );
    assert.equal(reason(json({ Statement: { Effect: 'Allow' } })), 'Statement: Action is missing');
    assert.equal(
      reason(json({ Statement: { Effect: 'Allow', Action: '*', Conditon: {} } })),
      'Statement: unknown statement element "Conditon"',
    );
    assert.equal(
      reason(json({ Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'x' }] })),
      'Statement[0]: has both Action and NotAction',
    );
    assert.equal(
      reason(json({ Statement: { Effect: 'Allow', Action: 5 } })),
      'Statement.Action: Action must be a string or a list of strings',
    );
    assert.equal(
      reason(json({ Statement: { Effect: 'Allow', Action: 'x', Principal: 'me' } })),
      'Statement.Principal: a principal string must be "*" (found "me")',
    );
    assert.equal(
      reason(json({ Version: '2020-01-01', Statement: [] })),
      'Version must be "2012-10-17" or "2008-10-17"',
    );
    assert.equal(reason(json({ Statement: [], Extra: 1 })), 'unknown top-level element "Extra"');
    assert.equal(reason(json({ Version: '2012-10-17' })), 'Statement is missing');
  });

  it('size limits', () => {
    const many = json({
      Statement: Array.from({ length: MAX_STATEMENTS + 1 }, () => ({ Effect: 'Deny', Action: 'x' })),
    });
    assert.equal(reason(many), `more than ${MAX_STATEMENTS} statements`);
    const big = json({ Statement: { Effect: 'Deny', Action: 'x', Sid: 'a'.repeat(130 * 1024) } });
    assert.equal(reason(big), 'the policy document is larger than 128 KiB');
    assert.match(reason('['.repeat(100) + ']'.repeat(100)), /nesting deeper than 64 levels/);
  });
});

describe('parsePolicyDocument: documents with holes', () => {
  it('holes inside strings become symbolic values, in keys too', () => {
    const text = template(
      '{"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::${schema.spec.account}:oidc-provider/${schema.spec.oidc}"},' +
        ' "Action": "sts:AssumeRoleWithWebIdentity",' +
        ' "Condition": {"StringEquals": {"${schema.spec.oidc}:sub": "system:serviceaccount:${schema.spec.ns}:app"}}}]}',
    );
    assert.ok(text instanceof SymbolicString);
    const d = doc(text);
    const s = d.statements[0]!;
    const clause = s.condition[0]!;
    assert.ok(clause.key instanceof SymbolicString);
    assert.equal(printText(clause.key), '${schema.spec.oidc}:sub');
    assert.deepEqual(clause.path, ['Statement', 0, 'Condition', 'StringEquals', '${schema.spec.oidc}:sub']);
    assert.equal(printText(clause.values[0]!.value), 'system:serviceaccount:${schema.spec.ns}:app');
    assert.equal(
      s.principal?.kind === 'map' && printText(s.principal.entries[0]!.values[0]!.value),
      'arn:aws:iam::${schema.spec.account}:oidc-provider/${schema.spec.oidc}',
    );
  });

  it('a string that is only a hole becomes that Unknown; literal ${aws:...} stays text', () => {
    const arn = hole('bucket.status.ackResourceMetadata.arn');
    const d = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["',
        arn,
        '/*", "',
        arn,
        '", "arn:aws:s3:::home/${aws:username}/*"]}}',
      ]) as SymbolicString,
    );
    const [objects, bucket, home] = d.statements[0]!.resource;
    assert.equal(printText(objects!.value), '${bucket.status.ackResourceMetadata.arn}/*');
    assert.equal(bucket!.value, arn);
    assert.equal(home!.value, 'arn:aws:s3:::home/${aws:username}/*');
  });

  it('a hole where a value starts is an unknown value', () => {
    const list = hole('schema.spec.resources');
    const d = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ',
        list,
        '}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(d.statements[0]!.resource, [{ value: list, path: ['Statement', 'Resource'] }]);
    const whole = hole('schema.spec.statements');
    const d2 = doc(symbolicString(['{"Statement": [', whole, ']}']) as SymbolicString);
    assert.deepEqual(d2.unknownStatements, [{ value: whole, path: ['Statement', 0] }]);
    const cond = hole('schema.spec.conditions');
    const d3 = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "x", "Condition": ',
        cond,
        '}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(d3.statements[0]!.unknownConditions, [
      { value: cond, path: ['Statement', 'Condition'] },
    ]);
    assert.equal(d3.statements[0]!.hasCondition, true);
  });

  it('a hole that decides the JSON structure makes the document unknown, not invalid', () => {
    const n = hole('schema.spec.n');
    const r = parsePolicyDocument(symbolicString(['{"Statement": [], "x": 1', n, '}']));
    assert.equal(r.state, 'unknown');
    assert.ok(r.state === 'unknown' && r.value instanceof Unknown && r.value === n);
    assert.match(
      r.state === 'unknown' ? r.reason : '',
      /^not JSON yet: \$\{schema\.spec\.n\} at line 1, column 25 \(expected "," or "}" in an object\)$/,
    );
    const key = hole('schema.spec.element');
    const r2 = parsePolicyDocument(symbolicString(['{"Statement": {"Effect": "Allow", "', key, '": "*"}}']));
    assert.equal(r2.state, 'unknown');
  });

  it('a literal error elsewhere stays invalid even with holes', () => {
    const r = parsePolicyDocument(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Resource": "',
        hole('schema.spec.x'),
        '" "Action": "*"}}',
      ]),
    );
    assert.equal(r.state, 'invalid');
  });
});
