import {
  AutoSaveStateMiddleware,
  ConversationState,
  MessageFactory,
  TestAdapter,
  UserState,
  type Storage,
  type StoreItems,
} from 'botbuilder';
import { Dialog, DialogSet, TextPrompt, WaterfallDialog, type DialogState } from 'botbuilder-dialogs';
import { isAppError } from '../../../src/errors';
import { openDatabase, type SqliteDatabase } from '../../../src/adapters/sqlite/database';
import { SqliteStorage } from '../../../src/adapters/sqlite/sqlite-storage';
import { runChild, tempFolder } from './sqlite-test-support';

const folder = tempFolder();
let counter = 0;
const open: SqliteDatabase[] = [];

function freshFile(): string {
  counter += 1;
  return folder.path(`storage-${counter}.sqlite`);
}

function storageOn(file: string): SqliteStorage {
  const db = openDatabase(file);
  open.push(db);
  return new SqliteStorage(db);
}

afterEach(() => {
  for (const db of open.splice(0)) {
    db.close();
  }
});

afterAll(() => folder.cleanup());

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAppError(error, 'CONFLICT')).toBe(true);
  expect((error as Error).message).toMatch(/eTag conflict/);
}

// The cases of botbuilder-js libraries/botbuilder-core/tests/storageBaseTests.js, plus the
// behaviours this bot relies on beyond them.
describe('SqliteStorage: botbuilder storage contract', () => {
  let storage: Storage;

  beforeEach(() => {
    storage = storageOn(freshFile());
  });

  it('returns an empty object for unknown keys', async () => {
    const result = await storage.read(['unknown']);
    expect(result).toEqual({});
  });

  it('returns only the keys that exist', async () => {
    await storage.write({ a: { n: 1 } });
    const result = await storage.read(['a', 'missing']);
    expect(Object.keys(result)).toEqual(['a']);
  });

  it('rejects null keys or changes like MemoryStorage', async () => {
    await expect(storage.read(null as unknown as string[])).rejects.toThrow(ReferenceError);
    await expect(storage.write(null as unknown as StoreItems)).rejects.toThrow(ReferenceError);
    await expect(storage.delete(null as unknown as string[])).rejects.toThrow(ReferenceError);
  });

  it('does not throw when writing no items, or reading and deleting no keys', async () => {
    await expect(storage.write([])).resolves.toBeUndefined();
    await expect(storage.write({})).resolves.toBeUndefined();
    await expect(storage.read([])).resolves.toEqual({});
    await expect(storage.delete([])).resolves.toBeUndefined();
  });

  it('creates objects and gives each an eTag', async () => {
    await storage.write({ createPoco: { id: 1 }, createPocoStoreItem: { id: 2 } });
    const read = await storage.read(['createPoco', 'createPocoStoreItem']);
    expect(read.createPoco.id).toBe(1);
    expect(read.createPocoStoreItem.id).toBe(2);
    expect(typeof read.createPoco.eTag).toBe('string');
    expect(typeof read.createPocoStoreItem.eTag).toBe('string');
    expect(read.createPoco.eTag).not.toBe(read.createPocoStoreItem.eTag);
  });

  it('handles crazy keys', async () => {
    const key = '!@#$%^&*()~/\\><,.?\';"`~ 日本語 %00';
    await storage.write({ [key]: { id: 1 } });
    const read = await storage.read([key]);
    expect(read[key].id).toBe(1);
  });

  it('round-trips nested JSON values and does not mutate the caller’s item', async () => {
    const item = { nested: { list: [1, 'two', { three: true }], text: '電話' }, nothing: null, eTag: '*' };
    await storage.write({ k: item });
    expect(item.eTag).toBe('*');
    const read = await storage.read(['k']);
    expect(read.k).toEqual({ ...item, eTag: read.k.eTag });
  });

  it('gives a new eTag on every write, also an unchanged one', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      await storage.write({ k: { same: true } });
      seen.add((await storage.read(['k'])).k.eTag as string);
    }
    expect(seen.size).toBe(5);
  });

  it('updates objects: matching eTag wins, stale eTag conflicts and changes nothing, * and no eTag overwrite', async () => {
    await storage.write({ pocoItem: { id: 1, count: 1 }, pocoStoreItem: { id: 1, count: 1 } });
    const loaded = await storage.read(['pocoItem', 'pocoStoreItem']);
    const pocoItem = loaded.pocoItem;
    delete pocoItem.eTag;
    const pocoStoreItem = loaded.pocoStoreItem;
    const firstETag = pocoStoreItem.eTag as string;

    pocoItem.count++;
    pocoStoreItem.count++;
    await storage.write(loaded);

    const reloaded = await storage.read(['pocoItem', 'pocoStoreItem']);
    expect(reloaded.pocoItem.count).toBe(2);
    expect(reloaded.pocoStoreItem.count).toBe(2);
    expect(reloaded.pocoStoreItem.eTag).not.toBe(firstETag);

    // No eTag: unconditional.
    pocoItem.count = 123;
    await storage.write({ pocoItem });

    // Stale eTag: conflict, stored value untouched.
    pocoStoreItem.count = 123;
    expect(pocoStoreItem.eTag).toBe(firstETag);
    await expectConflict(storage.write({ pocoStoreItem }));

    const afterConflict = await storage.read(['pocoItem', 'pocoStoreItem']);
    expect(afterConflict.pocoItem.count).toBe(123);
    expect(afterConflict.pocoStoreItem.count).toBe(2);
    expect(afterConflict.pocoStoreItem.eTag).toBe(reloaded.pocoStoreItem.eTag);

    // Wildcard: unconditional.
    await storage.write({
      pocoItem: { ...afterConflict.pocoItem, count: 100, eTag: '*' },
      pocoStoreItem: { ...afterConflict.pocoStoreItem, count: 100, eTag: '*' },
    });
    const final = await storage.read(['pocoItem', 'pocoStoreItem']);
    expect(final.pocoItem.count).toBe(100);
    expect(final.pocoStoreItem.count).toBe(100);
  });

  it('treats an empty eTag as none', async () => {
    await storage.write({ k: { v: 1 } });
    await storage.write({ k: { v: 2, eTag: '' } });
    expect((await storage.read(['k'])).k.v).toBe(2);
  });

  it('conflicts when a concrete eTag names a version that was deleted', async () => {
    await storage.write({ k: { v: 1 } });
    const { k } = await storage.read(['k']);
    await storage.delete(['k']);
    await expectConflict(storage.write({ k: { ...k, v: 2 } }));
    expect(await storage.read(['k'])).toEqual({});
  });

  it('deletes objects, and deleting an unknown key is fine', async () => {
    await storage.write({ delete1: { id: 1, count: 1 } });
    expect((await storage.read(['delete1'])).delete1.count).toBe(1);
    await storage.delete(['delete1']);
    expect((await storage.read(['delete1'])).delete1).toBeUndefined();
    await expect(storage.delete(['unknown_key'])).resolves.toBeUndefined();
  });

  it('performs batch operations', async () => {
    await storage.write({ batch1: { count: 10 }, batch2: { count: 20 }, batch3: { count: 30 } });
    const result = await storage.read(['batch1', 'batch2', 'batch3']);
    expect([result.batch1.count, result.batch2.count, result.batch3.count]).toEqual([10, 20, 30]);
    expect(new Set([result.batch1.eTag, result.batch2.eTag, result.batch3.eTag]).size).toBe(3);
    await storage.delete(['batch1', 'batch2', 'batch3']);
    expect(await storage.read(['batch1', 'batch2', 'batch3'])).toEqual({});
  });

  it('writes a batch atomically: one conflict writes nothing', async () => {
    await storage.write({ a: { v: 1 }, b: { v: 1 } });
    const loaded = await storage.read(['a', 'b']);
    await storage.write({ b: { v: 2 } });

    await expectConflict(
      storage.write({
        a: { ...loaded.a, v: 'new' },
        fresh: { v: 'new' },
        b: { ...loaded.b, v: 'new' },
      }),
    );

    const after = await storage.read(['a', 'b', 'fresh']);
    expect(after.a).toEqual(loaded.a);
    expect(after.b.v).toBe(2);
    expect(after.fresh).toBeUndefined();
  });

  it('refuses values that are not JSON objects, writing nothing', async () => {
    await expect(storage.write({ ok: { v: 1 }, bad: 'text' })).rejects.toMatchObject({ code: 'STORAGE' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(storage.write({ bad: circular })).rejects.toMatchObject({ code: 'STORAGE' });
    expect(await storage.read(['ok', 'bad'])).toEqual({});
  });

  it('proceeds through a waterfall with a prompt (storageBaseTests.proceedsThroughWaterfall)', async () => {
    const convoState = new ConversationState(storage);
    const dialogs = new DialogSet(convoState.createProperty<DialogState>('dialogState'));
    dialogs.add(nameDialogs());
    for (const dialog of promptDialogs()) {
      dialogs.add(dialog);
    }
    const adapter = new TestAdapter(async (turnContext) => {
      const dc = await dialogs.createContext(turnContext);
      await dc.continueDialog();
      if (!turnContext.responded) {
        await dc.beginDialog('waterfallDialog');
      }
    }).use(new AutoSaveStateMiddleware(convoState));

    await adapter
      .send('hello')
      .assertReply('step1')
      .send('hello')
      .assertReply('Please type your name.')
      .send('hi')
      .assertReply('Please send a name that is longer than 3 characters. 1')
      .send('Kyle')
      .assertReply('You got it at the 2th try!')
      .assertReply('step3')
      .startTest();
  });
});

