/**
 * Replays the compliance scenarios on a real control plane (etcd, kube-apiserver, kro v0.9.3 and the
 * ACK CRDs of ../shared/crds/ack; no kro-guard) and compares the outcome with the fixtures:
 *
 * - every RGD must become `Active` (kro accepts it: GraphAccepted=True);
 * - every instance must be accepted by the API server and reach state ACTIVE;
 * - every kro-labelled file under `children/` must equal the child kro created for its instance and
 *   node (labels, annotations, spec), apart from the `kro.run/instance-id` label (the instance uid).
 *
 * No ACK controller runs: the script writes each ACK object's status as its controller would (ARN,
 * owner account, region, the ids other nodes read), so that kro renders the nodes that wait for them.
 * The EKS Cluster S7 refers to (an externalRef) is created with an OIDC issuer.
 *
 * Usage: `npx tsx test/scenarios/replay.ts [--write] [scenario-dir...]`. With `--write`, differing
 * kro-labelled children files are rewritten with the captured object (their leading comment kept).
 * Takes about two minutes on two cores. Exit code 1 when anything differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import type { ControlPlane } from '../harness/index.ts';
import { startParityControlPlane } from '../parity/kro.ts';
import { loadScenarios, type Scenario } from './load.ts';

type Obj = Record<string, unknown>;

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** A stable hexadecimal id derived from a name (fake AWS resource ids). */
function fakeId(name: string, length: number): string {
  return createHash('sha256').update(name).digest('hex').slice(0, length);
}

/**
 * The status an ACK controller would write for `o` (resource `plural.group`): ackResourceMetadata,
 * a synced condition, and the fields the scenarios' templates read.
 */
function fakeAckStatus(resource: string, o: Obj): Obj {
  const meta = o.metadata as Obj;
  const spec = (o.spec ?? {}) as Obj;
  const name = String(meta.name);
  const awsName = typeof spec.name === 'string' ? spec.name : name;
  const id = fakeId(`${String(meta.namespace)}/${name}`, 17);
  const extra: Record<string, () => { arn: string; fields?: Obj }> = {
    'keys.kms.services.k8s.aws': () => {
      const h = fakeId(name, 32);
      const keyID = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      return { arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyID}`, fields: { keyID } };
    },
    'buckets.s3.services.k8s.aws': () => ({ arn: `arn:aws:s3:::${awsName}` }),
    'policies.iam.services.k8s.aws': () => ({ arn: `arn:aws:iam::${ACCOUNT}:policy/${awsName}` }),
    'roles.iam.services.k8s.aws': () => ({ arn: `arn:aws:iam::${ACCOUNT}:role/${awsName}` }),
    'repositories.ecr.services.k8s.aws': () => ({
      arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${awsName}`,
      fields: { repositoryURI: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${awsName}` },
    }),
    'internetgateways.ec2.services.k8s.aws': () => ({
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:internet-gateway/igw-${id}`,
      fields: { internetGatewayID: `igw-${id}` },
    }),
    'routetables.ec2.services.k8s.aws': () => ({
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:route-table/rtb-${id}`,
      fields: { routeTableID: `rtb-${id}` },
    }),
    'subnets.ec2.services.k8s.aws': () => ({
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-${id}`,
      fields: { subnetID: `subnet-${id}` },
    }),
    'securitygroups.ec2.services.k8s.aws': () => ({
      arn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-${id}`,
      fields: { id: `sg-${id}` },
    }),
    'dbinstances.rds.services.k8s.aws': () => ({
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:${String(spec.dbInstanceIdentifier)}`,
      fields: {
        endpoint: { address: `${String(spec.dbInstanceIdentifier)}.c0ffee.${REGION}.rds.amazonaws.com` },
      },
    }),
    'dbsubnetgroups.rds.services.k8s.aws': () => ({
      arn: `arn:aws:rds:${REGION}:${ACCOUNT}:subgrp:${awsName}`,
    }),
    'podidentityassociations.eks.services.k8s.aws': () => ({
      arn: `arn:aws:eks:${REGION}:${ACCOUNT}:podidentityassociation/${String(spec.clusterName)}/a-${id}`,
    }),
  };
  const made = extra[resource]?.() ?? { arn: `arn:aws:unknown:${REGION}:${ACCOUNT}:${name}` };
  return {
    ackResourceMetadata: { arn: made.arn, ownerAccountID: ACCOUNT, region: REGION },
    conditions: [{ type: 'ACK.ResourceSynced', status: 'True' }],
    ...made.fields,
  };
}

