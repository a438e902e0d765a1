import type { ConversationReference } from 'botbuilder';

/** Where the bot can reach a channel or a person proactively. */
export interface ConversationReferences {
  save(key: string, reference: Partial<ConversationReference>): Promise<void>;
  get(key: string): Promise<Partial<ConversationReference> | undefined>;
}

export const channelKey = (channelId: string): string => `channel:${channelId}`;
export const userKey = (aadObjectId: string): string => `user:${aadObjectId.toLowerCase()}`;
