import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureDevelopmentCertificates, writeCertificateBundle } from '../../../src/certs/files.ts';
import { generateCertificateBundle } from '../../../src/certs/generate.ts';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kro-guard-certs-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeCertificateBundle', () => {
  it('writes the four files with private keys readable by the owner only', async () => {
    const dir = join(root, 'write', 'nested');
    const bundle = generateCertificateBundle({ dnsNames: ['localhost'] });
    const paths = await writeCertificateBundle(dir, bundle);
    assert.deepEqual(paths, {
      caCertPath: join(dir, 'ca.crt'),
      caKeyPath: join(dir, 'ca.key'),
      certPath: join(dir, 'tls.crt'),
      keyPath: join(dir, 'tls.key'),
    });
    assert.equal(await readFile(paths.certPath, 'utf8'), bundle.cert);
    assert.equal(await readFile(paths.keyPath, 'utf8'), bundle.key);
    assert.equal(await readFile(paths.caCertPath, 'utf8'), bundle.caCert);
    assert.equal(await readFile(paths.caKeyPath, 'utf8'), bundle.caKey);
    assert.equal((await stat(paths.keyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(paths.caKeyPath)).mode & 0o777, 0o600);
    assert.equal((await stat(paths.certPath)).mode & 0o777, 0o644);
  });
});

describe('ensureDevelopmentCertificates', () => {
  it('generates certificates with the default SANs, then reuses them', async () => {
    const dir = join(root, 'dev');
    const first = await ensureDevelopmentCertificates(dir);
    assert.equal(first.generated, true);
    const cert = new X509Certificate(await readFile(first.certPath, 'utf8'));
    for (const host of [
      'localhost',
      'kro-guard',
      'kro-guard.kro-guard',
      'kro-guard.kro-guard.svc',
      'kro-guard.kro-guard.svc.cluster.local',
    ]) {
      assert.equal(cert.checkHost(host), host);
    }
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');

    const second = await ensureDevelopmentCertificates(dir);
    assert.equal(second.generated, false);
    assert.equal(second.certPath, first.certPath);
    assert.equal(await readFile(second.certPath, 'utf8'), cert.toString());
  });

  it('regenerates when the certificate expires within 30 days', async () => {
    const dir = join(root, 'expiring');
    await writeCertificateBundle(
      dir,
      generateCertificateBundle({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 20 }),
    );
    const result = await ensureDevelopmentCertificates(dir, ['localhost', '127.0.0.1']);
    assert.equal(result.generated, true);
    const cert = new X509Certificate(await readFile(result.certPath, 'utf8'));
    assert.ok(Date.parse(cert.validTo) - Date.now() > 300 * 24 * 60 * 60 * 1000);
  });

  it('reuses a certificate valid for more than 30 days that covers the names', async () => {
    const dir = join(root, 'valid40');
    const bundle = generateCertificateBundle({ dnsNames: ['localhost'], validityDays: 40 });
    await writeCertificateBundle(dir, bundle);
    const result = await ensureDevelopmentCertificates(dir, ['localhost']);
    assert.equal(result.generated, false);
    assert.equal(await readFile(result.certPath, 'utf8'), bundle.cert);
  });

  it('regenerates when a requested name is missing from the SANs', async () => {
    const dir = join(root, 'names');
    await writeCertificateBundle(dir, generateCertificateBundle({ dnsNames: ['localhost'] }));
    const result = await ensureDevelopmentCertificates(dir, ['localhost', 'webhook.example']);
    assert.equal(result.generated, true);
    const cert = new X509Certificate(await readFile(result.certPath, 'utf8'));
    assert.equal(cert.checkHost('webhook.example'), 'webhook.example');
  });

  it('regenerates when the files do not parse or the key does not match', async () => {
    const dir = join(root, 'broken');
    const bundle = generateCertificateBundle({ dnsNames: ['localhost'] });
    const paths = await writeCertificateBundle(dir, bundle);
    await writeFile(paths.certPath, 'not a certificate');
    assert.equal((await ensureDevelopmentCertificates(dir, ['localhost'])).generated, true);

    const other = generateCertificateBundle({ dnsNames: ['localhost'] });
    await writeFile(paths.keyPath, other.key);
    assert.equal((await ensureDevelopmentCertificates(dir, ['localhost'])).generated, true);
  });

  it('regenerates when tls.crt is not signed by ca.crt', async () => {
    const dir = join(root, 'foreign-ca');
    const paths = await writeCertificateBundle(dir, generateCertificateBundle({ dnsNames: ['localhost'] }));
    await writeFile(paths.caCertPath, generateCertificateBundle({ dnsNames: ['localhost'] }).caCert);
    assert.equal((await ensureDevelopmentCertificates(dir, ['localhost'])).generated, true);
  });
});
