/**
 * The activities the Microsoft 365 Agents Playground (`npm run dev`) sends to the bot, in the shape
 * its Teams channel strategy gives them (read from @microsoft/m365agentsplayground 0.2's activity
 * generators): the people, chats, team and channel of `.m365agentsplayground.yml` and
 * `deploy/local/approver/.m365agentsplayground.yml`, `en-US` on every activity, the user's
 * playground id (`user-…`) as `from.id`. Only `serviceUrl` differs: it points at the test's
 * loopback connector instead of the playground's own.
 */
import { randomUUID } from 'node:crypto';
import type { Activity, Attachment } from 'botbuilder';

const TENANT_ID = '9a3b5c7d-1e2f-4a6b-8c9d-0e1f2a3b4c5d';
const BOT = { id: '00000000-0000-0000-0000-0000000000b0', name: 'MFA ヘルプデスク' };
const TEAM = {
  id: '19:it-team-general@thread.tacv2',
  name: 'IT 部門',
  aadGroupId: '0b7e2f11-5c3a-4d2b-8e6f-1a2b3c4d5e01',
};
export const APPROVALS_CHANNEL = { id: '19:approvals@thread.tacv2', name: 'MFA 承認' };

export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId: string;
  /** The user's personal chat with the bot, in their own playground. */
  personalChatId: string;
}

/** The employee's playground (port 56150): `currentUser` of `.m365agentsplayground.yml`. */
export const PLAYGROUND_HANAKO: PlaygroundUser = {
  id: 'user-hanako',
  name: '山田 花子',
  aadObjectId: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a01',
  personalChatId: 'a:personal-chat-hanako',
};

/** The approver's playground (port 56151): `currentUser` of `deploy/local/approver/…yml`. */
export const PLAYGROUND_KEN: PlaygroundUser = {
  id: 'user-ken',
  name: '佐藤 健',
  aadObjectId: '6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a05',
  personalChatId: 'a:personal-chat-ken',
};

const CLIENT_INFO = { locale: 'en-US', country: 'US', platform: 'Web', timezone: 'UTC', type: 'clientInfo' };

function base(serviceUrl: string, user: PlaygroundUser, conversation: Activity['conversation']) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    recipient: { id: BOT.id, name: BOT.name },
    conversation,
    from: { id: user.id, aadObjectId: user.aadObjectId, name: user.name },
    locale: 'en-US',
    localTimezone: 'UTC',
  };
}

function personalChat(user: PlaygroundUser): Activity['conversation'] {
  return {
    id: user.personalChatId,
    conversationType: 'personal',
    tenantId: TENANT_ID,
    isGroup: false,
    name: '',
  };
}

function channelConversation(): Activity['conversation'] {
  return {
    id: APPROVALS_CHANNEL.id,
    conversationType: 'channel',
    isGroup: true,
    tenantId: TENANT_ID,
    name: APPROVALS_CHANNEL.name,
  };
}

/** Step 1: the approver opens the MFA 承認 channel, and the playground adds the bot to the team there. */
export function botAddedInApprovalsChannel(serviceUrl: string, user: PlaygroundUser): unknown {
  return {
    ...base(serviceUrl, user, channelConversation()),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    channelData: {
      tenant: { id: TENANT_ID },
      team: TEAM,
      eventType: 'teamMemberAdded',
      settings: { selectedChannel: { id: APPROVALS_CHANNEL.id } },
    },
  };
}

/** Text typed in the personal chat. */
export function typed(serviceUrl: string, user: PlaygroundUser, text: string): unknown {
  return {
    ...base(serviceUrl, user, personalChat(user)),
    type: 'message',
    text,
    textFormat: 'plain',
    channelData: { tenant: { id: TENANT_ID } },
    entities: [CLIENT_INFO],
  };
}

/** An Action.Submit pressed on a card in the personal chat: a message carrying the button's data and the card's inputs. */
export function submitted(serviceUrl: string, user: PlaygroundUser, value: Record<string, unknown>): unknown {
  return {
    ...base(serviceUrl, user, personalChat(user)),
    type: 'message',
    value,
    channelData: { tenant: { id: TENANT_ID }, source: { name: 'message' } },
    entities: [CLIENT_INFO],
  };
}

/** An Action.Execute pressed on a card the bot posted in the MFA 承認 channel (`replyToId`: that card). */
export function executedInChannel(
  serviceUrl: string,
  user: PlaygroundUser,
  replyToId: string,
  verb: string,
  data: Record<string, unknown>,
): unknown {
  return {
    ...base(serviceUrl, user, channelConversation()),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    channelData: {
      source: { name: 'message' },
      tenant: { id: TENANT_ID },
      team: { id: TEAM.id },
      channel: { id: APPROVALS_CHANNEL.id },
    },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    entities: [CLIENT_INFO],
  };
}

interface CardAction {
  type?: string;
  title?: string;
  verb?: string;
  data?: Record<string, unknown>;
}

/** Every action of an Adaptive Card, wherever it sits (card actions, action sets). */
export function cardActions(attachments: readonly Attachment[] | undefined): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as CardAction & Record<string, unknown>;
      if (typeof record.type === 'string' && record.type.startsWith('Action.')) found.push(record);
      Object.entries(record).forEach(([key, child]) => {
        if (key !== 'data') walk(child);
      });
    }
  };
  walk((attachments ?? []).map((attachment) => attachment.content as unknown));
  return found;
}

/** The newest button titled `title` among `activities`, as a person would press it. */
export function newestButton(activities: ReadonlyArray<Partial<Activity>>, title: string): CardAction {
  for (const activity of [...activities].reverse()) {
    const action = cardActions(activity.attachments).find((candidate) => candidate.title === title);
    if (action) return action;
  }
  throw new Error(`no button "${title}" was shown`);
}

interface CardInput {
  type?: string;
  id?: string;
  value?: unknown;
  valueOff?: string;
  choices?: Array<{ title?: string; value?: string }>;
}

/** Every input of the card in `activity`, by id. */
export function cardInputs(activity: Partial<Activity>): Map<string, CardInput> {
  const found = new Map<string, CardInput>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as CardInput & Record<string, unknown>;
      if (
        typeof record.type === 'string' &&
        record.type.startsWith('Input.') &&
        typeof record.id === 'string'
      ) {
        found.set(record.id, record);
      }
      Object.values(record).forEach(walk);
    }
  };
  walk((activity.attachments ?? []).map((attachment) => attachment.content as unknown));
  return found;
}

/**
 * What a client sends for the card's inputs when the person changes nothing but `chosen`: each
 * input's preset value (a toggle's off value, an empty text), then the person's choices.
 */
export function filledInputs(
  activity: Partial<Activity>,
  chosen: Record<string, string> = {},
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [id, input] of cardInputs(activity)) {
    if (typeof input.value === 'string') values[id] = input.value;
    else if (input.type === 'Input.Toggle') values[id] = input.valueOff ?? 'false';
    else values[id] = '';
  }
  return { ...values, ...chosen };
}
