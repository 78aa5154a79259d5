/**
 * The cel-js environment rendering evaluates with: kro's CEL libraries (`createEvaluationEnvironment`)
 * plus `omit()`, which kro registers behind the `CELOmitFunction` feature gate (kro-contract §5.10).
 * One per thread, built on first use.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { createEvaluationEnvironment } from '../../cel/library/index.ts';
import { OMIT_VALUE } from './values.ts';

let shared: Environment | undefined;

/** The rendering environment of this thread (built once, a few milliseconds). */
export function renderEnvironment(): Environment {
  if (shared === undefined) {
    const env = createEvaluationEnvironment();
    env.registerFunction('omit(): dyn', () => OMIT_VALUE);
    shared = env;
  }
  return shared;
}
