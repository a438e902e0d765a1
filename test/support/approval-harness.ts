import type { Activity } from 'botbuilder';
import type { AppOverrides } from '../../src/app';
import type { Environment } from '../../src/config';
import { createPendingRequest } from '../../src/domain/request-lifecycle';
import type { OpenResetRequest } from '../../src/domain/reset-request';
import type { RequestStore } from '../../src/ports/request-store';
import type { GraphEmulator } from '../../tools/graph-emulator';
import { directoryFor, startEmulator } from '../graph/graph-test-kit';
import { pathTo, submit } from './diagnosis-paths';
import { LoopbackConnector, startBot, tempDatabase, visibleText, type RunningBot } from './running-bot';
import { BOT, HANAKO, teamsMessage, type TeamsUser } from './teams-activity';
import { DEMO } from './test-config';

export const APPROVALS = DEMO.approvalsChannelId;
export const TEAM = { id: '19:it-team-general@thread.tacv2', name: 'IT 部門' };

export const KEN: TeamsUser = { id: '29:ken', name: '佐藤 健', aadObjectId: DEMO.users.ken };
export const EMILY: TeamsUser = { id: '29:emily', name: 'Emily Clark', aadObjectId: DEMO.users.emily };
export const MAKOTO: TeamsUser = { id: '29:makoto', name: '高橋 誠', aadObjectId: DEMO.users.makoto };
export const OLIVIA: TeamsUser = { id: '29:olivia', name: 'Olivia Brown', aadObjectId: DEMO.users.olivia };
export const ICHIRO: TeamsUser = { id: '29:ichiro', name: '鈴木 一郎', aadObjectId: DEMO.users.ichiro };
export const SHOTA: TeamsUser = { id: '29:shota', name: '中村 翔太', aadObjectId: DEMO.users.shota };
export const YOKO: TeamsUser = { id: '29:yoko', name: '小林 陽子', aadObjectId: DEMO.users.yoko };
export const ALEX: TeamsUser = { id: '29:alex', name: 'Alex Wilson', aadObjectId: DEMO.users.alex };
export const DAISUKE: TeamsUser = { id: '29:daisuke', name: '渡辺 大輔', aadObjectId: DEMO.users.daisuke };
export const MEGUMI: TeamsUser = { id: '29:megumi', name: '加藤 恵', aadObjectId: DEMO.users.megumi };
export const SAKURA: TeamsUser = { id: '29:sakura', name: '松本 さくら', aadObjectId: DEMO.users.sakura };

/** A message from `user` in the approvals channel's thread. */
export function approvalsChannelActivity(serviceUrl: string, user: TeamsUser): Partial<Activity> {
  return {
    ...teamsMessage({ serviceUrl, user }),
    conversation: {
      id: APPROVALS,
      conversationType: 'channel',
      isGroup: true,
      tenantId: DEMO.tenantId,
      name: '',
    },
    channelData: { tenant: { id: DEMO.tenantId }, team: TEAM, channel: { id: APPROVALS } },
  };
}

/** The conversationUpdate Teams sends when the bot is added to the IT team (`from`: who added it). */
export function botAddedToTeam(serviceUrl: string, from: TeamsUser): Partial<Activity> {
  return {
    ...teamsMessage({ serviceUrl, user: from }),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id, name: BOT.name }],
    conversation: {
      id: TEAM.id,
      conversationType: 'channel',
      isGroup: true,
      tenantId: DEMO.tenantId,
      name: '',
    },
    channelData: {
      tenant: { id: DEMO.tenantId },
      team: TEAM,
      channel: { id: TEAM.id },
      eventType: 'teamMemberAdded',
    },
  };
}

/** A pending request of `user` (a changed phone, or a lost one), as if its card had been posted to `channelId`. */
export function postedPendingRequest(
  user: TeamsUser,
  channelId: string,
  lostOrStolen = false,
  at: Date = new Date(),
): OpenResetRequest {
  const pending = createPendingRequest(
    {
      tenantId: DEMO.tenantId,
      requester: { aadObjectId: user.aadObjectId, teamsUserId: user.id, name: user.name },
      locale: 'ja',
      newPhone: { graph: '+81 9012345678', international: '+81 90-1234-5678', national: '090-1234-5678' },
      verification: 'video_call',
      reason: 'test',
      diagnosis: {
        path: 'start',
        situation: lostOrStolen ? 'S1b' : 'S1a',
        errorCodes: [],
        workingMethods: [],
        lostOrStolen,
      },
    },
    at,
  );
  return {
    ...pending,
    delivery: { approvals: { conversationId: channelId, activityId: `card-${pending.id}` } },
  };
}