const ACK_RESOURCES = [
  'keys.kms.services.k8s.aws', 'buckets.s3.services.k8s.aws', 'policies.iam.services.k8s.aws',
  'roles.iam.services.k8s.aws', 'repositories.ecr.services.k8s.aws', 'internetgateways.ec2.services.k8s.aws',
  'routetables.ec2.services.k8s.aws', 'subnets.ec2.services.k8s.aws', 'securitygroups.ec2.services.k8s.aws',
  'dbinstances.rds.services.k8s.aws', 'dbsubnetgroups.rds.services.k8s.aws',
  'podidentityassociations.eks.services.k8s.aws',
]; // prettier-ignore
const CORE_RESOURCES = ['serviceaccounts', 'deployments.apps'];

async function getJson(cp: ControlPlane, args: string[]): Promise<Obj[]> {
  const r = await cp.kubectl(['get', ...args, '-o', 'json'], { allowFailure: true });
  return r.code === 0 ? ((JSON.parse(r.stdout) as { items: Obj[] }).items ?? []) : [];
}

async function patchStatus(cp: ControlPlane, resource: string, meta: Obj, status: Obj): Promise<void> {
  await cp.kubectl([
    'patch',
    resource,
    String(meta.name),
    '-n',
    String(meta.namespace),
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status }),
  ]);
}

