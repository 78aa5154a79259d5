/**
 * The embedded Kubernetes schemas (src/schemas/embedded/kubernetes-openapi-v3.json, dumped from the
 * pinned kube-apiserver by `npm run schemas:dump`) as kro-guard reads them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  EMBEDDED_SCHEMAS_URL,
  forEachSubSchema,
  loadEmbeddedSchemas,
  refName,
  type EmbeddedSchemaFile,
  type OpenAPISchema,
} from '../../../src/schemas/index.ts';
import { prop } from '../../helpers/schema.ts';

/** The Kubernetes version the build script pins: versions.env when built, else tools/controlplane/go.mod. */
function pinnedKubernetesVersion(): string {
  const env = '.cache/controlplane/versions.env';
  if (existsSync(env)) {
    const m = /^KUBE_VERSION=(\S+)$/m.exec(readFileSync(env, 'utf8'));
    assert.ok(m, `${env} has no KUBE_VERSION`);
    return m[1]!;
  }
  const m = /^\s*k8s\.io\/kubernetes (v\S+)$/m.exec(readFileSync('tools/controlplane/go.mod', 'utf8'));
  assert.ok(m, 'tools/controlplane/go.mod does not require k8s.io/kubernetes');
  return m[1]!;
}

const schemas = loadEmbeddedSchemas();

/** `schema.properties[name]`, failing the test when it is missing. */

describe('loadEmbeddedSchemas', () => {
  it('records the Kubernetes version the build script pins', () => {
    assert.equal(schemas.kubernetesVersion, pinnedKubernetesVersion());
  });

  it('is read once and cached', () => {
    assert.equal(loadEmbeddedSchemas(), schemas);
    const a = schemas.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' });
    const b = schemas.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.equal(a?.schema, b?.schema);
  });

  it('embeds at least the group-versions kro templates use most', () => {
    const have = schemas.groupVersions();
    for (const gv of [
      'v1',
      'apps/v1',
      'batch/v1',
      'networking.k8s.io/v1',
      'policy/v1',
      'rbac.authorization.k8s.io/v1',
      'autoscaling/v2',
      'storage.k8s.io/v1',
      'apiextensions.k8s.io/v1',
      'admissionregistration.k8s.io/v1',
    ]) {
      assert.ok(have.includes(gv), `${gv} missing from ${have.join(', ')}`);
    }
  });
});