/** Graph calls that change the directory (reads and the membership check are not changes). */
export function graphChanges(emulator: GraphEmulator): string[] {
  return emulator
    .graphRequests()
    .filter((request) => request.method !== 'GET' && !request.path.endsWith('/checkMemberGroups'))
    .map((request) => `${request.method} ${request.path}`);
}

/**
 * The real bot over HTTP, the real Graph adapter against the HTTPS emulator, real SQLite, and a
 * loopback connector standing in for Teams. The bot has been added to the IT team, so it knows
 * the approvals channel.
 */
export class ApprovalHarness {
  private constructor(
    readonly emulator: GraphEmulator,
    readonly connector: LoopbackConnector,
    readonly serviceUrl: string,
    public bot: RunningBot,
    private readonly db: { path: string; cleanup: () => void },
    private readonly env: Environment,
    private readonly overrides: AppOverrides,
  ) {}

  static async start(env: Environment = {}, overrides: AppOverrides = {}): Promise<ApprovalHarness> {
    const emulator = await startEmulator();
    const connector = new LoopbackConnector();
    const serviceUrl = await connector.start();
    const db = tempDatabase();
    const fullOverrides: AppOverrides = {
      directory: directoryFor(emulator),
      createWorker: null,
      ...overrides,
    };
    const bot = await startBot(db.path, env, fullOverrides);
    const harness = new ApprovalHarness(emulator, connector, serviceUrl, bot, db, env, fullOverrides);
    await harness.addBotToTeam();
    return harness;
  }

  /** A new bot process on the same database file: nothing survives but what is stored. */
  async restart(): Promise<void> {
    await this.bot.stop();
    this.bot = await startBot(this.db.path, this.env, this.overrides);
  }

  async stop(): Promise<void> {
    await this.bot.stop();
    await this.connector.stop();
    await this.emulator.close();
    this.db.cleanup();
  }

  get dbPath(): string {
    return this.db.path;
  }

  get app() {
    return this.bot.app;
  }

  /** Teams tells the bot it was added to the team (this is how it learns the channel's reference). */
  async addBotToTeam(): Promise<void> {
    const response = await this.bot.post(botAddedToTeam(this.serviceUrl, KEN));
    if (response.status !== 200) throw new Error(`adding the bot to the team failed: ${response.status}`);
  }

  /** The person writes to the bot in their 1:1 chat (Teams records the chat on first contact). */
  async say(user: TeamsUser, input: { text?: string; value?: unknown }): Promise<Response> {
    return this.bot.post(teamsMessage({ serviceUrl: this.serviceUrl, user, ...input }));
  }

  /** Walks the diagnosis to the intake and files a request with the given number; returns its id. */
  async fileRequest(
    user: TeamsUser = HANAKO,
    phone = '090-1234-5678',
    leaf = 'work.request',
  ): Promise<string> {
    return fileRequestThrough(this.endpoint, user, phone, leaf);
  }

  /**
   * A request stored directly (for refusal tests that need a particular requester), as if its card
   * had been posted to the approvals channel.
   */
  async storeRequest(user: TeamsUser, lostOrStolen = false): Promise<OpenResetRequest> {
    const request = postedPendingRequest(user, APPROVALS, lostOrStolen);
    await this.app.requests.create(request);
    return request;
  }

  channelActivity(user: TeamsUser): Partial<Activity> {
    return approvalsChannelActivity(this.serviceUrl, user);
  }

  /**
   * A click on an approval card, as Teams sends it (Universal Actions invoke): from the card the bot
   * posted (its thread in the approvals channel, `replyToId` its message) unless told otherwise.
   */
  async click(
    user: TeamsUser,
    verb: string,
    data: Record<string, unknown>,
    options: ClickOptions = {},
  ): Promise<CardClick> {
    return clickCard(this.endpoint, user, verb, data, options);
  }

  /** This harness's bot as a `BotEndpoint`: its HTTP server, its store, the loopback connector. */
  get endpoint(): BotEndpoint {
    return { post: (body) => this.bot.post(body), requests: this.app.requests, serviceUrl: this.serviceUrl };
  }

  /** The person's 1:1 chat with the bot, as the loopback connector records it. */
  chatOf(user: TeamsUser = HANAKO): string {
    return `a:personal-${user.id}`;
  }

  /** The requester types a release code on their pass card (Action.Submit with the card's input). */
  async typeReleaseCode(user: TeamsUser, requestId: string, releaseCode: string): Promise<Response> {
    return this.say(user, { value: { kind: 'releaseCode', requestId, releaseCode } });
  }

