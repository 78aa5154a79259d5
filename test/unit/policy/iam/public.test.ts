import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { symbolicString, type SymbolicString } from '../../../../src/graph/render/symbolic.ts';
import {
  analyseAllowedAccounts,
  analysePublicPrincipal,
  analyseWholeAccountTrust,
} from '../../../../src/policy/iam/public.ts';
import { analyseTlsRequired } from '../../../../src/policy/iam/tls.ts';
import { doc, hole, json, summary, template, verdicts } from './helpers.ts';

const BASE = ['spec', 'policy'];
const stmt = (s: Record<string, unknown>) => doc(json({ Version: '2012-10-17', Statement: [s] }));
const publicRead = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };

describe('public principals (IAM-014, IAM-019, S3-006)', () => {
  it('fails "*", {"AWS": "*"} and NotPrincipal', () => {
    assert.deepEqual(summary(analysePublicPrincipal(stmt(publicRead), BASE)), [
      [
        'fail',
        'spec.policy.Statement[0].Principal',
        'Allow to principal "*" without a fixed-value condition',
      ],
    ]);
    assert.deepEqual(
      summary(
        analysePublicPrincipal(
          stmt({ ...publicRead, Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }),
          BASE,
        ),
      ),
      [
        [
          'fail',
          'spec.policy.Statement[0].Principal.AWS[1]',
          'Allow to principal {"AWS": "*"} without a fixed-value condition',
        ],
      ],
    );
    const notPrincipal = {
      ...publicRead,
      Principal: undefined,
      NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
    };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(notPrincipal), BASE)), ['fail']);
  });

  it('a fixed-value condition makes it non-public; wildcards and policy variables do not', () => {
    const fixed = { ...publicRead, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(fixed), BASE)), ['pass']);
    const org = { ...publicRead, Condition: { StringEquals: { 'AWS:PrincipalOrgID': ['o-abc123'] } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(org), BASE)), ['pass']);
    const wildcard = {
      ...publicRead,
      Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' } },
    };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(wildcard), BASE)), ['fail']);
    const variable = {
      ...publicRead,
      Condition: { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } },
    };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(variable), BASE)), ['fail']);
    const ifExists = { ...publicRead, Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(ifExists), BASE)), ['fail']);
    const openIp = { ...publicRead, Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(openIp), BASE)), ['fail']);
    const ip = { ...publicRead, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(ip), BASE)), ['pass']);
    const other = { ...publicRead, Condition: { StringEquals: { 's3:prefix': 'home/' } } };
    assert.deepEqual(verdicts(analysePublicPrincipal(stmt(other), BASE)), ['fail']);
  });

  it('a service principal is not public; a SourceArn from a graph resource is fixed, from an input unknown', () => {
    const topic = hole('topic.status.ackResourceMetadata.arn');
    const service = stmt({
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: '*',
    });
    assert.deepEqual(verdicts(analysePublicPrincipal(service, BASE)), ['pass']);
    const viaGraph = doc(
      symbolicString([
        '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "',
        topic,
        '"}}}}',
      ]) as SymbolicString,
    );
    assert.deepEqual(verdicts(analysePublicPrincipal(viaGraph, BASE)), ['pass']);
    const viaInput = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*", "Condition": {"ArnEquals": {"aws:SourceArn": "${schema.spec.topicArn}"}}}}',
      ),
    );
    const [r] = analysePublicPrincipal(viaInput, BASE);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.topicArn' }]);
  });

  it('a principal from an instance input may be "*"', () => {
    const d = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Principal": {"AWS": "${schema.spec.reader}"}, "Action": "s3:GetObject", "Resource": "*"}}',
      ),
    );
    const [r] = analysePublicPrincipal(d, BASE);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.path, ['spec', 'policy', 'Statement', 'Principal', 'AWS']);
  });
});

