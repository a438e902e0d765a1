/**
 * One bot under load, in a process of its own so that the load generator and the connector never
 * share its event loop:
 *
 *   echo                                     botbuilder's echo bot (the yardstick)
 *   helpdesk <db> <graph-url> <tenant> <mode>  the project's app as `npm start` builds it, on a SQLite
 *                                            file, with Graph at the emulator; mode `serve` starts the
 *                                            executor, sweeper and retention like src/index.ts, mode
 *                                            `sweep` leaves the sweeper to the `sweep` command
 *
 * Prints `{"event":"ready","port":N}`, then answers JSON-line commands from stdin, each with its `id`.
 */
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { buildApp, type App } from '../src/app';
import { createLogger } from '../src/log';
import { postedPendingRequest } from '../test/support/approval-harness';
import type { RequestState } from '../src/domain/reset-request';
import { isAppError } from '../src/errors';
import { REQUEST_ID_TAKEN } from '../src/ports/request-store';
import { testConfig } from '../test/support/test-config';
import type { TeamsUser } from '../test/support/teams-activity';
import { createEchoBot } from './echo-bot';

type Command = { id: number; cmd: string } & Record<string, unknown>;

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

function memory(): Record<string, number> {
  // Retained memory, not garbage the collector has not got round to (the child runs with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external };
}

async function startHelpdesk(
  dbPath: string,
  graphUrl: string,
  tenantId: string,
  mode: string,
): Promise<{ app: App; port: number }> {
  const config = testConfig({
    HELPDESK_SQLITE_PATH: dbPath,
    LOG_LEVEL: 'info',
    AZURE_TENANT_ID: tenantId,
    AZURE_AUTHORITY_HOST: graphUrl,
    HELPDESK_GRAPH_BASE_URL: graphUrl,
    // As a production tenant would have it: every reset is mailed and posted to the security channel.
    HELPDESK_SENDER_MAILBOX: 'mfa-helpdesk@contoso.onmicrosoft.com',
    HELPDESK_SECURITY_CHANNEL_ID: '19:it-team-general@thread.tacv2',
  });
  // Logging at the production level, into nowhere: its cost is part of a turn, its text is not needed.
  const logger = createLogger({
    level: config.logLevel,
    extraPatterns: config.sensitivePatterns,
    destination: createWriteStream('/dev/null'),
  });
  const app = buildApp(config, { logger });
  const port = await app.server.listen(0, '127.0.0.1');
  app.transcriptRetention.start();
  app.worker?.start();
  if (mode === 'serve') app.sweeper.start();
  return { app, port };
}

/** Pending requests stored directly, for requesters `first`…`first + count - 1`. */
async function seedPending(app: App, requesters: TeamsUser[]): Promise<string[]> {
  // All at once: their durable commits share the WAL's flushes, so 10,000 cost a handful of fsyncs.
  return Promise.all(requesters.map((person) => seedOne(app, person)));
}

async function seedOne(app: App, person: TeamsUser): Promise<string> {
  for (;;) {
    const request = postedPendingRequest(person, app.config.approvalsChannelId);
    try {
      await app.requests.create(request);
      return request.id;
    } catch (error) {
      // Random ids: among 10,000 two may meet (as the bot itself retries on filing).
      if (!isAppError(error, 'CONFLICT') || !error.details.includes(REQUEST_ID_TAKEN)) throw error;
    }
  }
}

async function waitForState(app: App, requestId: string, states: readonly RequestState[]): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const stored = await app.requests.get(requestId);
    if (stored && states.includes(stored.request.state)) return stored.request.state;
    if (Date.now() > deadline) throw new Error(`${requestId} is still ${stored?.request.state ?? 'missing'}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function handle(app: App | undefined, command: Command): Promise<Record<string, unknown>> {
  if (command.cmd === 'memory') return memory();
  if (!app) throw new Error(`the echo bot does not know "${command.cmd}"`);
  switch (command.cmd) {
    case 'seedPending':
      return {
        requestIds: await seedPending(app, command.requesters as TeamsUser[]),
      };
    case 'sweep': {
      const started = performance.now();
      await app.sweeper.runOnce();
      return { ms: performance.now() - started };
    }
    case 'waitState': {
      const state = await waitForState(app, String(command.requestId), command.states as RequestState[]);
      return { state, at: preciseNow() };
    }
    case 'openRequestOf': {
      const open = await app.requests.findOpenByRequester(String(command.aadObjectId));
      return {
        requestId: open?.request.id ?? null,
        cardActivityId: open?.request.delivery?.approvals?.activityId ?? null,
      };
    }
    default:
      throw new Error(`unknown command "${command.cmd}"`);
  }
}

async function main(): Promise<void> {
  const [kind, dbPath, graphUrl, tenantId, mode] = process.argv.slice(2);
  let app: App | undefined;
  let close: () => Promise<void>;
  let port: number;
  if (kind === 'echo') {
    const echo = createEchoBot();
    port = await echo.listen();
    close = () => echo.close();
  } else if (kind === 'helpdesk' && dbPath && graphUrl && tenantId) {
    ({ app, port } = await startHelpdesk(dbPath, graphUrl, tenantId, mode ?? 'serve'));
    const running = app;
    close = () => running.close();
  } else {
    throw new Error('usage: target.ts echo | helpdesk <db> <graph-url> <tenant> [serve|sweep]');
  }
  emit({ event: 'ready', port });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    const command = JSON.parse(line) as Command;
    if (command.cmd === 'exit') {
      await close();
      emit({ id: command.id });
      // Lets --cpu-prof write its profile.
      process.exit(0);
    }
    handle(app, command).then(
      (result) => emit({ id: command.id, ...result }),
      (error: unknown) => emit({ id: command.id, error: String(error) }),
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
