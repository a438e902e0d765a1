/**
 * `npm run dev` / `npm run dev:azure` as a test runs it: the real launcher (deploy/local/dev.ts) as
 * a child process, the way npm starts it, with its data in a folder of the test's own. Its output is
 * collected to learn what it started (Azurite's endpoints are chosen by the OS), and the processes
 * it started are found in /proc (Linux), so the test can check that Ctrl+C leaves none behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface DevLauncher {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the launcher and its children printed so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (rejects if the launcher exits first). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Ctrl+C: SIGINT to the launcher only; resolves with how it exited. */
  interrupt(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDevLauncher(args: readonly string[], env: NodeJS.ProcessEnv): DevLauncher {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'deploy/local/dev.ts', ...args],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    listeners.forEach((listener) => listener());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? -1,
    output: () => text,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = (): void => {
          const match = pattern.exec(text);
          if (match) {
            done();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`the launcher never printed ${String(pattern)}:\n${text}`));
        }, timeoutMs);
        void exit.then(({ code, signal }) => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`the launcher exited (${signal ?? code}) before ${String(pattern)}:\n${text}`));
        });
        listeners.add(check);
        check();
      }),
    interrupt: async (timeoutMs) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the launcher did not stop:\n${text}`)), timeoutMs);
      });
      try {
        return await Promise.race([exit, late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Parent of every process this user can see (from /proc/<pid>/stat). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent id follows the state.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // The process ended while the list was read.
    }
  }
  return map;
}

/** Every process below `pid` (children, their children, …), now. */
export function descendantsOf(pid: number): number[] {
  const map = parents();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of map) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

/** True while a process of that id exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The command line of a process, for messages. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

/**
 * A loopback port nothing listens on, below Linux's ephemeral range (32768 and up), where no
 * outgoing connection or `listen(0)` of another test can take it between this check and its use.
 */
export async function freeFixedPort(taken: readonly number[] = []): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (!taken.includes(port) && (await portIsFree(port))) return port;
  }
}

/** True when nothing listens on the loopback TCP port (so the launcher can take it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Polls `url` until it answers with an accepted status (by default any below 500: a web client's
 * page at all).
 */
export async function untilAnswers(
  url: string,
  timeoutMs: number,
  accept: (status: number) => boolean = (status) => status < 500,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (accept(response.status)) return response;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
