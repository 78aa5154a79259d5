import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateCertificateBundle } from '../../../src/certs/generate.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('generateCertificateBundle', () => {
  const bundle = generateCertificateBundle({
    dnsNames: ['kro-guard.kro-guard.svc', 'localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    validityDays: 10,
  });
  const ca = new X509Certificate(bundle.caCert);
  const cert = new X509Certificate(bundle.cert);

  it('signs the serving certificate with the CA', () => {
    assert.equal(cert.verify(ca.publicKey), true);
    assert.equal(cert.checkIssued(ca), true);
    assert.equal(ca.verify(ca.publicKey), true, 'the CA is self-signed');
  });

  it('does not verify against another CA', () => {
    const other = new X509Certificate(generateCertificateBundle({ dnsNames: ['localhost'] }).caCert);
    assert.equal(cert.verify(other.publicKey), false);
  });

  it('marks the CA as a CA and the serving certificate as a leaf', () => {
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
  });

  it('puts every DNS name and IP address in the subjectAltName', () => {
    assert.equal(cert.checkHost('kro-guard.kro-guard.svc'), 'kro-guard.kro-guard.svc');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('kro-guard.other.svc'), undefined);
    assert.equal(cert.checkIP('10.0.0.1'), undefined);
    assert.match(cert.subjectAltName ?? '', /DNS:kro-guard\.kro-guard\.svc/);
  });

  it('is for server authentication', () => {
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  });

  it('uses the first DNS name as CN by default', () => {
    assert.match(cert.subject, /CN=kro-guard\.kro-guard\.svc/);
    assert.match(cert.issuer, /CN=kro-guard\.kro-guard\.svc CA/);
    assert.equal(cert.issuer, ca.subject);
  });

  it('expires after validityDays and is valid now', () => {
    const now = Date.now();
    const validTo = Date.parse(cert.validTo);
    const validFrom = Date.parse(cert.validFrom);
    assert.ok(Math.abs(validTo - (now + 10 * DAY_MS)) < 60_000, `validTo ${cert.validTo}`);
    assert.ok(validFrom <= now, `validFrom ${cert.validFrom} is in the past`);
    assert.ok(now - validFrom < 10 * 60_000, 'notBefore allows only a few minutes of clock skew');
    assert.ok(Math.abs(Date.parse(ca.validTo) - validTo) < 60_000);
  });

  it('returns private keys that match the certificates', () => {
    assert.equal(cert.checkPrivateKey(createPrivateKey(bundle.key)), true);
    assert.equal(ca.checkPrivateKey(createPrivateKey(bundle.caKey)), true);
    assert.equal(cert.checkPrivateKey(createPrivateKey(bundle.caKey)), false);
    assert.equal(createPublicKey(bundle.key).asymmetricKeyDetails?.modulusLength, 2048);
  });

  it('uses distinct random serial numbers', () => {
    assert.notEqual(cert.serialNumber, ca.serialNumber);
  });

  it('honours commonName', () => {
    const b = generateCertificateBundle({ dnsNames: ['a.example'], commonName: 'webhook' });
    assert.match(new X509Certificate(b.cert).subject, /CN=webhook/);
  });

  it('rejects bad input with a clear error', () => {
    assert.throws(() => generateCertificateBundle({ dnsNames: [] }), /at least one DNS name or IP address/);
    assert.throws(() => generateCertificateBundle({ dnsNames: ['bad_name!'] }), /"bad_name!" is not a valid DNS name/);
    assert.throws(() => generateCertificateBundle({ dnsNames: ['10.0.0.1'] }), /pass it in ipAddresses/);
    assert.throws(
      () => generateCertificateBundle({ dnsNames: ['a'], ipAddresses: ['300.1.1.1'] }),
      /"300.1.1.1" is not a valid IPv4 or IPv6 address/,
    );
    assert.throws(() => generateCertificateBundle({ dnsNames: ['a'], validityDays: 0 }), /validityDays/);
  });
});
