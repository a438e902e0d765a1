import type { ChildProcess } from 'node:child_process';
import { createGzip } from 'node:zlib';
import { request } from 'node:http';
import { teamsMessage } from '../support/teams-activity';
import { LoopbackConnector, tempDatabase, visibleText } from '../support/running-bot';
import { testEnvironment } from '../support/test-config';
import { freePort, peakRssBytes, startProcess } from '../support/bot-process';

const MIB = 1024 * 1024;
const INFLATED_BYTES = 255 * MIB;
const MAX_BODY_BYTES = 256 * 1024;

/**
 * A gzip bomb that passes restify's body-size check: zeros compress about 1000:1, so 255 MiB of
 * them fit under the 256 KiB limit on the wire. Built in chunks so this test process stays small.
 */
async function gzipBomb(): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  const zeros = Buffer.alloc(MIB);
  for (let written = 0; written < INFLATED_BYTES; written += MIB) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(parts);
}

/** A raw POST (fetch cannot set Content-Encoding on a body it did not compress itself). */
function postGzip(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/messages',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'content-length': body.length,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('compressed bodies before authentication', () => {
  let bot: ChildProcess | undefined;
  // Killed here and not in the test: a test that times out never reaches its own finally.
  afterEach(() => {
    bot?.kill('SIGKILL');
  });

  it('refuses 8 parallel gzip bombs with a 4xx while /healthz answers, and the bot stays under 300 MB', async () => {
    const bomb = await gzipBomb();
    expect(bomb.length).toBeLessThan(MAX_BODY_BYTES);
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    const port = await freePort();
    const { child } = await startProcess({
      ...testEnvironment({ HELPDESK_SQLITE_PATH: db.path, PORT: String(port), LOG_LEVEL: 'info' }),
    });
    bot = child;
    try {
      const pid = child.pid ?? 0;
      const before = peakRssBytes(pid);
      const bombs = Array.from({ length: 8 }, () => postGzip(port, bomb));
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const statuses = await Promise.all(bombs);
      for (const status of statuses) {
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }
      const peak = peakRssBytes(pid);
      expect({ peakMiB: Math.round(peak / MIB), under300: peak < 300 * MIB }).toMatchObject({
        under300: true,
      });
      // Still the same, working process.
      expect(child.exitCode).toBeNull();
      const reply = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(teamsMessage({ serviceUrl, text: 'help' })),
      });
      expect(reply.status).toBe(200);
      expect(connector.sentTo().map(visibleText).join('\n')).toContain('できること');
      process.stdout.write(
        `peak RSS before ${Math.round(before / MIB)} MiB, after ${Math.round(peak / MIB)} MiB\n`,
      );
    } finally {
      await connector.stop();
      db.cleanup();
    }
  });
});
