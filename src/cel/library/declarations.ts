/**
 * Machine-readable overload declarations of every extension function kro's CEL environment enables
 * (kro-contract §8: cel-go v0.31 `ext` libraries and `cel.OptionalTypes` at their latest versions,
 * k8s.io/apiserver v0.36 CEL libraries, kro's own libraries). The CEL standard library, macros
 * (`has`, `all`, `exists`, `exists_one`, `map`, `filter`, the two-variable comprehensions, `sortBy`,
 * `optMap`, `optFlatMap`, `cel.bind`) and kro's Runtime/Omit functions are not declared here.
 *
 * Overload ids, parameter and result types are cel-go's (`cel.Overload`/`cel.MemberOverload` calls
 * in cel-go `ext/*.go`, `cel/library.go`, k8s `apiserver/pkg/cel/library/*.go`, kro
 * `pkg/cel/library/*.go`).
 */

/** One overload of an extension function. */
export interface LibraryOverload {
  /** Unique overload id, cel-go's where known (e.g. 'string_char_at_int'). */
  readonly id: string;
  /** Function name; namespaced globals qualified ('base64.encode', 'lists.range', 'random.seededInt'). */
  readonly name: string;
  /** True for receiver-style overloads (`x.f(y)`): params[0] is the receiver's type. */
  readonly member: boolean;
  /** Parameter types (receiver first when member), in the type syntax of `parseTypeSpec` (`src/cel/check/type-spec.ts`). */
  readonly params: readonly string[];
  /** Result type, same syntax. */
  readonly result: string;
  /** The library it belongs to, e.g. 'ext.Strings', 'k8s.Quantity', 'kro.Random'. */
  readonly library: string;
}

type Decl = LibraryOverload;

function fn(library: string, name: string, id: string, params: string[], result: string): Decl {
  return Object.freeze({ id, name, member: false, params: Object.freeze(params), result, library });
}

function member(library: string, name: string, id: string, params: string[], result: string): Decl {
  return Object.freeze({ id, name, member: true, params: Object.freeze(params), result, library });
}

/** cel-go `ext.Lists` comparable element types, by cel-go `TypeName()` (used in sort overload ids). */
const EXT_COMPARABLE = [
  'int',
  'uint',
  'double',
  'bool',
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'string',
  'bytes',
] as const;

/** k8s `lists.go` comparable types: [id name, type]. */
const K8S_COMPARABLE: readonly (readonly [string, string])[] = [
  ['int', 'int'],
  ['uint', 'uint'],
  ['double', 'double'],
  ['bool', 'bool'],
  ['duration', 'google.protobuf.Duration'],
  ['timestamp', 'google.protobuf.Timestamp'],
  ['string', 'string'],
  ['bytes', 'bytes'],
];

/** k8s `lists.go` summable types: [id name, type]. */
const K8S_SUMMABLE: readonly (readonly [string, string])[] = [
  ['int', 'int'],
  ['uint', 'uint'],
  ['double', 'double'],
  ['duration', 'google.protobuf.Duration'],
];

const S = 'ext.Strings';
const L = 'ext.Lists';
const O = 'cel.OptionalTypes';
const E = 'ext.Encoders';
const KL = 'k8s.Lists';
const KU = 'k8s.URLs';
const KR = 'k8s.Regex';
const KQ = 'k8s.Quantity';
const KI = 'k8s.IP';
const KC = 'k8s.CIDR';
const KS = 'k8s.Semver';
const QTY = 'kubernetes.Quantity';
const IP = 'net.IP';
const CIDR = 'net.CIDR';
const URL = 'kubernetes.URL';
const SEMVER = 'kubernetes.Semver';

