import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { DEMO } from './test-config';

export interface TeamsUser {
  id: string;
  name: string;
  aadObjectId: string;
}

export const BOT = { id: '28:helpdesk-bot', name: 'MFA ヘルプデスク' };

export const HANAKO: TeamsUser = { id: '29:hanako', name: '山田 花子', aadObjectId: DEMO.users.hanako };
export const MISAKI: TeamsUser = { id: '29:misaki', name: '田中 美咲', aadObjectId: DEMO.users.misaki };

export interface ActivityOptions {
  serviceUrl: string;
  user?: TeamsUser;
  conversationId?: string;
  locale?: string;
  tenantId?: string;
}

/** The fields Teams puts on every activity to a bot in a 1:1 chat. */
function base(options: ActivityOptions): Partial<Activity> {
  const user = options.user ?? HANAKO;
  const tenantId = options.tenantId ?? DEMO.tenantId;
  return {
    id: randomUUID(),
    timestamp: new Date(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: { id: BOT.id, name: BOT.name },
    conversation: {
      id: options.conversationId ?? `a:personal-${user.id}`,
      conversationType: 'personal',
      tenantId,
      isGroup: false,
      name: '',
    },
    channelData: { tenant: { id: tenantId } },
    locale: options.locale ?? 'ja-JP',
  };
}

export function teamsMessage(
  options: ActivityOptions & { text?: string; value?: unknown },
): Partial<Activity> {
  return { ...base(options), type: 'message', text: options.text ?? '', value: options.value };
}

export function botInstalled(options: ActivityOptions): Partial<Activity> {
  return {
    ...base(options),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id, name: BOT.name }],
  };
}
