import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { botInstalled, teamsMessage } from '../support/teams-activity';
import { LoopbackConnector, tempDatabase, visibleText } from '../support/running-bot';
import { testEnvironment } from '../support/test-config';
import { freePort, startProcess } from '../support/bot-process';

const root = join(__dirname, '..', '..');

describe('the bot as a process', () => {
  it('refuses to start with missing settings and lists them all', async () => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/index.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    for (const name of [
      'MicrosoftAppId',
      'HELPDESK_ALLOWED_TENANT_IDS',
      'HELPDESK_AUDIT_KEY',
      'HELPDESK_CONTACT_PHONE',
    ]) {
      expect(output).toContain(name);
    }
    expect(output).not.toMatch(/\n\s+at /); // a list, not a stack trace
  });

  it('sends the Japanese welcome card, then finishes an in-flight turn on SIGTERM and exits 0', async () => {
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    const port = await freePort();
    const { child, lines } = await startProcess({
      ...testEnvironment({ HELPDESK_SQLITE_PATH: db.path, PORT: String(port), LOG_LEVEL: 'info' }),
    });
    try {
      const url = `http://127.0.0.1:${port}/api/messages`;
      const post = (body: unknown): Promise<Response> =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post(botInstalled({ serviceUrl }))).status).toBe(200);
      expect(visibleText(connector.sentTo()[0] ?? {})).toContain('お手伝いします');

      // A slow connector keeps the next turn in flight while SIGTERM arrives.
      const slow = createServer((req, res) => {
        req.resume();
        req.on('end', () => setTimeout(() => res.end('{"id":"1"}'), 800));
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
      const inFlight = post(teamsMessage({ serviceUrl: slowUrl, text: 'help' }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect((await inFlight).status).toBe(200);
      expect(await exited).toBe(0);
      expect(lines.join('\n')).toContain('shutting down after in-flight turns');
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await connector.stop();
      db.cleanup();
    }
  });
});