/** cel-go `ext.Strings` (latest version: format v2, quote, reverse, list-based join). */
const STRINGS: Decl[] = [
  member(S, 'charAt', 'string_char_at_int', ['string', 'int'], 'string'),
  member(S, 'indexOf', 'string_index_of_string', ['string', 'string'], 'int'),
  member(S, 'indexOf', 'string_index_of_string_int', ['string', 'string', 'int'], 'int'),
  member(S, 'lastIndexOf', 'string_last_index_of_string', ['string', 'string'], 'int'),
  member(S, 'lastIndexOf', 'string_last_index_of_string_int', ['string', 'string', 'int'], 'int'),
  member(S, 'lowerAscii', 'string_lower_ascii', ['string'], 'string'),
  member(S, 'replace', 'string_replace_string_string', ['string', 'string', 'string'], 'string'),
  member(S, 'replace', 'string_replace_string_string_int', ['string', 'string', 'string', 'int'], 'string'),
  member(S, 'split', 'string_split_string', ['string', 'string'], 'list(string)'),
  member(S, 'split', 'string_split_string_int', ['string', 'string', 'int'], 'list(string)'),
  member(S, 'substring', 'string_substring_int', ['string', 'int'], 'string'),
  member(S, 'substring', 'string_substring_int_int', ['string', 'int', 'int'], 'string'),
  member(S, 'trim', 'string_trim', ['string'], 'string'),
  member(S, 'upperAscii', 'string_upper_ascii', ['string'], 'string'),
  member(S, 'format', 'string_format', ['string', 'list(dyn)'], 'string'),
  fn(S, 'strings.quote', 'strings_quote', ['string'], 'string'),
  member(S, 'join', 'list_join', ['list(string)'], 'string'),
  member(S, 'join', 'list_join_string', ['list(string)', 'string'], 'string'),
  member(S, 'reverse', 'string_reverse', ['string'], 'string'),
];

/** cel-go `ext.Lists` (latest version; `sortBy` is a macro and not declared). */
const LISTS: Decl[] = [
  member(L, 'slice', 'list_slice', ['list(T)', 'int', 'int'], 'list(T)'),
  member(L, 'flatten', 'list_flatten', ['list(list(T))'], 'list(T)'),
  member(L, 'flatten', 'list_flatten_int', ['list(dyn)', 'int'], 'list(dyn)'),
  ...EXT_COMPARABLE.map((t) => member(L, 'sort', `list_${t}_sort`, [`list(${t})`], `list(${t})`)),
  fn(L, 'lists.range', 'lists_range', ['int'], 'list(int)'),
  member(L, 'reverse', 'list_reverse', ['list(T)'], 'list(T)'),
  member(L, 'distinct', 'list_distinct', ['list(T)'], 'list(T)'),
];

/**
 * `cel.OptionalTypes` plain functions (latest version). `first`/`last` are declared by this library
 * (its version 2), not by `ext.Lists`. `optMap`/`optFlatMap` are macros; `_?._`/`_[?_]` are operators.
 */
const OPTIONALS: Decl[] = [
  fn(O, 'optional.of', 'optional_of', ['V'], 'optional_type(V)'),
  fn(O, 'optional.ofNonZeroValue', 'optional_ofNonZeroValue', ['V'], 'optional_type(V)'),
  fn(O, 'optional.none', 'optional_none', [], 'optional_type(V)'),
  member(O, 'value', 'optional_value', ['optional_type(V)'], 'V'),
  member(O, 'hasValue', 'optional_hasValue', ['optional_type(V)'], 'bool'),
  fn(O, 'optional.unwrap', 'optional_unwrap', ['list(optional_type(V))'], 'list(V)'),
  member(O, 'unwrapOpt', 'optional_unwrapOpt', ['list(optional_type(V))'], 'list(V)'),
  member(O, 'or', 'optional_or_optional', ['optional_type(V)', 'optional_type(V)'], 'optional_type(V)'),
  member(O, 'orValue', 'optional_orValue_value', ['optional_type(V)', 'V'], 'V'),
  member(O, 'first', 'list_first', ['list(V)'], 'optional_type(V)'),
  member(O, 'last', 'list_last', ['list(V)'], 'optional_type(V)'),
];

/** cel-go `ext.Encoders`. */
const ENCODERS: Decl[] = [
  fn(E, 'base64.decode', 'base64_decode_string', ['string'], 'bytes'),
  fn(E, 'base64.encode', 'base64_encode_bytes', ['bytes'], 'string'),
];

/** k8s `library.Lists()` (apiserver `pkg/cel/library/lists.go`). */
const K8S_LISTS: Decl[] = [
  ...K8S_COMPARABLE.map(([n, t]) =>
    member(KL, 'isSorted', `list_${n}_is_sorted_bool`, [`list(${t})`], 'bool'),
  ),
  ...K8S_SUMMABLE.map(([n, t]) => member(KL, 'sum', `list_${n}_sum_${n}`, [`list(${t})`], t)),
  ...K8S_COMPARABLE.map(([n, t]) => member(KL, 'max', `list_${n}_max_${n}`, [`list(${t})`], t)),
  ...K8S_COMPARABLE.map(([n, t]) => member(KL, 'min', `list_${n}_min_${n}`, [`list(${t})`], t)),
  member(KL, 'indexOf', 'list_a_index_of_int', ['list(A)', 'A'], 'int'),
  member(KL, 'lastIndexOf', 'list_a_last_index_of_int', ['list(A)', 'A'], 'int'),
];

