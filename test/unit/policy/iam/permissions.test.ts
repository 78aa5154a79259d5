import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { symbolicString, type SymbolicString } from '../../../../src/graph/render/symbolic.ts';
import { isNonResourceAction } from '../../../../src/policy/iam/actions.ts';
import {
  analyseFullAdmin,
  analyseGraphScope,
  analyseKmsDecrypt,
  analyseNegations,
  analysePassRole,
  analysePrivilegeEscalation,
  analyseResourceWildcard,
  analyseServiceWildcard,
  analyseWildcardAction,
} from '../../../../src/policy/iam/permissions.ts';
import { byId, corpusGraph, doc, hole, json, summary, template, verdicts } from './helpers.ts';

const BASE = ['spec', 'policyDocument'];
const allow = (extra: Record<string, unknown>) =>
  doc(json({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', ...extra }] }));

/** kro's ACK S3 controller example (compliance-catalogue S6): `s3:*` and `s3-object-lambda:*` on `*`, PassRole on `*` for s3. */
const s3ControllerPolicy = () => {
  const g = corpusGraph('aws/ack-controller/controllers/s3-controller.yaml');
  return doc(byId(g, 's3ControllerIamPolicy').object.spec!['policyDocument' as never]);
};

describe('IAM-001 full admin', () => {
  it('fails Allow * on *, names the action path', () => {
    assert.deepEqual(summary(analyseFullAdmin(allow({ Action: '*', Resource: '*' }), BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Action',
        'Allow of Action "*" on Resource "*" is full admin',
      ],
    ]);
    assert.deepEqual(
      verdicts(analyseFullAdmin(allow({ Action: ['s3:GetObject', '*:*'], Resource: ['*'] }), BASE)),
      ['fail'],
    );
  });

  it('passes Deny, scoped actions or scoped resources', () => {
    const deny = doc(json({ Statement: { Effect: 'Deny', Action: '*', Resource: '*' } }));
    assert.deepEqual(summary(analyseFullAdmin(deny, BASE)), [
      ['pass', 'spec.policyDocument', 'no statement allows every action on every resource'],
    ]);
    assert.deepEqual(verdicts(analyseFullAdmin(allow({ Action: '*', Resource: 'arn:aws:s3:::b' }), BASE)), [
      'pass',
    ]);
    assert.deepEqual(verdicts(analyseFullAdmin(s3ControllerPolicy(), BASE)), ['pass']);
  });

  it('is unknown when an instance input may be "*"', () => {
    const d = doc(
      template('{"Statement": {"Effect": "Allow", "Action": "${schema.spec.action}", "Resource": "*"}}'),
    );
    const [r] = analyseFullAdmin(d, BASE);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.action' }]);
  });
});

describe('IAM-002 and IAM-003 wildcard actions', () => {
  it('IAM-002 fails "*" and "*:*" only', () => {
    const d = allow({ Action: ['*', 's3:*', '*:*'], Resource: '*' });
    assert.deepEqual(summary(analyseWildcardAction(d, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Action[0]',
        'Action "*" allows every action of every service',
      ],
      [
        'fail',
        'spec.policyDocument.Statement[0].Action[2]',
        'Action "*:*" allows every action of every service',
      ],
    ]);
  });

  it('IAM-003 fails the S6 policy s3:* and s3-object-lambda:*', () => {
    assert.deepEqual(summary(analyseServiceWildcard(s3ControllerPolicy(), BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Action[0]',
        'Action "s3:*" allows every action of service "s3"',
      ],
      [
        'fail',
        'spec.policyDocument.Statement[0].Action[1]',
        'Action "s3-object-lambda:*" allows every action of service "s3-object-lambda"',
      ],
    ]);
  });

  it('IAM-003 accepts prefix wildcards; a hole in the action name is unknown; a hole for the service is not', () => {
    assert.deepEqual(
      verdicts(analyseServiceWildcard(allow({ Action: ['ec2:Describe*', 's3:Get*'], Resource: '*' }), BASE)),
      ['pass'],
    );
    const d = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Action": ["s3:${schema.spec.verb}", "${schema.spec.svc}:*"], "Resource": "*"}}',
      ),
    );
    assert.deepEqual(
      summary(analyseServiceWildcard(d, BASE)).map(([v, path]) => [v, path]),
      [
        ['unknown', 'spec.policyDocument.Statement.Action[0]'],
        ['fail', 'spec.policyDocument.Statement.Action[1]'],
      ],
    );
  });
});

describe('IAM-004 Resource "*"', () => {
  it('fails S6 (s3:* on *) and names the actions', () => {
    const r = analyseResourceWildcard(s3ControllerPolicy(), BASE);
    assert.deepEqual(summary(r), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Resource',
        'Resource "*" for actions with resource-level permissions: "s3:*", "s3-object-lambda:*"',
      ],
      [
        'fail',
        'spec.policyDocument.Statement[1].Resource',
        'Resource "*" for actions with resource-level permissions: "iam:PassRole"',
      ],
    ]);
  });

  it('accepts actions without resource-level permissions on *', () => {
    const d = allow({
      Action: [
        'sts:GetCallerIdentity',
        'ec2:DescribeInstances',
        'ec2:Describe*',
        'ecr:GetAuthorizationToken',
      ],
      Resource: '*',
    });
    assert.deepEqual(verdicts(analyseResourceWildcard(d, BASE)), ['pass']);
    assert.equal(isNonResourceAction('ec2:DescribeVpc*'), true);
    assert.equal(isNonResourceAction('ec2:*'), false);
    assert.equal(isNonResourceAction('iam:List*'), false);
    assert.equal(isNonResourceAction('s3:GetObject'), false);
  });

  it('a graph ARN is not "*"; an instance input may be', () => {
    const arn = hole('bucket.status.ackResourceMetadata.arn');
    const scoped = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "',
        arn,
        '"}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(verdicts(analyseResourceWildcard(scoped, BASE)), ['pass']);
    const input = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${schema.spec.resource}"}}',
      ),
    );
    assert.deepEqual(verdicts(analyseResourceWildcard(input, BASE)), ['unknown']);
  });
});

