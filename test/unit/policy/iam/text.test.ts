import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SymbolicString } from '../../../../src/graph/render/symbolic.ts';
import {
  actionMatches,
  dropLiteralSuffix,
  endsWithLiteral,
  globMatch,
  hasPolicyVariable,
  isFixedText,
  isWildcard,
  matchesLiteral,
  printText,
  splitText,
  startsWithLiteral,
  symEquals,
  type SymText,
} from '../../../../src/policy/iam/text.ts';
import { hole, template } from './helpers.ts';

const t = (text: string) => template(text) as SymText;

describe('symEquals', () => {
  it('compares plain strings', () => {
    assert.equal(symEquals('a', 'a'), true);
    assert.equal(symEquals('a', 'b'), false);
    assert.equal(symEquals('Sts:AssumeRole', 'sts:assumerole'), false);
    assert.equal(symEquals('Sts:AssumeRole', 'sts:assumerole', true), true);
  });

  it('holes with the same expression are equal; literal parts are compared', () => {
    const a = t('system:serviceaccount:${schema.spec.namespace}:${schema.spec.sa}');
    const b = t('system:serviceaccount:${schema.spec.namespace}:${schema.spec.sa}');
    assert.equal(symEquals(a, b), true);
    assert.equal(symEquals(t('${ schema.spec.x }'), t('${schema.spec.x}')), true);
    assert.equal(symEquals(t('x-${schema.spec.a}'), t('y-${schema.spec.a}')), false);
    assert.equal(symEquals(t('${schema.spec.a}-x'), t('${schema.spec.a}-y')), false);
  });

  it('different holes are unknown unless literal text rules it out', () => {
    assert.equal(symEquals(t('${schema.spec.a}'), t('${schema.spec.b}')), 'unknown');
    assert.equal(symEquals(t('${schema.spec.a}'), '*'), 'unknown');
    assert.equal(symEquals(t('${schema.spec.a}/*'), '*'), false);
    assert.equal(symEquals(t('a${schema.spec.x}'), 'a'), 'unknown');
    assert.equal(symEquals(t('a${schema.spec.x}b'), 'ab'), 'unknown');
    assert.equal(symEquals(t('a${schema.spec.x}b'), 'a'), false);
    assert.equal(symEquals(t('${schema.spec.x}:sub'), 'oidc.example:aud'), false);
    assert.equal(symEquals(t('${schema.spec.x}-${schema.spec.y}'), 'nodash'), false);
    assert.equal(symEquals(t('${schema.spec.x}-${schema.spec.y}'), 'a-b'), 'unknown');
  });
});

describe('wildcards and fixed values', () => {
  it('only literal text holds wildcards and policy variables', () => {
    assert.equal(isWildcard('s3:Get*'), true);
    assert.equal(isWildcard('arn:aws:s3:::b?'), true);
    assert.equal(isWildcard(t('${schema.spec.x}')), false);
    assert.equal(isWildcard(t('${schema.spec.x}/*')), true);
    assert.equal(hasPolicyVariable('home/${aws:username}/*'), true);
    assert.equal(isWildcard('home/${aws:username}'), false);
  });

  it('status holes are fixed, inputs are not known', () => {
    assert.equal(isFixedText('arn:aws:sns:us-east-1:123456789012:t'), true);
    assert.equal(isFixedText('arn:aws:sns:*:123456789012:t'), false);
    assert.equal(isFixedText('${aws:SourceArn}'), false);
    assert.equal(isFixedText(t('${topic.status.ackResourceMetadata.arn}')), true);
    assert.equal(isFixedText(t('${schema.spec.sourceArn}')), 'unknown');
  });
});

describe('matching', () => {
  it('globMatch: * spans any text, ? one character', () => {
    assert.equal(globMatch('s3:Get*', 's3:GetObject'), true);
    assert.equal(globMatch('s3:Get*', 's3:PutObject'), false);
    assert.equal(globMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/y'), true);
    assert.equal(globMatch('a?c', 'abc'), true);
    assert.equal(globMatch('a?c', 'ac'), false);
    assert.equal(globMatch('*a*b*', 'xxaxxbxx'), true);
    assert.equal(globMatch('*a*b', 'xxaxxbxxc'), false);
  });

  it('actionMatches is case-insensitive and three-valued with holes', () => {
    assert.equal(actionMatches('s3:get*', 's3:GetObject'), true);
    assert.equal(actionMatches('S3:*', 's3:GetObject'), true);
    assert.equal(actionMatches('*', 'iam:PassRole'), true);
    assert.equal(actionMatches('iam:Pass*', 'iam:PassRole'), true);
    assert.equal(actionMatches('s3:*', 'iam:PassRole'), false);
    assert.equal(actionMatches(t('s3:${schema.spec.action}'), 'iam:PassRole'), false);
    assert.equal(actionMatches(t('s3:${schema.spec.action}'), 's3:GetObject'), 'unknown');
    assert.equal(matchesLiteral(t('${schema.spec.x}'), 'anything'), 'unknown');
  });
});

describe('splitting and affixes', () => {
  it('splitText splits literal separators only', () => {
    const parts = splitText(t('arn:aws:iam::${schema.spec.account}:oidc-provider/${schema.spec.oidc}'), ':');
    assert.deepEqual(parts.map(printText), [
      'arn',
      'aws',
      'iam',
      '',
      '${schema.spec.account}',
      'oidc-provider/${schema.spec.oidc}',
    ]);
    assert.ok(parts[5] instanceof SymbolicString);
  });

  it('prefixes and suffixes', () => {
    const key = t('${schema.spec.oidc}:sub');
    assert.equal(endsWithLiteral(key, ':sub'), true);
    assert.equal(endsWithLiteral(key, ':aud'), false);
    assert.equal(endsWithLiteral(t('x:${schema.spec.claim}'), ':sub'), 'unknown');
    assert.equal(printText(dropLiteralSuffix(key, 4)!), '${schema.spec.oidc}');
    assert.equal(startsWithLiteral('https://oidc', 'https://'), true);
    assert.equal(startsWithLiteral(t('${schema.spec.url}'), 'https://'), 'unknown');
    assert.equal(dropLiteralSuffix(hole('schema.spec.key'), 4), undefined);
  });
});