function promptDialogs(): TextPrompt[] {
  return [
    new TextPrompt('textPrompt', async (prompt) => {
      if ((prompt.recognized.value ?? '').length > 3) {
        await prompt.context.sendActivity(
          MessageFactory.text(`You got it at the ${prompt.attemptCount}th try!`),
        );
        return true;
      }
      await prompt.context.sendActivity(
        MessageFactory.text(`Please send a name that is longer than 3 characters. ${prompt.attemptCount}`),
      );
      return false;
    }),
  ];
}

function nameDialogs(): WaterfallDialog {
  return new WaterfallDialog('waterfallDialog', [
    async (step) => {
      await step.context.sendActivity('step1');
      return Dialog.EndOfTurn;
    },
    async (step) => step.prompt('textPrompt', { prompt: MessageFactory.text('Please type your name.') }),
    async (step) => {
      await step.context.sendActivity('step3');
      return Dialog.EndOfTurn;
    },
  ]);
}

describe('SqliteStorage: a bot restart', () => {
  it('round-trips ConversationState and UserState through a new Storage on the same file', async () => {
    const file = freshFile();

    const firstStorage = storageOn(file);
    const convo1 = new ConversationState(firstStorage);
    const user1 = new UserState(firstStorage);
    const step1 = convo1.createProperty<{ node: string; answers: string[] }>('diagnosis');
    const lang1 = user1.createProperty<string>('locale');
    await new TestAdapter(async (context) => {
      await step1.set(context, { node: 'S1a.work.noMfa', answers: ['S1a', 'work'] });
      await lang1.set(context, 'ja');
      await convo1.saveChanges(context);
      await user1.saveChanges(context);
    })
      .send('hi')
      .startTest();
    open.pop()?.close();

    const secondStorage = storageOn(file);
    const convo2 = new ConversationState(secondStorage);
    const user2 = new UserState(secondStorage);
    const step2 = convo2.createProperty<{ node: string; answers: string[] }>('diagnosis');
    const lang2 = user2.createProperty<string>('locale');
    let loaded: unknown[] = [];
    await new TestAdapter(async (context) => {
      await convo2.load(context);
      await user2.load(context);
      loaded = [await step2.get(context), await lang2.get(context)];
    })
      .send('hi again')
      .startTest();

    expect(loaded).toEqual([{ node: 'S1a.work.noMfa', answers: ['S1a', 'work'] }, 'ja']);
  });

  it('continues a waterfall dialog after the storage is reopened between turns', async () => {
    const file = freshFile();

    const botOn = (storage: Storage): TestAdapter => {
      const convoState = new ConversationState(storage);
      const dialogs = new DialogSet(convoState.createProperty<DialogState>('dialogState'));
      dialogs.add(nameDialogs());
      for (const dialog of promptDialogs()) {
        dialogs.add(dialog);
      }
      return new TestAdapter(async (turnContext) => {
        const dc = await dialogs.createContext(turnContext);
        await dc.continueDialog();
        if (!turnContext.responded) {
          await dc.beginDialog('waterfallDialog');
        }
      }).use(new AutoSaveStateMiddleware(convoState));
    };

    await botOn(storageOn(file))
      .send('hello')
      .assertReply('step1')
      .send('hello')
      .assertReply('Please type your name.')
      .startTest();
    open.pop()?.close();

    // A new process would start exactly like this: new connection, new state objects, same file.
    await botOn(storageOn(file))
      .send('hi')
      .assertReply('Please send a name that is longer than 3 characters. 1')
      .send('Kyle')
      .assertReply('You got it at the 2th try!')
      .assertReply('step3')
      .startTest();
  });
});

