/**
 * Runs one reset through the real executor with telemetry on, in a plain Node process (the Azure
 * Monitor SDK loads modules in ways jest's module sandbox refuses), then prints one JSON line.
 * Arguments: the SQLite file, the Graph emulator's URL, the telemetry connection string.
 */
import { createLogger } from '../../src/log';
import { traced } from '../../src/telemetry';
import { startTelemetry } from '../../src/telemetry-setup';
import { createGraphDirectory } from '../../src/adapters/graph/graph-directory';
import { approvedRequest, executorFor, openHarness } from '../bot/executor-test-kit';
import { RecordingNotifier } from '../fakes/recording-notifier';
import { HANAKO, TENANT } from '../graph/graph-test-kit';

async function main(): Promise<void> {
  const [file = '', graphUrl = '', connectionString = ''] = process.argv.slice(2);
  const telemetry = startTelemetry({ connectionString, extraPatterns: [] });
  const harness = openHarness(file);
  const logger = createLogger({
    level: 'debug',
    mirror: telemetry.exportLogLine,
    destination: { write: () => undefined },
  });
  const notifier = new RecordingNotifier();
  const directory = createGraphDirectory({
    graphBaseUrl: graphUrl,
    authorityHost: graphUrl,
    credential: { kind: 'clientSecret', tenantId: TENANT, clientId: 'helpdesk-bot', clientSecret: 's3cret' },
  });
  const executor = executorFor(harness, directory, { logger, notifier });
  const { request } = await approvedRequest(harness.requests, {
    requester: { aadObjectId: HANAKO, name: '山田 花子' },
  });
  await executor.runOnce();
  const pass = notifier.passes[0]?.pass.value ?? '';
  // A careless attribute and log line, to prove redaction on the way out rather than absence by luck.
  const careless = { note: 'call 090-1234-5678', temporaryAccessPass: pass };
  await traced('test.careless', { attributes: careless }, () => {
    logger.info({ temporaryAccessPass: pass, phone: '+81 90-1234-5678' }, 'careless line');
    return Promise.resolve();
  });
  await telemetry.shutdown();
  harness.close();
  process.stdout.write(`${JSON.stringify({ requestId: request.id, pass })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ error: error instanceof Error ? error.stack : String(error) })}\n`,
  );
});
