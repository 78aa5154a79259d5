/**
 * The type syntax of {@link LibraryOverload} declarations (cel-go's type names) and its parser.
 */

/**
 * A parsed declaration type.
 *
 * - `primitive`: `int`, `uint`, `double`, `bool`, `string`, `bytes`, `null_type`, `dyn`, `type`,
 *   `google.protobuf.Timestamp`, `google.protobuf.Duration`.
 * - `param`: a type parameter, a single capital letter (`T`, `K`, `V`, `A`).
 * - `opaque`: any other (dotted) name, e.g. `net.IP`, `kubernetes.Quantity`.
 * - `list`, `map`, `optional`: `list(T)`, `map(K, V)`, `optional_type(T)`.
 */
export type TypeSyntax =
  | { kind: 'primitive' | 'param' | 'opaque'; name: string }
  | { kind: 'list'; elem: TypeSyntax }
  | { kind: 'map'; key: TypeSyntax; value: TypeSyntax }
  | { kind: 'optional'; elem: TypeSyntax };

/** The names {@link parseTypeSyntax} reads as `primitive`. */
export const PRIMITIVE_TYPE_NAMES: ReadonlySet<string> = new Set([
  'int',
  'uint',
  'double',
  'bool',
  'string',
  'bytes',
  'null_type',
  'dyn',
  'type',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parses one type written in the declaration syntax (`list(map(string, V))`, `optional_type(T)`,
 * `net.IP`, ...). Whitespace around names and commas is ignored.
 *
 * @throws Error `invalid type syntax "<s>": <reason>` on anything else (unbalanced parentheses, wrong
 *   number of type arguments, an unknown generic such as `set(int)`, an empty or malformed name).
 */
export function parseTypeSyntax(s: string): TypeSyntax {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new Error(`invalid type syntax "${s}": ${reason}`);
  };
  const skipSpace = (): void => {
    while (pos < s.length && s[pos] === ' ') pos++;
  };
  const parse = (): TypeSyntax => {
    skipSpace();
    const start = pos;
    while (pos < s.length && /[A-Za-z0-9_.]/.test(s[pos] ?? '')) pos++;
    const name = s.slice(start, pos);
    if (!NAME.test(name)) fail(`bad name "${name}" at ${start}`);
    skipSpace();
    if (s[pos] !== '(') {
      if (/^[A-Z]$/.test(name)) return { kind: 'param', name };
      if (PRIMITIVE_TYPE_NAMES.has(name)) return { kind: 'primitive', name };
      if (!name.includes('.')) fail(`unknown type name "${name}"`);
      return { kind: 'opaque', name };
    }
    pos++;
    const args: TypeSyntax[] = [parse()];
    skipSpace();
    while (s[pos] === ',') {
      pos++;
      args.push(parse());
      skipSpace();
    }
    if (s[pos] !== ')') fail(`expected ")" at ${pos}`);
    pos++;
    const [a, b] = args;
    if (name === 'list' && args.length === 1 && a) return { kind: 'list', elem: a };
    if (name === 'optional_type' && args.length === 1 && a) return { kind: 'optional', elem: a };
    if (name === 'map' && args.length === 2 && a && b) return { kind: 'map', key: a, value: b };
    return fail(`"${name}" does not take ${args.length} type argument(s)`);
  };
  const result = parse();
  skipSpace();
  if (pos !== s.length) fail(`unexpected "${s.slice(pos)}"`);
  return result;
}

/** Writes a {@link TypeSyntax} back in the declaration syntax (`map(K, V)`, one space after commas). */
export function formatTypeSyntax(t: TypeSyntax): string {
  switch (t.kind) {
    case 'list':
      return `list(${formatTypeSyntax(t.elem)})`;
    case 'optional':
      return `optional_type(${formatTypeSyntax(t.elem)})`;
    case 'map':
      return `map(${formatTypeSyntax(t.key)}, ${formatTypeSyntax(t.value)})`;
    default:
      return t.name;
  }
}
