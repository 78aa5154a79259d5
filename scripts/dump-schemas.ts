/**
 * `npm run schemas:dump`: regenerates src/schemas/embedded/kubernetes-openapi-v3.json from a real
 * kube-apiserver (the pinned one built by scripts/build-control-plane.sh, started by the e2e harness
 * without kro or CRDs).
 *
 * Reads `/version`, the `/openapi/v3` index and the document of each group-version in
 * GROUP_VERSIONS over mutual TLS (node:https with the admin client certificate), keeps per
 * group-version the component schemas reachable from its kinds (src/schemas/prune.ts, descriptions
 * dropped, `$ref`s kept) and each kind's scope, and writes one compact JSON file (schema names sorted,
 * so a re-run on the same version gives the same bytes). Prints the file's size. Exit code 1 on failure.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { groupVersionKey, pruneGroupVersion, type OpenAPIDocument } from '../src/schemas/prune.ts';
import type { EmbeddedSchemaFile } from '../src/schemas/embedded.ts';
import { REPO_ROOT, startControlPlane, type ControlPlane, type KubeClient } from '../test/harness/index.ts';

/** The output file. */
const OUTPUT = join(REPO_ROOT, 'src', 'schemas', 'embedded', 'kubernetes-openapi-v3.json');

/**
 * Group-versions embedded: every GA group-version kube-apiserver 1.35 serves, except the ones whose
 * kinds are requests, not resources an RGD would template (authentication/authorization reviews) and
 * the API server's own flow-control and aggregation configuration.
 */
const GROUP_VERSIONS: readonly (readonly [group: string, version: string])[] = [
  ['', 'v1'],
  ['admissionregistration.k8s.io', 'v1'],
  ['apiextensions.k8s.io', 'v1'],
  ['apps', 'v1'],
  ['autoscaling', 'v1'],
  ['autoscaling', 'v2'],
  ['batch', 'v1'],
  ['certificates.k8s.io', 'v1'],
  ['coordination.k8s.io', 'v1'],
  ['discovery.k8s.io', 'v1'],
  ['networking.k8s.io', 'v1'],
  ['node.k8s.io', 'v1'],
  ['policy', 'v1'],
  ['rbac.authorization.k8s.io', 'v1'],
  ['resource.k8s.io', 'v1'],
  ['scheduling.k8s.io', 'v1'],
  ['storage.k8s.io', 'v1'],
];

interface OpenAPIIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

async function dump(cp: ControlPlane, client: KubeClient): Promise<EmbeddedSchemaFile> {
  const version = (await client.getJson('/version')) as { gitVersion?: unknown };
  if (typeof version.gitVersion !== 'string') throw new Error('/version has no gitVersion');
  const index = (await client.getJson('/openapi/v3')) as OpenAPIIndex;

  const file: EmbeddedSchemaFile = {
    kubernetesVersion: version.gitVersion,
    generatedBy: 'npm run schemas:dump',
    descriptions: 'omitted',
    version: version as Record<string, unknown>,
    groupVersions: {},
    namespaced: {},
  };
  for (const [group, v] of GROUP_VERSIONS) {
    const key = groupVersionKey(group, v);
    const indexPath = group === '' ? `api/${v}` : `apis/${group}/${v}`;
    const entry = index.paths[indexPath];
    if (entry === undefined) throw new Error(`/openapi/v3 does not list ${indexPath} (${cp.serverUrl})`);
    const doc = (await client.getJson(entry.serverRelativeURL, { timeoutMs: 60_000 })) as OpenAPIDocument;
    const pruned = pruneGroupVersion(doc, group, v);
    file.groupVersions[key] = pruned.schemas;
    file.namespaced[key] = pruned.namespaced;
    const size = (Buffer.byteLength(JSON.stringify(pruned.schemas)) / 1024).toFixed(0);
    process.stderr.write(
      `[schemas:dump] ${key}: ${Object.keys(pruned.schemas).length} schemas, ${size} KiB\n`,
    );
  }
  return file;
}

async function main(): Promise<number> {
  const cp = await startControlPlane({ kro: false, crds: false, audit: false });
  const client = cp.client();
  try {
    const file = await dump(cp, client);
    const text = `${JSON.stringify(file)}\n`;
    await mkdir(dirname(OUTPUT), { recursive: true });
    await writeFile(`${OUTPUT}.tmp`, text);
    await rename(`${OUTPUT}.tmp`, OUTPUT);
    const kib = (Buffer.byteLength(text) / 1024).toFixed(0);
    process.stderr.write(
      `[schemas:dump] wrote ${relative(REPO_ROOT, OUTPUT)}: ${kib} KiB, Kubernetes ${file.kubernetesVersion}, ` +
        `${Object.keys(file.groupVersions).length} group-versions\n`,
    );
    return 0;
  } finally {
    client.close();
    await cp.stop();
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`[schemas:dump] error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