/** k8s `library.URLs()`. */
const K8S_URLS: Decl[] = [
  fn(KU, 'url', 'string_to_url', ['string'], URL),
  member(KU, 'getScheme', 'url_get_scheme', [URL], 'string'),
  member(KU, 'getHost', 'url_get_host', [URL], 'string'),
  member(KU, 'getHostname', 'url_get_hostname', [URL], 'string'),
  member(KU, 'getPort', 'url_get_port', [URL], 'string'),
  member(KU, 'getEscapedPath', 'url_get_escaped_path', [URL], 'string'),
  member(KU, 'getQuery', 'url_get_query', [URL], 'map(string, list(string))'),
  fn(KU, 'isURL', 'is_url_string', ['string'], 'bool'),
];

/** k8s `library.Regex()`. */
const K8S_REGEX: Decl[] = [
  member(KR, 'find', 'string_find_string', ['string', 'string'], 'string'),
  member(KR, 'findAll', 'string_find_all_string', ['string', 'string'], 'list(string)'),
  member(KR, 'findAll', 'string_find_all_string_int', ['string', 'string', 'int'], 'list(string)'),
];

/**
 * k8s `library.Quantity()`. `sign` is declared there with `cel.Overload` (a global function), so
 * cel-go accepts `sign(q)` but rejects `q.sign()`, although the library's documentation shows the
 * member form.
 */
const K8S_QUANTITY: Decl[] = [
  fn(KQ, 'quantity', 'string_to_quantity', ['string'], QTY),
  fn(KQ, 'isQuantity', 'is_quantity_string', ['string'], 'bool'),
  fn(KQ, 'sign', 'quantity_sign', [QTY], 'int'),
  member(KQ, 'isGreaterThan', 'quantity_is_greater_than', [QTY, QTY], 'bool'),
  member(KQ, 'isLessThan', 'quantity_is_less_than', [QTY, QTY], 'bool'),
  member(KQ, 'compareTo', 'quantity_compare_to', [QTY, QTY], 'int'),
  member(KQ, 'asApproximateFloat', 'quantity_get_float', [QTY], 'double'),
  member(KQ, 'asInteger', 'quantity_get_int', [QTY], 'int'),
  member(KQ, 'isInteger', 'quantity_is_integer', [QTY], 'bool'),
  member(KQ, 'add', 'quantity_add', [QTY, QTY], QTY),
  member(KQ, 'add', 'quantity_add_int', [QTY, 'int'], QTY),
  member(KQ, 'sub', 'quantity_sub', [QTY, QTY], QTY),
  member(KQ, 'sub', 'quantity_sub_int', [QTY, 'int'], QTY),
];

/** k8s `library.IP()`. */
const K8S_IP: Decl[] = [
  fn(KI, 'ip', 'string_to_ip', ['string'], IP),
  member(KI, 'family', 'ip_family', [IP], 'int'),
  fn(KI, 'ip.isCanonical', 'ip_is_canonical', ['string'], 'bool'),
  member(KI, 'isUnspecified', 'ip_is_unspecified', [IP], 'bool'),
  member(KI, 'isLoopback', 'ip_is_loopback', [IP], 'bool'),
  member(KI, 'isLinkLocalMulticast', 'ip_is_link_local_multicast', [IP], 'bool'),
  member(KI, 'isLinkLocalUnicast', 'ip_is_link_local_unicast', [IP], 'bool'),
  member(KI, 'isGlobalUnicast', 'ip_is_global_unicast', [IP], 'bool'),
  fn(KI, 'isIP', 'is_ip', ['string'], 'bool'),
  fn(KI, 'string', 'ip_to_string', [IP], 'string'),
];

