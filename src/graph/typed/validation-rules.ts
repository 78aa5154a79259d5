/**
 * Compiling `x-kubernetes-validations` rules of the generated CRD as the API server will when kro
 * creates it (kro-contract §6.2): `self` (and `oldSelf` for transition rules) typed from the schema
 * the rule sits on.
 */
import { formatCelIssue, parseCel } from '../../cel/index.ts';
import { checkCel, schemaToCelType } from '../../cel/check/index.ts';
import type { OpenAPISchema } from '../../schemas/prune.ts';
import { kroOverloads } from './environment.ts';

/**
 * Undefined when `rule` compiles against `schema`, else the API server's reason:
 * `compilation failed: <cel-go issues>`. kro-guard's environment is kro's (a superset of the API
 * server's CEL libraries for the functions rules use), with the same leniency as the typed checks.
 */
export function compileValidationRule(rule: string, schema: OpenAPISchema): string | undefined {
  const parsed = parseCel(rule);
  if (parsed.kind === 'unsupported') return undefined;
  if (parsed.kind === 'error') return `compilation failed: ${parsed.message}`;
  const self = schemaToCelType(schema, 'self');
  const variables = new Map([
    ['self', self],
    ['oldSelf', self],
  ]);
  const r = checkCel(parsed.ast, { variables, overloads: kroOverloads(), undeclaredIsError: true });
  if (r.issues.length > 0)
    return `compilation failed: ${r.issues.map((i) => formatCelIssue(rule, i.message, i.offset)).join('\n')}`;
  const t = r.type;
  const ok = t.kind === 'dyn' || t.kind === 'error' || (t.kind === 'primitive' && t.name === 'bool');
  return ok ? undefined : 'compilation failed: cel expression must evaluate to a bool';
}
