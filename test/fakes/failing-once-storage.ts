import type { Storage, StoreItems } from 'botbuilder';
import { AppError } from '../../src/errors';

/**
 * The bot's real storage, except that after `failNextWrite()` the next write throws, as a database
 * that is briefly locked or full would: the turn that saves its dialog state fails.
 */
export class FailingOnceStorage implements Storage {
  private armed = false;
  failures = 0;

  constructor(private readonly inner: Storage) {}

  failNextWrite(): void {
    this.armed = true;
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.inner.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    if (this.armed) {
      this.armed = false;
      this.failures += 1;
      return Promise.reject(new AppError('STORAGE', 'SQLITE_FULL: database or disk is full (fake)'));
    }
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}
