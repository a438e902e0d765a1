/**
 * Creates (or renews) the Graph emulator's self-signed certificate at a stable path.
 *
 * Node reads NODE_EXTRA_CA_CERTS only at process start, so the certificate must exist before jest or
 * the bot starts; `npm test` runs this first (`npm run graph:cert`). Both fetch (used by the Graph
 * client) and @azure/identity then trust the emulator without turning TLS checks off.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export const CERT_DIR = path.resolve(__dirname, '..', '..', '.data', 'graph-emulator');
export const CERT_PATH = path.join(CERT_DIR, 'cert.pem');
export const KEY_PATH = path.join(CERT_DIR, 'key.pem');

/** Renew well before expiry so a long-running sandbox never meets an expired certificate. */
const RENEW_WITHIN_DAYS = 14;
const VALID_FOR_DAYS = 365;

export interface EmulatorCertificate {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

function isUsable(certPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const renewAfter = Date.now() + RENEW_WITHIN_DAYS * 24 * 3600 * 1000;
    const san = cert.subjectAltName ?? '';
    return (
      new Date(cert.validTo).getTime() > renewAfter &&
      san.includes('IP Address:127.0.0.1') &&
      san.includes('DNS:localhost')
    );
  } catch {
    return false;
  }
}

export async function ensureEmulatorCertificate(
  dir: string = CERT_DIR,
): Promise<EmulatorCertificate & { created: boolean }> {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (isUsable(cert)) {
      return { certPath, keyPath, cert, key: readFileSync(keyPath, 'utf8'), created: false };
    }
  }

  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALID_FOR_DAYS * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Graph emulator (localhost)' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  mkdirSync(dir, { recursive: true });
  // Another process (a parallel jest worker, the dev script) may race us; the last writer wins
  // with an equally valid pair, and readers only start after `npm run graph:cert` finished.
  writeFileSync(keyPath, pems.private, { mode: 0o600 });
  writeFileSync(certPath, pems.cert);
  return { certPath, keyPath, cert: pems.cert, key: pems.private, created: true };
}

/** Reads the pair without creating it; the test process must not rewrite what it was started with. */
export function readEmulatorCertificate(dir: string = CERT_DIR): EmulatorCertificate {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    throw new Error(
      `Graph emulator certificate missing at ${certPath}. Run \`npm run graph:cert\` first, then start ` +
        `the process with NODE_EXTRA_CA_CERTS=${path.relative(process.cwd(), certPath)}.`,
    );
  }
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

if (require.main === module) {
  ensureEmulatorCertificate()
    .then(({ certPath, created }) => {
      console.log(`${created ? 'Created' : 'Kept'} Graph emulator certificate: ${certPath}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
