/**
 * Registers the runtime of every overload in {@link EXTENSION_OVERLOADS} on a cel-js Environment, and
 * builds the evaluation environment kro-guard uses.
 */

import {
  Environment,
  EvaluationError,
  Optional,
  type RegisterFunctionDeclaration,
} from '@marcbachmann/cel-js';
import { EXTENSION_OVERLOADS, type LibraryOverload } from './declarations.ts';
import { KRO_HANDLERS } from './kro.ts';
import { K8S_MISC_HANDLERS, ParsedURL, Semver } from './k8s-misc.ts';
import { LIST_HANDLERS, typedListHandler } from './lists.ts';
import { CIDRPrefix, IPAddr, NET_HANDLERS } from './net.ts';
import { Quantity, QUANTITY_HANDLERS } from './quantity.ts';
import { STRING_HANDLERS } from './strings.ts';
import { parseTypeSpec } from '../check/type-spec.ts';
import type { CelType } from '../check/types.ts';
import { celEquals, type OpaqueValue } from './values.ts';

type Handler = (...args: never[]) => unknown;

const HANDLERS: Readonly<Record<string, Handler>> = {
  ...STRING_HANDLERS,
  ...LIST_HANDLERS,
  ...QUANTITY_HANDLERS,
  ...NET_HANDLERS,
  ...K8S_MISC_HANDLERS,
  ...KRO_HANDLERS,
};

/**
 * Overloads cel-js 8 already implements the way cel-go does; its built-ins are kept.
 * (`optional.value()` on none fails with cel-js's message `Optional value is not present` instead of
 * cel-go's `optional.none() dereference`.)
 */
export const CEL_JS_BUILTINS_KEPT: ReadonlySet<string> = new Set([
  'optional_of',
  'optional_none',
  'optional_value',
  'optional_hasValue',
  'optional_or_optional',
  'optional_orValue_value',
  'list_join',
  'list_join_string',
]);

/**
 * Overloads cel-js 8 implements differently from cel-go (UTF-16 instead of code-point indexes,
 * Unicode instead of ASCII case mapping, JS instead of Go whitespace, UTF-16 instead of rune splits);
 * they are replaced by kro-guard's.
 */
export const CEL_JS_BUILTINS_REPLACED: ReadonlySet<string> = new Set([
  'string_index_of_string',
  'string_index_of_string_int',
  'string_last_index_of_string',
  'string_last_index_of_string_int',
  'string_lower_ascii',
  'string_upper_ascii',
  'string_trim',
  'string_split_string',
  'string_split_string_int',
  'string_substring_int',
  'string_substring_int_int',
]);

/** The cel-js classes of the opaque Kubernetes types, by cel-go type name. */
export const OPAQUE_TYPES: Readonly<Record<string, abstract new (...args: never[]) => OpaqueValue>> = {
  'net.IP': IPAddr,
  'net.CIDR': CIDRPrefix,
  'kubernetes.URL': ParsedURL,
  'kubernetes.Quantity': Quantity,
  'kubernetes.Semver': Semver,
};

/** The runtime handler of an overload id (member handlers take the receiver first), if any. */
export function handlerFor(id: string): Handler | undefined {
  return HANDLERS[id] ?? typedListHandler(id);
}

/** A declaration type in cel-js's type syntax (`list<T>`, `map<K, V>`, `optional<T>`, `null`). */
export function toCelJsType(t: CelType): string {
  switch (t.kind) {
    case 'list':
      return `list<${toCelJsType(t.elem)}>`;
    case 'optional':
      return `optional<${toCelJsType(t.elem)}>`;
    case 'map':
      return `map<${toCelJsType(t.key)}, ${toCelJsType(t.value)}>`;
    case 'dyn':
    case 'error':
      return 'dyn';
    case 'type':
      return 'type';
    default:
      return t.name === 'null_type' ? 'null' : t.name;
  }
}

/** The cel-js signature an overload is registered under (namespaces become receiver types). */
export function celJsSignature(o: LibraryOverload): string {
  const types = o.params.map((p) => toCelJsType(parseTypeSpec(p)));
  const result = toCelJsType(parseTypeSpec(o.result));
  if (o.member) return `${types[0] ?? 'dyn'}.${o.name}(${types.slice(1).join(', ')}): ${result}`;
  const dot = o.name.lastIndexOf('.');
  if (dot < 0) return `${o.name}(${types.join(', ')}): ${result}`;
  return `${namespaceType(o.name.slice(0, dot))}.${o.name.slice(dot + 1)}(${types.join(', ')}): ${result}`;
}

