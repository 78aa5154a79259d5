/**
 * Test helpers for rendering: corpus files, the schema source the corpus needs, compiling an RGD
 * that must pass the check, and the instance as the API server stores it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { checkRgd } from '../../../../src/graph/index.ts';
import { compileGraph, type CompiledGraph } from '../../../../src/graph/render/index.ts';
import { crdFileSource } from '../../../../src/schemas/crd-files.ts';
import { chainSources, embeddedSource } from '../../../../src/schemas/index.ts';
import { compileInstanceSchema } from '../../../../src/instance/admit.ts';

/** kro v0.9.3's examples. */
export const CORPUS = '../shared/corpus/kro-v0.9.3-examples';

/** The ACK CRDs and the embedded Kubernetes schemas. */
export const schemas = chainSources(crdFileSource(['../shared/crds/ack']), embeddedSource());

/**
 * A YAML file of the corpus (path relative to {@link CORPUS}); `vars` replace shell-style `${NAME}`
 * placeholders in the text first, as `envsubst` would.
 */
export function corpus(path: string, vars: Record<string, string> = {}): Record<string, unknown> {
  let text = readFileSync(`${CORPUS}/${path}`, 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`\${${k}}`, v);
  return parse(text) as Record<string, unknown>;
}

const crdSchemas = new WeakMap<CompiledGraph, unknown>();

/** Checks `rgd` with {@link schemas}, asserts kro would accept it, and compiles it. */
export function compile(rgd: unknown): CompiledGraph {
  const check = checkRgd(rgd, { schemas });
  const errors = check.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], 'the RGD must pass the check');
  const compiled = compileGraph(rgd, check, { schemas });
  assert.equal(compiled.ok, true);
  crdSchemas.set(compiled, check.crd?.spec.versions[0]?.schema?.openAPIV3Schema);
  return compiled;
}

/**
 * The instance as the API server stores it on CREATE from the CRD kro generates for the compiled
 * RGD (pruning, defaults; kro-contract §7); asserts the API server would accept it.
 */
export function defaulted(
  instance: Record<string, unknown>,
  compiled: CompiledGraph,
): Record<string, unknown> {
  const schema = crdSchemas.get(compiled);
  assert.ok(schema !== undefined, 'compiled with compile(), which generates the CRD');
  const scope = compiled.clusterScoped ? 'Cluster' : 'Namespaced';
  const admitted = compileInstanceSchema(schema, { scope }).admit(instance, { operation: 'CREATE' });
  assert.deepEqual(admitted.diagnostics, [], 'the API server must accept the instance');
  return admitted.object;
}

/** A minimal RGD (kind `Test`) with the given spec fields and resources. */
export function testRgd(
  spec: Record<string, unknown>,
  resources: unknown[],
  types?: unknown,
): Record<string, unknown> {
  return {
    apiVersion: 'kro.run/v1alpha1',
    kind: 'ResourceGraphDefinition',
    metadata: { name: 'tests.kro.run' },
    spec: {
      schema: { apiVersion: 'v1alpha1', kind: 'Test', spec, ...(types === undefined ? {} : { types }) },
      resources,
    },
  };
}

/** An instance of {@link testRgd} in namespace `team-a`. */
export function testInstance(spec: Record<string, unknown>, name = 'demo'): Record<string, unknown> {
  return { apiVersion: 'kro.run/v1alpha1', kind: 'Test', metadata: { name, namespace: 'team-a' }, spec };
}