  /**
   * The changed-phone path: the approver approves and reads the release code on their answer card
   * out on the call; the requester, once their pass card asks for it, types it.
   */
  async approveAndRelease(
    approver: TeamsUser,
    requestId: string,
    requester: TeamsUser = HANAKO,
    inputs: Record<string, unknown> = {},
  ): Promise<{ response: CardClick; code: string }> {
    const response = await this.click(approver, 'approve', approveInputs(requestId, inputs));
    const code = releaseCodeOn(response.body);
    await until('the pass card asking for the release code', () =>
      this.connector
        .sentTo(this.chatOf(requester))
        .some((activity) => visibleText(activity).includes('受け取りコード'))
        ? true
        : undefined,
    );
    await this.typeReleaseCode(requester, requestId, code);
    return { response, code };
  }

  /** What the approvals channel received: new cards and updates, oldest first. */
  approvalsActivities(): Array<Partial<Activity>> {
    return this.connector.sentTo(APPROVALS);
  }
}

/**
 * What driving one bot needs: where its activities go, the store its requests are read back from,
 * and the loopback connector's URL its answers go to. An in-process bot and a bot process alike.
 */
export interface BotEndpoint {
  post(body: unknown): Promise<Response>;
  requests: Pick<RequestStore, 'get' | 'findOpenByRequester'>;
  serviceUrl: string;
}

export interface ClickOptions {
  trigger?: 'manual' | 'automatic';
  tenantId?: string;
  conversationId?: string;
  replyToId?: string;
}

export interface CardClick {
  status: number;
  body: { statusCode?: number; type?: string; value?: unknown };
}

/** Walks the diagnosis to the intake and files a request with the given number; returns its id. */
export async function fileRequestThrough(
  bot: BotEndpoint,
  user: TeamsUser = HANAKO,
  phone = '090-1234-5678',
  leaf = 'work.request',
): Promise<string> {
  const say = (input: { text?: string; value?: unknown }): Promise<Response> =>
    bot.post(teamsMessage({ serviceUrl: bot.serviceUrl, user, ...input }));
  await say({ text: 'こんにちは' });
  for (const choice of pathTo(leaf)) await say(submit(choice));
  await say({ text: phone });
  await say({ value: { kind: 'intake', node: 'verification', value: 'video_call' } });
  await say({ text: '機種変更で番号が変わりました' });
  await say({ value: { kind: 'intake', node: 'confirm', value: 'submit' } });
  const open = await bot.requests.findOpenByRequester(user.aadObjectId);
  if (!open) throw new Error('no request was filed');
  return open.request.id;
}

/**
 * A click on an approval card, as Teams sends it (Universal Actions invoke): from the card the bot
 * posted (its thread in the approvals channel, `replyToId` its message) unless told otherwise.
 */
export async function clickCard(
  bot: BotEndpoint,
  user: TeamsUser,
  verb: string,
  data: Record<string, unknown>,
  options: ClickOptions = {},
): Promise<CardClick> {
  const base = approvalsChannelActivity(bot.serviceUrl, user);
  const tenantId = options.tenantId ?? DEMO.tenantId;
  const posted =
    typeof data.requestId === 'string'
      ? (await bot.requests.get(data.requestId))?.request.delivery?.approvals
      : undefined;
  const replyToId = options.replyToId ?? posted?.activityId;
  const conversationId =
    options.conversationId ?? (replyToId ? `${APPROVALS};messageid=${replyToId}` : APPROVALS);
  const response = await bot.post({
    ...base,
    type: 'invoke',
    name: 'adaptiveCard/action',
    text: undefined,
    replyToId,
    conversation: { ...base.conversation, id: conversationId, tenantId },
    channelData: { ...(base.channelData as object), tenant: { id: tenantId } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: options.trigger ?? 'manual' },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as { statusCode?: number }),
  };
}

/** The inputs an approver normally sends with "Approve". */
export function approveInputs(
  requestId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    requestId,
    verificationMethod: 'video_call',
    action: 're_register',
    methodTypes: 'phone,microsoftAuthenticator,softwareOath',
    tapLifetimeMinutes: '60',
    confirmedByCallback: 'false',
    denyReason: '',
    ...overrides,
  };
}

/** The release code on the card an approve click was answered with (changed phone). */
export function releaseCodeOn(body: { value?: unknown }): string {
  const code = /(?:受け取りコード|Release code for the call): ([A-Z]{3}-[A-Z]{3})/.exec(
    invokeCardText(body),
  )?.[1];
  if (code === undefined) throw new Error('the approver was shown no release code');
  return code;
}

/** The text of the card an invoke answered with (what the clicking approver sees). */
export function invokeCardText(body: { value?: unknown }): string {
  return visibleText({
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: body.value }],
  });
}

/** Polls until `probe` yields something (background work: the executor, proactive messages). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
