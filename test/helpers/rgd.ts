/**
 * Test helpers: build RGDs tersely and read their diagnostics.
 */
import type { Diagnostic } from '../../src/diagnostics/diagnostic.ts';
import { checkRgd } from '../../src/graph/index.ts';

/** A minimal valid RGD whose parts can be overridden. */
export function rgd(parts: {
  name?: string;
  schema?: Record<string, unknown>;
  resources?: unknown[];
  status?: unknown;
}): Record<string, unknown> {
  const schema: Record<string, unknown> = {
    apiVersion: 'v1alpha1',
    kind: 'WebApp',
    spec: { name: 'string', replicas: 'integer | default=1' },
    ...parts.schema,
  };
  if (parts.status !== undefined) schema.status = parts.status;
  return {
    apiVersion: 'kro.run/v1alpha1',
    kind: 'ResourceGraphDefinition',
    metadata: { name: parts.name ?? 'webapp' },
    spec: { schema, resources: parts.resources ?? [] },
  };
}

/** A Deployment template resource with `id`, named from the instance, with extra fields merged. */
export function deployment(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    template: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: '${schema.spec.name}' },
      spec: { replicas: '${schema.spec.replicas}' },
    },
    ...extra,
  };
}

/** A ConfigMap template resource whose data values are the given strings. */
export function configMap(
  id: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${id}-cm` }, data },
    ...extra,
  };
}

/** The error diagnostics of checking `obj`. */
export function errorsOf(obj: unknown, oldRgd?: unknown): Diagnostic[] {
  const r = oldRgd === undefined ? checkRgd(obj) : checkRgd(obj, { oldRgd });
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** `path: message` lines of the error diagnostics, for compact assertions. */
export function errorLines(obj: unknown, oldRgd?: unknown): string[] {
  return errorsOf(obj, oldRgd).map((d) => `${d.path}: ${d.message}`);
}
