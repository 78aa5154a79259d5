/**
 * Pure generation of a development/in-cluster certificate authority and a serving certificate for the
 * webhook. No file I/O here: see `files.ts` for writing and reusing bundles.
 *
 * Keys are RSA-2048 made by `node:crypto` (fast, native); node-forge only builds and signs the X.509
 * structures, because Node cannot create certificates and forge's certificate code signs with RSA only
 * (it has no ECDSA signer), which is why RSA is used rather than EC P-256.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A CA and a serving certificate signed by it; every field is a PEM string. */
export interface CertificateBundle {
  /** The CA certificate (`-----BEGIN CERTIFICATE-----`); goes into the webhook's `caBundle`. */
  caCert: string;
  /** The CA's private key, PKCS#8 PEM. Needed only to sign a later serving certificate. */
  caKey: string;
  /** The serving certificate, signed by the CA, with the requested SANs and the serverAuth EKU. */
  cert: string;
  /** The serving certificate's private key, PKCS#8 PEM. */
  key: string;
}

/** Options of {@link generateCertificateBundle}. */
export interface CertificateOptions {
  /** DNS subjectAltNames of the serving certificate (`svc`, `svc.ns.svc`, `*.example.com`...). */
  dnsNames: string[];
  /** IP subjectAltNames (IPv4 or IPv6 text form). */
  ipAddresses?: string[];
  /** Validity of both certificates in days from now; default {@link DEFAULT_VALIDITY_DAYS}. */
  validityDays?: number;
  /** Subject CN of the serving certificate; default the first DNS name (the CA gets `<CN> CA`). */
  commonName?: string;
}

/** Default validity of generated certificates, in days. */
export const DEFAULT_VALIDITY_DAYS = 365;

/** How far `notBefore` is set in the past, to tolerate clock skew between nodes (milliseconds). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** RFC 1123 host name, with an optional leading `*.` wildcard label. */
const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/i;

/**
 * Generates a self-signed CA and a serving certificate signed by it (SHA-256 signatures).
 *
 * The CA has `basicConstraints cA=true` and `keyUsage keyCertSign, cRLSign`; the serving certificate
 * has `cA=false`, `keyUsage digitalSignature, keyEncipherment`, `extKeyUsage serverAuth` and a
 * subjectAltName with every DNS name and IP address given (modern TLS clients, including the
 * Kubernetes API server, ignore the CN). `notBefore` is five minutes in the past.
 *
 * @throws Error when there is no SAN at all, a DNS name is not an RFC 1123 host name (an IP given as
 *   a DNS name is refused: pass it in `ipAddresses`), an IP address does not parse, or
 *   `validityDays` is not a positive finite number.
 */
export function generateCertificateBundle(opts: CertificateOptions): CertificateBundle {
  const dnsNames = opts.dnsNames;
  const ipAddresses = opts.ipAddresses ?? [];
  const validityDays = opts.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    throw new Error('a certificate needs at least one DNS name or IP address');
  }
  for (const name of dnsNames) {
    if (isIP(name) !== 0) throw new Error(`DNS name "${name}" is an IP address: pass it in ipAddresses`);
    if (name.length > 253 || !DNS_NAME.test(name)) throw new Error(`"${name}" is not a valid DNS name`);
  }
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new Error(`"${ip}" is not a valid IPv4 or IPv6 address`);
  }
  if (!Number.isFinite(validityDays) || validityDays <= 0) {
    throw new Error(`validityDays must be a positive number, got ${String(validityDays)}`);
  }
  const commonName = opts.commonName ?? dnsNames[0] ?? ipAddresses[0]!;
  const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
  const notAfter = new Date(Date.now() + validityDays * DAY_MS);

  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = notBefore;
  ca.validity.notAfter = notAfter;
  const caSubject = [{ name: 'commonName', value: `${commonName} CA` }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = serverKeys.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...dnsNames.map((value) => ({ type: 2, value })),
        ...ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCert: toPem(ca),
    caKey: caKeys.pem,
    cert: toPem(cert),
    key: serverKeys.pem,
  };
}

/** PEM text of a certificate with LF line ends (forge writes CRLF; node:crypto and kubectl use LF). */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

interface KeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  /** The private key as PKCS#8 PEM, exactly as node:crypto wrote it. */
  pem: string;
}

/** An RSA-2048 key pair from node:crypto, imported into forge for signing. */
function rsaKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    pem: privateKey,
  };
}

/** A random positive 128-bit serial number in hex (RFC 5280 §4.1.2.2: positive, at most 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
