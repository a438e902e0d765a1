import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PROJECT_ROOT = resolve(__dirname, '../../..');
const CHILD_SCRIPT = join(__dirname, 'child-writer.ts');

/** A fresh folder per test file; `cleanup` removes it with the database, WAL and SHM files. */
export function tempFolder(): { path: (name: string) => string; cleanup: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-sqlite-'));
  return {
    path: (name) => join(folder, name),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

export type ChildEvent = Record<string, unknown>;

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next JSON line the child prints. */
  next(): Promise<ChildEvent>;
  /** Resolves when the child exits with code 0, rejects with its stderr otherwise. */
  exited: Promise<void>;
}

export function startChild(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD_SCRIPT, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
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
      if (waiter) {
        waiter(event);
      } else {
        events.push(event);
      }
      newline = buffered.indexOf('\n');
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolveExit, rejectExit) => {
    child.on('error', rejectExit);
    child.on('exit', (code) =>
      code === 0 ? resolveExit() : rejectExit(new Error(`child exited with ${code}: ${stderr}`)),
    );
  });
  return {
    process: child,
    next: () => {
      const queued = events.shift();
      if (queued) {
        return Promise.resolve(queued);
      }
      return Promise.race([
        new Promise<ChildEvent>((resolveEvent) => waiters.push(resolveEvent)),
        exited.then(() => {
          throw new Error(`child exited before printing: ${stderr}`);
        }),
      ]);
    },
    exited,
  };
}

/** Runs a child to completion and returns the one event it printed. */
export async function runChild(args: readonly string[]): Promise<ChildEvent> {
  const child = startChild(args);
  const event = await child.next();
  await child.exited;
  return event;
}
