import type { ChildProcess } from 'node:child_process';
import { startJsonLinesChild, type ChildEvent } from '../../support/json-lines-child';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHILD_SCRIPT = join(__dirname, 'child-writer.ts');

/** A fresh folder per test file; `cleanup` removes it with the database, WAL and SHM files. */
export function tempFolder(): { path: (name: string) => string; cleanup: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'helpdesk-sqlite-'));
  return {
    path: (name) => join(folder, name),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

export type { ChildEvent };

export interface Child {
  readonly process: ChildProcess;
  /** Resolves with the next JSON line the child prints. */
  next(): Promise<ChildEvent>;
  /** Resolves when the child exits with code 0, rejects with its stderr otherwise. */
  exited: Promise<void>;
}

export function startChild(args: readonly string[]): Child {
  const child = startJsonLinesChild(CHILD_SCRIPT, args);
  const exited = child.exit.then((gone) => {
    if (gone.code !== 0) throw new Error(`child exited with ${gone.code}: ${gone.stderr}`);
  });
  return { process: child.process, next: child.next, exited };
}

/** Runs a child to completion and returns the one event it printed. */
export async function runChild(args: readonly string[]): Promise<ChildEvent> {
  const child = startChild(args);
  const event = await child.next();
  await child.exited;
  return event;
}
