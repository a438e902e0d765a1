import { loadConfigFromProcess, useAppServiceResourceDetectors } from './config';
import { isAppError } from './errors';
import { createLogger } from './log';
import { startTelemetry } from './telemetry-setup';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfigFromProcess();
  } catch (error) {
    // Before the logger exists; the message lists every problem and holds no secrets.
    process.stderr.write(`${isAppError(error) ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const { connectionString } = config.telemetry;
  useAppServiceResourceDetectors();
  const telemetry =
    connectionString === undefined
      ? undefined
      : startTelemetry({ connectionString, extraPatterns: config.sensitivePatterns });
  const logger = createLogger({
    level: config.logLevel,
    extraPatterns: config.sensitivePatterns,
    ...(telemetry ? { mirror: telemetry.exportLogLine } : {}),
  });
  // Loaded after telemetry started, so its HTTP instrumentation sees the modules the app loads.
  const { buildApp } = await import('./app');
  const { checkKeyHolderGroups } = await import('./requests/key-holder-groups');
  const app = buildApp(config, { logger });
  const port = await app.server.listen(config.port);
  logger.info(
    { port, sandbox: config.sandbox, storage: config.storage.kind, telemetry: telemetry !== undefined },
    'bot listening',
  );
  app.transcriptRetention.start();
  app.worker?.start();
  app.sweeper.start();
  void checkKeyHolderGroups(app.directory, config, logger);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: app.server.inFlight() }, 'shutting down after in-flight turns');
    app
      .close()
      .then(() => telemetry?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
