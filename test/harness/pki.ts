/**
 * The throwaway PKI of a test control plane, made in-process (no openssl): the CA and the API server's
 * serving certificate come from kro-guard's own `src/certs` (`generateCertificateBundle`,
 * `writeCertificateBundle`); the admin client certificate is signed by that CA with node-forge (the
 * library `src/certs` uses), because `src/certs` makes serving certificates only; the
 * service-account signing key is an EC P-256 key from `node:crypto`.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import forge from 'node-forge';
import { generateCertificateBundle, writeCertificateBundle } from '../../src/certs/index.ts';

/** Files (absolute paths) and PEM texts of a control plane's PKI. */
export interface ControlPlanePki {
  /** CA certificate: trusted for the API server's serving certificate and for client certificates. */
  caCertPath: string;
  /** API server serving certificate (SANs `127.0.0.1`, `localhost`, `kubernetes.default.svc`...). */
  apiserverCertPath: string;
  apiserverKeyPath: string;
  /** Admin client certificate: CN `kro-guard-e2e-admin`, O `system:masters`, EKU clientAuth. */
  adminCertPath: string;
  adminKeyPath: string;
  /** Service-account token signing key (PKCS#8 PEM) and its public key (SPKI PEM). */
  serviceAccountKeyPath: string;
  serviceAccountPublicKeyPath: string;
  /** PEM texts of the CA certificate and the admin credentials (for kubeconfigs and HTTPS clients). */
  caCert: string;
  adminCert: string;
  adminKey: string;
}

/** User name (CN) of the admin client certificate. */
export const ADMIN_USER = 'kro-guard-e2e-admin';

const VALIDITY_DAYS = 2;

/**
 * Writes a new PKI into `dir` (which must exist): `ca.crt`, `ca.key`, `tls.crt`/`tls.key` (API
 * server), `admin.crt`/`admin.key`, `sa.key`/`sa.pub`. Private keys get mode 0600. Takes about
 * 0.1-0.5 s (three RSA-2048 keys).
 */
export async function writeControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const bundle = generateCertificateBundle({
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1'],
    validityDays: VALIDITY_DAYS,
  });
  const paths = await writeCertificateBundle(dir, bundle);
  const admin = signClientCertificate(bundle.caCert, bundle.caKey, ADMIN_USER, ['system:masters']);
  const adminCertPath = join(dir, 'admin.crt');
  const adminKeyPath = join(dir, 'admin.key');
  await writeFile(adminKeyPath, admin.key, { mode: 0o600 });
  await writeFile(adminCertPath, admin.cert, { mode: 0o644 });

  const sa = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const serviceAccountKeyPath = join(dir, 'sa.key');
  const serviceAccountPublicKeyPath = join(dir, 'sa.pub');
  await writeFile(serviceAccountKeyPath, sa.privateKey, { mode: 0o600 });
  await writeFile(serviceAccountPublicKeyPath, sa.publicKey, { mode: 0o644 });

  return {
    caCertPath: paths.caCertPath,
    apiserverCertPath: paths.certPath,
    apiserverKeyPath: paths.keyPath,
    adminCertPath,
    adminKeyPath,
    serviceAccountKeyPath,
    serviceAccountPublicKeyPath,
    caCert: bundle.caCert,
    adminCert: admin.cert,
    adminKey: admin.key,
  };
}

/**
 * A client certificate for `user` in `groups` (Kubernetes reads the CN as the user name and each O as
 * a group), signed by the CA given as PEM certificate and PKCS#8 key. Key: RSA-2048 from node:crypto
 * (forge can only encode RSA public keys). Returns PEM texts `{cert, key}`.
 */
export function signClientCertificate(
  caCertPem: string,
  caKeyPem: string,
  user: string,
  groups: string[],
): { cert: string; key: string } {
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  cert.setSubject([
    ...groups.map((value) => ({ name: 'organizationName', value })),
    { name: 'commonName', value: user },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keys.privateKey };
}