describe('lookup', () => {
  it('apps/v1 Deployment: spec.template.spec.containers are objects with a string image', () => {
    const deployment = schemas.lookup({ group: 'apps', version: 'v1', kind: 'Deployment' });
    assert.ok(deployment);
    assert.equal(deployment.name, 'io.k8s.api.apps.v1.Deployment');
    assert.equal(deployment.namespaced, true);
    const spec = prop(deployment.schema, 'spec');
    assert.deepEqual(spec.default, {}); // the {default, allOf: [$ref]} wrapper's default is kept
    assert.ok(spec.required?.includes('selector'));
    const containers = prop(spec, 'template', 'spec', 'containers');
    assert.equal(containers.type, 'array');
    assert.equal(containers.items?.type, 'object');
    assert.equal(prop(containers.items!, 'image').type, 'string');
    assert.ok(containers.items!.required?.includes('name'));
    assert.equal(prop(deployment.schema, 'metadata', 'name').type, 'string');
  });

  it('v1 ConfigMap: data is a map of strings', () => {
    const configMap = schemas.lookup({ group: '', version: 'v1', kind: 'ConfigMap' });
    assert.ok(configMap);
    assert.equal(configMap.namespaced, true);
    const data = prop(configMap.schema, 'data');
    assert.equal(data.type, 'object');
    assert.equal(data.properties, undefined);
    assert.equal((data.additionalProperties as OpenAPISchema).type, 'string');
  });

  it('knows cluster-scoped kinds', () => {
    assert.equal(schemas.lookup({ group: '', version: 'v1', kind: 'Namespace' })?.namespaced, false);
    assert.equal(
      schemas.lookup({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole' })?.namespaced,
      false,
    );
    assert.equal(
      schemas.lookup({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role' })?.namespaced,
      true,
    );
  });

  it('unknown group, version or kind: undefined', () => {
    assert.equal(schemas.lookup({ group: 'apps', version: 'v1', kind: 'Nope' }), undefined);
    assert.equal(schemas.lookup({ group: 'apps', version: 'v1', kind: 'deployment' }), undefined);
    assert.equal(schemas.lookup({ group: 'apps', version: 'v2', kind: 'Deployment' }), undefined);
    assert.equal(schemas.lookup({ group: 'example.com', version: 'v1', kind: 'Deployment' }), undefined);
    assert.equal(schemas.lookup({ group: '', version: 'v1', kind: 'Deployment' }), undefined);
  });

  it('recursive JSONSchemaProps resolves to a cycle, not an endless tree', () => {
    const crd = schemas.lookup({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
    });
    assert.ok(crd);
    assert.equal(crd.namespaced, false);
    const versions = prop(crd.schema, 'spec', 'versions');
    const openAPIV3Schema = prop(versions.items!, 'schema', 'openAPIV3Schema');
    assert.equal(prop(openAPIV3Schema, 'x-kubernetes-preserve-unknown-fields').type, 'boolean');
    // JSONSchemaProps' own field `not` is a JSONSchemaProps: the very same object.
    assert.equal(prop(openAPIV3Schema, 'not'), openAPIV3Schema);
    assert.equal(prop(openAPIV3Schema, 'not', 'not', 'not'), openAPIV3Schema);
    // Its field `properties` maps to {default, allOf: [JSONSchemaProps]}: merged, sharing the fields.
    const nested = prop(openAPIV3Schema, 'properties').additionalProperties as OpenAPISchema;
    assert.deepEqual(nested.default, {});
    assert.equal(nested.properties, openAPIV3Schema.properties);
  });

  it('resolved schemas are read-only', () => {
    const configMap = schemas.lookup({ group: '', version: 'v1', kind: 'ConfigMap' })!;
    assert.throws(() => {
      (configMap.schema as Record<string, unknown>)['type'] = 'string';
    }, TypeError);
    assert.equal(configMap.schema.type, 'object');
  });
});

describe('the embedded file', () => {
  const file = JSON.parse(readFileSync(EMBEDDED_SCHEMAS_URL, 'utf8')) as EmbeddedSchemaFile;

  it('says how it was made and that descriptions are omitted', () => {
    assert.equal(file.generatedBy, 'npm run schemas:dump');
    assert.equal(file.descriptions, 'omitted');
    assert.equal(file.version['gitVersion'], file.kubernetesVersion);
  });

  it('has no description keyword, every $ref resolves within its group-version, and every kind is indexed', () => {
    for (const [gv, byName] of Object.entries(file.groupVersions)) {
      const walk = (where: string, s: OpenAPISchema): void => {
        assert.equal(s.description, undefined, `${gv} ${where} has a description`);
        if (s.$ref !== undefined) {
          const target = refName(s.$ref);
          assert.ok(
            target !== undefined && byName[target] !== undefined,
            `${gv} ${where}: dangling ${s.$ref}`,
          );
        }
        forEachSubSchema(s, (sub) => walk(where, sub));
      };
      for (const [name, s] of Object.entries(byName)) walk(name, s);
      const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
      for (const kind of Object.keys(file.namespaced[gv] ?? {})) {
        // Connect options (PodExecOptions, ...) are query parameters: paths, but no schema.
        if (!kind.endsWith('Options'))
          assert.ok(schemas.lookup({ group, version, kind }), `${gv} ${kind}: no schema`);
      }
      for (const s of Object.values(byName)) {
        for (const { kind } of s['x-kubernetes-group-version-kind'] ?? []) {
          // Every resource kind has a scope; lists and API envelopes have none.
          if (/List$|^(DeleteOptions|WatchEvent|Status)$/.test(kind)) continue;
          assert.equal(
            typeof schemas.lookup({ group, version, kind })?.namespaced,
            'boolean',
            `${gv} ${kind}`,
          );
        }
      }
    }
  });

  it('keeps a property that is named description (PriorityClass)', () => {
    const pc = schemas.lookup({ group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' });
    assert.equal(prop(pc!.schema, 'description').type, 'string');
  });
});
