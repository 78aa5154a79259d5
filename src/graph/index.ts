export type { RgdCheckOptions, RgdCheckResult } from './types.ts';
export { withRgdDefaults, DEFAULT_GROUP, DEFAULT_SCOPE } from './defaults.ts';
export { checkRgd } from './check.ts';
export { isResourceGraphDefinition, KRO_GROUP, RGD_KIND, RGD_RESOURCE } from './identify.ts';
export { rgdSchemaSource, rgdGeneratedKind, type RgdKind, type RgdKindSource } from './rgd-source.ts';
export { templateGvks, parseGroupVersion } from './gvks.ts';
