/**
 * Helpers of the instance admission tests: generated CRD schemas from SimpleSchema specs (through
 * `checkRgd`, as kro-guard builds them for real RGDs), and short ways to read admission results.
 */
import assert from 'node:assert/strict';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.ts';
import { checkRgd } from '../../../src/graph/index.ts';
import {
  compileInstanceSchema,
  type AdmitResult,
  type CompiledInstanceSchema,
} from '../../../src/instance/index.ts';
import { NO_SCHEMAS } from '../../../src/schemas/index.ts';
import { rgd } from '../../helpers/rgd.ts';

/** The generated CRD's `openAPIV3Schema` for an RGD whose instance spec is `spec` (SimpleSchema). */
export function generatedSchema(spec: Record<string, unknown>, types?: Record<string, unknown>): unknown {
  const result = checkRgd(rgd({ schema: { spec, ...(types ? { types } : {}) } }), { schemas: NO_SCHEMAS });
  assert.deepEqual(
    result.diagnostics.filter((d) => d.severity === 'error'),
    [],
    'the test RGD must be valid',
  );
  const schema = result.crd?.spec.versions[0]?.schema?.openAPIV3Schema;
  assert.ok(schema, 'checkRgd returns the generated CRD');
  return schema;
}

/** {@link compileInstanceSchema} of {@link generatedSchema}. */
export function compiledFor(
  spec: Record<string, unknown>,
  types?: Record<string, unknown>,
): CompiledInstanceSchema {
  return compileInstanceSchema(generatedSchema(spec, types));
}

/** A hand-written CRD root schema around a `spec` schema, as kro's synthesis lays it out. */
export function rootSchema(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      status: { type: 'object', properties: { state: { type: 'string' } } },
    },
  };
}

/** An instance of the test kind with `spec`. */
export function instance(spec: unknown, name = 'demo'): Record<string, unknown> {
  return { apiVersion: 'kro.run/v1alpha1', kind: 'WebApp', metadata: { name }, spec };
}

/** The error messages of a result, in diagnostic order. */
export function errorMessages(result: AdmitResult | readonly Diagnostic[]): string[] {
  const diags = Array.isArray(result) ? result : (result as AdmitResult).diagnostics;
  return diags.filter((d: Diagnostic) => d.severity === 'error').map((d: Diagnostic) => d.message);
}

/** Admits `spec` as a CREATE and returns the stored spec and the error messages. */
export function create(compiled: CompiledInstanceSchema, spec: unknown): { spec: unknown; errors: string[] } {
  const r = compiled.admit(instance(spec), { operation: 'CREATE' });
  return { spec: r.object.spec, errors: errorMessages(r) };
}

/** Admits `spec` as an UPDATE of an object whose spec was `oldSpec`. */
export function update(
  compiled: CompiledInstanceSchema,
  oldSpec: unknown,
  spec: unknown,
): { spec: unknown; errors: string[] } {
  const r = compiled.admit(instance(spec), { operation: 'UPDATE', oldObject: instance(oldSpec) });
  return { spec: r.object.spec, errors: errorMessages(r) };
}

/** The API server's notice when CEL rules are skipped after blocking errors. */
export const RULES_NOT_CHECKED =
  '<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
