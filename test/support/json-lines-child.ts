import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const PROJECT_ROOT = resolve(__dirname, '../..');

export type ChildEvent = Record<string, unknown>;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface JsonLinesChild {
  readonly process: ChildProcess;
  /** Writes one JSON line to the child's stdin (for children that take commands). */
  send(message: ChildEvent): void;
  /** Resolves with the next JSON line the child prints; rejects if it exits first. */
  next(): Promise<ChildEvent>;
  /** Resolves once the child is gone, whatever its exit code. */
  exit: Promise<ChildExit>;
}

/**
 * Runs a script (TypeScript, or compiled JavaScript) in a second process (the tests' way of proving things across processes)
 * and reads what it reports, one JSON object per line on stdout.
 */
export function startJsonLinesChild(
  script: string,
  args: readonly string[],
  options: { nodeOptions?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): JsonLinesChild {
  // A compiled script (the benchmark's) runs as it is; TypeScript goes through ts-node.
  const loader = script.endsWith('.js') ? [] : ['-r', 'ts-node/register/transpile-only'];
  const nodeArgs = [...(options.nodeOptions ?? []), ...loader];
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  const events: ChildEvent[] = [];
  const waiters: Array<(event: ChildEvent) => void> = [];
  let buffered = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const event = JSON.parse(buffered.slice(0, newline)) as ChildEvent;
      buffered = buffered.slice(newline + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(event);
      else events.push(event);
      newline = buffered.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<ChildExit>((resolveExit, rejectExit) => {
    child.on('error', rejectExit);
    child.on('exit', (code, signal) => resolveExit({ code, signal, stderr }));
  });
  return {
    process: child,
    send: (message) => {
      child.stdin.write(`${JSON.stringify(message)}\n`);
    },
    next: () => {
      const queued = events.shift();
      if (queued) return Promise.resolve(queued);
      return Promise.race([
        new Promise<ChildEvent>((resolveEvent) => waiters.push(resolveEvent)),
        exit.then((gone) => {
          throw new Error(`child exited (${gone.code ?? gone.signal}) before printing: ${gone.stderr}`);
        }),
      ]);
    },
    exit,
  };
}