/** Applies every RGD and waits until each is Active or rejected; returns the ones not Active. */
async function applyRgds(cp: ControlPlane, scenarios: Scenario[]): Promise<string[]> {
  for (const s of scenarios) await cp.kubectl(['apply', '-f', join(s.dir, 'rgd.yaml')]);
  const names = scenarios.map((s) => String((s.rgd.metadata as Obj).name));
  const deadline = Date.now() + 180_000;
  for (;;) {
    const items = await getJson(cp, ['rgd']);
    const states = new Map(items.map((i) => [String((i.metadata as Obj).name), i.status as Obj | undefined]));
    const settled = names.every((n) => {
      const st = states.get(n);
      const conditions = (st?.conditions ?? []) as Obj[];
      return (
        st?.state === 'Active' || conditions.some((c) => c.type === 'GraphAccepted' && c.status === 'False')
      );
    });
    if (settled || Date.now() > deadline)
      return names.filter((n) => states.get(n)?.state !== 'Active').map((n) => `RGD ${n} is not Active`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Fakes the ACK controllers until no kro-created ACK object is left without status. */
async function settleAckObjects(cp: ControlPlane): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((r) => setTimeout(r, 3000));
    let patched = 0;
    for (const resource of ACK_RESOURCES) {
      for (const o of await getJson(cp, [resource, '-A'])) {
        if ((o.status as Obj | undefined)?.ackResourceMetadata !== undefined) continue;
        await patchStatus(cp, resource, o.metadata as Obj, fakeAckStatus(resource, o));
        patched++;
      }
    }
    quiet = patched === 0 ? quiet + 1 : 0;
  }
}

/** The identity of a kro child: instance namespace/name, node id, collection index. */
function childKey(o: Obj): string {
  const l = ((o.metadata as Obj).labels ?? {}) as Record<string, string>;
  const index = l['kro.run/collection-index'];
  return `${l['kro.run/instance-namespace']}/${l['kro.run/instance-name']}#${l['kro.run/node-id']}${index === undefined ? '' : `[${index}]`}`;
}

/** A child as kro applied it: apiVersion, kind, name, namespace, labels, annotations and the other top-level fields. */
function asApplied(o: Obj): Obj {
  const m = o.metadata as Obj;
  const metadata: Obj = { name: m.name, namespace: m.namespace, labels: m.labels };
  if (m.annotations !== undefined) metadata.annotations = m.annotations;
  const out: Obj = { apiVersion: o.apiVersion, kind: o.kind, metadata };
  for (const [k, v] of Object.entries(o))
    if (!['apiVersion', 'kind', 'metadata', 'status'].includes(k)) out[k] = v;
  return out;
}

function withoutInstanceId(o: Obj): Obj {
  const copy = structuredClone(o);
  delete ((copy.metadata as Obj).labels as Obj)['kro.run/instance-id'];
  return copy;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const only = args.filter((a) => !a.startsWith('--'));
  const scenarios = loadScenarios().filter((s) => only.length === 0 || only.includes(s.name));
  const problems: string[] = [];
  const cp = await startParityControlPlane({ kroConcurrency: 4, quiet: true });
  try {
    const namespaces = new Set(
      scenarios.flatMap((s) => [...s.instances.values()].map((i) => String((i.metadata as Obj).namespace))),
    );
    for (const ns of namespaces) if (ns !== 'default') await cp.kubectl(['create', 'namespace', ns]);
    problems.push(...(await applyRgds(cp, scenarios)));
    const cluster = {
      apiVersion: 'eks.services.k8s.aws/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'prod-east', namespace: 'default' },
      spec: { name: 'prod-east', resourcesVPCConfig: { subnetIDs: ['subnet-1', 'subnet-2'] } },
    };
    await cp.kubectl(['apply', '-f', '-'], { input: stringify(cluster) });
    await patchStatus(cp, 'clusters.eks.services.k8s.aws', cluster.metadata, {
      ackResourceMetadata: {
        arn: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/prod-east`,
        ownerAccountID: ACCOUNT,
        region: REGION,
      },
      identity: { oidc: { issuer: ISSUER } },
    });
    for (const s of scenarios) {
      for (const file of s.instances.keys()) {
        const r = await cp.kubectl(['apply', '-f', join(s.dir, file)], { allowFailure: true });
        if (r.code !== 0) problems.push(`${s.name}/${file}: ${r.stderr.trim()}`);
      }
    }
    await settleAckObjects(cp);
    const captured = new Map<string, Obj>();
    for (const resource of [...ACK_RESOURCES, ...CORE_RESOURCES])
      for (const o of await getJson(cp, [resource, '-A', '-l', 'kro.run/owned=true']))
        captured.set(childKey(o), asApplied(o));
    for (const s of scenarios) {
      const kind = String(((s.rgd.spec as Obj).schema as Obj).kind).toLowerCase();
      for (const i of await getJson(cp, [kind, '-A']))
        if ((i.status as Obj | undefined)?.state !== 'ACTIVE')
          problems.push(
            `${s.name}: instance ${String((i.metadata as Obj).name)} is ${String((i.status as Obj | undefined)?.state)}`,
          );
      for (const [file, child] of s.children) {
        if (file.startsWith('children/direct-')) continue;
        const actual = captured.get(childKey(child));
        if (actual === undefined) problems.push(`${s.name}/${file}: kro created no ${childKey(child)}`);
        else if (!isDeepStrictEqual(withoutInstanceId(actual), withoutInstanceId(child))) {
          problems.push(`${s.name}/${file}: differs from what kro created`);
          if (write) {
            const text = readFileSync(join(s.dir, file), 'utf8');
            const header = text.slice(0, text.indexOf('apiVersion:'));
            writeFileSync(join(s.dir, file), header + stringify(actual));
          }
        }
      }
    }
  } finally {
    await cp.stop();
  }
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stdout.write(`${scenarios.length} scenarios replayed, ${problems.length} problem(s)\n`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
