/**
 * The overloads of the CEL standard library (cel-go v0.31 `checker/decls` and `stdlib`), and of
 * `cel.OptionalTypes`' plain functions, as the type checker sees them. Operators are named as in
 * cel-go (`_+_`, `_==_`, `_[_]`, `@in`, `!_`, `-_`). Macros are the checker's own.
 */

/** One overload: `[id, name, member, params, result]`; params and result in the type-spec syntax. */
type Row = readonly [id: string, name: string, member: boolean, params: readonly string[], result: string];

/** One overload of a CEL function, in the shape of the extension libraries' declarations. */
export interface OverloadDecl {
  readonly id: string;
  readonly name: string;
  readonly member: boolean;
  readonly params: readonly string[];
  readonly result: string;
}

const TS = 'google.protobuf.Timestamp';
const DUR = 'google.protobuf.Duration';
const NUMERIC = ['int', 'uint', 'double'] as const;
const ORDERED = ['bool', 'int', 'uint', 'double', 'string', 'bytes', TS, DUR] as const;

function rows(): Row[] {
  const out: Row[] = [];
  const op = (name: string, params: string[], result: string, id: string): void => {
    out.push([id, name, false, params, result]);
  };
  for (const t of [...NUMERIC, 'string', 'bytes']) op('_+_', [t, t], t, `add_${t}`);
  op('_+_', ['list(A)', 'list(A)'], 'list(A)', 'add_list');
  op('_+_', [TS, DUR], TS, 'add_timestamp_duration');
  op('_+_', [DUR, TS], TS, 'add_duration_timestamp');
  op('_+_', [DUR, DUR], DUR, 'add_duration_duration');
  for (const t of NUMERIC) op('_-_', [t, t], t, `subtract_${t}`);
  op('_-_', [TS, TS], DUR, 'subtract_timestamp_timestamp');
  op('_-_', [TS, DUR], TS, 'subtract_timestamp_duration');
  op('_-_', [DUR, DUR], DUR, 'subtract_duration_duration');
  for (const t of NUMERIC) {
    op('_*_', [t, t], t, `multiply_${t}`);
    op('_/_', [t, t], t, `divide_${t}`);
  }
  op('_%_', ['int', 'int'], 'int', 'modulo_int64');
  op('_%_', ['uint', 'uint'], 'uint', 'modulo_uint64');
  op('-_', ['int'], 'int', 'negate_int64');
  op('-_', ['double'], 'double', 'negate_double');
  op('!_', ['bool'], 'bool', 'logical_not');
  for (const name of ['_<_', '_<=_', '_>_', '_>=_']) {
    for (const t of ORDERED) op(name, [t, t], 'bool', `${name}_${t}`);
    // Cross-type numeric comparisons (cel-go's default since v0.10).
    for (const a of NUMERIC)
      for (const b of NUMERIC) if (a !== b) op(name, [a, b], 'bool', `${name}_${a}_${b}`);
  }
  op('_==_', ['A', 'A'], 'bool', 'equals');
  op('_!=_', ['A', 'A'], 'bool', 'not_equals');
  op('_[_]', ['list(A)', 'int'], 'A', 'index_list');
  op('_[_]', ['map(K, V)', 'K'], 'V', 'index_map');
  op('_[_]', ['optional_type(list(A))', 'int'], 'optional_type(A)', 'optional_list_index_int');
  op('_[_]', ['optional_type(map(K, V))', 'K'], 'optional_type(V)', 'optional_map_index_value');
  op('@in', ['A', 'list(A)'], 'bool', 'in_list');
  op('@in', ['A', 'map(A, B)'], 'bool', 'in_map');

  const fn = (id: string, name: string, params: string[], result: string): void => {
    out.push([id, name, false, params, result]);
  };
  const member = (id: string, name: string, params: string[], result: string): void => {
    out.push([id, name, true, params, result]);
  };
  for (const t of ['string', 'bytes', 'list(A)', 'map(A, B)']) {
    const k = t.replace(/\(.*/, '');
    fn(`size_${k}`, 'size', [t], 'int');
    member(`${k}_size`, 'size', [t], 'int');
  }
  for (const t of ['int', 'uint', 'double', 'string', TS, DUR]) fn(`int_${t}`, 'int', [t], 'int');
  for (const t of ['int', 'uint', 'double', 'string']) fn(`uint_${t}`, 'uint', [t], 'uint');
  for (const t of ['int', 'uint', 'double', 'string']) fn(`double_${t}`, 'double', [t], 'double');
  for (const t of ['int', 'uint', 'double', 'bool', 'string', 'bytes', TS, DUR])
    fn(`string_${t}`, 'string', [t], 'string');
  for (const t of ['string', 'bytes']) fn(`bytes_${t}`, 'bytes', [t], 'bytes');
  for (const t of ['string', 'bool']) fn(`bool_${t}`, 'bool', [t], 'bool');
  fn('to_dyn', 'dyn', ['A'], 'dyn');
  fn('type', 'type', ['A'], 'type(A)');
  fn('string_to_duration', 'duration', ['string'], DUR);
  fn('duration_to_duration', 'duration', [DUR], DUR);
  fn('string_to_timestamp', 'timestamp', ['string'], TS);
  fn('int64_to_timestamp', 'timestamp', ['int'], TS);
  fn('timestamp_to_timestamp', 'timestamp', [TS], TS);
  for (const name of ['contains', 'startsWith', 'endsWith', 'matches'])
    member(`${name}_string`, name, ['string', 'string'], 'bool');
  fn('matches', 'matches', ['string', 'string'], 'bool');
  for (const name of [
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
  ]) {
    member(`timestamp_${name}`, name, [TS], 'int');
    member(`timestamp_${name}_with_tz`, name, [TS, 'string'], 'int');
  }
  for (const name of ['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'])
    member(`duration_${name}`, name, [DUR], 'int');

  // cel.OptionalTypes (the functions; optMap/optFlatMap are macros).
  fn('optional_of', 'optional.of', ['V'], 'optional_type(V)');
  fn('optional_ofNonZeroValue', 'optional.ofNonZeroValue', ['V'], 'optional_type(V)');
  fn('optional_none', 'optional.none', [], 'optional_type(V)');
  member('optional_hasValue', 'hasValue', ['optional_type(V)'], 'bool');
  member('optional_value', 'value', ['optional_type(V)'], 'V');
  member('optional_or_optional', 'or', ['optional_type(V)', 'optional_type(V)'], 'optional_type(V)');
  member('optional_orValue_value', 'orValue', ['optional_type(V)', 'V'], 'V');
  fn('optional_unwrap', 'optional.unwrap', ['list(optional_type(V))'], 'list(V)');
  member('optional_unwrapOpt', 'unwrapOpt', ['list(optional_type(V))'], 'list(V)');
  return out;
}

/** The standard library's overloads (operators included), in declaration order. */
export const STANDARD_OVERLOADS: readonly OverloadDecl[] = rows().map(
  ([id, name, member, params, result]) => ({
    id,
    name,
    member,
    params,
    result,
  }),
);
