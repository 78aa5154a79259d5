/**
 * File I/O for certificate bundles: writing them with safe modes, and reusing or regenerating the
 * development certificates the CLI's `serve` uses when no certificate is given.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generateCertificateBundle, type CertificateBundle } from './generate.ts';

/** File names inside a certificate directory (the names cert-manager and Kubernetes TLS secrets use). */
export const CERTIFICATE_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  cert: 'tls.crt',
  key: 'tls.key',
} as const;

/** Where {@link writeCertificateBundle} put each file (absolute or relative as `dir` was). */
export interface CertificateBundlePaths {
  caCertPath: string;
  certPath: string;
  keyPath: string;
  caKeyPath: string;
}

/** Result of {@link ensureDevelopmentCertificates}. */
export interface DevelopmentCertificates {
  certPath: string;
  keyPath: string;
  caCertPath: string;
  /** True when new certificates were written; false when the existing ones were reused. */
  generated: boolean;
}

/**
 * SANs of the development certificate: loopback for local runs, and the in-cluster names of the
 * `kro-guard` Service in the `kro-guard` namespace.
 */
export const DEFAULT_DEVELOPMENT_NAMES: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  'kro-guard',
  'kro-guard.kro-guard',
  'kro-guard.kro-guard.svc',
  'kro-guard.kro-guard.svc.cluster.local',
];

/** Existing certificates are reused only when they stay valid for longer than this (milliseconds). */
export const REUSE_MIN_REMAINING_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Writes `bundle` into `dir` (created if missing) as `ca.crt`, `ca.key`, `tls.crt`, `tls.key`.
 * Certificates get mode 0644 and keys 0600. Each file is written to a temporary name and renamed,
 * so a reader (the server's certificate reload) never sees a half-written file.
 *
 * @throws the underlying fs error (EACCES, ENOSPC...) when a file cannot be written.
 */
export async function writeCertificateBundle(
  dir: string,
  bundle: CertificateBundle,
): Promise<CertificateBundlePaths> {
  await mkdir(dir, { recursive: true });
  const paths: CertificateBundlePaths = {
    caCertPath: join(dir, CERTIFICATE_FILES.caCert),
    caKeyPath: join(dir, CERTIFICATE_FILES.caKey),
    certPath: join(dir, CERTIFICATE_FILES.cert),
    keyPath: join(dir, CERTIFICATE_FILES.key),
  };
  // Keys first, then certificates, and the serving key just before its certificate: the window in
  // which tls.key and tls.crt do not match is as short as the filesystem allows.
  await writeAtomically(paths.caKeyPath, bundle.caKey, 0o600);
  await writeAtomically(paths.caCertPath, bundle.caCert, 0o644);
  await writeAtomically(paths.keyPath, bundle.key, 0o600);
  await writeAtomically(paths.certPath, bundle.cert, 0o644);
  return paths;
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode); // the umask may have removed bits; make the mode exact
  await rename(tmp, path);
}

/**
 * Returns usable development certificates in `dir`, generating them when needed.
 *
 * The files in `dir` are reused when `ca.crt`, `tls.crt` and `tls.key` all parse, `tls.key` matches
 * `tls.crt`, `tls.crt` is signed by `ca.crt`, it expires more than 30 days from now, and its SANs
 * cover every name asked for. Otherwise a new bundle (365 days) is generated and written. Names in
 * `names` that are IP addresses become IP SANs, the others DNS SANs.
 *
 * @param names SANs wanted; default {@link DEFAULT_DEVELOPMENT_NAMES}.
 * @throws when the directory cannot be created or written, or a name is invalid.
 */
export async function ensureDevelopmentCertificates(
  dir: string,
  names: readonly string[] = DEFAULT_DEVELOPMENT_NAMES,
): Promise<DevelopmentCertificates> {
  const caCertPath = join(dir, CERTIFICATE_FILES.caCert);
  const certPath = join(dir, CERTIFICATE_FILES.cert);
  const keyPath = join(dir, CERTIFICATE_FILES.key);
  if (await isReusable(caCertPath, certPath, keyPath, names)) {
    return { certPath, keyPath, caCertPath, generated: false };
  }
  const bundle = generateCertificateBundle({
    dnsNames: names.filter((n) => isIP(n) === 0),
    ipAddresses: names.filter((n) => isIP(n) !== 0),
    commonName: 'kro-guard',
  });
  const paths = await writeCertificateBundle(dir, bundle);
  return { certPath: paths.certPath, keyPath: paths.keyPath, caCertPath: paths.caCertPath, generated: true };
}

async function isReusable(
  caCertPath: string,
  certPath: string,
  keyPath: string,
  names: readonly string[],
): Promise<boolean> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(caCertPath, 'utf8'),
      readFile(certPath, 'utf8'),
      readFile(keyPath, 'utf8'),
    ]);
    const ca = new X509Certificate(caPem);
    const cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    if (!cert.verify(ca.publicKey)) return false;
    if (Date.parse(cert.validTo) - Date.now() <= REUSE_MIN_REMAINING_MS) return false;
    if (Date.parse(ca.validTo) - Date.now() <= REUSE_MIN_REMAINING_MS) return false;
    return names.every((n) => (isIP(n) === 0 ? cert.checkHost(n) !== undefined : cert.checkIP(n) !== undefined));
  } catch {
    return false; // missing or unparsable files: generate new ones
  }
}
