import { MemoryStorage, TestAdapter, TurnContext, type Activity } from 'botbuilder';
import { PassEchoGuard } from '../../src/bot/pass-echo-guard';
import { StoragePassWindows } from '../../src/bot/pass-windows';
import { passShapedRuns } from '../../src/domain/pass-shape';
import { notesOf } from '../../dialogs/turn-marks';
import { openStores } from '../../src/adapters/stores';
import { createLogger } from '../../src/log';
import { tempDatabase } from '../support/running-bot';
import { testConfig } from '../support/test-config';

const PASS = 'Xk7!p2Qd9Lm#';
const USER = '6F1C2A9E-3B4D-4E8F-9A01-0C2D3E4F5A01';

describe('pass-shaped runs', () => {
  it.each([
    ['これで合っていますか？Xk7!p2Qd9Lm#', ['Xk7!p2Qd9Lm#']],
    ['is this right? Xk7!p2Qd', ['Xk7!p2Qd']],
    ['パスは「Ｘｋ７！ｐ２Ｑｄ」です', ['Ｘｋ７！ｐ２Ｑｄ']],
    ['pass=Xk7!p2Qd thanks', ['pass=Xk7!p2Qd']],
    ['はい、書き留めました', []],
    ['short Xk7!p2Q', []],
  ])('%s', (text, expected) => {
    expect(passShapedRuns(text)).toEqual(expected);
  });
});

/** A message turn from `aadObjectId`, and the secrets the guard registered for its transcript. */
function turnFrom(aadObjectId: string, text: string): { context: TurnContext; secrets: () => string[] } {
  const activity: Partial<Activity> = { type: 'message', text, from: { id: '29:x', name: 'x', aadObjectId } };
  const context = new TurnContext(new TestAdapter(), activity);
  return { context, secrets: () => [...notesOf(context).secrets] };
}

describe('a pass shown on one instance and pasted on another', () => {
  it('is redacted by the other instance, which only knows that a pass was shown and until when', async () => {
    const storage = new MemoryStorage();
    const expiresAt = new Date(Date.now() + 60 * 60_000).toISOString();
    const showing = new PassEchoGuard(() => new Date(), new StoragePassWindows(storage));
    const other = new PassEchoGuard(() => new Date(), new StoragePassWindows(storage));
    await showing.remember(USER, PASS, expiresAt);

    const pasted = turnFrom(USER.toLowerCase(), `これで合っていますか？${PASS}`);
    await other.registerEchoes(pasted.context);
    expect(pasted.secrets()).toEqual([PASS]);
    // Nothing derived from the pass was stored: only the time.
    const key = `helpdesk/pass-windows/${USER.toLowerCase()}`;
    const { eTag, ...stored } = (await storage.read([key]))[key] as { eTag: string };
    expect(typeof eTag).toBe('string');
    expect(stored).toEqual({ until: expiresAt });
  });

  it('leaves other people, and the same person once the pass stopped working, alone', async () => {
    const storage = new MemoryStorage();
    let now = new Date();
    const guard = new PassEchoGuard(() => now, new StoragePassWindows(storage));
    await new PassEchoGuard(() => now, new StoragePassWindows(storage)).remember(
      USER,
      PASS,
      new Date(now.getTime() + 60_000).toISOString(),
    );
    const someoneElse = turnFrom('6f1c2a9e-3b4d-4e8f-9a01-0c2d3e4f5a02', `見てください ${PASS}`);
    await guard.registerEchoes(someoneElse.context);
    expect(someoneElse.secrets()).toEqual([]);
    now = new Date(now.getTime() + 61_000);
    const late = turnFrom(USER, `見てください ${PASS}`);
    await guard.registerEchoes(late.context);
    expect(late.secrets()).toEqual([]);
  });

  it('keeps the later of two windows opened at once, on a real store shared by two openers', async () => {
    const db = tempDatabase();
    const config = testConfig({ HELPDESK_SQLITE_PATH: db.path });
    const deps = { logger: createLogger({ level: 'silent' }) };
    const first = openStores(config, deps);
    const second = openStores(config, deps);
    try {
      const base = Date.now() + 60_000;
      const windows = [new StoragePassWindows(first.botState), new StoragePassWindows(second.botState)];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          windows[i % 2]?.open(USER, new Date(base + (i === 13 ? 50_000 : i * 1000))),
        ),
      );
      expect((await windows[0]?.openUntil(USER))?.getTime()).toBe(base + 50_000);
      expect((await windows[1]?.openUntil(USER.toLowerCase()))?.getTime()).toBe(base + 50_000);
    } finally {
      await first.close();
      await second.close();
      db.cleanup();
    }
  });
});
