/**
 * Azurite (the Azure Storage emulator, npm `azurite`) on loopback, for the tests and the local
 * sandbox that run the bot on its Azure backend. Each call starts its own Azurite process on free
 * ports (the OS picks them: port 0, read back from Azurite's own start-up lines), keeps its data in
 * the folder the caller gives (so a test can scan what was written to disk), and checks API
 * versions strictly except for the version header (`--skipApiVersionCheck`: the SDK may be newer
 * than the emulator; the request semantics are still Azurite's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Azurite's well-known development account (public, documented; it guards nothing). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Where Azurite keeps its data (its JSON databases and blob extents); created if missing. */
  location: string;
  /** Azurite's access log on stdout; off by default. */
  verbose?: boolean;
}

export interface RunningAzurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  blobEndpoint: string;
  tableEndpoint: string;
  /** A connection string with both endpoints and the development account key. */
  connectionString: string;
  location: string;
  /** Stops the process and waits for it to exit (Azurite saves its databases on the way out). */
  stop(): Promise<void>;
}

const AZURITE_MAIN = join(require.resolve('azurite/package.json'), '..', 'dist', 'src', 'azurite.js');
const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at (http:\/\/\S+)/;

export function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  mkdirSync(options.location, { recursive: true });
  const args = [
    AZURITE_MAIN,
    '--location',
    options.location,
    '--disableTelemetry',
    '--skipApiVersionCheck',
    ...(options.verbose === true ? [] : ['--silent']),
    ...['blob', 'queue', 'table'].flatMap((service) => [
      `--${service}Host`,
      '127.0.0.1',
      `--${service}Port`,
      '0',
    ]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise<RunningAzurite>((resolve, reject) => {
    const urls = new Map<string, string>();
    let output = '';
    const onExit = (code: number | null): void => {
      reject(new Error(`Azurite exited (${String(code)}) before it listened:\n${output}`));
    };
    child.once('exit', onExit);
    child.once('error', reject);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (options.verbose === true) process.stdout.write(text);
      for (const line of text.split('\n')) {
        const match = LISTENING.exec(line);
        if (match) urls.set(match[1] ?? '', match[2] ?? '');
      }
      const blob = urls.get('Blob');
      const table = urls.get('Table');
      if (blob !== undefined && table !== undefined) {
        child.off('exit', onExit);
        resolve(running(child, options.location, blob, table));
      }
    });
  });
}

function running(child: ChildProcess, location: string, blobUrl: string, tableUrl: string): RunningAzurite {
  const blobEndpoint = `${blobUrl}/${AZURITE_ACCOUNT}`;
  const tableEndpoint = `${tableUrl}/${AZURITE_ACCOUNT}`;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    blobEndpoint,
    tableEndpoint,
    location,
    connectionString: azuriteConnectionString(blobEndpoint, tableEndpoint),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A connection string for Azurite's development account at these endpoints. */
export function azuriteConnectionString(blobEndpoint: string, tableEndpoint: string): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `BlobEndpoint=${blobEndpoint}`,
    `TableEndpoint=${tableEndpoint}`,
  ].join(';');
}

/** The bot's settings for the Azure backend on this Azurite, creating its tables and container. */
export function azuriteEnvironment(
  azurite: Pick<RunningAzurite, 'connectionString'>,
  tablePrefix = 'helpdesk',
): Record<string, string> {
  return {
    HELPDESK_STORAGE: 'azure',
    HELPDESK_AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    HELPDESK_AZURE_TABLE_PREFIX: tablePrefix,
    HELPDESK_AZURE_CREATE_RESOURCES: 'true',
  };
}