/** The object form of a cel-js function registration (its signature parser rejects `map<K, V>` receivers). */
function celJsDeclaration(
  o: LibraryOverload,
  handler: (...a: unknown[]) => unknown,
): RegisterFunctionDeclaration {
  const types = o.params.map((p) => toCelJsType(parseTypeSpec(p)));
  const returnType = toCelJsType(parseTypeSpec(o.result));
  const dot = o.name.lastIndexOf('.');
  if (o.member) {
    const params = types.slice(1).map((type) => ({ type }));
    return { name: o.name, receiverType: types[0] ?? 'dyn', returnType, params, handler };
  }
  const params = types.map((type) => ({ type }));
  if (dot < 0) return { name: o.name, returnType, params, handler };
  const receiverType = namespaceType(o.name.slice(0, dot));
  return { name: o.name.slice(dot + 1), receiverType, returnType, params, handler };
}

function namespaceType(ns: string): string {
  return ns === 'optional'
    ? 'OptionalNamespace'
    : `KroGuardNamespace${ns[0]?.toUpperCase() ?? ''}${ns.slice(1)}`;
}

const SAMPLES: Readonly<Record<string, string>> = { string: '""', int: '0' };

interface CandidateList {
  declarations: { signature: string }[];
}

/**
 * Removes a cel-js built-in overload from this environment's function table so a replacement can be
 * registered under the same signature. Relies on cel-js 8 internals (the `candidates` a checked call
 * node carries); throws when they are not as expected, so an upgrade is noticed by the tests.
 */
function removeBuiltin(env: Environment, o: LibraryOverload, signature: string): void {
  const [recv, ...args] = o.params;
  const expr = `${SAMPLES[recv ?? ''] ?? ''}.${o.name}(${args.map((a) => SAMPLES[a] ?? '').join(', ')})`;
  const parsed = env.parse(expr);
  parsed.check();
  const candidates = (parsed.ast as unknown as { candidates?: CandidateList }).candidates;
  const index = candidates?.declarations.findIndex((d) => d.signature === signature) ?? -1;
  if (!candidates || index < 0) {
    throw new Error(`cannot replace the cel-js built-in '${signature}': cel-js internals changed`);
  }
  candidates.declarations.splice(index, 1);
}

/**
 * Registers every extension overload of {@link EXTENSION_OVERLOADS} on `env`: namespace constants
 * (`lists`, `base64`, `strings`, `random`, `json`, `hash`, `ip`; cel-js's own `optional`), the opaque
 * Kubernetes types with `==`, and one cel-js function per overload. cel-js built-ins in
 * {@link CEL_JS_BUILTINS_KEPT} stay; those in {@link CEL_JS_BUILTINS_REPLACED} are replaced.
 *
 * Call once per Environment, before it is cloned (clones of a cel-js Environment rebuild their
 * function table from the parent's registration list, which still holds the replaced built-ins).
 *
 * @throws Error when an overload has no runtime handler or cel-js rejects a registration.
 */
export function registerExtensionLibraries(env: Environment): void {
  for (const [name, ctor] of Object.entries(OPAQUE_TYPES)) {
    env.registerType(name, { ctor: ctor as unknown as new () => object, fields: {} });
    env.registerOperator(`${name} == ${name}`, (a: OpaqueValue, b: OpaqueValue) => a.equals(b));
  }
  const namespaces = new Set(
    EXTENSION_OVERLOADS.filter((o) => !o.member && o.name.includes('.')).map((o) =>
      o.name.slice(0, o.name.lastIndexOf('.')),
    ),
  );
  for (const ns of namespaces) {
    if (ns === 'optional') continue;
    /** The value of a namespace constant such as `lists`; it has no fields. */
    const ctor = class {
      readonly namespace = ns;
    };
    env.registerType(namespaceType(ns), { ctor, fields: {} });
    env.registerConstant(ns, namespaceType(ns), new ctor());
  }
  const replaced: [LibraryOverload, string, (...a: unknown[]) => unknown][] = [];
  for (const o of EXTENSION_OVERLOADS) {
    if (CEL_JS_BUILTINS_KEPT.has(o.id)) continue;
    const h = handlerFor(o.id);
    if (!h) throw new Error(`no runtime handler for overload '${o.id}'`);
    const namespaced = !o.member && o.name.includes('.');
    const handler = (namespaced ? (_ns: unknown, ...args: never[]) => h(...args) : h) as (
      ...a: unknown[]
    ) => unknown;
    if (CEL_JS_BUILTINS_REPLACED.has(o.id)) replaced.push([o, celJsSignature(o), handler]);
    else env.registerFunction(celJsDeclaration(o, handler));
  }
  registerOptionalMacros(env);
  env.registerOperator('optional<A> == optional<A>', (a: unknown, b: unknown) => celEquals(a, b));
  // Replacements last: the environment owns its function table only after its first registration.
  for (const [o, signature, handler] of replaced) {
    removeBuiltin(env, o, signature);
    env.registerFunction(celJsDeclaration(o, handler));
  }
}

