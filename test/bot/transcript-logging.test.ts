import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { App } from '../../src/app';
import {
  linkTranscriptToRequest,
  registerTurnPhoneNumber,
  registerTurnSecret,
  startTranscriptSegment,
} from '../../dialogs/turn-marks';
import { TranscriptLoggingMiddleware } from '../../src/bot/transcript-logging';
import { redactText } from '../../src/domain/redaction';
import { createLogger, type Logger } from '../../src/log';
import type { TranscriptEntry, TranscriptStore } from '../../src/ports/transcript-store';
import { DelayedTranscriptStore } from '../fakes/delayed-transcript-store';
import { FailingTranscriptStore } from '../fakes/failing-transcript-store';
import { Conversation, conversationApp } from '../support/conversation';
import { withAppSql } from '../support/app-sql';
import { LoopbackConnector, startBot, tempDatabase, visibleText } from '../support/running-bot';
import { HANAKO, teamsMessage } from '../support/teams-activity';

/** How people type the same Japanese mobile number; all of it must stay out of the transcript. */
const TYPED_NUMBERS = ['090-1234-5678', '０９０－１２３４－５６７８', '+81 90 1234 5678', '090ー1234ー5678'];
/** How the bot shows it back (national and international forms, DESIGN.md section 5). */
const SHOWN_NUMBERS = ['090-1234-5678', '+81 90-1234-5678'];
const TAP = 'Xq7#mK2p!vR9';
/** Marked sensitive by configuration (HELPDESK_SENSITIVE_PATTERNS). */
const EMPLOYEE_NUMBER = 'EMP-40417';
const SENSITIVE_ENV = { HELPDESK_SENSITIVE_PATTERNS: 'EMP-\\d{5}' };

const apps: Array<{ app: App; file: ReturnType<typeof tempDatabase> }> = [];
afterEach(async () => {
  for (const { app, file } of apps.splice(0)) {
    await app.stores.close();
    file.cleanup();
  }
});

interface LogLines {
  logger: Logger;
  lines: string[];
}

function capturingLogger(app: App): LogLines {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'info',
    extraPatterns: app.config.sensitivePatterns,
    destination: { write: (line: string) => lines.push(line) },
  });
  return { logger, lines };
}

interface Setup {
  app: App;
  chat: Conversation;
  store: TranscriptStore;
  transcripts: TranscriptLoggingMiddleware;
  log: LogLines;
}

/** The chat's conversation id (Conversation's default). */
const CONVERSATION_ID = `a:chat-${HANAKO.id}`;

function setup(
  options: { store?: (real: TranscriptStore) => TranscriptStore; probe?: Middleware } = {},
): Setup {
  const file = tempDatabase();
  const app = conversationApp({ ...SENSITIVE_ENV, HELPDESK_SQLITE_PATH: file.path });
  apps.push({ app, file });
  const store = app.stores.transcripts;
  const log = capturingLogger(app);
  let segment = 0;
  const transcripts = new TranscriptLoggingMiddleware({
    store: options.store ? options.store(store) : store,
    logger: log.logger,
    extraPatterns: app.config.sensitivePatterns,
    newSegmentId: () => `seg-${++segment}`,
  });
  const chat = new Conversation(app);
  if (options.probe) chat.adapter.use(options.probe);
  chat.adapter.use(transcripts);
  return { app, chat, store, transcripts, log };
}

type Input = string | { value: unknown };
type Hook = (context: TurnContext) => Promise<void> | void;

/**
 * One turn of the real bot, with code of the dialogs' own run before or after it: what the dialogs do
 * once they call the transcript API (start a segment in `greet`, link the request in `file()`).
 */
async function turn(
  chat: Conversation,
  input: Input,
  hooks: { before?: Hook; after?: Hook } = {},
): Promise<Array<Partial<Activity>>> {
  const activity: Partial<Activity> =
    typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', value: input.value };
  await chat.adapter.processActivity(
    { ...activity, locale: chat.adapter.template.locale },
    async (context) => {
      await hooks.before?.(context);
      await chat.app.bot.run(context);
      await hooks.after?.(context);
    },
  );
  return chat.adapter.activeQueue.splice(0);
}

const diag = (node: string, value: string): Input => ({ value: { kind: 'diag', node, value } });
const intake = (node: string, value: string): Input => ({ value: { kind: 'intake', node, value } });

function rawRows(app: App): string[] {
  return withAppSql(app, (db) =>
    db.prepare<[], string>('SELECT activity FROM transcript_entries ORDER BY seq').pluck().all(),
  );
}

