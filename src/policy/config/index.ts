/**
 * kro-guard's configuration resources (`kro-guard.io/v1alpha1` CompliancePolicy and
 * ComplianceException): their types, validation, and compilation into a {@link PolicySet}.
 */
export * from './types.ts';
export { compileGlobs, globMatch, isGlob, type GlobMatcher } from './glob.ts';
export { MAX_PARAMETER_ITEMS, PARAMETER_FIELDS, mergeParameters } from './parameters.ts';
export {
  MAX_CUSTOM_RULES,
  MAX_EXPRESSION_LENGTH,
  parsePolicyResource,
  type ParsePolicyOptions,
  type ParsedPolicy,
} from './parse-policy.ts';
export {
  MIN_REASON_LENGTH,
  parseExceptionResource,
  type ParseExceptionOptions,
  type ParsedException,
} from './parse-exception.ts';
export {
  compileExceptionMatch,
  compileKindPatterns,
  compilePolicyMatch,
  labelSelectorMatches,
  type MatchAssumption,
  type PolicyMatchOutcome,
} from './match.ts';
export {
  compilePolicySet,
  type CompilePolicySetOptions,
  type CompiledPolicy,
  type EffectiveRule,
  type ExemptionRef,
  type PolicySet,
  type SelectedRule,
} from './compile.ts';
export { DEFAULT_POLICY_NAME, DEFAULT_POLICY_YAML_PATH, loadDefaultPolicy } from './default-policy.ts';