interface MacroContext {
  forkWithVariable(name: string, type: unknown): MacroContext;
  reuse(parent: MacroContext): MacroContext;
  setIterValue(v: unknown, ev: unknown): MacroContext;
}
interface MacroChecker {
  check(node: unknown, ctx: MacroContext): { kind: string; valueType?: unknown };
  getType(name: string): unknown;
  registry: { getOptionalType(t: unknown): unknown };
}
interface MacroEvaluator {
  run(node: unknown, ctx: MacroContext): unknown;
}
interface OptMacro {
  receiver: unknown;
  variable: string;
  body: unknown;
  flat: boolean;
  bodyCtx?: MacroContext;
}

/**
 * cel-go's `optMap`/`optFlatMap` macros (`cel.OptionalTypes`), missing from cel-js 8:
 * `o.optMap(v, e)` is `o.hasValue() ? optional.of(e[v := o.value()]) : optional.none()`;
 * `optFlatMap` returns `e` itself, which must be an optional.
 */
function registerOptionalMacros(env: Environment): void {
  for (const flat of [false, true]) {
    const name = flat ? 'optFlatMap' : 'optMap';
    env.registerFunction(`optional.${name}(ast, ast): optional<dyn>`, (({
      args,
      receiver,
    }: {
      args: { op: string; args: unknown }[];
      receiver: unknown;
    }) => {
      const [v, body] = args;
      if (v?.op !== 'id' || typeof v.args !== 'string')
        throw new Error(`${name}() variable name must be a simple identifier`);
      return {
        receiver,
        variable: v.args,
        body,
        flat,
        typeCheck(chk: MacroChecker, m: OptMacro, ctx: MacroContext) {
          const recv = chk.check(m.receiver, ctx);
          const elem = recv.kind === 'optional' ? recv.valueType : chk.getType('dyn');
          m.bodyCtx = ctx.forkWithVariable(m.variable, elem);
          const out = chk.check(m.body, m.bodyCtx);
          if (m.flat)
            return out.kind === 'optional' || out.kind === 'dyn' ? out : chk.registry.getOptionalType(out);
          return chk.registry.getOptionalType(out);
        },
        evaluate(ev: MacroEvaluator, m: OptMacro, ctx: MacroContext) {
          const o = ev.run(m.receiver, ctx);
          if (!(o instanceof Optional)) throw new EvaluationError(`${name}() receiver must be an optional`);
          if (!o.hasValue()) return Optional.none();
          const bodyCtx = m.bodyCtx;
          if (!bodyCtx) throw new EvaluationError(`${name}() was not type-checked`);
          const out = ev.run(m.body, bodyCtx.reuse(ctx).setIterValue(o.value(), ev));
          if (!m.flat) return Optional.of(out);
          if (!(out instanceof Optional)) throw new EvaluationError(`${name}() must return an optional`);
          return out;
        },
      };
    }) as never);
  }
}

/**
 * A cel-js Environment configured like kro-guard's parser (src/cel/parse.ts: optional types on,
 * mixed aggregate literals allowed, undeclared variables `dyn`) with all extension libraries
 * registered. Each call builds a new environment (a few milliseconds); reuse it.
 */
export function createEvaluationEnvironment(): Environment {
  const env = new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    unlistedVariablesAreDyn: true,
    limits: {
      maxAstNodes: 100_000,
      maxDepth: 250,
      maxListElements: 100_000,
      maxMapEntries: 100_000,
      maxCallArguments: 100_000,
    },
  });
  registerExtensionLibraries(env);
  return env;
}
