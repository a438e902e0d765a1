import {
  AutoSaveStateMiddleware,
  ConversationState,
  MessageFactory,
  TestAdapter,
  type Storage,
} from 'botbuilder';
import { Dialog, DialogSet, TextPrompt, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';
import { isAppError } from '../../src/errors';
import { caught, settleAll, useBackend, type ContractBackend } from './backend';

/** The keys botbuilder's ConversationState and UserState write. */
const conversationKey = (id: string): string => `msteams/conversations/${id}/`;
const userKey = (id: string): string => `msteams/users/${id}/`;

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  expect((await caught(promise)).code).toBe('CONFLICT');
}

/** Resolves once the wall clock has passed the next whole second, which it returns. */
async function nextWholeSecond(): Promise<Date> {
  const boundary = new Date(Math.floor(Date.now() / 1000) * 1000 + 1000);
  while (Date.now() < boundary.getTime()) {
    await new Promise((resolve) => setTimeout(resolve, boundary.getTime() - Date.now()));
  }
  return boundary;
}

/**
 * `BotStateStorage`: botbuilder's `Storage` with the eTag semantics botbuilder documents and its own
 * stores implement (botbuilder-core tests/storageBaseTests.js, MemoryStorage): a missing key is
 * absent from a read, every write gets a new eTag, a write carrying an eTag other than `*` must
 * match the stored one, `*` or no eTag overwrites, and deleting a missing key is not an error.
 */
