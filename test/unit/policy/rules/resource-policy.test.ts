import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderedObject } from '../../../../src/graph/render/symbolic.ts';
import { RESOURCE_POLICY_RULES } from '../../../../src/policy/rules/resource-policy.ts';
import type { RuleContext, RuleResult } from '../../../../src/policy/types.ts';
import { corpusGraph, byId, ctx, graph, json, render, resource, summary, verdicts } from '../iam/helpers.ts';

const run = (id: string, c: RuleContext): RuleResult[] => {
  const r = RESOURCE_POLICY_RULES.find((x) => x.id === id);
  if (r === undefined) throw new Error(`no rule ${id}`);
  return r.check(c);
};

const g = graph([]);
const of = (apiVersion: string, kind: string, spec: Record<string, unknown>) =>
  resource('x', render({ apiVersion, kind, metadata: { name: 'x' }, spec }) as RenderedObject);
const bucket = (policy?: unknown) =>
  of('s3.services.k8s.aws/v1alpha1', 'Bucket', policy === undefined ? { name: 'b' } : { name: 'b', policy });

const publicRead = json({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    },
  ],
});
const tlsOnly = json({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::b/*',
    },
  ],
});

describe('resource-policy rules: metadata', () => {
  it('ids and kinds', () => {
    assert.deepEqual(
      RESOURCE_POLICY_RULES.map((r) => [r.id, r.kinds.map((k) => `${k.group}/${k.kind}`)]),
      [
        ['S3-006', ['s3.services.k8s.aws/Bucket']],
        ['S3-007', ['s3.services.k8s.aws/Bucket']],
        ['S3-008', ['s3.services.k8s.aws/Bucket']],
        ['SQS-002', ['sqs.services.k8s.aws/Queue']],
        ['SNS-002', ['sns.services.k8s.aws/Topic']],
        ['KMS-002', ['kms.services.k8s.aws/Key']],
        ['ECR-005', ['ecr.services.k8s.aws/Repository']],
        ['IAM-019', ['dynamodb.services.k8s.aws/Table']],
      ],
    );
    assert.deepEqual(RESOURCE_POLICY_RULES.find((r) => r.id === 'S3-008')!.controls.fsbp, ['S3.5']);
  });

  it('the corpus s3bucket example has no policy: S3-006/007 have nothing to say, S3-008 fails', () => {
    const cg = corpusGraph('aws/s3bucket/rg.yaml');
    const b = byId(cg, 's3bucket');
    assert.deepEqual(run('S3-006', ctx(b, cg)), []);
    assert.deepEqual(run('S3-007', ctx(b, cg, { allowedAccounts: ['111122223333'] })), []);
    assert.deepEqual(summary(run('S3-008', ctx(b, cg))), [
      ['fail', 'spec.policy', 'no bucket policy, so requests without TLS are not denied'],
    ]);
  });
});

describe('S3 bucket policies', () => {
  it('S3-006: public read fails, a named role passes', () => {
    assert.deepEqual(summary(run('S3-006', ctx(bucket(publicRead), g))), [
      [
        'fail',
        'spec.policy.Statement[0].Principal',
        'Allow to principal "*" without a fixed-value condition',
      ],
    ]);
    assert.deepEqual(verdicts(run('S3-006', ctx(bucket(tlsOnly), g))), ['pass']);
  });

  it('S3-007: principals outside allowedAccounts fail', () => {
    assert.deepEqual(
      verdicts(run('S3-007', ctx(bucket(tlsOnly), g, { allowedAccounts: ['111122223333'] }))),
      ['pass'],
    );
    assert.deepEqual(summary(run('S3-007', ctx(bucket(tlsOnly), g, { allowedAccounts: ['444455556666'] }))), [
      ['fail', 'spec.policy.Statement[1].Principal.AWS', 'account "111122223333" is not in allowedAccounts'],
    ]);
  });

  it('S3-008: the TLS deny passes, its absence fails', () => {
    assert.deepEqual(summary(run('S3-008', ctx(bucket(tlsOnly), g))), [
      ['pass', 'spec.policy.Statement[0]', 'denies every S3 action when aws:SecureTransport is false'],
    ]);
    assert.deepEqual(verdicts(run('S3-008', ctx(bucket(publicRead), g))), ['fail']);
  });

  it('an unparseable policy fails every rule with the parse reason; an unknown one is unknown', () => {
    for (const id of ['S3-006', 'S3-007', 'S3-008']) {
      assert.deepEqual(
        summary(
          run(id, ctx(bucket('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Principal": "*",}}'), g)),
        ),
        [
          [
            'fail',
            'spec.policy',
            'invalid policy document: not valid JSON: unexpected "}" at line 1, column 70 (expected an object key)',
          ],
        ],
      );
    }
    const [r] = run('S3-006', ctx(bucket('${schema.spec.policy}'), g));
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.policy' }]);
  });
});

describe('queues, topics, keys, repositories, tables', () => {
  it('SQS-002: public or sqs:* fails; SNS-scoped SendMessage passes', () => {
    const queue = (policy: string) =>
      of('sqs.services.k8s.aws/v1alpha1', 'Queue', { queueName: 'q', policy });
    const fromTopic =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",' +
      ' "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "${topic.status.ackResourceMetadata.arn}"}}}]}';
    assert.deepEqual(verdicts(run('SQS-002', ctx(queue(fromTopic), g))), ['pass']);
    const everything = json({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sqs:*',
          Resource: '*',
        },
      ],
    });
    assert.deepEqual(summary(run('SQS-002', ctx(queue(everything), g))), [
      ['fail', 'spec.policy.Statement[0].Action', 'Action "sqs:*" allows every SQS action'],
    ]);
    const open = json({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: '*' }],
    });
    assert.deepEqual(verdicts(run('SQS-002', ctx(queue(open), g))), ['fail']);
    const publicSource = fromTopic.replace(
      '"Principal": {"Service": "sns.amazonaws.com"}',
      '"Principal": "*"',
    );
    assert.deepEqual(verdicts(run('SQS-002', ctx(queue(publicSource), g))), ['pass']);
  });

  it('SNS-002, KMS-002, ECR-005, IAM-019 fail a public principal at their policy field', () => {
    const open = json({
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' }],
    });
    const cases: [string, string, string, string][] = [
      ['SNS-002', 'sns.services.k8s.aws/v1alpha1', 'Topic', 'policy'],
      ['KMS-002', 'kms.services.k8s.aws/v1alpha1', 'Key', 'policy'],
      ['ECR-005', 'ecr.services.k8s.aws/v1alpha1', 'Repository', 'policy'],
      ['IAM-019', 'dynamodb.services.k8s.aws/v1alpha1', 'Table', 'resourcePolicy'],
    ];
    for (const [id, apiVersion, kind, field] of cases) {
      assert.deepEqual(summary(run(id, ctx(of(apiVersion, kind, { [field]: open }), g))), [
        [
          'fail',
          `spec.${field}.Statement[0].Principal.AWS`,
          'Allow to principal {"AWS": "*"} without a fixed-value condition',
        ],
      ]);
      assert.deepEqual(run(id, ctx(of(apiVersion, kind, {}), g)), [], `${id} without a policy`);
    }
    const keyPolicy = json({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'kms:CallerAccount': '111122223333' } },
        },
      ],
    });
    assert.deepEqual(
      verdicts(run('KMS-002', ctx(of('kms.services.k8s.aws/v1alpha1', 'Key', { policy: keyPolicy }), g))),
      ['pass'],
    );
  });
});
