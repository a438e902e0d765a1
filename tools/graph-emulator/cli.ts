/**
 * `npm run graph:emulator [-- --port 8443] [--directory path/to/directory.json]`
 *
 * Starts the emulator with the demo directory until interrupted. The bot (or anything else using
 * @azure/identity and the Graph client) must be started with NODE_EXTRA_CA_CERTS pointing at the
 * printed certificate, because Node reads that variable only at process start.
 */
import path from 'node:path';
import { ensureEmulatorCertificate } from './ensure-cert';
import { DEMO_DIRECTORY_PATH } from './index';
import { startGraphEmulator } from './server';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const certificate = await ensureEmulatorCertificate();
  const port = Number(argument('port') ?? 0);
  const directory = path.resolve(argument('directory') ?? DEMO_DIRECTORY_PATH);
  const emulator = await startGraphEmulator({ directory, port, certificate });
  const certRelative = path.relative(process.cwd(), certificate.certPath);
  console.log(emulator.url);
  console.log(`  directory:   ${path.relative(process.cwd(), directory)} (tenant ${emulator.tenantId})`);
  console.log(`  Graph base:  ${emulator.url}/v1.0   authority host: ${emulator.url}`);
  console.log('  credentials: any client id and secret are accepted for this tenant');
  console.log(`  trust it:    NODE_EXTRA_CA_CERTS=${certRelative} (set before the client process starts)`);

  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
