import { createEvaluationEnvironment } from '../../../../src/cel/library/register.ts';

export const env = createEvaluationEnvironment();

/** Evaluates an expression with the extension environment. */
export function ev(expr: string, ctx: Record<string, unknown> = {}): unknown {
  return env.evaluate(expr, ctx) as unknown;
}

/** The first line of the error an expression throws (fails when it does not throw). */
export function evError(expr: string): string {
  try {
    env.evaluate(expr);
  } catch (e) {
    return ((e as Error).message.split('\n')[0] ?? '').trim();
  }
  throw new Error(`expected ${expr} to fail`);
}
