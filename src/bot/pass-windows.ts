import type { Storage } from 'botbuilder';
import { isAppError } from '../errors';
import type { PassWindows } from '../ports/pass-windows';

/** Beside botbuilder's own keys (`{channel}/users/…`, `{channel}/conversations/…`), never one of them. */
const KEY_PREFIX = 'helpdesk/pass-windows/';

interface StoredWindow {
  until?: unknown;
  eTag?: string;
}

/**
 * Pass windows in the bot-state `Storage` every backend already provides with eTag semantics, so
 * every instance on one store sees them and no backend needs a new table. One small item per
 * person: `{ until }`.
 */
export class StoragePassWindows implements PassWindows {
  constructor(private readonly storage: Storage) {}

  async open(userAadObjectId: string, until: Date): Promise<void> {
    const key = keyOf(userAadObjectId);
    // botbuilder Storage has no create-only write: a first window is written unconditionally and
    // read back, so of two windows opened at once the later one always ends up stored.
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.read(key);
      if (current !== undefined && untilOf(current) >= until.getTime()) return;
      try {
        await this.storage.write({ [key]: { until: until.toISOString(), eTag: current?.eTag ?? '*' } });
      } catch (error) {
        if (!isAppError(error, 'CONFLICT')) throw error;
      }
    }
    throw new Error('could not record a pass window: too many concurrent writers');
  }

  async openUntil(userAadObjectId: string): Promise<Date | undefined> {
    const current = await this.read(keyOf(userAadObjectId));
    return current === undefined ? undefined : new Date(untilOf(current));
  }

  private async read(key: string): Promise<StoredWindow | undefined> {
    return (await this.storage.read([key]))[key] as StoredWindow | undefined;
  }
}

function keyOf(userAadObjectId: string): string {
  return `${KEY_PREFIX}${userAadObjectId.toLowerCase()}`;
}

function untilOf(window: StoredWindow): number {
  const ms = typeof window.until === 'string' ? Date.parse(window.until) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}
