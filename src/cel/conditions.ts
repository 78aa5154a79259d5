/**
 * Parse-time and literal rules for `status.conditions` expressions: kro's `runtime.newCondition` macro
 * and the build-time checks of `runtime.newCondition` / `runtime.condition` (kro-contract §5.9).
 */

import { type CelNode, walkCel } from './ast.ts';
import { goQuote } from '../golang/strings.ts';

/** The condition types kro itself writes; the only ones `runtime.condition(schema, 'X')` may read (§5.9). */
export const KRO_BUILTIN_CONDITION_TYPES: ReadonlySet<string> = new Set([
  'InstanceManaged',
  'GraphResolved',
  'ResourcesReady',
  'Ready',
]);

const CONDITION_KEYS: ReadonlySet<string> = new Set(['type', 'status', 'reason', 'message']);
const CONDITION_STATUSES: ReadonlySet<string> = new Set(['True', 'False', 'Unknown']);

type RCall = Extract<CelNode, { op: 'rcall' }>;

/** `runtime.<method>(…)` with exactly `arity` arguments: the calls kro's rules look at. */
function runtimeCall(node: CelNode, method: string, arity: number): RCall | undefined {
  if (node.op !== 'rcall') return undefined;
  const [name, receiver, args] = node.args;
  const onRuntime = receiver.op === 'id' && receiver.args === 'runtime';
  return onRuntime && name === method && args.length === arity ? node : undefined;
}

/** The key of a map entry as kro sees it after its macro: a bare identifier or a string literal. */
function keyName(key: CelNode): string | undefined {
  if (key.op === 'id') return key.args;
  if (key.op === 'value' && key.args.type === 'string') return key.args.value;
  return undefined;
}

/** The literal string value of entry `key` in a map literal, if there is one. */
function literalEntry(map: CelNode, key: string): string | undefined {
  if (map.op !== 'map') return undefined;
  for (const [k, v] of map.args) {
    if (keyName(k) !== key) continue;
    return v.op === 'value' && v.args.type === 'string' ? v.args.value : undefined;
  }
  return undefined;
}

/** kro's `runtime.newCondition` macro rules for one call; like the macro, stops at the first problem. */
function macroError(call: RCall): string | undefined {
  const arg = call.args[2][0]!;
  if (arg.op !== 'map') return 'runtime.newCondition: argument must be a map literal';
  const seen = new Set<string>();
  for (const [key] of arg.args) {
    if (key.op !== 'id') {
      return 'runtime.newCondition: keys must be bare identifiers (type, status, reason, message); quoted or computed keys are not allowed';
    }
    if (!CONDITION_KEYS.has(key.args)) {
      return `runtime.newCondition: unknown key ${goQuote(key.args)} (allowed: type, status, reason, message)`;
    }
    if (seen.has(key.args)) return `runtime.newCondition: duplicate key ${goQuote(key.args)}`;
    seen.add(key.args);
  }
  if (!seen.has('type')) return "runtime.newCondition: 'type' is required";
  if (!seen.has('status')) return "runtime.newCondition: 'status' is required";
  return undefined;
}

/**
 * Checks one `status.conditions` entry (its parsed CEL `ast` and its text `source`, both without the
 * `${…}`) against kro's rules (kro-contract §5.9) and returns kro's error texts, in this order:
 *
 * 1. the `runtime.newCondition` parse-time macro, per call (kro reports these as parse errors): the
 *    argument must be a map literal; keys must be bare identifiers from type/status/reason/message,
 *    without duplicates; `type` and `status` are required.
 * 2. literal values, per call in pre-order: a literal `status` outside True/False/Unknown, an empty
 *    literal `type`; and `runtime.condition(schema, 'X')` with literal X not one of
 *    {@link KRO_BUILTIN_CONDITION_TYPES}: a self-reference when X is in `declaredTypes` (the literal
 *    types declared by all entries, see {@link literalConditionTypes}), otherwise an unknown type.
 *
 * kro stops at the first problem (and skips step 2 when step 1 fails); the first element is the error
 * kro reports, the others are the ones it would report after fixing it. Empty when all rules hold.
 * Calls on other receivers than the identifier `runtime`, and lookups on other objects than `schema`, are
 * not restricted. Pure.
 */
export function checkConditionExpression(
  ast: CelNode,
  source: string,
  declaredTypes: ReadonlySet<string> = new Set(),
): string[] {
  const macroErrors: string[] = [];
  const literalErrors: string[] = [];
  const inExpr = `in expression ${goQuote(source)}`;
  walkCel(ast, (node) => {
    const create = runtimeCall(node, 'newCondition', 1);
    if (create) {
      const problem = macroError(create);
      if (problem !== undefined) macroErrors.push(problem);
      const arg = create.args[2][0]!;
      const status = literalEntry(arg, 'status');
      if (status !== undefined && !CONDITION_STATUSES.has(status)) {
        literalErrors.push(
          `runtime.newCondition: status must be one of True, False, Unknown (got ${goQuote(status)}) ${inExpr}`,
        );
      }
      if (literalEntry(arg, 'type') === '')
        literalErrors.push(`runtime.newCondition: type must not be empty ${inExpr}`);
    }
    const lookup = runtimeCall(node, 'condition', 2);
    if (lookup) {
      const [obj, typeArg] = lookup.args[2] as readonly [CelNode, CelNode];
      const isSchema = obj.op === 'id' && obj.args === 'schema';
      if (isSchema && typeArg.op === 'value' && typeArg.args.type === 'string') {
        const t = typeArg.args.value;
        if (!KRO_BUILTIN_CONDITION_TYPES.has(t)) {
          literalErrors.push(
            declaredTypes.has(t)
              ? `runtime.condition(schema, ${goQuote(t)}): custom conditions cannot reference each other ${inExpr}`
              : `runtime.condition(schema, ${goQuote(t)}): unknown condition type; only kro's built-in types ` +
                  `(InstanceManaged, GraphResolved, ResourcesReady, Ready) can be read from schema ${inExpr}`,
          );
        }
      }
    }
  });
  return [...macroErrors, ...literalErrors];
}

/**
 * The literal `type` values declared by the `runtime.newCondition({type: '…', …})` calls in `ast`,
 * deduplicated, in source order (an empty string included). A type repeated within one entry (e.g. in
 * both branches of `?:`) is listed once. The caller rejects a type found in two entries with
 * `condition type "X" is declared by more than one conditions entry` (kro-contract §5.9). Pure.
 */
export function literalConditionTypes(ast: CelNode): string[] {
  const out = new Set<string>();
  walkCel(ast, (node) => {
    const create = runtimeCall(node, 'newCondition', 1);
    const t = create ? literalEntry(create.args[2][0]!, 'type') : undefined;
    if (t !== undefined) out.add(t);
  });
  return [...out];
}
