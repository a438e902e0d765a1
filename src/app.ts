import { ConversationState, UserState, type TurnContext } from 'botbuilder';
import { createMainDialog } from '../dialogs/main-dialog';
import type { Config } from './config';
import { createAdapter, type HelpdeskAdapter } from './bot-adapter';
import { HelpdeskBot } from './bot/helpdesk-bot';
import { turnLocale } from './bot/turn-locale';
import { Localizer } from './i18n/localizer';
import { createLogger, type Logger } from './log';
import { openDatabase, type SqliteDatabase } from './adapters/sqlite/database';
import { SqliteStorage } from './adapters/sqlite/sqlite-storage';
import { SqliteRequestStore } from './adapters/sqlite/sqlite-request-store';
import type { RequestStore } from './ports/request-store';
import { SqliteTranscriptStore } from './adapters/sqlite/sqlite-transcript-store';
import type { TranscriptStore } from './ports/transcript-store';
import { TranscriptLoggingMiddleware } from './bot/transcript-logging';
import { TranscriptRetention } from './bot/transcript-retention';
import { createServer, type HelpdeskServer } from './server';

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: SqliteDatabase;
  readonly storage: SqliteStorage;
  readonly requests: RequestStore;
  readonly transcripts: TranscriptStore;
  readonly transcriptLogging: TranscriptLoggingMiddleware;
  readonly transcriptRetention: TranscriptRetention;
  readonly localizer: Localizer;
  readonly adapter: HelpdeskAdapter;
  readonly bot: HelpdeskBot;
  readonly server: HelpdeskServer;
  /** Drains in-flight turns, then closes the database. */
  close(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  /** Clock for request timestamps; tests pass a fixed one. */
  now?: () => Date;
}

/** The composition root: everything is built here, in order, and handed in through constructors. */
export function buildApp(config: Config, overrides: AppOverrides = {}): App {
  const logger =
    overrides.logger ?? createLogger({ level: config.logLevel, extraPatterns: config.sensitivePatterns });
  if (config.storage.kind !== 'sqlite') {
    throw new Error('HELPDESK_STORAGE=azure is not available in this version; use sqlite');
  }
  const db = openDatabase(config.storage.path);
  const storage = new SqliteStorage(db);
  const requests = new SqliteRequestStore(db);
  const transcripts = new SqliteTranscriptStore(db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const localizer = new Localizer({
    ...config.helpdesk,
    officeHours: config.officeHours,
    timeZone: config.timeZone,
  });
  const now = overrides.now ?? (() => new Date());
  const transcriptLogging = new TranscriptLoggingMiddleware({
    store: transcripts,
    logger,
    extraPatterns: config.sensitivePatterns,
    now,
  });
  const transcriptRetention = new TranscriptRetention({
    store: transcripts,
    retentionDays: config.transcriptRetentionDays,
    logger,
    now,
  });

  const rootDialog = createMainDialog({ localizer, requests, config, logger, now, userState });
  const bot = new HelpdeskBot({
    conversationState,
    userState,
    rootDialog,
    localizer,
    locale: { override: config.localeOverride, fallback: config.defaultLocale },
    transcriptRetentionDays: config.transcriptRetentionDays,
    logger,
  });

  const adapter = createAdapter(config);
  // First middleware, so the transcript sees every activity in and out, including error replies.
  adapter.use(transcriptLogging);
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    // Log ids only; the error text may quote what the person typed.
    logger.error(
      { err: error, activityId: context.activity.id, conversationId: context.activity.conversation?.id },
      'turn failed',
    );
    try {
      await context.sendActivity(localizer.t(turnLocale(context), 'error.generic'));
      await bot.clearConversation(context);
      await conversationState.saveChanges(context, true);
    } catch (secondary) {
      logger.error({ err: secondary }, 'could not tell the person about a failed turn');
    }
  };

  const server = createServer({
    adapter,
    logic: (context) => bot.run(context),
    allowedTenantIds: config.allowedTenantIds,
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });

  return {
    config,
    logger,
    db,
    storage,
    requests,
    transcripts,
    transcriptLogging,
    transcriptRetention,
    localizer,
    adapter,
    bot,
    server,
    async close() {
      await server.close();
      await transcriptRetention.stop();
      await transcriptLogging.drain();
      db.close();
    },
  };
}
