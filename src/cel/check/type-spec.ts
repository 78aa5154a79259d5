/**
 * Parsing the type syntax of overload declarations (cel-go's type names: `int`, `list(T)`,
 * `map(K, V)`, `optional_type(T)`, `google.protobuf.Timestamp`, single capital letters for type
 * parameters, other dotted names as opaque types such as `net.IP`) into {@link CelType}s. Used by the
 * type checker and by the cel-js registration of the extension libraries.
 */
import {
  DYN,
  NULL,
  listOf,
  mapOf,
  optionalOf,
  primitive,
  typeOf,
  type CelType,
  type PrimitiveName,
} from './types.ts';

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'null_type',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
]);

const cache = new Map<string, CelType>();

/**
 * The {@link CelType} of a declaration type string. Cached per string.
 *
 * @throws Error `bad type spec "<s>" …` on a malformed string (a programming error in a declaration
 *   table): unbalanced parentheses, wrong type arguments, an unknown generic (`set(int)`), an unknown
 *   undotted name (`foo`), trailing text.
 */
export function parseTypeSpec(spec: string): CelType {
  let t = cache.get(spec);
  if (t === undefined) {
    const p = { s: spec, i: 0 };
    t = parseAt(p);
    if (p.i !== spec.length) throw new Error(`bad type spec ${JSON.stringify(spec)} at ${p.i}`);
    cache.set(spec, t);
  }
  return t;
}

function parseAt(p: { s: string; i: number }): CelType {
  while (p.s[p.i] === ' ') p.i++;
  const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(p.s.slice(p.i));
  if (m === null) throw new Error(`bad type spec ${JSON.stringify(p.s)} at ${p.i}`);
  const name = m[0];
  p.i += name.length;
  const args: CelType[] = [];
  if (p.s[p.i] === '(') {
    p.i++;
    for (;;) {
      while (p.s[p.i] === ' ') p.i++;
      args.push(parseAt(p));
      while (p.s[p.i] === ' ') p.i++;
      if (p.s[p.i] === ',') {
        p.i++;
        continue;
      }
      if (p.s[p.i] !== ')') throw new Error(`bad type spec ${JSON.stringify(p.s)} at ${p.i}`);
      p.i++;
      break;
    }
  }
  if (name === 'list' && args.length === 1) return listOf(args[0]!);
  if (name === 'map' && args.length === 2) return mapOf(args[0]!, args[1]!);
  if (name === 'optional_type' && args.length === 1) return optionalOf(args[0]!);
  if (name === 'type' && args.length <= 1) return typeOf(args[0]);
  if (args.length > 0 || ['list', 'map', 'optional_type'].includes(name))
    throw new Error(`bad type spec ${JSON.stringify(p.s)}: wrong type arguments for ${name}`);
  if (name === 'dyn') return DYN;
  if (name === 'null_type') return NULL;
  if (PRIMITIVES.has(name)) return primitive(name as PrimitiveName);
  if (/^[A-Z]$/.test(name)) return { kind: 'param', name };
  if (!name.includes('.')) throw new Error(`bad type spec ${JSON.stringify(p.s)}: unknown type ${name}`);
  return { kind: 'opaque', name };
}
