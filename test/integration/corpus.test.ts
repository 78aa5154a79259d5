/**
 * `kro-guard check` over every file of kro v0.9.3's examples (../shared/corpus): one expected
 * verdict per document, with the error codes of every rejection. Why each rejection happens, and
 * whether kro v0.9.3 agrees, is tabled in the README ("Corpus results").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDocument, type DocumentResult } from '../../src/cli/check-documents.ts';
import { expandInputs, readDocuments } from '../../src/cli/documents.ts';
import { chainSources, crdFileSource, embeddedSource } from '../../src/schemas/index.ts';

const ROOT = '../shared/corpus/kro-v0.9.3-examples';

/** `file#document` → expected verdict, and for rejections the sorted error codes. */
const EXPECTED: Record<string, string> = {
  'aws/ack-controller/all-controllers.yaml#0': 'rejected yaml/syntax',
  'aws/ack-controller/controllers/ec2-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/controllers/ecr-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/controllers/ecr-public-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/controllers/eks-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/controllers/iam-controller.yaml#0': 'rejected cel/type-error',
  'aws/ack-controller/controllers/s3-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/controllers/sqs-controller.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-controller/crds/ec2-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/ecr-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/ecr-public-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/eks-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/iam-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/s3-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/crds/sqs-crd-group.yaml#0': 'accepted',
  'aws/ack-controller/iam-controller-instance.yaml#0': 'skipped',
  'aws/ack-controller/instance.yaml#0': 'skipped',
  'aws/ack-controller/resourcegroup.yaml#0': 'rejected simpleschema/invalid-marker',
  'aws/ack-eks-cluster/eks-cluster-instance.yaml#0': 'skipped',
  'aws/ack-eks-cluster/eks-cluster.yaml#0': 'accepted',
  'aws/ack-eks-cluster/eks-reused.yaml#0': 'rejected graph/unknown-identifier',
  'aws/cachecluster/cachecluster-instance.yaml#0': 'skipped',
  'aws/cachecluster/cachecluster.yaml#0': 'accepted',
  'aws/cachecluster/simple-cachecluster.yaml#0': 'accepted',
  'aws/dogsvscats-appstack/dogsvscats-rg.yaml#0': 'accepted',
  'aws/dogsvscats-appstack/instance-template.yaml#0': 'rejected yaml/syntax',
  'aws/dogsvscats-appstack/instance.yaml#0': 'skipped',
  'aws/elasticache-serverless/instance-template.yaml#0': 'rejected yaml/syntax',
  'aws/elasticache-serverless/rg.yaml#0': 'accepted',
  'aws/ingress-triangle/application.yaml#0': 'accepted',
  'aws/ingress-triangle/ingress-triangle.yaml#0': 'accepted',
  'aws/ingress-triangle/instances/app1-ingress.yaml#0': 'skipped',
  'aws/ingress-triangle/instances/app2-ingress.yaml#0': 'skipped',
  'aws/llm/instance.yaml#0': 'skipped',
  'aws/llm/llm.yaml#0': 'rejected cel/type-mismatch',
  'aws/networkstack/network-stack-instance.yaml#0': 'skipped',
  'aws/networkstack/network-stack.yaml#0': 'accepted',
  'aws/podidenity/instance.yaml#0': 'skipped',
  'aws/podidenity/rg.yaml#0': 'accepted',
  'aws/rds-postgres/instance-template.yaml#0': 'rejected yaml/syntax',
  'aws/rds-postgres/rg.yaml#0': 'accepted',
  'aws/s3bucket/instance.yaml#0': 'skipped',
  'aws/s3bucket/rg.yaml#0': 'accepted',
  'aws/webstack/instance-tmpl.yaml#0': 'skipped',
  'aws/webstack/rg.yaml#0': 'accepted',
  'azure/storage-container/instance.yaml#0': 'skipped',
  'azure/storage-container/rg.yaml#0': 'accepted',
  'azure/todo-app/instance.yaml#0': 'skipped',
  'azure/todo-app/rg.yaml#0': 'accepted',
  'graph/coredns.yaml#0': 'skipped',
  'graph/ingress-fanin.yaml#0': 'skipped',
  'graph/namespace-decorator.yaml#0': 'skipped',
  'graph/rgd.yaml#0': 'skipped',
  'graph/singleton.yaml#0': 'skipped',
  'graph/singleton.yaml#1': 'skipped',
  'graph/singleton.yaml#2': 'skipped',
  'kubernetes/additionalPrinterColumns/instance.yaml#0': 'skipped',
  'kubernetes/additionalPrinterColumns/rg.yaml#0': 'accepted',
  'kubernetes/cel-functions/instance.yaml#0': 'skipped',
  'kubernetes/cel-functions/rg.yaml#0': 'accepted',
  'kubernetes/core-dns/core-dns.yaml#0': 'accepted',
  'kubernetes/core-dns/coredns-instance.yaml#0': 'skipped',
  'kubernetes/defaults/instance.yaml#0': 'skipped',
  'kubernetes/defaults/rg.yaml#0': 'accepted',
  'kubernetes/dogsvscats/result-app/instance.yaml#0': 'skipped',
  'kubernetes/dogsvscats/result-app/rg.yaml#0': 'accepted',
  'kubernetes/dogsvscats/vote-app/instance.yaml#0': 'skipped',
  'kubernetes/dogsvscats/vote-app/rg.yaml#0': 'accepted',
  'kubernetes/dogsvscats/worker-app/instance.yaml#0': 'skipped',
  'kubernetes/dogsvscats/worker-app/rg.yaml#0': 'accepted',
  'kubernetes/job-example/instance.yaml#0': 'skipped',
  'kubernetes/job-example/rgd.yaml#0': 'accepted',
  'kubernetes/webapp/instance.yaml#0': 'skipped',
  'kubernetes/webapp/rg.yaml#0': 'accepted',
};

