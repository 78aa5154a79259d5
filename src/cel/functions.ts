/**
 * The function catalogue of kro's CEL environment (kro-contract §8: cel-go v0.31 standard library and
 * `ext` libraries at their latest versions, k8s.io/apiserver v0.36 libraries, kro's own libraries),
 * derived from the overload declarations the type checker uses, so that the two cannot drift apart.
 */
import { STANDARD_OVERLOADS } from './check/stdlib.ts';
import { EXTENSION_OVERLOADS } from './library/declarations.ts';

/** Whether a declared overload name is an operator (`_+_`, `@in`, `!_`, `-_`), not a function. */
function isOperator(name: string): boolean {
  return /^[_@!-]/.test(name);
}

const DECLARED = [...STANDARD_OVERLOADS, ...EXTENSION_OVERLOADS].filter((o) => !isOperator(o.name));

/**
 * Functions kro's environment has that kro-guard declares no typed overloads for: their calls type as
 * `dyn` (kro-contract §5.10 `omit()`; `deepMerge`, kro HEAD only; `sign`, which k8s declares as a
 * global function but which is also accepted as a member call here, to never reject what kro might
 * accept).
 */
export const UNDECLARED_FUNCTIONS: ReadonlySet<string> = new Set(['omit', 'deepMerge', 'sign']);

/**
 * Names callable as global functions, namespaced ones written qualified (`base64.encode`): every
 * global overload declared for the type checker (`check/stdlib.ts`, `library/declarations.ts`), the
 * `has` and `cel.bind` macros and `omit`. A global call whose name is in neither this set nor
 * {@link KRO_MEMBER_FUNCTIONS} is an unknown function to kro's inspector (§5.2); cel-go's
 * `HasFunction` matches a name regardless of overload style.
 */
export const KRO_FUNCTIONS: ReadonlySet<string> = new Set([
  'has',
  'cel.bind',
  'omit',
  ...DECLARED.filter((o) => !o.member).map((o) => o.name),
]);

/**
 * Names of the member functions (`x.name(…)`) of kro's environment: every member overload declared for
 * the type checker, kro's runtime functions (`runtime.newCondition`, a parse-time macro too, §5.9, and
 * `runtime.condition`), `deepMerge` and `sign` (see {@link UNDECLARED_FUNCTIONS}). Macros are in
 * {@link KRO_MEMBER_MACROS}. The inspector never flags member calls (§5.2).
 */
export const KRO_MEMBER_FUNCTIONS: ReadonlySet<string> = new Set([
  ...DECLARED.filter((o) => o.member).map((o) => o.name),
  'newCondition',
  'condition',
  'deepMerge',
  'sign',
]);

/**
 * Receiver-style macros of kro's environment, by name, with the argument counts that make a call a
 * macro (other counts are plain member calls). Their first argument(s) name variables bound in the
 * remaining arguments.
 */
export const KRO_MEMBER_MACROS: ReadonlyMap<string, readonly number[]> = new Map([
  // CEL standard library (map with 3 arguments: map(v, filter, transform))
  ['all', [2, 3]],
  ['exists', [2, 3]],
  ['exists_one', [2, 3]],
  ['map', [2, 3]],
  ['filter', [2]],
  // ext.TwoVarComprehensions (all/exists/exists_one with 3 arguments above)
  ['existsOne', [3]],
  ['transformList', [3, 4]],
  ['transformMap', [3, 4]],
  ['transformMapEntry', [3, 4]],
  // ext.Lists
  ['sortBy', [2]],
  // cel.OptionalTypes
  ['optMap', [2]],
  ['optFlatMap', [2]],
]);

/**
 * How many leading arguments of a macro call `name` with `argCount` arguments are variable names:
 * 0 when it is not a macro call, 2 for the two-variable comprehensions, else 1.
 */
export function macroVariableCount(name: string, argCount: number): number {
  if (!KRO_MEMBER_MACROS.get(name)?.includes(argCount)) return 0;
  if (argCount === 3 && ['all', 'exists', 'exists_one', 'existsOne'].includes(name)) return 2;
  if (name.startsWith('transform')) return 2;
  return 1;
}