describe('IAM-005 resources scoped to the graph', () => {
  const g = corpusGraph('aws/s3bucket/rg.yaml');

  it('passes the s3bucket example (status ARN of the graph bucket, with /*)', () => {
    const d = doc(byId(g, 's3PolicyWrite').object.spec!['policyDocument' as never]);
    assert.deepEqual(summary(analyseGraphScope(d, BASE, g)), [
      ['pass', 'spec.policyDocument', 'every resource is a graph resource or a literal ARN'],
    ]);
  });

  it('fails patterns and resources of other graphs, is unknown on inputs', () => {
    const other = hole('elsewhere.status.ackResourceMetadata.arn');
    const d = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::literal-bucket", "arn:aws:s3:::*", "',
        other,
        '", "',
        hole('schema.spec.bucketArn'),
        '"]}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(summary(analyseGraphScope(d, BASE, g)), [
      [
        'fail',
        'spec.policyDocument.Statement.Resource[1]',
        'Resource "arn:aws:s3:::*" is a pattern, not a graph resource',
      ],
      [
        'fail',
        'spec.policyDocument.Statement.Resource[2]',
        'Resource "${elsewhere.status.ackResourceMetadata.arn}" uses a resource not in the graph',
      ],
      [
        'unknown',
        'spec.policyDocument.Statement.Resource[3]',
        'Resource "${schema.spec.bucketArn}" is not known yet',
      ],
    ]);
  });

  it('exempts statements of actions without resource-level permissions', () => {
    assert.deepEqual(
      verdicts(analyseGraphScope(allow({ Action: 'sts:GetCallerIdentity', Resource: '*' }), BASE, g)),
      ['pass'],
    );
  });
});

