/**
 * Telemetry with APPLICATIONINSIGHTS_CONNECTION_STRING pointing at a local collector stand-in: the
 * real Azure Monitor exporter posts its payloads to a small HTTP server in the test.
 */
import type { ChildProcess } from 'node:child_process';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { join } from 'node:path';
import { catalogues } from '../../src/i18n/catalogues';
import { freePort, startProcess } from '../support/bot-process';
import { LoopbackConnector, tempDatabase, visibleText } from '../support/running-bot';
import { teamsMessage } from '../support/teams-activity';
import { testEnvironment } from '../support/test-config';
import { TelemetryCollector, type Envelope } from '../support/telemetry-collector';
import { demoSeed, startEmulator } from '../graph/graph-test-kit';
import { tempFolder } from '../bot/executor-test-kit';
import { startJsonLinesChild } from '../support/json-lines-child';

const ja = catalogues.ja;
/** Every form of the typed number that must not leave the process. */
const PHONE_FORMS = ['090-1234-5678', '０９０－１２３４－５６７８', '9012345678', '+81 90', '+819012345678'];

const nameOf = (envelope: Envelope): string => {
  const name = envelope.data?.baseData?.name;
  return typeof name === 'string' ? name : '';
};
const propertiesOf = (envelope: Envelope): Record<string, unknown> =>
  envelope.data?.baseData?.properties ?? {};

// Two bot-sized processes that load the Azure Monitor SDK: generous on a shared, loaded machine.
jest.setTimeout(300_000);

describe('telemetry to Application Insights', () => {
  let collector: TelemetryCollector;
  let endpoint: string;
  let emulator: GraphEmulator;

  beforeAll(async () => {
    collector = new TelemetryCollector();
    endpoint = await collector.start();
    emulator = await startEmulator(demoSeed());
  });
  afterAll(async () => {
    await emulator.close();
    await collector.stop();
  });

  it('exports a span per turn and per Graph call (with its request-id) from the bot process, and no phone number', async () => {
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    const port = await freePort();
    let child: ChildProcess | undefined;
    try {
      const started = await startProcess(
        {
          ...testEnvironment({
            HELPDESK_SQLITE_PATH: db.path,
            PORT: String(port),
            LOG_LEVEL: 'info',
            HELPDESK_GRAPH_BASE_URL: emulator.url,
            AZURE_AUTHORITY_HOST: emulator.url,
            APPLICATIONINSIGHTS_CONNECTION_STRING: collector.connectionString(endpoint),
          }),
          APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
          NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
        },
        // Loading the Azure Monitor SDK under ts-node is slow on a shared, loaded machine.
        150_000,
      );
      child = started.child;
      expect(started.lines.join('\n')).toContain('"telemetry":true');

      const say = async (text: string): Promise<string> => {
        connector.clear();
        const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(teamsMessage({ serviceUrl, text })),
        });
        expect(response.status).toBe(200);
        return connector.sentTo().map(visibleText).join('\n');
      };
      // The diagnosis looks the person's methods up in Graph; then they type their new number.
      expect(await say('こんにちは')).toContain(ja['diag.start.prompt']);
      await say('電話番号が変わりました');
      await say('いいえ、手元にはないです');
      await say('会社のアカウントです');
      await say('いいえ');
      expect(await say('いいえ')).toContain(ja['intake.phone.prompt']);
      expect(await say('新しい番号は ０９０－１２３４－５６７８ です')).toContain('090-1234-5678');
      const graphRequestIds = emulator.graphRequests().map((request) => request.requestId);
      expect(graphRequestIds.length).toBeGreaterThan(0);

      // The batch exporter sends on its own schedule; wait for the turn's span and a Graph call's.
      await collector.until((envelope) => nameOf(envelope) === 'bot.turn');
      await collector.until((envelope) => nameOf(envelope).startsWith('graph.'));
      const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const envelopes = collector.envelopes();
      const turns = envelopes.filter((envelope) => nameOf(envelope) === 'bot.turn');
      expect(turns.length).toBeGreaterThanOrEqual(7);
      expect(propertiesOf(turns[0] ?? { name: '', time: '' })).toMatchObject({
        'bot.activity.type': 'message',
      });
      const graphCalls = envelopes.filter((envelope) => nameOf(envelope).startsWith('graph.'));
      expect(graphCalls.length).toBeGreaterThan(0);
      for (const call of graphCalls) {
        expect(graphRequestIds).toContain(propertiesOf(call)['graph.request_id']);
      }
      // A Graph call is a child of a turn: same operation (trace) id.
      const turnTraces = new Set(turns.map((turn) => turn.tags?.['ai.operation.id']));
      expect(graphCalls.some((call) => turnTraces.has(call.tags?.['ai.operation.id']))).toBe(true);
      // pino's lines go out as log records of the same traces, and carry the ids on stdout too.
      const logs = envelopes.filter((envelope) => envelope.data?.baseType === 'MessageData');
      expect(logs.some((log) => turnTraces.has(log.tags?.['ai.operation.id']))).toBe(true);
      expect(started.lines.some((line) => /"trace_id":"[0-9a-f]{32}"/.test(line))).toBe(true);

      const exported = collector.payloads.join('\n');
      for (const form of PHONE_FORMS) expect(exported).not.toContain(form);
    } finally {
      if (child?.exitCode === null) child.kill('SIGKILL');
      await connector.stop();
      db.cleanup();
    }
  });

  it('exports a span per executor step, and neither the pass nor a phone number reaches any payload', async () => {
    collector.payloads.length = 0;
    emulator.reset();
    const folder = tempFolder();
    try {
      const child = startJsonLinesChild(join(__dirname, 'executor-telemetry-child.ts'), [
        folder.path('executor.sqlite'),
        emulator.url,
        collector.connectionString(endpoint),
      ]);
      const outcome = await child.next();
      await child.exit;
      expect(outcome.error).toBeUndefined();
      const pass = String(outcome.pass);
      expect(pass.length).toBeGreaterThan(5);

      const envelopes = collector.envelopes();
      const steps = envelopes.filter((envelope) => nameOf(envelope).startsWith('executor.'));
      expect(steps.map(nameOf)).toEqual(
        expect.arrayContaining(['executor.checkPrivilege', 'executor.deleteMethods', 'executor.createPass']),
      );
      for (const step of steps) expect(propertiesOf(step)['helpdesk.request_id']).toBe(outcome.requestId);
      const careless = envelopes.find((envelope) => nameOf(envelope) === 'test.careless');
      expect(propertiesOf(careless ?? { name: '', time: '' })).toMatchObject({
        note: 'call [phone •••78]',
        temporaryAccessPass: '[REDACTED]',
      });
      expect(envelopes.some((envelope) => envelope.data?.baseData?.message === 'careless line')).toBe(true);

      const exported = collector.payloads.join('\n');
      expect(exported).not.toContain(pass);
      for (const form of PHONE_FORMS) expect(exported).not.toContain(form);
    } finally {
      folder.cleanup();
    }
  });
});
