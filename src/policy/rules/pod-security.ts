/**
 * The Pod Security Standards rules, one per Pod Security Admission check id (compliance-catalogue
 * §2.6): `PSS-hostNamespaces`, `PSS-runAsNonRoot`, ... See `pss-baseline.ts` and
 * `pss-restricted.ts`; a profile enabling the baseline (or restricted) level enables the
 * corresponding list.
 */
import type { Rule } from '../types.ts';
import { PSS_BASELINE_RULES } from './pss-baseline.ts';
import { PSS_RESTRICTED_RULES } from './pss-restricted.ts';

export { PSS_BASELINE_RULES } from './pss-baseline.ts';
export { PSS_RESTRICTED_RULES } from './pss-restricted.ts';

/** Every PSS rule: the baseline checks, then the restricted ones. */
export const PSS_RULES: readonly Rule[] = [...PSS_BASELINE_RULES, ...PSS_RESTRICTED_RULES];