describe('IAM-007 iam:PassRole', () => {
  it('S6: PassRole on * passes only because of iam:PassedToService', () => {
    assert.deepEqual(summary(analysePassRole(s3ControllerPolicy(), BASE)), [
      ['pass', 'spec.policyDocument', 'iam:PassRole is scoped to roles or to services'],
    ]);
    const noCondition = allow({ Action: 'iam:PassRole', Resource: '*' });
    assert.deepEqual(summary(analysePassRole(noCondition, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Action',
        'iam:PassRole on "*" without an iam:PassedToService condition',
      ],
    ]);
  });

  it('iam:* on every role of an account fails; a specific role passes', () => {
    assert.deepEqual(
      verdicts(
        analysePassRole(allow({ Action: 'iam:*', Resource: 'arn:aws:iam::123456789012:role/*' }), BASE),
      ),
      ['fail'],
    );
    assert.deepEqual(
      verdicts(
        analysePassRole(
          allow({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/app' }),
          BASE,
        ),
      ),
      ['pass'],
    );
    const wildcardService = allow({
      Action: 'iam:PassRole',
      Resource: '*',
      Condition: { StringLike: { 'iam:PassedToService': '*' } },
    });
    assert.deepEqual(verdicts(analysePassRole(wildcardService, BASE)), ['fail']);
  });
});

describe('NotAction statements cover everything they do not list', () => {
  it('Allow NotAction s3:* on * passes iam:PassRole and kms:Decrypt', () => {
    const d = allow({ NotAction: 's3:*', Resource: '*' });
    assert.deepEqual(summary(analysePassRole(d, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].NotAction',
        'iam:PassRole on "*" without an iam:PassedToService condition',
      ],
    ]);
    assert.deepEqual(verdicts(analyseKmsDecrypt(d, BASE)), ['fail', 'fail']);
    assert.deepEqual(verdicts(analysePassRole(allow({ NotAction: 'iam:*', Resource: '*' }), BASE)), ['pass']);
  });
});

describe('IAM-008 privilege escalation', () => {
  it('single actions on unscoped resources', () => {
    const d = allow({
      Action: ['iam:CreatePolicyVersion', 'iam:AttachRolePolicy', 's3:GetObject'],
      Resource: '*',
    });
    assert.deepEqual(summary(analysePrivilegeEscalation(d, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0]',
        'allows privilege escalation on unscoped resources: "iam:CreatePolicyVersion", "iam:AttachRolePolicy"',
      ],
    ]);
    const scoped = allow({ Action: 'iam:PutRolePolicy', Resource: 'arn:aws:iam::123456789012:role/app' });
    assert.deepEqual(verdicts(analysePrivilegeEscalation(scoped, BASE)), ['pass']);
  });

  it('PassRole with a compute-creating action, limited by iam:PassedToService', () => {
    const d = doc(
      json({
        Statement: [
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
          { Effect: 'Allow', Action: ['lambda:CreateFunction', 'ec2:RunInstances'], Resource: '*' },
        ],
      }),
    );
    assert.deepEqual(summary(analysePrivilegeEscalation(d, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Action',
        'iam:PassRole on any role with "ec2:RunInstances", "lambda:CreateFunction" can run code as any role',
      ],
    ]);
    // S6: PassRole limited to s3.amazonaws.com, no partner action.
    assert.deepEqual(verdicts(analysePrivilegeEscalation(s3ControllerPolicy(), BASE)), ['pass']);
  });
});

describe('IAM-009 KMS decrypt on every key', () => {
  it('fails kms:* or kms:Decrypt on * or key/*, passes a graph key', () => {
    assert.deepEqual(summary(analyseKmsDecrypt(allow({ Action: 'kms:Decrypt', Resource: '*' }), BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].Resource',
        'kms:Decrypt on "*" allows decrypting with every KMS key',
      ],
    ]);
    assert.deepEqual(
      verdicts(
        analyseKmsDecrypt(allow({ Action: 'kms:*', Resource: 'arn:aws:kms:*:123456789012:key/*' }), BASE),
      ),
      ['fail', 'fail'],
    );
    const key = hole('key.status.ackResourceMetadata.arn');
    const d = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "',
        key,
        '"}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(verdicts(analyseKmsDecrypt(d, BASE)), ['pass']);
  });
});

describe('IAM-013 negations with Allow', () => {
  it('fails NotAction, NotResource, NotPrincipal in Allow; Deny is fine', () => {
    const d = doc(
      json({
        Statement: [
          { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::b' },
          { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' },
        ],
      }),
    );
    assert.deepEqual(summary(analyseNegations(d, BASE)), [
      [
        'fail',
        'spec.policyDocument.Statement[0].NotAction',
        'Allow with NotAction grants everything but the listed values',
      ],
      [
        'fail',
        'spec.policyDocument.Statement[0].NotResource',
        'Allow with NotResource grants everything but the listed values',
      ],
    ]);
  });

  it('a statement whose Effect is an input is unknown', () => {
    const d = doc(
      template('{"Statement": {"Effect": "${schema.spec.effect}", "NotAction": "iam:*", "Resource": "*"}}'),
    );
    const [r] = analyseNegations(d, BASE);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.effect' }]);
  });

  it('a wholly unknown statement is unknown for every analysis', () => {
    const d = doc(symbolicString(['{"Statement": [', hole('schema.spec.statement'), ']}']) as SymbolicString);
    for (const analyse of [analyseFullAdmin, analyseWildcardAction, analyseNegations, analysePassRole]) {
      const [r] = analyse(d, BASE);
      assert.equal(r!.verdict, 'unknown');
      assert.deepEqual(r!.path, [...BASE, 'Statement', 0]);
    }
  });
});
