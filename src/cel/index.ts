/** The CEL front end: extraction, parsing, reference inspection and condition rules (kro-contract §5, §8). */

export {
  type ExtractedExpression,
  type Extraction,
  NESTED_EXPRESSION_ERROR,
  extractExpressions,
  templateToCel,
} from './extract.ts';
export { type CelBinaryOp, type CelLiteral, type CelNode, children, walkCel } from './ast.ts';
export {
  MAX_AST_DEPTH,
  MAX_EXPRESSION_CODE_POINTS,
  type ParseOutcome,
  formatCelIssue,
  parseCel,
} from './parse.ts';
export {
  type CelToken,
  type CelTokenKind,
  type SyntaxFinding,
  type SyntaxScan,
  scanCelSyntax,
} from './syntax.ts';
export {
  type Inspection,
  KRO_FUNCTIONS,
  KRO_MEMBER_FUNCTIONS,
  KRO_MEMBER_MACROS,
  inspect,
} from './inspect.ts';
export { macroVariableCount } from './functions.ts';
export {
  KRO_BUILTIN_CONDITION_TYPES,
  checkConditionExpression,
  literalConditionTypes,
} from './conditions.ts';