describe('SqliteStorage: a second process on the same file', () => {
  it('sees the first process’s eTag, and the first process’s stale write then conflicts', async () => {
    const file = freshFile();
    const storage = storageOn(file);
    await storage.write({ shared: { owner: 'parent', n: 1 } });
    const parentCopy = (await storage.read(['shared'])).shared;

    // The child writes with the parent's eTag: it can only succeed if it sees the same version.
    const child = await runChild([
      'storage-write',
      file,
      'shared',
      JSON.stringify({ owner: 'child', n: 2, eTag: parentCopy.eTag }),
    ]);
    expect(child).toMatchObject({ ok: true });
    expect(child.eTag).not.toBe(parentCopy.eTag);

    await expectConflict(storage.write({ shared: { ...parentCopy, owner: 'parent', n: 3 } }));
    const stored = (await storage.read(['shared'])).shared;
    expect(stored).toEqual({ owner: 'child', n: 2, eTag: child.eTag });

    // And the other way round: a child holding a stale eTag conflicts too.
    const staleChild = await runChild([
      'storage-write',
      file,
      'shared',
      JSON.stringify({ owner: 'late child', eTag: parentCopy.eTag }),
    ]);
    expect(staleChild).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect((await storage.read(['shared'])).shared.owner).toBe('child');
  });
});

describe('SqliteStorage: how the value is stored', () => {
  it('keeps the eTag only in its column, not inside the JSON value', async () => {
    const file = freshFile();
    const db = openDatabase(file);
    open.push(db);
    const storage = new SqliteStorage(db);
    await storage.write({ k: { v: 1, eTag: '*' } });
    const row = db.prepare('SELECT value, etag FROM bot_state WHERE key = ?').get('k') as {
      value: string;
      etag: string;
    };
    expect(JSON.parse(row.value)).toEqual({ v: 1 });
    expect((await storage.read(['k'])).k.eTag).toBe(row.etag);
  });
});