/** Every string in the stored JSON, NFKC-folded with its separators dropped, so no spelling escapes. */
function digitRuns(rows: readonly string[]): string[] {
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') strings.push(node.normalize('NFKC').replace(/[^0-9]/g, ''));
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  rows.forEach((row) => walk(JSON.parse(row)));
  return strings;
}

function storedText(entry: TranscriptEntry): string {
  return visibleText(entry.activity);
}

describe('transcript logging through the real bot', () => {
  it('stores a whole diagnosis and request redacted, while the person sees every number and the pass', async () => {
    const { app, chat, store, transcripts, log } = setup();
    const seen: Array<Partial<Activity>> = [];
    const sent: string[] = [];
    const say = async (input: Input, hooks?: { before?: Hook; after?: Hook }): Promise<string> => {
      if (typeof input === 'string') sent.push(input);
      const replies = await turn(chat, input, hooks);
      seen.push(...replies);
      return replies.map(visibleText).join('\n');
    };

    await say('こんにちは', { before: startTranscriptSegment });
    await say(diag('start', 'changed'));
    await say(diag('changed.oldPhone', 'no'));
    await say(diag('changed.noOld.account', 'work'));
    await say(diag('work.otherMethod', 'no'));
    const phonePrompt = await say(diag('work.admin', 'no'));
    expect(phonePrompt).toContain('電話番号');

    // Each spelling is accepted and shown back in both forms; "edit the number" asks again.
    const [first, ...others] = TYPED_NUMBERS as [string, ...string[]];
    // As the intake dialog does at its phone prompt: what was typed and the forms it shows back.
    const typedPhone = (typed: string) => ({
      after: (context: TurnContext) => registerTurnPhoneNumber(context, typed, ...SHOWN_NUMBERS),
    });
    const accepted = [await say(first, typedPhone(first))];
    await say(intake('verification', 'video_call'));
    await say(`機種変更しました。${EMPLOYEE_NUMBER} です`);
    for (const typed of others) {
      await say(intake('confirm', 'editPhone'));
      accepted.push(await say(typed, typedPhone(typed)));
    }
    for (const reply of accepted) {
      for (const shown of SHOWN_NUMBERS) expect(reply).toContain(shown);
    }

    let requestId = '';
    const filed = await say(intake('confirm', 'submit'), {
      after: async (context) => {
        const open = await app.requests.findOpenByRequester(HANAKO.aadObjectId);
        requestId = open?.request.id ?? '';
        linkTranscriptToRequest(context, requestId);
      },
    });
    expect(requestId).toMatch(/^REQ-/);
    expect(filed).toContain(requestId);

    // The executor shows the pass in a proactive turn; its synthetic event is no one's words.
    await chat.adapter.processActivity(
      { type: 'event', name: 'ContinueConversation', locale: 'ja-JP' },
      async (context) => {
        registerTurnSecret(context, TAP);
        await context.sendActivity(`一時アクセス パス: ${TAP}`);
        await context.sendActivity({
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: {
                type: 'AdaptiveCard',
                body: [{ type: 'TextBlock', text: `パス ${TAP} をメモしてください` }],
              },
            },
          ],
        });
      },
    );
    seen.push(...chat.adapter.activeQueue.splice(0));
    await transcripts.drain();

    // The person saw everything in clear: the live activities were never changed.
    const seenText = seen.map(visibleText).join('\n');
    for (const shown of SHOWN_NUMBERS) expect(seenText).toContain(shown);
    expect(seenText).toContain(TAP);
    expect(JSON.stringify(seen)).toContain(TAP);

    // Nothing of them is stored, in any spelling, anywhere in the rows.
    const rows = rawRows(app);
    const dump = rows.join('\n');
    for (const secret of [
      ...TYPED_NUMBERS,
      ...SHOWN_NUMBERS,
      TAP,
      EMPLOYEE_NUMBER,
      '9012345678',
      '1234-5678',
    ]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    for (const digits of digitRuns(rows)) expect(digits).not.toContain('12345678');

    // Still readable: what each side said, in order, with the numbers marked.
    const entries = await store.list(CONVERSATION_ID);
    expect(entries.map((e) => e.direction)).toContain('incoming');
    const incomingTexts = entries.flatMap((e) =>
      e.direction === 'incoming' && typeof e.activity.text === 'string' ? [e.activity.text] : [],
    );
    expect(incomingTexts).toEqual(
      sent.map((text) => redactText(text, { extraPatterns: app.config.sensitivePatterns })),
    );
    expect(incomingTexts.filter((text) => text.includes('[phone •••78]'))).toHaveLength(4);
    expect(incomingTexts).toContain('機種変更しました。[REDACTED] です');

    const outgoing = entries.filter((e) => e.direction === 'outgoing');
    expect(outgoing.map(storedText)).toEqual(
      seen.map((activity) =>
        redactText(visibleText(activity), {
          knownSecrets: [TAP],
          extraPatterns: app.config.sensitivePatterns,
        }),
      ),
    );
    const transcriptText = outgoing.map(storedText).join('\n');
    expect(transcriptText).toContain('新しい番号: [phone •••78] (国際形式: [phone •••78])');
    expect(transcriptText).toContain(`申請番号は ${requestId} です`);
    expect(transcriptText).toContain('一時アクセス パス: [REDACTED]');
    expect(visibleText(seen[0])).not.toBe('');
    expect(transcriptText).toContain(visibleText(seen[0]).split('\n')[0]);

    // One diagnosis, one segment, found from the request id.
    const segments = await store.segmentsOf(CONVERSATION_ID);
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ segmentId: 'seg-1', requestIds: [requestId] });
    expect(await store.listByRequest(requestId)).toEqual(entries);
    expect(entries.some((e) => e.activityType === 'event')).toBe(false);

    expect(transcripts.failedWrites).toBe(0);
    expect(log.lines.filter((line) => line.includes('transcript'))).toEqual([]);
  });

  it('cuts a new segment per diagnosis and links a request to its own segment only', async () => {
    const { chat, store, transcripts } = setup();
    const conversationId = CONVERSATION_ID;
    await turn(chat, 'hello', { before: startTranscriptSegment });
    await turn(chat, diag('start', 'changed'));
    await turn(chat, 'start over', { before: startTranscriptSegment });
    await turn(chat, diag('start', 'lost'), {
      after: (context) => linkTranscriptToRequest(context, 'REQ-7K3F9Q'),
    });
    await transcripts.drain();

    const segments = await store.segmentsOf(conversationId);
    expect(segments.map((s) => [s.segmentId, s.requestIds])).toEqual([
      ['seg-1', []],
      ['seg-2', ['REQ-7K3F9Q']],
    ]);
    const second = await store.list(conversationId, 'seg-2');
    // The whole turn that started over belongs to the new diagnosis, its incoming text included.
    expect(second[0]).toMatchObject({ direction: 'incoming', activity: { text: 'start over' } });
    expect((await store.list(conversationId, 'seg-1')).every((e) => e.activity.text !== 'start over')).toBe(
      true,
    );
    expect(await store.listByRequest('REQ-7K3F9Q')).toEqual(second);
  });

  it('opens a first segment for a conversation that has none, then keeps using it', async () => {
    const { chat, store, transcripts } = setup();
    await turn(chat, 'hello');
    await turn(chat, diag('start', 'changed'));
    await transcripts.drain();
    const segments = await store.segmentsOf(CONVERSATION_ID);
    expect(segments).toHaveLength(1);
    expect(segments[0]?.entryCount).toBeGreaterThanOrEqual(4);
  });

  it('masks a short phone number registered late in the turn, in what was typed and what was shown', async () => {
    const { app, chat, transcripts } = setup();
    // Seven digits without a country code (Aruba): the pattern rules cannot tell this from a count.
    const typed = ' ５６０ １２３４ ';
    const national = '560 1234';
    await chat.adapter.processActivity({ type: 'message', text: typed }, async (context) => {
      await context.sendActivity(`New number: ${national} (+297 ${national})`);
      registerTurnPhoneNumber(context, typed, national);
    });
    await chat.adapter.processActivity({ type: 'message', text: `unregistered ${national}` }, async () => {});
    await transcripts.drain();

    const mark = redactText(`+297 ${national}`);
    expect(mark).toBe('[phone •••34]');
    const texts = rawRows(app).map((row) => (JSON.parse(row) as { text?: string }).text);
    expect(texts).toEqual([mark, `New number: ${mark} (${mark})`, `unregistered ${national}`]);
    // A registration lasts one turn: the dialogs register wherever they type or show the number.
  });

  it('removes a secret registered late in the turn from the incoming activity too', async () => {
    const { app, chat, transcripts } = setup();
    await chat.adapter.processActivity({ type: 'message', text: `is ${TAP} right?` }, (context) => {
      registerTurnSecret(context, TAP, 'short');
      return Promise.resolve();
    });
    await transcripts.drain();
    expect(rawRows(app)).toEqual([expect.stringContaining('"text":"is [REDACTED] right?"')]);
  });

  it('never changes the live incoming activity', async () => {
    const changes: string[] = [];
    const probe: Middleware = {
      async onTurn(context, next) {
        const before = JSON.stringify(context.activity);
        await next();
        const after = JSON.stringify(context.activity);
        if (before !== after) changes.push(`${before}\n→ ${after}`);
      },
    };
    const { chat, transcripts } = setup({ probe });
    await turn(chat, '090-1234-5678', { after: (context) => registerTurnSecret(context, '090-1234-5678') });
    await transcripts.drain();
    expect(changes).toEqual([]);
  });

  it('records invokes, invoke responses, updates and deletes, redacted', async () => {
    const { app, chat, store, transcripts } = setup();
    await chat.adapter.processActivity(
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: {
          action: { type: 'Action.Execute', verb: 'approve', data: { tap: TAP, note: '090-1234-5678' } },
        },
      },
      async (context) => {
        registerTurnSecret(context, TAP);
        const kept = await context.sendActivity(`pass ${TAP}`);
        const removed = await context.sendActivity('to be deleted');
        await context.updateActivity({ id: kept?.id, type: 'message', text: `updated, still ${TAP}` });
        await context.deleteActivity(removed?.id ?? '');
        await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { pass: TAP } } });
      },
    );
    // What the person holds: the updated message, unchanged by the transcript's `messageUpdate` entry.
    const held = chat.adapter.activeQueue.splice(0);
    expect(held.map((a) => [a.type, a.text])).toEqual([
      ['message', `updated, still ${TAP}`],
      ['invokeResponse', undefined],
    ]);
    expect(held[1]?.value).toEqual({ status: 200, body: { pass: TAP } });

    // The real bot answers an invoke it does not handle with an invoke response of its own.
    await chat.adapter.processActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'unknown' } },
    });
    await transcripts.drain();

    const entries = await store.list(CONVERSATION_ID);
    expect(entries.map((e) => `${e.direction}:${e.activityType}`)).toEqual([
      'incoming:invoke',
      'outgoing:message',
      'outgoing:message',
      'outgoing:messageUpdate',
      'outgoing:messageDelete',
      'outgoing:invokeResponse',
      'incoming:invoke',
      'outgoing:invokeResponse',
    ]);
    const [, kept, removed, update, deletion, response] = entries;
    expect(update?.activity).toMatchObject({ id: kept?.activity.id, text: 'updated, still [REDACTED]' });
    expect(deletion?.activity.id).toBe(removed?.activity.id);
    expect(response?.activity.value).toEqual({ status: 200, body: { pass: '[REDACTED]' } });
    expect(entries[7]?.activity.value).toMatchObject({ status: expect.any(Number) as number });
    const dump = rawRows(app).join('\n');
    expect(dump).not.toContain(TAP);
    expect(dump).not.toContain('090-1234-5678');
    expect(dump).toContain('[phone •••78]');
  });

  it('stores what was said when it was said, even if the bot alters the activity later', async () => {
    const { chat, store, transcripts } = setup();
    await chat.adapter.processActivity({ type: 'message', text: 'original words' }, async (context) => {
      const card = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'first version' }] };
      await context.sendActivity({
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
      });
      // Code that reuses its objects must not rewrite history.
      context.activity.text = 'altered by the bot';
      card.body[0].text = 'second version';
    });
    await transcripts.drain();
    const [incoming, outgoing] = await store.list(CONVERSATION_ID);
    expect(incoming?.activity.text).toBe('original words');
    expect(JSON.stringify(outgoing?.activity)).toContain('first version');
  });

  it('applies configured sensitive patterns', async () => {
    const { app, chat, transcripts } = setup();
    await turn(chat, `my id is ${EMPLOYEE_NUMBER}`);
    await transcripts.drain();
    expect(rawRows(app)[0]).toContain('my id is [REDACTED]');
  });
});

