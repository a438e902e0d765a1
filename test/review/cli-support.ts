import { readFileSync, writeFileSync } from 'node:fs';
import type { Environment } from '../../src/config';
import { runCli, type CliIo } from '../../src/review/cli';
import { testConfig } from '../support/test-config';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the review CLI in-process against the database at `dbPath`, as `npm run review -- …` would. */
export async function review(dbPath: string, argv: string[], env: Environment = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    loadConfig: () => testConfig({ HELPDESK_SQLITE_PATH: dbPath, ...env }),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, content) => writeFileSync(path, content, 'utf8'),
    now: () => new Date('2026-11-23T09:00:00Z'),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
