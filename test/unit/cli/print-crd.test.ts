import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCheck } from '../../../src/cli/check-command.ts';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
}
interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { versions: { schema: { openAPIV3Schema: Schema } }[] };
}

const WEBAPP = '../shared/corpus/kro-v0.9.3-examples/kubernetes/webapp/rg.yaml';

async function run(inputs: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // Without policies: the CRD is kro's, whatever the policies say (the webapp example fails the default
  // policy's Pod Security rules, and a rejected RGD prints no CRD; see check-instances.test.ts).
  const code = await runCheck(
    inputs,
    { format: 'text', verbose: false, printCrd: true, crds: [], embedded: true, defaultPolicy: false },
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

describe('kro-guard check --print-crd', () => {
  it('prints the CRD kro would generate, with the status schema inferred from the expression types', async () => {
    const { code, out, err } = await run([WEBAPP]);
    assert.equal(code, 0, err);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as Crd);
    assert.equal(docs.length, 1);
    const crd = docs[0]!;
    assert.equal(crd.kind, 'CustomResourceDefinition');
    assert.equal(crd.metadata.name, 'webapps.kro.run');
    const status = crd.spec.versions[0]!.schema.openAPIV3Schema.properties!.status!.properties!;
    assert.deepEqual(status.availableReplicas, { type: 'integer' });
    assert.deepEqual(status.url, { type: 'string' });
    assert.equal(status.deploymentConditions!.type, 'array');
    assert.deepEqual(status.state, { type: 'string' });
  });

  it('prints nothing for a rejected RGD and says so on stderr, exit 1', async () => {
    const { code, out, err } = await run([
      '../shared/corpus/kro-v0.9.3-examples/aws/ack-eks-cluster/eks-reused.yaml',
    ]);
    assert.equal(code, 1);
    assert.equal(out, '');
    assert.match(err, /rejected, no CRD/);
  });
});