describe('transcript logging when things fail', () => {
  it.each(['reject', 'throw'] as const)(
    'logs and counts a store that is down (%s) and the conversation goes on',
    async (how) => {
      const failing = new FailingTranscriptStore(how);
      const { chat, transcripts, log } = setup({ store: () => failing });
      const firstReplies = await turn(chat, '090-1234-5678 です', { before: startTranscriptSegment });
      expect(firstReplies.length).toBeGreaterThan(0);
      const next = await turn(chat, diag('start', 'changed'), {
        after: (context) => linkTranscriptToRequest(context, 'REQ-7K3F9Q'),
      });
      expect(next.length).toBeGreaterThan(0);
      await transcripts.drain();

      // Turn 1: append. Turn 2: the latest-segment look-up fails, so nothing of it is written or linked.
      expect(failing.calls).toBe(2);
      expect(transcripts.failedWrites).toBe(2);
      expect(transcripts.droppedEntries).toBe(1 + firstReplies.length + 1 + next.length);
      const failures = log.lines.filter((line) => line.includes('transcript'));
      expect(failures).toHaveLength(2);
      expect(failures.join('\n')).toContain('transcript store is down');
      expect(failures.join('\n')).not.toContain('090-1234-5678');
    },
  );

  it('writes a turn whose bot logic throws, with the error message sent after it', async () => {
    const { app, chat, store, transcripts } = setup();
    chat.adapter.onTurnError = async (context) => {
      await context.sendActivity('Sorry, something went wrong.');
    };
    await chat.adapter.processActivity({ type: 'message', text: '090-1234-5678' }, async (context) => {
      await context.sendActivity('working on it');
      throw new Error('boom');
    });
    await transcripts.drain();
    const entries = await store.list(CONVERSATION_ID);
    expect(entries.map((e) => [e.direction, e.activity.text])).toEqual([
      ['incoming', '[phone •••78]'],
      ['outgoing', 'working on it'],
      ['outgoing', 'Sorry, something went wrong.'],
    ]);
    expect(new Set(entries.map((e) => e.segmentId)).size).toBe(1);
    expect(rawRows(app)).toHaveLength(3);
  });

  it('ignores a link to something that is not a request id, and says so', async () => {
    const { app, chat, transcripts, log } = setup();
    await turn(chat, 'hello', { after: (context) => linkTranscriptToRequest(context, '090-1234-5678') });
    await transcripts.drain();
    expect(withAppSql(app, (db) => db.prepare('SELECT COUNT(*) FROM transcript_links').pluck().get())).toBe(
      0,
    );
    expect(transcripts.failedWrites).toBe(1);
    expect(log.lines.join('\n')).not.toContain('090-1234-5678');
  });

  it('queues a slow store’s writes per conversation, so turns keep their order and their segment', async () => {
    const { chat, store, transcripts } = setup({ store: (real) => new DelayedTranscriptStore(real, 20) });
    const texts = Array.from({ length: 5 }, (_, i) => `message ${i}`);
    for (const text of texts) {
      // Each turn ends long before its write does.
      await chat.adapter.processActivity({ type: 'message', text }, async () => {});
    }
    await transcripts.drain();
    const stored = await store.list(CONVERSATION_ID);
    expect(stored.map((e) => e.activity.text)).toEqual(texts);
    expect(new Set(stored.map((e) => e.segmentId))).toEqual(new Set(['seg-1']));
  });
});