/** k8s `library.CIDR()`. */
const K8S_CIDR: Decl[] = [
  fn(KC, 'cidr', 'string_to_cidr', ['string'], CIDR),
  member(KC, 'containsIP', 'cidr_contains_ip_string', [CIDR, 'string'], 'bool'),
  member(KC, 'containsIP', 'cidr_contains_ip_ip', [CIDR, IP], 'bool'),
  member(KC, 'containsCIDR', 'cidr_contains_cidr_string', [CIDR, 'string'], 'bool'),
  member(KC, 'containsCIDR', 'cidr_contains_cidr', [CIDR, CIDR], 'bool'),
  member(KC, 'ip', 'cidr_ip', [CIDR], IP),
  member(KC, 'prefixLength', 'cidr_prefix_length', [CIDR], 'int'),
  member(KC, 'masked', 'cidr_masked', [CIDR], CIDR),
  fn(KC, 'isCIDR', 'is_cidr', ['string'], 'bool'),
  fn(KC, 'string', 'cidr_to_string', [CIDR], 'string'),
];

/** k8s `library.SemverLib()` (all versions: the normalize overloads are version 1). */
const K8S_SEMVER: Decl[] = [
  fn(KS, 'semver', 'string_to_semver', ['string'], SEMVER),
  fn(KS, 'semver', 'string_bool_to_semver', ['string', 'bool'], SEMVER),
  fn(KS, 'isSemver', 'is_semver_string', ['string'], 'bool'),
  fn(KS, 'isSemver', 'is_semver_string_bool', ['string', 'bool'], 'bool'),
  member(KS, 'isGreaterThan', 'semver_is_greater_than', [SEMVER, SEMVER], 'bool'),
  member(KS, 'isLessThan', 'semver_is_less_than', [SEMVER, SEMVER], 'bool'),
  member(KS, 'compareTo', 'semver_compare_to', [SEMVER, SEMVER], 'int'),
  member(KS, 'major', 'semver_major', [SEMVER], 'int'),
  member(KS, 'minor', 'semver_minor', [SEMVER], 'int'),
  member(KS, 'patch', 'semver_patch', [SEMVER], 'int'),
];

/** kro `pkg/cel/library`: Random, Maps, JSON, Hash, Lists. */
const KRO: Decl[] = [
  fn('kro.Random', 'random.seededString', 'random.seededString_int_string', ['int', 'string'], 'string'),
  fn('kro.Random', 'random.seededInt', 'random.seededInt_int_int_string', ['int', 'int', 'string'], 'int'),
  member('kro.Maps', 'merge', 'map_merge', ['map(K, V)', 'map(K, V)'], 'map(K, V)'),
  fn('kro.JSON', 'json.unmarshal', 'json.unmarshal_string', ['string'], 'dyn'),
  fn('kro.JSON', 'json.marshal', 'json.marshal_dyn', ['dyn'], 'string'),
  fn('kro.Hash', 'hash.fnv64a', 'hash.fnv64a_string', ['string'], 'bytes'),
  fn('kro.Hash', 'hash.sha256', 'hash.sha256_string', ['string'], 'bytes'),
  fn('kro.Hash', 'hash.md5', 'hash.md5_string', ['string'], 'bytes'),
  fn('kro.Lists', 'lists.setAtIndex', 'lists.setAtIndex_list_int_T', ['list(T)', 'int', 'T'], 'list(T)'),
  fn(
    'kro.Lists',
    'lists.insertAtIndex',
    'lists.insertAtIndex_list_int_T',
    ['list(T)', 'int', 'T'],
    'list(T)',
  ),
  fn('kro.Lists', 'lists.removeAtIndex', 'lists.removeAtIndex_list_int', ['list(T)', 'int'], 'list(T)'),
];

/**
 * Every overload of the extension libraries kro enables, grouped by library in the order above. Ids
 * are unique. Frozen.
 */
export const EXTENSION_OVERLOADS: readonly LibraryOverload[] = Object.freeze([
  ...STRINGS,
  ...LISTS,
  ...OPTIONALS,
  ...ENCODERS,
  ...K8S_LISTS,
  ...K8S_URLS,
  ...K8S_REGEX,
  ...K8S_QUANTITY,
  ...K8S_IP,
  ...K8S_CIDR,
  ...K8S_SEMVER,
  ...KRO,
]);

/** The overloads of one function name, member and global alike (empty when unknown). */
export function overloadsNamed(name: string): readonly LibraryOverload[] {
  return EXTENSION_OVERLOADS.filter((o) => o.name === name);
}