describe('IAM-015 whole-account trust', () => {
  const trust = (principal: unknown, extra: Record<string, unknown> = {}) =>
    stmt({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra });

  it('fails root or a bare account id without a condition', () => {
    assert.deepEqual(summary(analyseWholeAccountTrust(trust('arn:aws:iam::111122223333:root'), BASE, [])), [
      [
        'fail',
        'spec.policy.Statement[0].Principal.AWS',
        'trusts the whole account "arn:aws:iam::111122223333:root" without a condition',
      ],
    ]);
    assert.deepEqual(verdicts(analyseWholeAccountTrust(trust('111122223333'), BASE, [])), ['fail']);
    const conditioned = trust('arn:aws:iam::111122223333:root', {
      Condition: { StringEquals: { 'sts:ExternalId': 'x' } },
    });
    assert.deepEqual(verdicts(analyseWholeAccountTrust(conditioned, BASE, [])), ['pass']);
    assert.deepEqual(
      verdicts(analyseWholeAccountTrust(trust('arn:aws:iam::111122223333:role/ci'), BASE, [])),
      ['pass'],
    );
  });

  it('checks accounts against allowedAccounts', () => {
    assert.deepEqual(
      summary(analyseWholeAccountTrust(trust('arn:aws:iam::444455556666:role/ci'), BASE, ['111122223333'])),
      [
        [
          'fail',
          'spec.policy.Statement[0].Principal.AWS',
          'account "444455556666" is not in allowedAccounts',
        ],
      ],
    );
    const symbolic = doc(
      template(
        '{"Statement": {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${schema.spec.account}:root"}, "Action": "sts:AssumeRole"}}',
      ),
    );
    assert.deepEqual(verdicts(analyseWholeAccountTrust(symbolic, BASE, ['111122223333'])), [
      'fail',
      'unknown',
    ]);
  });
});

describe('S3-007 allowed accounts', () => {
  it('passes with no allowedAccounts, fails other accounts and "*"', () => {
    const other = stmt({
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:root' },
      Action: 's3:GetObject',
      Resource: '*',
    });
    assert.deepEqual(summary(analyseAllowedAccounts(other, BASE, [])), [
      ['pass', 'spec.policy', 'allowedAccounts is empty: any account is allowed'],
    ]);
    assert.deepEqual(summary(analyseAllowedAccounts(other, BASE, ['111122223333'])), [
      ['fail', 'spec.policy.Statement[0].Principal.AWS', 'account "444455556666" is not in allowedAccounts'],
    ]);
    assert.deepEqual(verdicts(analyseAllowedAccounts(stmt(publicRead), BASE, ['111122223333'])), ['fail']);
    const limited = {
      ...publicRead,
      Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
    };
    assert.deepEqual(verdicts(analyseAllowedAccounts(stmt(limited), BASE, ['111122223333'])), ['pass']);
    const service = stmt({
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: '*',
    });
    assert.deepEqual(verdicts(analyseAllowedAccounts(service, BASE, ['111122223333'])), ['pass']);
  });
});

describe('S3-008 TLS required', () => {
  const tlsDeny = {
    Sid: 'DenyInsecure',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('passes at the deny statement; accepts the boolean false and {"AWS": "*"}', () => {
    assert.deepEqual(summary(analyseTlsRequired(doc(json({ Statement: [publicRead, tlsDeny] })), BASE)), [
      ['pass', 'spec.policy.Statement[1]', 'denies every S3 action when aws:SecureTransport is false'],
    ]);
    const variant = {
      ...tlsDeny,
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:securetransport': false } },
    };
    assert.deepEqual(verdicts(analyseTlsRequired(stmt(variant), BASE)), ['pass']);
  });

  it('fails without it, or when the deny is partial', () => {
    assert.deepEqual(summary(analyseTlsRequired(stmt(publicRead), BASE)), [
      ['fail', 'spec.policy', 'no statement denies s3:* when aws:SecureTransport is false'],
    ]);
    assert.deepEqual(verdicts(analyseTlsRequired(stmt({ ...tlsDeny, Action: 's3:GetObject' }), BASE)), [
      'fail',
    ]);
    assert.deepEqual(verdicts(analyseTlsRequired(stmt({ ...tlsDeny, Effect: 'Allow' }), BASE)), ['fail']);
    assert.deepEqual(
      verdicts(
        analyseTlsRequired(stmt({ ...tlsDeny, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), BASE),
      ),
      ['fail'],
    );
    assert.deepEqual(
      verdicts(
        analyseTlsRequired(
          stmt({ ...tlsDeny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
          BASE,
        ),
      ),
      ['fail'],
    );
  });

  it('is unknown while the deciding value is an input', () => {
    const d = doc(
      template(
        '{"Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "${schema.spec.tls}"}}}}',
      ),
    );
    const [r] = analyseTlsRequired(d, BASE);
    assert.equal(r!.verdict, 'unknown');
    assert.deepEqual(r!.dependsOn, [{ kind: 'input', path: 'schema.spec.tls' }]);
  });
});
