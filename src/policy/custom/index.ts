/** Custom CEL rules of CompliancePolicies: their environment, checks, evaluation and adaptation to `Rule`. */
export {
  CUSTOM_RULE_VARIABLES,
  GRAPH_TYPE,
  PARAMS_TYPE,
  customRuleCheckEnvironment,
  customRuleEvaluationEnvironment,
} from './environment.ts';
export { checkCustomRuleExpression, type ExpressionCheck, type ExpressionProblem } from './check.ts';
export {
  compileCustomRule,
  type CompileCustomRuleOptions,
  type CompiledCustomRule,
  type CustomRule,
} from './rule.ts';
export {
  SymbolicMarker,
  celGraph,
  celNumber,
  celObject,
  celParams,
  recordSymbolicReads,
  type SymbolicRead,
} from './values.ts';
