import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import jsonPatch from 'fast-json-patch';
import { parse } from 'yaml';
import { addIrsaAudience, mutateRgdTemplates } from '../../../../src/policy/mutations/index.ts';

const corpus = (p: string): Record<string, unknown> =>
  parse(
    readFileSync(new URL(`../../../../../shared/corpus/kro-v0.9.3-examples/${p}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

const ALL = { s3Encryption: true, s3PublicAccessBlock: true, s3ObjectOwnership: true, irsaAudience: true };

function apply(doc: unknown, patch: jsonPatch.Operation[]): unknown {
  return jsonPatch.applyPatch(structuredClone(doc), patch, true, false).newDocument;
}

describe('mutateRgdTemplates', () => {
  it('adds SSE-KMS, the public access block and BucketOwnerEnforced to the s3bucket example, once', () => {
    const rgd = corpus('aws/s3bucket/rg.yaml');
    const m = mutateRgdTemplates(rgd, ALL);
    assert.deepEqual(
      m.changes.map((c) => [c.path, c.ruleId]),
      [
        ['spec.resources[0].template.spec.encryption', 'S3-001'],
        ['spec.resources[0].template.spec.publicAccessBlock', 'S3-003'],
        ['spec.resources[0].template.spec.objectOwnership', 'S3-005'],
      ],
    );
    const patched = apply(rgd, m.patch) as {
      spec: { resources: { template: { spec: Record<string, unknown> } }[] };
    };
    const spec = patched.spec.resources[0]!.template.spec;
    assert.deepEqual(spec.encryption, {
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    assert.deepEqual(spec.publicAccessBlock, {
      blockPublicACLs: true,
      blockPublicPolicy: true,
      ignorePublicACLs: true,
      restrictPublicBuckets: true,
    });
    assert.equal(spec.name, '${schema.spec.name}');
    assert.deepEqual(mutateRgdTemplates(patched, ALL).patch, [], 'idempotent');
  });

  it('does nothing unless asked, and never overrides a set field or an expression', () => {
    const rgd = corpus('aws/s3bucket/rg.yaml');
    assert.deepEqual(mutateRgdTemplates(rgd, {}).patch, []);
    const set = structuredClone(rgd) as {
      spec: { resources: { template: { spec: Record<string, unknown> } }[] };
    };
    const spec = set.spec.resources[0]!.template.spec;
    spec.encryption = '${schema.spec.encryption}';
    spec.publicAccessBlock = { blockPublicACLs: false };
    spec.acl = 'private';
    const m = mutateRgdTemplates(set, ALL);
    assert.deepEqual(
      m.changes.map((c) => c.path),
      [
        'spec.resources[0].template.spec.publicAccessBlock.blockPublicPolicy',
        'spec.resources[0].template.spec.publicAccessBlock.ignorePublicACLs',
        'spec.resources[0].template.spec.publicAccessBlock.restrictPublicBuckets',
      ],
    );
    const patched = apply(set, m.patch) as typeof set;
    assert.equal(
      patched.spec.resources[0]!.template.spec.publicAccessBlock &&
        (patched.spec.resources[0]!.template.spec.publicAccessBlock as Record<string, unknown>)
          .blockPublicACLs,
      false,
    );
  });

  it("adds the IRSA aud condition to kro's s3-controller trust policy, keeping its holes (scenario S6)", () => {
    const rgd = corpus('aws/ack-controller/controllers/s3-controller.yaml');
    const m = mutateRgdTemplates(rgd, { irsaAudience: true });
    assert.equal(m.changes.length, 1);
    assert.equal(m.changes[0]!.ruleId, 'IAM-016');
    assert.match(m.changes[0]!.description, /\$\{schema\.spec\.values\.iamRole\.oidcProvider\}:aud/);
    const patched = apply(rgd, m.patch);
    const role = (
      patched as { spec: { resources: { template: { kind: string; spec: Record<string, unknown> } }[] } }
    ).spec.resources.find((r) => r.template.kind === 'Role')!;
    const text = role.template.spec.assumeRolePolicyDocument as string;
    assert.ok(text.includes('"${schema.spec.values.iamRole.oidcProvider}:aud": "sts.amazonaws.com"'));
    assert.ok(
      text.includes(
        '"${schema.spec.values.iamRole.oidcProvider}:sub": "system:serviceaccount:${schema.spec.namespace}:${schema.spec.values.serviceAccount.name}"',
      ),
    );
    assert.deepEqual(mutateRgdTemplates(patched, { irsaAudience: true }).patch, [], 'idempotent');
  });

  it('leaves trust policies it cannot parse alone', () => {
    assert.equal(addIrsaAudience('{"Statement": ${schema.spec.statements}}'), undefined);
    assert.equal(addIrsaAudience('not json'), undefined);
    const ok =
      '{"Statement":{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"p:sub":"s","p:aud":"x"}}}}';
    assert.equal(addIrsaAudience(ok), undefined, 'an existing aud, even a different one, is not changed');
  });
});
