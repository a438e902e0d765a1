/**
 * `npm run dev`: the bot on the embedded SQLite default, the Graph emulator with its demo directory
 * (standing in for Microsoft Graph and Entra ID), and the Microsoft 365 Agents Playground, all on
 * loopback. Stops everything on Ctrl+C.
 *
 * `npm run dev:azure` (`--azure`): the same on the Azure backend, against Azurite on loopback with
 * its data in .data/azurite (kept between runs, like the SQLite file).
 *
 * `HELPDESK_DEV_DATA_DIR` moves the sandbox's data (the SQLite file, Azurite's folder) out of .data,
 * so a test can run the launcher without touching the checkout's own sandbox.
 * `HELPDESK_DEV_PLAYGROUND_PORTS=<employee>,<approver>` moves the two playgrounds off 56150 and 56151:
 * those lie in Linux's ephemeral range, where any outgoing connection may hold them for a moment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  CERT_PATH,
  DEMO_DIRECTORY_PATH,
  ensureEmulatorCertificate,
  startGraphEmulator,
} from '../../tools/graph-emulator';
import {
  SANDBOX_APPROVER_PLAYGROUND_PORT,
  SANDBOX_BOT_PORT,
  SANDBOX_PLAYGROUND_PORT,
  sandboxEnvironment,
} from './sandbox';
import { azuriteEnvironment, startAzurite, type RunningAzurite } from '../../tools/azurite/launch';

const root = join(__dirname, '..', '..');
const dataDir = resolve(root, process.env.HELPDESK_DEV_DATA_DIR ?? '.data');
const [employeePort, approverPort] = playgroundPorts(process.env.HELPDESK_DEV_PLAYGROUND_PORTS);

function playgroundPorts(setting: string | undefined): [number, number] {
  if (setting === undefined || setting.trim() === '') {
    return [SANDBOX_PLAYGROUND_PORT, SANDBOX_APPROVER_PLAYGROUND_PORT];
  }
  const ports = setting.split(',').map((part) => Number(part.trim()));
  const [employee, approver] = ports;
  if (ports.length !== 2 || employee === undefined || approver === undefined || !ports.every(isPort)) {
    console.error(
      `[dev] HELPDESK_DEV_PLAYGROUND_PORTS must be two ports, like 56150,56151 (got "${setting}")`,
    );
    process.exit(2);
  }
  return [employee, approver];
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value < 65536;
}
const children: ChildProcess[] = [];
let azurite: RunningAzurite | undefined;

function start(name: string, args: string[], env: NodeJS.ProcessEnv, cwd = root): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    console.log(`[dev] ${name} stopped (${signal ?? code})`);
    shutdown(code ?? 0);
  });
  children.push(child);
  return child;
}

let stopping = false;
/** Waits for a child to be gone (at once if it already is). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Stops every child and Azurite (which writes its databases out on the way), then exits: nothing
 * is left running after Ctrl+C, and a child that does not stop within 10 seconds is killed.
 */
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const force = setTimeout(() => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 10_000);
  void Promise.all([...children.map(exited), azurite?.stop()]).finally(() => {
    clearTimeout(force);
    process.exit(code);
  });
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main(): Promise<void> {
  await ensureEmulatorCertificate();
  const emulator = await startGraphEmulator({ directory: DEMO_DIRECTORY_PATH });
  console.log(`[dev] Graph emulator: ${emulator.url}`);
  if (process.argv.includes('--azure')) {
    azurite = await startAzurite({ location: join(dataDir, 'azurite') });
    console.log(`[dev] Azurite: ${azurite.blobEndpoint} (blob), ${azurite.tableEndpoint} (table)`);
  }

  start('bot', ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
    ...process.env,
    ...sandboxEnvironment,
    HELPDESK_SQLITE_PATH: join(dataDir, 'sandbox.sqlite'),
    ...(azurite === undefined ? {} : azuriteEnvironment(azurite)),
    HELPDESK_GRAPH_BASE_URL: emulator.url,
    AZURE_AUTHORITY_HOST: emulator.url,
    // Read at process start only, which is why the bot runs as a child of this launcher.
    NODE_EXTRA_CA_CERTS: CERT_PATH,
  });

  // The playground has no user switcher: the employee and the approver each get their own, with
  // the identities of .m365agentsplayground.yml in its working directory.
  const playground = (name: string, port: number, cwd: string): void => {
    start(
      name,
      [
        join(root, 'node_modules/@microsoft/m365agentsplayground/cli.js'),
        'start',
        '--app-endpoint',
        `http://127.0.0.1:${SANDBOX_BOT_PORT}/api/messages`,
        '--channel-id',
        'msteams',
        '--port',
        String(port),
        '--disable-telemetry',
      ],
      // Offline: no telemetry, no browser launch (the playground logs to ./devTools/).
      { ...process.env, APPLICATION_INSIGHTS_NO_STATSBEAT: 'true', TEAMSAPPTESTER_BROWSER: 'none' },
      cwd,
    );
  };
  playground('playground (employee)', employeePort, root);
  playground('playground (approver)', approverPort, join(root, 'deploy', 'local', 'approver'));

  console.log(`[dev] bot: http://127.0.0.1:${SANDBOX_BOT_PORT}/healthz`);
  console.log(`[dev] employee (山田 花子): http://localhost:${employeePort}`);
  console.log(`[dev] approver (佐藤 健):   http://localhost:${approverPort}`);
}

main().catch((error: unknown) => {
  console.error('[dev] could not start:', error);
  shutdown(1);
});
