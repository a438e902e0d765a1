import { buildApp } from '../../src/app';
import { createAdapter } from '../../src/bot-adapter';
import { createLogger } from '../../src/log';
import { teamsMessage } from '../support/teams-activity';
import { LoopbackConnector, startBot, tempDatabase, type RunningBot } from '../support/running-bot';
import { testConfig } from '../support/test-config';
import { FakeDirectory } from '../fakes/fake-directory';

/** A bot outside the sandbox: it has a Bot Framework identity, so every activity needs a valid JWT. */
const PRODUCTION = {
  HELPDESK_SANDBOX: 'false',
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppId: '00000000-0000-4000-8000-00000000b07a',
  MicrosoftAppPassword: 'not-a-secret',
  MicrosoftAppTenantId: '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d',
};

describe('the HTTP edge, before authentication', () => {
  let connector: LoopbackConnector;
  let serviceUrl: string;
  let bot: RunningBot | undefined;
  let db: ReturnType<typeof tempDatabase>;

  beforeAll(async () => {
    connector = new LoopbackConnector();
    serviceUrl = await connector.start();
  });
  afterAll(() => connector.stop());
  beforeEach(() => {
    connector.clear();
    db = tempDatabase();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    db.cleanup();
  });

  it.each(['gzip', 'deflate', 'br', 'GZIP', 'identity, gzip'])(
    'refuses Content-Encoding "%s" with 415 without reading the body, and keeps answering',
    async (encoding) => {
      bot = await startBot(db.path);
      const response = await bot.postRaw(JSON.stringify(teamsMessage({ serviceUrl, text: 'help' })), {
        'content-encoding': encoding,
      });
      expect(response.status).toBe(415);
      expect(await response.text()).not.toMatch(/stack|at .*\.(ts|js)/);
      expect(connector.sentTo()).toHaveLength(0);
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    },
  );

  it('serves an identity-encoded body as usual', async () => {
    bot = await startBot(db.path);
    const response = await bot.post(teamsMessage({ serviceUrl, text: 'help' }), {
      'content-encoding': 'identity',
    });
    expect(response.status).toBe(200);
    expect(connector.sentTo().length).toBeGreaterThan(0);
  });

  it('outside the sandbox refuses other channels than Teams before the JWT check', async () => {
    bot = await startBot(db.path, PRODUCTION);
    const emulator = await bot.post({ ...teamsMessage({ serviceUrl, text: 'help' }), channelId: 'emulator' });
    expect(emulator.status).toBe(403);
    const none = await bot.post({ ...teamsMessage({ serviceUrl, text: 'help' }), channelId: undefined });
    expect(none.status).toBe(403);
    // A Teams activity gets as far as authentication, which it fails without a token.
    const teams = await bot.post(teamsMessage({ serviceUrl, text: 'help' }));
    expect(teams.status).toBe(401);
    expect(connector.sentTo()).toHaveLength(0);
  });

  it('in the sandbox serves the Bot Framework Emulator channel too', async () => {
    bot = await startBot(db.path);
    const response = await bot.post({ ...teamsMessage({ serviceUrl, text: 'help' }), channelId: 'emulator' });
    expect(response.status).toBe(200);
  });

  it('logs a flood of refusals a few lines a minute, and counts the rest', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    bot = await startBot(db.path, {}, { logger });
    const foreign = teamsMessage({
      serviceUrl,
      text: 'help',
      tenantId: '11111111-2222-4333-8444-555555555555',
    });
    for (let i = 0; i < 60; i++) expect((await bot.post(foreign)).status).toBe(403);
    for (let i = 0; i < 30; i++) {
      expect((await bot.postRaw('{}', { 'content-encoding': 'gzip' })).status).toBe(415);
    }
    await bot.stop();
    bot = undefined;
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const tenant = records.filter((record) => record.reason === 'tenant not allowed');
    const encoding = records.filter((record) => record.reason === 'content encoding');
    expect(tenant).toHaveLength(20);
    expect(encoding).toHaveLength(20);
    // At shutdown, what no later line carried.
    const summaries = records.filter((record) => record.msg === 'refusals not logged');
    expect(summaries.map((record) => record.similarNotLogged).sort()).toEqual([10, 40]);
  });

  it('a sandbox bot listens on loopback only', async () => {
    const app = buildApp(testConfig({ HELPDESK_SQLITE_PATH: db.path }), {
      directory: new FakeDirectory(),
      createWorker: null,
    });
    try {
      await expect(app.server.listen(0, '0.0.0.0')).rejects.toThrow(/loopback only/);
      await expect(app.server.listen(0, '::')).rejects.toThrow(/loopback only/);
      await app.server.listen(0);
      expect(app.server.server.address().address).toBe('127.0.0.1');
    } finally {
      await app.close();
    }
  });

  it('never builds an adapter without JWT checks outside the sandbox', () => {
    const sandbox = testConfig();
    expect(sandbox.bot.anonymous).toBe(true);
    // A config that did not come through loadConfig's checks.
    expect(() => createAdapter({ ...sandbox, sandbox: false })).toThrow(/only with HELPDESK_SANDBOX=true/);
    expect(() =>
      createAdapter({ ...sandbox, sandbox: false, bot: { ...sandbox.bot, anonymous: false, appId: '' } }),
    ).toThrow(/only with HELPDESK_SANDBOX=true/);
    expect(() => createAdapter(sandbox)).not.toThrow();
  });
});
