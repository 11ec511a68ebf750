import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint of the certificate, colon-separated hex: what stations pin. */
  fingerprint: string;
  /** True when this start made the certificate. */
  created: boolean;
  certPath: string;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/**
 * The configured certificate, or the self-signed one in the data dir, made on first start.
 * Stations pin its fingerprint at enrollment, so it is kept, not remade, on later starts.
 */
export async function loadOrCreateTls(options: {
  dataDir: string;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): Promise<TlsMaterial> {
  if (options.certFile && options.keyFile) {
    const cert = readFileSync(options.certFile, 'utf8');
    const key = readFileSync(options.keyFile, 'utf8');
    return {
      cert,
      key,
      fingerprint: fingerprintOf(cert),
      created: false,
      certPath: options.certFile,
    };
  }
  const dir = join(options.dataDir, 'tls');
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    return {
      cert,
      key: readFileSync(keyPath, 'utf8'),
      fingerprint: fingerprintOf(cert),
      created: false,
      certPath,
    };
  }
  mkdirSync(dir, { recursive: true });
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 10);
  // Loaded only to make a certificate (once per data directory): it is the largest part of
  // what commands that open the database would otherwise load.
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate(
    [{ name: 'commonName', value: `ordertrace ${hostname()}` }],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: notAfter,
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 2, value: hostname() },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return {
    cert: pems.cert,
    key: pems.private,
    fingerprint: fingerprintOf(pems.cert),
    created: true,
    certPath,
  };
}
