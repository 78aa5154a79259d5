/**
 * The CEL environment of custom rules (`CompliancePolicy.spec.customRules[].expression`).
 *
 * Variables:
 * - `object` (`dyn`): the checked object as rendered, a map of its fields (`object.spec.versioning.status`).
 * - `graph`: the graph the object belongs to (at child admission, a graph of the one object):
 *   - `graph.resources` (`map(string, dyn)`): resource id → rendered object; for a `forEach`
 *     collection, the list of its elements' objects in collection order (`graph.resources.key.spec.enableKeyRotation`,
 *     `graph.resources.buckets.all(b, …)`);
 *   - `graph.instance` (`{name: string, namespace: string}`): the instance; `namespace` is `""` for a
 *     cluster-scoped instance; both are unknown at RGD admission;
 *   - `graph.mode` (`string`): `"instance"` (rendered for a concrete instance) or `"symbolic"` (RGD
 *     admission, inputs unknown).
 * - `params`: the policy's parameters with defaults (`params.allowedRegistries`, `params.worldOpenPorts`…),
 *   typed as in {@link RuleParameters}.
 *
 * Values: JSON integers are CEL `int`, other numbers `double`. A missing field is an evaluation error
 * (`No such key`), so test with `has(object.spec.x)` or `object.spec.?x.orValue(…)`. Functions: the
 * CEL standard library and the extension libraries of kro's environment (strings, lists, sets, math,
 * regex, quantity, url, ip/cidr, semver, base64, json: src/cel/library).
 */
import type { Environment } from '@marcbachmann/cel-js';
import {
  BOOL,
  DYN,
  INT,
  STRING,
  createOverloadTable,
  fixedStruct,
  listOf,
  mapOf,
  typeOf,
  type CelType,
  type CheckEnvironment,
} from '../../cel/check/index.ts';
import { EXTENSION_OVERLOADS, createEvaluationEnvironment } from '../../cel/library/index.ts';
import type { RuleParameters } from '../types.ts';

/** The type of `params`: one field per {@link RuleParameters} field. */
export const PARAMS_TYPE = fixedStruct('kro_guard.Parameters', {
  allowedRegistries: listOf(STRING),
  allowedKmsKeys: listOf(STRING),
  allowedAccounts: listOf(STRING),
  oidcProviders: listOf(STRING),
  deniedManagedPolicies: listOf(STRING),
  permissionsBoundaries: listOf(STRING),
  worldOpenPorts: listOf(INT),
  minBackupRetentionDays: INT,
  requireCpuLimit: BOOL,
  eksVersions: listOf(STRING),
} satisfies Record<keyof RuleParameters, CelType>);

/** The type of `graph` (see the module comment). */
export const GRAPH_TYPE = fixedStruct('kro_guard.Graph', {
  resources: mapOf(STRING, DYN),
  instance: fixedStruct('kro_guard.Instance', { name: STRING, namespace: STRING }),
  mode: STRING,
});

/**
 * The type identifiers usable as values (`type(object.spec.x) == int`). They are typed `type(dyn)`
 * rather than `type(int)`… because kro-guard's checker does not unify `type(dyn)` (what `type()` of
 * a field of `object` gives) with `type(int)`, which cel-go accepts.
 */
const TYPE_IDENTIFIERS: readonly [string, CelType][] = [
  'bool',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'null_type',
  'list',
  'map',
  'type',
].map((name) => [name, typeOf(DYN)]);

/** The variables of a custom rule expression, by name (and the type identifiers). */
export const CUSTOM_RULE_VARIABLES: ReadonlyMap<string, CelType> = new Map<string, CelType>([
  ['object', DYN],
  ['graph', GRAPH_TYPE],
  ['params', PARAMS_TYPE],
  ...TYPE_IDENTIFIERS,
]);

let checkEnv: CheckEnvironment | undefined;

/**
 * The type-checking environment: {@link CUSTOM_RULE_VARIABLES}, the standard library and the
 * extension libraries; any other identifier or function is an error (`undeclared reference`).
 */
export function customRuleCheckEnvironment(): CheckEnvironment {
  checkEnv ??= {
    variables: CUSTOM_RULE_VARIABLES,
    overloads: createOverloadTable(EXTENSION_OVERLOADS),
    undeclaredIsError: true,
  };
  return checkEnv;
}

let evalEnv: Environment | undefined;

/**
 * The cel-js environment custom rules are parsed and evaluated with (one per thread: each worker
 * thread loads its own copy of this module). Built on first use (a few milliseconds).
 */
export function customRuleEvaluationEnvironment(): Environment {
  evalEnv ??= createEvaluationEnvironment();
  return evalEnv;
}
