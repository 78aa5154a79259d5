/**
 * The evaluation budget shared by {@link evaluateBounded} and the library functions. Evaluation with
 * cel-js is synchronous, so one active meter per call stack is enough: `evaluateBounded` installs a
 * meter, the library functions charge it, and it is removed when the call returns.
 */

import { EvaluationError } from '@marcbachmann/cel-js';

/** Limits of one bounded evaluation. All counts are plain numbers. */
export interface BudgetLimits {
  /** Maximum evaluation steps (one per AST node evaluation, plus work charged by functions). */
  readonly maxSteps: number;
  /** Maximum number of elements of any list or entries of any map a step produces. */
  readonly maxListSize: number;
  /** Maximum length, in UTF-16 code units (bytes for `bytes`), of any string a step produces. */
  readonly maxStringLength: number;
}

/** Thrown (as a CEL evaluation error) when a budget is exceeded; `code` is `budget_exceeded`. */
export function budgetError(message: string): EvaluationError {
  return new EvaluationError({ code: 'budget_exceeded', message });
}

/** A running meter: counts steps and checks sizes against {@link BudgetLimits}. */
export class Meter {
  readonly limits: BudgetLimits;
  steps = 0;

  constructor(limits: BudgetLimits) {
    this.limits = limits;
  }

  /** Adds `n` steps. @throws EvaluationError `budget_exceeded` past `maxSteps`. */
  charge(n: number): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) {
      throw budgetError(`evaluation exceeded the step budget of ${this.limits.maxSteps}`);
    }
  }

  /** Checks a size about to be produced. @throws EvaluationError `budget_exceeded` when too large. */
  checkList(n: number): void {
    if (n > this.limits.maxListSize) {
      throw budgetError(
        `evaluation produced a list or map of ${n} elements (limit ${this.limits.maxListSize})`,
      );
    }
  }

  /** Checks a string or bytes length about to be produced. @throws EvaluationError `budget_exceeded`. */
  checkString(n: number): void {
    if (n > this.limits.maxStringLength) {
      throw budgetError(
        `evaluation produced a string of ${n} characters (limit ${this.limits.maxStringLength})`,
      );
    }
  }
}

let active: Meter | undefined;

/** The meter of the evaluation in progress, if it is bounded. */
export function activeMeter(): Meter | undefined {
  return active;
}

/** Runs `f` with `meter` active (restoring the previous one afterwards, also on throw). */
export function withMeter<R>(meter: Meter, f: () => R): R {
  const previous = active;
  active = meter;
  try {
    return f();
  } finally {
    active = previous;
  }
}

/** Charges `n` steps to the active meter, if any. */
export function charge(n: number): void {
  active?.charge(n);
}

/** Checks a list/map size against the active meter, if any. */
export function checkListSize(n: number): void {
  active?.checkList(n);
}

/** Checks a string length against the active meter, if any. */
export function checkStringLength(n: number): void {
  active?.checkString(n);
}
