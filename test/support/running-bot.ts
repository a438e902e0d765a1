import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { buildApp, type App, type AppOverrides } from '../../src/app';
import type { Environment } from '../../src/config';
import { LoopbackConnector } from './loopback-connector';
import { testConfig } from './test-config';
import { FakeDirectory } from '../fakes/fake-directory';

export interface RunningBot {
  app: App;
  url: string;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  postRaw(body: string, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts the real app (composition root, restify, SQLite file) on a free loopback port. */
export async function startBot(
  dbPath: string,
  env: Environment = {},
  overrides: AppOverrides = {},
): Promise<RunningBot> {
  const app = buildApp(testConfig({ HELPDESK_SQLITE_PATH: dbPath, ...env }), {
    directory: new FakeDirectory(),
    createWorker: null,
    ...overrides,
  });
  const port = await app.server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const postRaw = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return {
    app,
    url,
    postRaw,
    post: (body, headers) => postRaw(JSON.stringify(body), headers),
    stop: () => app.close(),
  };
}

/** A temporary folder with a database path in it, removed by `cleanup`. */
export function tempDatabase(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-test-'));
  return { path: join(dir, 'helpdesk.sqlite'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text a person sees in an activity: its text plus every TextBlock/FactSet/button of its cards. */
export function visibleText(activity: Partial<Activity>): string {
  const parts: string[] = [];
  if (activity.text) parts.push(activity.text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'value', 'label']) {
        if (typeof record[key] === 'string' && key !== 'value') parts.push(record[key]);
        if (key === 'value' && typeof record.title === 'string' && typeof record.value === 'string') {
          parts.push(record.value);
        }
      }
      Object.entries(record).forEach(([key, child]) => {
        if (key !== 'data' && typeof child === 'object') walk(child);
      });
    }
  };
  walk(activity.attachments?.map((attachment) => attachment.content));
  return parts.join('\n');
}

export { LoopbackConnector };
