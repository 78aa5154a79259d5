export { generateCertificateBundle, DEFAULT_VALIDITY_DAYS } from './generate.ts';
export type { CertificateBundle, CertificateOptions } from './generate.ts';
export {
  writeCertificateBundle,
  ensureDevelopmentCertificates,
  CERTIFICATE_FILES,
  DEFAULT_DEVELOPMENT_NAMES,
  REUSE_MIN_REMAINING_MS,
} from './files.ts';
export type { CertificateBundlePaths, DevelopmentCertificates } from './files.ts';
