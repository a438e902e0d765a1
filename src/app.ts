import { ConversationState, UserState, type Storage, type TurnContext } from 'botbuilder';
import { createMainDialog } from '../dialogs/main-dialog';
import type { Config } from './config';
import { createAdapter, type HelpdeskAdapter } from './bot-adapter';
import { HelpdeskBot } from './bot/helpdesk-bot';
import { turnLocale } from '../dialogs/turn-locale';
import { Localizer } from './i18n/localizer';
import { createLogger, type Logger } from './log';
import { openStores } from './adapters/stores';
import type { Stores } from './ports/stores';
import type { RequestStore } from './ports/request-store';
import type { TranscriptStore } from './ports/transcript-store';
import { TranscriptLoggingMiddleware } from './bot/transcript-logging';
import { TranscriptRetention } from './bot/transcript-retention';
import { createServer, type HelpdeskServer } from './server';
import { createGraphDirectory } from './adapters/graph/graph-directory';
import { keyHolderGroups } from './requests/key-holder-groups';
import { MergedRefusalAudit } from './requests/merged-refusals';
import { RequestFreeze } from './requests/request-freeze';
import type { AuditLog } from './ports/audit-log';
import type { ConversationReferences } from './ports/conversation-references';
import type { Directory } from './ports/directory';
import { ApprovalHandler } from './bot/approval-actions';
import { ApprovalService, approvalSettings, type ApprovalWorker } from './requests/approval-service';
import { TeamsNotifier } from './bot/teams-notifier';
import { TargetFactsCache } from './requests/target-facts';
import { PassEchoGuard } from './bot/pass-echo-guard';
import { StoragePassWindows } from './bot/pass-windows';
import { ResetExecutor } from './requests/reset-executor';
import { checkReadiness } from './requests/readiness';
import { RequestSweeper } from './requests/sweeper';
import { ReviewerDesk } from './bot/reviewer-view';
import { PhoneSeal } from './domain/phone-seal';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { SpanKind, traced } from './telemetry';

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  /** Every store, on the backend `config.storage` names; nothing here holds a database handle. */
  readonly stores: Stores;
  readonly requests: RequestStore;
  /** Repeated refusals are merged; `flush` writes the counts of the open windows. */
  readonly audit: MergedRefusalAudit;
  readonly directory: Directory;
  readonly references: ConversationReferences;
  readonly notifier: TeamsNotifier;
  readonly worker: ResetWorker | undefined;
  readonly sweeper: RequestSweeper;
  readonly transcripts: TranscriptStore;
  readonly transcriptLogging: TranscriptLoggingMiddleware;
  readonly transcriptRetention: TranscriptRetention;
  readonly localizer: Localizer;
  readonly adapter: HelpdeskAdapter;
  readonly bot: HelpdeskBot;
  readonly server: HelpdeskServer;
  /** Drains in-flight turns, then closes the stores. */
  close(): Promise<void>;
}

/** The background worker that carries out approved requests (src/requests/reset-executor.ts). */
export interface ResetWorker extends ApprovalWorker {
  start(): void;
  stop(): Promise<void>;
}

export interface AppOverrides {
  logger?: Logger;
  /** Clock for request timestamps; tests pass a fixed one. */
  now?: () => Date;
  /** Tests pass the real Graph adapter pointed at the emulator, or a directory double. */
  directory?: Directory;
  /**
   * Builds the executor (default: the real one). `null` leaves approved requests waiting, for tests
   * that are about the click alone.
   */
  createWorker?: ((parts: WorkerParts) => ResetWorker) | null;
  /** Wraps the dialog-state storage; tests pass a double that fails a write, to break a turn. */
  wrapStorage?: (storage: Storage) => Storage;
}

/** What an executor needs from the composition root. */
export interface WorkerParts {
  config: Config;
  logger: Logger;
  requests: RequestStore;
  audit: AuditLog;
  directory: Directory;
  notifier: TeamsNotifier;
  now: () => Date;
}