export function botStateContract(backend: ContractBackend): void {
  describe(`${backend.name}: bot state (botbuilder Storage)`, () => {
    const ctx = useBackend(backend);
    let storage: Storage;
    beforeEach(() => {
      storage = ctx.stores.botState;
    });

    it('reads nothing for unknown keys, and only the keys that exist', async () => {
      expect(await storage.read(['unknown'])).toEqual({});
      await storage.write({ a: { n: 1 } });
      expect(Object.keys(await storage.read(['a', 'missing']))).toEqual(['a']);
    });

    it('takes empty reads, writes and deletes, and refuses null arguments', async () => {
      await expect(storage.write({})).resolves.toBeUndefined();
      await expect(storage.read([])).resolves.toEqual({});
      await expect(storage.delete([])).resolves.toBeUndefined();
      await expect(storage.read(null as unknown as string[])).rejects.toThrow();
      await expect(storage.write(null as unknown as Record<string, unknown>)).rejects.toThrow();
    });

    it('creates items with distinct eTags and keeps their values exactly', async () => {
      const nested = { list: [1, 'two', { three: true }], text: '電話を替えました', nothing: null };
      await storage.write({ first: { id: 1, nested }, second: { id: 2 } });
      const read = await storage.read(['first', 'second']);
      expect(read.first).toEqual({ id: 1, nested, eTag: expect.any(String) });
      expect(read.second).toEqual({ id: 2, eTag: expect.any(String) });
      expect(read.first.eTag).not.toBe(read.second.eTag);
    });

    it('handles keys with any characters', async () => {
      const keys = ['!@#$%^&*()~/\\><,.?\';"`~', 'msteams/conversations/a:1Xy_日本語-=+ %00/', 'trailing.'];
      await storage.write(Object.fromEntries(keys.map((key, i) => [key, { i }])));
      const read = await storage.read(keys);
      expect(keys.map((key) => read[key]?.i)).toEqual([0, 1, 2]);
    });

    it('gives a new eTag on every write, also of an unchanged value', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await storage.write({ k: { same: true } });
        seen.add((await storage.read(['k'])).k.eTag as string);
      }
      expect(seen.size).toBe(4);
    });

    it('writes with the stored eTag, refuses a stale one without changing anything', async () => {
      await storage.write({ k: { count: 1 } });
      const first = (await storage.read(['k'])).k;
      await storage.write({ k: { ...first, count: 2 } });
      const second = (await storage.read(['k'])).k;
      expect(second.count).toBe(2);
      expect(second.eTag).not.toBe(first.eTag);

      await expectConflict(storage.write({ k: { ...first, count: 3 } }));
      expect((await storage.read(['k'])).k).toEqual(second);
    });

    it('overwrites unconditionally with `*`, with no eTag or an empty one', async () => {
      await storage.write({ k: { v: 1 } });
      const stale = (await storage.read(['k'])).k;
      await storage.write({ k: { v: 2 } });
      await storage.write({ k: { ...stale, v: 3, eTag: '*' } });
      expect((await storage.read(['k'])).k.v).toBe(3);
      await storage.write({ k: { v: 4 } });
      expect((await storage.read(['k'])).k.v).toBe(4);
      await storage.write({ k: { v: 5, eTag: '' } });
      expect((await storage.read(['k'])).k.v).toBe(5);
      // `*` also creates.
      await storage.write({ fresh: { v: 1, eTag: '*' } });
      expect((await storage.read(['fresh'])).fresh.v).toBe(1);
    });

    it('runs storageBaseTests.updateObject: poco items overwrite, store items compare eTags', async () => {
      await storage.write({ pocoItem: { id: 1, count: 1 }, pocoStoreItem: { id: 1, count: 1 } });
      const loaded = await storage.read(['pocoItem', 'pocoStoreItem']);
      const pocoItem = loaded.pocoItem;
      delete pocoItem.eTag;
      const pocoStoreItem = loaded.pocoStoreItem;
      pocoItem.count++;
      pocoStoreItem.count++;
      await storage.write(loaded);
      const reloaded = await storage.read(['pocoItem', 'pocoStoreItem']);
      expect([reloaded.pocoItem.count, reloaded.pocoStoreItem.count]).toEqual([2, 2]);

      pocoItem.count = 123;
      await storage.write({ pocoItem });
      pocoStoreItem.count = 123;
      await expectConflict(storage.write({ pocoStoreItem }));
      const afterConflict = await storage.read(['pocoItem', 'pocoStoreItem']);
      expect([afterConflict.pocoItem.count, afterConflict.pocoStoreItem.count]).toEqual([123, 2]);
    });

    it('refuses a concrete eTag for an item that was deleted since (the version read is gone)', async () => {
      // An abandoned intake wiped by the stale sweep must not be written back by a late turn.
      await storage.write({ k: { v: 1 } });
      const { k } = await storage.read(['k']);
      await storage.delete(['k']);
      await expectConflict(storage.write({ k: { ...k, v: 2 } }));
      expect(await storage.read(['k'])).toEqual({});
    });

    it('deletes items, several at once, and deleting an unknown key is fine', async () => {
      await storage.write({ b1: { count: 10 }, b2: { count: 20 }, b3: { count: 30 } });
      const read = await storage.read(['b1', 'b2', 'b3']);
      expect([read.b1.count, read.b2.count, read.b3.count]).toEqual([10, 20, 30]);
      await storage.delete(['b1', 'b3', 'unknown_key']);
      expect(Object.keys(await storage.read(['b1', 'b2', 'b3']))).toEqual(['b2']);
      await expect(storage.delete(['unknown_key'])).resolves.toBeUndefined();
    });

    it('lets exactly one of many writers holding the same eTag win, across instances', async () => {
      await storage.write({ k: { writer: 'none' } });
      const { k } = await storage.read(['k']);
      const peers = [ctx.stores.botState, (await ctx.peer()).botState, (await ctx.peer()).botState];
      const { won, lost } = await settleAll(
        Array.from({ length: 30 }, (_, i) => peers[i % peers.length].write({ k: { ...k, writer: i } })),
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(29);
      expect(lost.every((error) => isAppError(error, 'CONFLICT'))).toBe(true);
      const stored = (await storage.read(['k'])).k;
      expect(stored.writer).not.toBe('none');
      expect(stored.eTag).not.toBe(k.eTag);
    });

    it('lets a second instance read the first one’s write and refuse its stale write back', async () => {
      const other = (await ctx.peer()).botState;
      await storage.write({ shared: { owner: 'first', n: 1 } });
      const firstCopy = (await storage.read(['shared'])).shared;
      const otherCopy = (await other.read(['shared'])).shared;
      expect(otherCopy).toEqual(firstCopy);
      await other.write({ shared: { ...otherCopy, owner: 'other', n: 2 } });
      await expectConflict(storage.write({ shared: { ...firstCopy, n: 3 } }));
      expect((await storage.read(['shared'])).shared).toMatchObject({ owner: 'other', n: 2 });
    });

    it('deletes conversation state last written before a time, keeps user state and newer conversations', async () => {
      await storage.write({ [conversationKey('old')]: { draft: 1 }, [userKey('u1')]: { locale: 'ja' } });
      const before = await nextWholeSecond();
      await storage.write({ [conversationKey('new')]: { draft: 2 } });

      expect(await ctx.stores.botState.deleteStaleConversations(new Date(before.getTime() - 60_000))).toBe(0);
      expect(await ctx.stores.botState.deleteStaleConversations(before)).toBe(1);
      const left = await storage.read([conversationKey('old'), conversationKey('new'), userKey('u1')]);
      expect(Object.keys(left).sort()).toEqual([conversationKey('new'), userKey('u1')].sort());
      expect(await ctx.stores.botState.deleteStaleConversations(before)).toBe(0);
      await expect(ctx.stores.botState.wipeTraces()).resolves.toBeUndefined();
    });

    it('carries a waterfall dialog with a prompt from one instance to another between turns', async () => {
      await botOn(storage)
        .send('hello')
        .assertReply('step1')
        .send('hello')
        .assertReply('Please type your name.')
        .startTest();
      await botOn((await ctx.peer()).botState)
        .send('hi')
        .assertReply('Please send a name that is longer than 3 characters. 1')
        .send('Kyle')
        .assertReply('You got it at the 2th try!')
        .assertReply('step3')
        .startTest();
    });
  });
}

/** storageBaseTests.proceedsThroughWaterfall's bot. */
function botOn(storage: Storage): TestAdapter {
  const convoState = new ConversationState(storage);
  const dialogs = new DialogSet(convoState.createProperty<DialogState>('dialogState'));
  dialogs.add(
    new TextPrompt('textPrompt', async (prompt) => {
      const long = (prompt.recognized.value ?? '').length > 3;
      await prompt.context.sendActivity(
        MessageFactory.text(
          long
            ? `You got it at the ${prompt.attemptCount}th try!`
            : `Please send a name that is longer than 3 characters. ${prompt.attemptCount}`,
        ),
      );
      return long;
    }),
  );
  dialogs.add(
    new WaterfallDialog('waterfallDialog', [
      async (step) => {
        await step.context.sendActivity('step1');
        return Dialog.EndOfTurn;
      },
      async (step) => step.prompt('textPrompt', { prompt: MessageFactory.text('Please type your name.') }),
      async (step) => {
        await step.context.sendActivity('step3');
        return Dialog.EndOfTurn;
      },
    ]),
  );
  return new TestAdapter(async (turnContext) => {
    const dc = await dialogs.createContext(turnContext);
    await dc.continueDialog();
    if (!turnContext.responded) await dc.beginDialog('waterfallDialog');
  }).use(new AutoSaveStateMiddleware(convoState));
}
