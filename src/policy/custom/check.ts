/**
 * Compile-time checks of a custom rule expression: it must parse (kro-guard's CEL parser, with
 * cel-go's positions), type-check in the custom rule environment (only `object`, `graph`, `params`;
 * known functions; `params` and `graph` fields spelled right), return `bool` (or `dyn`, checked when
 * evaluated), and be accepted by the cel-js evaluator that will run it.
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import { checkCel, formatType } from '../../cel/check/index.ts';
import { formatCelIssue, parseCel } from '../../cel/parse.ts';
import { customRuleCheckEnvironment, customRuleEvaluationEnvironment } from './environment.ts';

/** One problem of an expression; `code` is a diagnostic code, `message` cel-go style with position. */
export interface ExpressionProblem {
  code: 'policy/custom-rule-syntax' | 'policy/custom-rule-type' | 'policy/custom-rule-not-bool';
  message: string;
}

/** Outcome of {@link checkCustomRuleExpression}: the evaluator's parse result, or every problem found. */
export type ExpressionCheck =
  { ok: true; parsed: ParseResult } | { ok: false; problems: ExpressionProblem[] };

/**
 * Checks `expression` as described in the module comment. Messages carry cel-go positions
 * (`ERROR: <input>:1:8: undefined field 'allowedRegistry'`). Pure apart from building the shared
 * environments on first use; never throws.
 */
export function checkCustomRuleExpression(expression: string): ExpressionCheck {
  const parsed = parseCel(expression);
  if (parsed.kind !== 'ok') {
    return { ok: false, problems: [{ code: 'policy/custom-rule-syntax', message: parsed.message }] };
  }
  const checked = checkCel(parsed.ast, customRuleCheckEnvironment());
  if (checked.issues.length > 0) {
    return {
      ok: false,
      problems: checked.issues.map((i) => ({
        code: 'policy/custom-rule-type',
        message: formatCelIssue(expression, i.message, i.offset),
      })),
    };
  }
  const t = checked.type;
  if (!(t.kind === 'dyn' || (t.kind === 'primitive' && t.name === 'bool'))) {
    return {
      ok: false,
      problems: [
        {
          code: 'policy/custom-rule-not-bool',
          message: `expression returns ${formatType(t)}, not bool (true means compliant)`,
        },
      ],
    };
  }
  try {
    const env = customRuleEvaluationEnvironment();
    const result = env.parse(expression);
    const own = result.check();
    if (!own.valid) {
      const message = own.error?.message.split('\n')[0] ?? 'type check failed';
      return { ok: false, problems: [{ code: 'policy/custom-rule-type', message }] };
    }
    return { ok: true, parsed: result };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    return { ok: false, problems: [{ code: 'policy/custom-rule-syntax', message }] };
  }
}
