/**
 * Instance admission (kro-contract §7): what the Kubernetes API server does with an object of a kind an
 * RGD generates, from the CRD kro generates for it (§6.1): pruning, null dropping, defaulting, OpenAPI
 * and list-type validation, `x-kubernetes-validations` rules, ObjectMeta checks; with the API server's
 * messages and field paths.
 */
export {
  compileInstanceSchema,
  type AdmitOptions,
  type AdmitResult,
  type CompileInstanceSchemaOptions,
  type CompiledInstanceSchema,
} from './admit.ts';
export { instancePatch } from './patch.ts';
export type { SchemaNode } from './schema-node.ts';