describe('transcript logging on the real CloudAdapter over HTTP', () => {
  it('records a Teams message, the replies with their channel ids, and an invoke response', async () => {
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    const bot = await startBot(db.path, SENSITIVE_ENV);
    try {
      // The composition root installs the middleware; this test reads what it stored.
      const store = bot.app.transcripts;
      const transcripts = bot.app.transcriptLogging;

      const conversationId = 'a:personal-http';
      expect(
        (await bot.post(teamsMessage({ serviceUrl, conversationId, text: '090-1234-5678' }))).status,
      ).toBe(200);
      const invoke = await bot.post({
        ...teamsMessage({ serviceUrl, conversationId }),
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'unknown', data: { tap: TAP } } },
      });
      await transcripts.drain();

      const replies = connector.sentTo(conversationId);
      expect(replies.length).toBeGreaterThan(0);
      const entries = await store.list(conversationId);
      expect(entries[0]).toMatchObject({ direction: 'incoming', activity: { text: '[phone •••78]' } });
      const outgoingMessages = entries.filter(
        (e) => e.direction === 'outgoing' && e.activityType === 'message',
      );
      expect(outgoingMessages.map((e) => e.activity.id)).toEqual(replies.map((r) => r.id));
      const last = entries[entries.length - 1];
      expect(last).toMatchObject({ direction: 'outgoing', activityType: 'invokeResponse' });
      expect(last?.activity.value).toMatchObject({ status: invoke.status });
      const dump = rawRows(bot.app).join('\n');
      expect(dump).not.toContain('090-1234-5678');
      expect(dump).not.toContain(TAP);
      expect(transcripts.failedWrites).toBe(0);
    } finally {
      await bot.stop();
      db.cleanup();
      await connector.stop();
    }
  });
});