describe('kro-guard check over the kro v0.9.3 example corpus', async () => {
  const files = await expandInputs([ROOT]);
  const results: DocumentResult[] = [];
  // Offline, as in CI pipelines: the embedded Kubernetes schemas and the ACK CRDs (kro's cluster in the
  // parity harness has these too; kinds generated by other RGDs and the Azure kinds are unknown here).
  const schemas = chainSources(embeddedSource(), crdFileSource(['../shared/crds/ack']));
  for (const f of files)
    for (const doc of await readDocuments(f)) results.push(...checkDocument(doc, { schemas }));

  it('gives every document of every corpus file the expected verdict', () => {
    const actual: Record<string, string> = {};
    for (const r of results) {
      const codes = [
        ...new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)),
      ].sort();
      actual[`${r.file.slice(ROOT.length + 1)}#${r.document}`] = [r.verdict, ...codes].join(' ');
    }
    assert.deepEqual(actual, EXPECTED);
  });

  it('says why a document is skipped', () => {
    const skipped = results.filter((r) => r.verdict === 'skipped');
    assert.ok(skipped.length > 0);
    for (const r of skipped) assert.match(r.reason ?? '', /^not a ResourceGraphDefinition \(/);
    const instance = skipped.find((r) => r.file.endsWith('kubernetes/webapp/instance.yaml'));
    assert.equal(instance?.reason, 'not a ResourceGraphDefinition (kro.run/v1alpha1 WebApp)');
  });

  it('locates each rejection at its source line', () => {
    const typo = results.find((r) => r.file.endsWith('aws/ack-eks-cluster/eks-reused.yaml'))!;
    const d = typo.diagnostics.filter((x) => x.code === 'graph/unknown-identifier');
    assert.deepEqual(
      d.map((x) => `${x.line}:${x.column} ${x.path} ${x.message}`),
      [
        '26:18 spec.resources[0].template.spec.version references unknown identifiers: [spc]',
        '35:18 spec.resources[1].template.spec.version references unknown identifiers: [spc]',
      ],
    );
    const marker = results.find((r) => r.file.endsWith('controllers/s3-controller.yaml'))!;
    assert.deepEqual(
      marker.diagnostics.filter((x) => x.severity === 'error').map((x) => `${x.line} ${x.path} ${x.message}`),
      [
        "23 spec.schema.spec.values.iamRole.roleDescription marker key 'roleforACKS3controllerdeploymentonEKSclusterusingkroResourcegroup' without a value",
      ],
    );
  });
});

describe('duplicate YAML keys in the corpus', () => {
  it('are accepted with a warning, as kubectl accepts them (last value wins)', async () => {
    const [doc] = await readDocuments(`${ROOT}/kubernetes/core-dns/core-dns.yaml`);
    const [result] = checkDocument(doc!);
    assert.equal(result?.verdict, 'accepted');
    assert.deepEqual(
      result?.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.column} ${d.message}`),
      ['warning yaml/duplicate-key 169:9 duplicate key "selector": the last value is used, as kubectl does'],
    );
  });
});
