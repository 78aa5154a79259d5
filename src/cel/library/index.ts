/** kro's CEL extension libraries: declarations for the checker, cel-js runtime, bounded evaluation. */

export { EXTENSION_OVERLOADS, overloadsNamed, type LibraryOverload } from './declarations.ts';
export { createEvaluationEnvironment, registerExtensionLibraries } from './register.ts';
export { DEFAULT_LIMITS, evaluateBounded, type BoundedOptions, type BoundedResult } from './evaluate.ts';