/** The real executor: one per process, named so leases and history say which process did what. */
function defaultWorker(parts: WorkerParts): ResetWorker {
  return new ResetExecutor({
    requests: parts.requests,
    audit: parts.audit,
    directory: parts.directory,
    notifier: parts.notifier,
    logger: parts.logger,
    now: parts.now,
    workerId: `${hostname()}:${process.pid}`,
    tapMaxLifetimeMinutes: parts.config.tapMaxLifetimeMinutes,
    breakGlassUserIds: parts.config.breakGlassUserIds,
    facts: parts.notifier.facts,
    releaseCodeKey: parts.config.auditKey,
    keyHolderGroupIds: keyHolderGroups(parts.config),
    leaseSeconds: parts.config.jobs.executorLeaseSeconds,
    pollIntervalMs: parts.config.jobs.executorPollSeconds * 1000,
  });
}

/** How long a crashed instance's sweep or purge keeps the other instances from running theirs. */
const JOB_LEASE_MS = 5 * 60_000;

/** The composition root: everything is built here, in order, and handed in through constructors. */
export function buildApp(config: Config, overrides: AppOverrides = {}): App {
  const logger =
    overrides.logger ?? createLogger({ level: config.logLevel, extraPatterns: config.sensitivePatterns });
  const now = overrides.now ?? (() => new Date());
  const stores = openStores(config, { logger, now });
  const { requests, transcripts, references } = stores;
  const storage = stores.botState;
  // Everything else appends through this: repeated refusals are merged, the rest pass straight on.
  const audit = new MergedRefusalAudit(stores.audit, now);
  const directory =
    overrides.directory ??
    createGraphDirectory({
      graphBaseUrl: config.graph.baseUrl,
      ...(config.graph.authorityHost ? { authorityHost: config.graph.authorityHost } : {}),
      credential: config.graph.credential,
      timeoutMs: config.graph.timeoutMs,
    });
  const stateStorage = overrides.wrapStorage?.(storage) ?? storage;
  const conversationState = new ConversationState(stateStorage);
  const userState = new UserState(stateStorage);
  const localizer = new Localizer({
    ...config.helpdesk,
    officeHours: config.officeHours,
    timeZone: config.timeZone,
  });
  const transcriptLogging = new TranscriptLoggingMiddleware({
    store: transcripts,
    logger,
    extraPatterns: config.sensitivePatterns,
    now,
  });
  // One-at-a-time jobs take a named lease per run; the owner names this app among all instances.
  const jobLease = {
    leases: stores.leases,
    owner: `${hostname()}:${process.pid}:${randomUUID()}`,
    ttlMs: JOB_LEASE_MS,
  };
  const transcriptRetention = new TranscriptRetention({
    store: transcripts,
    retentionDays: config.transcriptRetentionDays,
    logger,
    now,
    lease: jobLease,
  });

  const adapter = createAdapter(config);
  // On the app's clock, so the decision window is measured as the requests' times are.
  const targetFacts = new TargetFactsCache(
    { directory, requests, logger, keyHolderGroupIds: keyHolderGroups(config) },
    () => now().getTime(),
  );
  const passEchoes = new PassEchoGuard(now, new StoragePassWindows(storage));
  const notifier = new TeamsNotifier({
    facts: targetFacts,
    passEchoes,
    adapter,
    references,
    audit,
    directory,
    requests,
    localizer,
    config,
    logger,
  });
  const createWorker = overrides.createWorker === undefined ? defaultWorker : overrides.createWorker;
  const worker = createWorker?.({ config, logger, requests, audit, directory, notifier, now });
  const approvals = new ApprovalService({
    requests,
    audit,
    directory,
    notifier,
    facts: targetFacts,
    ...(worker === undefined ? {} : { worker }),
    logger,
    now,
    settings: approvalSettings(config),
  });
  const approvalCards = new ApprovalHandler({ approvals, localizer, config });
  const reviewerDesk = new ReviewerDesk({
    directory,
    requests,
    audit,
    transcripts,
    search: stores.search,
    localizer,
    config,
    logger,
  });
  const sweeper = new RequestSweeper({
    requests,
    audit,
    directory,
    notifier,
    logger,
    now,
    expiryMinutes: config.requestExpiryMinutes,
    reminderLeadMinutes: config.reminderLeadMinutes,
    intervalMs: config.jobs.sweepIntervalSeconds * 1000,
    schedule: config,
    // An unfinished intake lives no longer than a filed request waits for a decision.
    staleDrafts: {
      expiryMinutes: config.requestExpiryMinutes,
      wipeBefore: (before) => storage.deleteStaleConversations(before),
    },
    lease: jobLease,
  });

  const freeze = new RequestFreeze({
    requests,
    limitPerHour: config.limits.freezeRequestsPerHour,
    now,
    logger,
    announce: async (limit) => {
      await notifier.tellApprovalsChannel('freeze.approvers', { limit });
    },
  });

  const rootDialog = createMainDialog({
    localizer,
    requests,
    config,
    logger,
    now,
    userState,
    directory,
    phoneSeal: PhoneSeal.fromSecret(config.auditKey),
    onRequestFiled: (request) => approvals.filed(request),
    requestsFrozen: () => freeze.isFrozen(),
    onDiagnosisFinished: (outcome) => stores.outcomes.record(outcome),
    onRequestRefused: async (requester, reason, openRequestId) => {
      await audit.append({
        type: 'request.refused',
        ...(openRequestId ? { requestId: openRequestId } : {}),
        actor: requester,
        data: { reason },
      });
    },
  });
  const bot = new HelpdeskBot({
    now,
    passEchoes,
    draftExpiryMinutes: config.requestExpiryMinutes,
    wipeStorageTraces: () => storage.wipeTraces(),
    conversationState,
    userState,
    rootDialog,
    localizer,
    locale: { override: config.localeOverride, fallback: config.defaultLocale },
    transcriptRetentionDays: config.transcriptRetentionDays,
    logger,
    references,
    channels: { approvals: config.approvalsChannelId, security: config.securityChannelId },
    // Reviewer verbs start with `review.`; everything else is an approval card.
    onCardAction: async (context, value) =>
      (await reviewerDesk.handleInvoke(context, value)) ?? approvalCards.handle(context, value),
    onReviewCommand: (context, text) => reviewerDesk.handleCommand(context, text),
    onPassNoted: (requestId, requesterId) => approvals.notePassSeen(requestId, requesterId),
    onCancelRequest: (requestId, requesterId) => approvals.cancel(requestId, requesterId),
    onReleaseCode: (requestId, requesterId, typed) =>
      approvals.submitReleaseCode(requestId, requesterId, typed),
    messagesPerMinute: config.limits.messagesPerMinute,
  });

  // First middleware, so the transcript sees every activity in and out, including error replies.
  adapter.use(transcriptLogging);
  adapter.onTurnError = async (context: TurnContext, error: unknown) => {
    // Log ids only; the error text may quote what the person typed.
    logger.error(
      { err: error, activityId: context.activity.id, conversationId: context.activity.conversation?.id },
      'turn failed',
    );
    try {
      const locale = turnLocale(context);
      await context.sendActivity(localizer.withContact(locale, localizer.t(locale, 'error.generic')));
      await bot.clearConversation(context);
      await conversationState.saveChanges(context, true);
    } catch (secondary) {
      logger.error({ err: secondary }, 'could not tell the person about a failed turn');
    }
  };

  const server = createServer({
    adapter,
    // One span per turn; identifiers only (the text is what a person typed).
    logic: (context) =>
      traced(
        'bot.turn',
        {
          kind: SpanKind.SERVER,
          attributes: {
            'bot.activity.type': context.activity.type,
            'bot.activity.name': context.activity.name ?? '',
            'bot.channel': context.activity.channelId,
            'bot.conversation.type': context.activity.conversation?.conversationType ?? '',
          },
        },
        () => bot.run(context),
      ),
    allowedTenantIds: config.allowedTenantIds,
    sandbox: config.sandbox,
    maxBodyBytes: config.maxBodyBytes,
    logger,
    readiness: () =>
      checkReadiness({
        pingStorage: () => stores.ping(),
        requests,
        now,
        // A live executor takes an expired lease over at its next poll; a lease's length on top
        // leaves room for a busy machine.
        staleLeaseMs: (config.jobs.executorLeaseSeconds + config.jobs.executorPollSeconds) * 1000,
      }),
  });

  return {
    config,
    logger,
    stores,
    requests,
    audit,
    directory,
    references,
    notifier,
    worker,
    sweeper,
    transcripts,
    transcriptLogging,
    transcriptRetention,
    localizer,
    adapter,
    bot,
    server,
    async close() {
      await server.close();
      await worker?.stop();
      await sweeper.stop();
      await transcriptRetention.stop();
      await transcriptLogging.drain();
      await audit.flush();
      await stores.close();
    },
  };
}
