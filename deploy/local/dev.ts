/**
 * `npm run dev`: the bot on the embedded SQLite default plus the Microsoft 365 Agents Playground,
 * both on loopback. Stops both on Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SANDBOX_BOT_PORT, SANDBOX_PLAYGROUND_PORT, sandboxEnvironment } from './sandbox';

const root = join(__dirname, '..', '..');
const children: ChildProcess[] = [];

function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code, signal) => {
    console.log(`[dev] ${name} stopped (${signal ?? code})`);
    shutdown(code ?? 0);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

start('bot', ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
  ...process.env,
  ...sandboxEnvironment,
});

start(
  'playground',
  [
    'node_modules/@microsoft/m365agentsplayground/cli.js',
    'start',
    '--app-endpoint',
    `http://127.0.0.1:${SANDBOX_BOT_PORT}/api/messages`,
    '--channel-id',
    'msteams',
    '--port',
    String(SANDBOX_PLAYGROUND_PORT),
    '--disable-telemetry',
  ],
  // Offline: no telemetry, no browser launch (the playground logs to ./devTools/).
  { ...process.env, APPLICATION_INSIGHTS_NO_STATSBEAT: 'true', TEAMSAPPTESTER_BROWSER: 'none' },
);

console.log(`[dev] bot: http://127.0.0.1:${SANDBOX_BOT_PORT}/healthz`);
console.log(`[dev] open the playground: http://localhost:${SANDBOX_PLAYGROUND_PORT}`);
