import type { ConversationReference } from 'botbuilder';
import type { ConversationReferences } from '../../ports/conversation-references';
import { asPromise } from './as-promise';
import type { SqliteDatabase } from './database';

export class SqliteConversationReferences implements ConversationReferences {
  private readonly upsert;
  private readonly select;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.upsert = db.prepare<[string, string, string]>(
      `INSERT INTO conversation_references (key, reference, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET reference = excluded.reference, updated_at = excluded.updated_at`,
    );
    this.select = db
      .prepare<[string], string>('SELECT reference FROM conversation_references WHERE key = ?')
      .pluck();
  }

  /** Every turn saves the sender's reference; it is written only when it changed, which is rare. */
  save(key: string, reference: Partial<ConversationReference>): Promise<void> {
    return asPromise(() => {
      const serialised = JSON.stringify(reference);
      if (this.select.get(key) === serialised) return;
      this.upsert.run(key, serialised, this.now().toISOString());
    });
  }

  get(key: string): Promise<Partial<ConversationReference> | undefined> {
    return asPromise(() => {
      const row = this.select.get(key);
      return row === undefined ? undefined : (JSON.parse(row) as Partial<ConversationReference>);
    });
  }
}
