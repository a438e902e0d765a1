import type { ConversationReference } from 'botbuilder';
import { channelKey, userKey } from '../../src/ports/conversation-references';
import { useBackend, type ContractBackend } from './backend';

function reference(conversationId: string): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/jp/',
    conversation: {
      id: conversationId,
      isGroup: false,
      conversationType: 'personal',
      tenantId: 't',
      name: '',
    },
    bot: { id: '28:bot', name: 'Helpdesk' },
    user: { id: '29:user', name: '田中 花子', aadObjectId: 'user-1' },
  };
}

/** `ConversationReferences`: where the bot reaches a channel or a person, last write wins. */
export function referencesContract(backend: ContractBackend): void {
  describe(`${backend.name}: conversation references`, () => {
    const ctx = useBackend(backend);

    it('saves and reads a reference exactly, unknown keys read as undefined', async () => {
      const refs = ctx.stores.references;
      await refs.save(userKey('User-1'), reference('a:personal-1'));
      await refs.save(channelKey('19:approvals@thread.tacv2'), reference('19:approvals@thread.tacv2'));
      expect(await refs.get(userKey('user-1'))).toEqual(reference('a:personal-1'));
      expect(await refs.get(channelKey('19:approvals@thread.tacv2'))).toEqual(
        reference('19:approvals@thread.tacv2'),
      );
      expect(await refs.get(userKey('someone-else'))).toBeUndefined();
    });

    it('replaces a reference on save, also from another instance', async () => {
      const peer = (await ctx.peer()).references;
      await ctx.stores.references.save(userKey('user-1'), reference('a:old'));
      await peer.save(userKey('user-1'), reference('a:new'));
      expect(await ctx.stores.references.get(userKey('user-1'))).toEqual(reference('a:new'));
    });
  });
}
