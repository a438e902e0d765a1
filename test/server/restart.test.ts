import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getNode, ROOT_NODE, type QuestionNode } from '../../src/domain/diagnosis-map';
import { diagnosisJa } from '../../src/i18n/diagnosis.ja';
import { teamsMessage } from '../support/teams-activity';
import { LoopbackConnector, startBot, tempDatabase, visibleText } from '../support/running-bot';

const root = getNode(ROOT_NODE) as QuestionNode;

describe('a conversation and a restart', () => {
  it('continues at the same question after the bot process is rebuilt on the same database', async () => {
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    try {
      let bot = await startBot(db.path);
      await bot.post(teamsMessage({ serviceUrl, text: 'こんにちは' }));
      // The first reply names the helpdesk first, then asks the first question.
      expect(connector.sentTo().map(visibleText).join('\n')).toContain(diagnosisJa[root.promptKey]);
      await bot.stop();

      // A new app instance: nothing survives but the SQLite file.
      bot = await startBot(db.path);
      connector.clear();
      const first = root.options[0];
      if (!first) throw new Error('the root question has no options');
      await bot.post(
        teamsMessage({ serviceUrl, value: { kind: 'diag', node: root.id, value: first.value } }),
      );
      const after = connector.sentTo().map(visibleText).join('\n');
      expect(after).not.toContain('すでに回答済み');
      expect(after).not.toContain(diagnosisJa[root.promptKey]);
      const next = getNode(first.next);
      const expected = next.kind === 'question' ? next.promptKey : next.titleKey;
      expect(after).toContain(diagnosisJa[expected]);
      await bot.stop();
    } finally {
      await connector.stop();
      db.cleanup();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a turn that is in flight when the server is asked to stop', async () => {
    // A connector that answers slowly, so the turn is still sending its reply when close() starts.
    const received: unknown[] = [];
    const slow = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        setTimeout(() => {
          received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id":"1"}');
        }, 700);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const serviceUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    const db = tempDatabase();
    const bot = await startBot(db.path);
    try {
      const pending = bot.post(teamsMessage({ serviceUrl, text: 'help' }));
      while (bot.app.server.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const closed = bot.stop();
      const response = await pending;
      await closed;
      expect(response.status).toBe(200);
      expect(received.length).toBeGreaterThan(0);
      expect(bot.app.server.inFlight()).toBe(0);
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
      db.cleanup();
    }
  });
});
