import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts `src/index.ts` the way `npm run dev` does (ts-node), and waits for its "listening" line
 * (so LOG_LEVEL must be info or more verbose).
 */
export async function startProcess(
  env: Record<string, string | undefined>,
  /** A safety net for a bot that never says it listens, not a timing assertion. */
  startTimeoutMs = 120_000,
): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bot did not start: ${lines.join('\n')}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer): void => {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      if (lines.some((line) => line.includes('bot listening'))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code}: ${lines.join('\n')}`));
    });
  });
  return { child, lines };
}

/** The most memory a process has held so far (VmHWM, Linux), in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** A bot started by `startBotProcess`: its HTTP endpoint, its output, and ways to end it. */
export interface BotProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Every line the bot wrote (pino JSON at LOG_LEVEL=info). */
  readonly lines: string[];
  post(body: unknown): Promise<Response>;
  /** SIGTERM, as App Service stops an instance; resolves once it exited (at once if it already had). */
  stop(): Promise<void>;
  /** SIGKILL: the instance dies mid-work, with no chance to release or record anything. */
  kill(): Promise<void>;
}

/** Starts `src/index.ts` on a free loopback port with `env` (PORT is chosen here). */
export async function startBotProcess(
  env: Record<string, string | undefined>,
  startTimeoutMs?: number,
): Promise<BotProcess> {
  const port = await freePort();
  const { child, lines } = await startProcess({ ...env, PORT: String(port) }, startTimeoutMs);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    pid: child.pid ?? -1,
    url,
    lines,
    post: (body) =>
      fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}
