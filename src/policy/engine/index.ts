export type {
  DecisionPoint,
  EffectiveRule,
  Exemption,
  Finding,
  PolicyMode,
  RuleSelector,
  RuleTarget,
} from './types.ts';
export { evaluateGraph, findingLocation, ruleMatchesKind, type EvaluateOptions } from './evaluate.ts';
export { aggregateWorlds } from './aggregate.ts';
export { controlsText, findingDiagnostics, unknownText } from './report.ts';
