/**
 * The function catalogue of kro's CEL environment (kro-contract §8: cel-go v0.31 standard library and
 * `ext` libraries at their latest versions, k8s.io/apiserver v0.36 libraries, kro's own libraries).
 */

/**
 * Names callable as global functions, namespaced ones written qualified (`base64.encode`). A global
 * call whose name is in neither this set nor {@link KRO_MEMBER_FUNCTIONS} is an unknown function to
 * kro's inspector (§5.2); cel-go's `HasFunction` matches a name regardless of overload style.
 */
export const KRO_FUNCTIONS: ReadonlySet<string> = new Set([
  // CEL standard library: the `has` macro (one argument only) and global functions.
  'has',
  'int',
  'uint',
  'double',
  'string',
  'bytes',
  'bool',
  'dyn',
  'type',
  'duration',
  'timestamp',
  'size',
  'matches',
  // cel.OptionalTypes
  'optional.of',
  'optional.ofNonZeroValue',
  'optional.none',
  'optional.unwrap',
  // ext.Encoders
  'base64.encode',
  'base64.decode',
  // ext.Lists
  'lists.range',
  // ext.Strings
  'strings.quote',
  // ext.Bindings (macro)
  'cel.bind',
  // k8s URLs
  'url',
  'isURL',
  // k8s IP
  'ip',
  'isIP',
  'ip.isCanonical',
  // k8s CIDR
  'cidr',
  'isCIDR',
  // k8s Quantity
  'quantity',
  'isQuantity',
  // k8s SemverLib
  'semver',
  'isSemver',
  // kro Random
  'random.seededString',
  'random.seededInt',
  // kro JSON
  'json.marshal',
  'json.unmarshal',
  // kro Hash
  'hash.fnv64a',
  'hash.sha256',
  'hash.md5',
  // kro Lists
  'lists.setAtIndex',
  'lists.insertAtIndex',
  'lists.removeAtIndex',
  // kro Omit (feature-gated, §5.10)
  'omit',
]);

/**
 * Names of the member functions (`x.name(…)`) declared in kro's environment; macros are in
 * {@link KRO_MEMBER_MACROS}. For the typed checks; the inspector never flags member calls (§5.2).
 */
export const KRO_MEMBER_FUNCTIONS: ReadonlySet<string> = new Set([
  // CEL standard library
  'size',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'getFullYear',
  'getMonth',
  'getDayOfYear',
  'getDayOfMonth',
  'getDate',
  'getDayOfWeek',
  'getHours',
  'getMinutes',
  'getSeconds',
  'getMilliseconds',
  // cel.OptionalTypes
  'hasValue',
  'value',
  'or',
  'orValue',
  'unwrapOpt',
  // ext.Strings
  'charAt',
  'indexOf',
  'lastIndexOf',
  'lowerAscii',
  'upperAscii',
  'replace',
  'split',
  'substring',
  'trim',
  'join',
  'format',
  'reverse',
  // ext.Lists (reverse, indexOf, lastIndexOf above)
  'slice',
  'flatten',
  'sort',
  'distinct',
  'first',
  'last',
  // k8s Lists (indexOf, lastIndexOf above)
  'isSorted',
  'sum',
  'min',
  'max',
  // k8s URLs
  'getScheme',
  'getHost',
  'getHostname',
  'getPort',
  'getEscapedPath',
  'getQuery',
  // k8s Regex
  'find',
  'findAll',
  // k8s Quantity
  'add',
  'sub',
  'isLessThan',
  'isGreaterThan',
  'compareTo',
  'asInteger',
  'asApproximateFloat',
  'isInteger',
  'sign',
  // k8s IP
  'family',
  'isUnspecified',
  'isLoopback',
  'isLinkLocalMulticast',
  'isLinkLocalUnicast',
  'isGlobalUnicast',
  // k8s CIDR
  'containsIP',
  'containsCIDR',
  'ip',
  'masked',
  'prefixLength',
  // k8s SemverLib (compareTo, isGreaterThan, isLessThan above)
  'major',
  'minor',
  'patch',
  // kro Maps (deepMerge: kro HEAD only)
  'merge',
  'deepMerge',
  // kro Runtime: runtime.newCondition (also a parse-time macro, §5.9) and runtime.condition
  'newCondition',
  'condition',
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
