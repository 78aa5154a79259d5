export type { RgdCheckOptions, RgdCheckResult } from './types.ts';
export { withRgdDefaults, DEFAULT_GROUP, DEFAULT_SCOPE } from './defaults.ts';
export { checkRgd, isResourceGraphDefinition } from './check.ts';
