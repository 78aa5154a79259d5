/** The `certs` command: writes a CA, a serving certificate and its key. */
import { generateCertificateBundle, writeCertificateBundle } from '../certs/index.ts';
import { isIP } from 'node:net';

/** Writes the bundle and prints where; returns the exit code (2 on bad arguments or I/O errors). */
export async function runCerts(
  opts: { dnsName: string[]; ip: string[]; outDir: string; validityDays: string },
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const days = Number(opts.validityDays);
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    err(
      `kro-guard certs: --validity-days must be a whole number from 1 to 3650, got ${JSON.stringify(opts.validityDays)}\n`,
    );
    return 2;
  }
  const badIp = opts.ip.find((a) => isIP(a) === 0);
  if (badIp !== undefined) {
    err(`kro-guard certs: --ip ${JSON.stringify(badIp)} is not an IP address\n`);
    return 2;
  }
  try {
    const bundle = generateCertificateBundle({
      dnsNames: opts.dnsName,
      ipAddresses: opts.ip,
      validityDays: days,
    });
    const paths = await writeCertificateBundle(opts.outDir, bundle);
    out(
      `wrote ${paths.caCertPath}, ${paths.certPath}, ${paths.keyPath} (caBundle: base64 of ${paths.caCertPath})\n`,
    );
    return 0;
  } catch (e) {
    err(`kro-guard certs: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
