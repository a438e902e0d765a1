import type { TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import type { ConversationReferences } from '../../ports/conversation-references';
import { isNotFound, storageCall } from './azure-errors';
import { keyPart, readText, textProperties } from './entity-text';

const PARTITION = 'reference';

/** Conversation references as table entities, one per key. */
export class AzureConversationReferences implements ConversationReferences {
  constructor(
    private readonly table: TableClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every turn saves the sender's reference; it is written only when it changed, which is rare. */
  async save(key: string, reference: Partial<ConversationReference>): Promise<void> {
    const serialised = JSON.stringify(reference);
    if ((await this.read(key)) === serialised) return;
    await storageCall('Saving a conversation reference failed.', () =>
      this.table.upsertEntity(
        {
          partitionKey: PARTITION,
          rowKey: keyPart(key),
          updatedAt: this.now().toISOString(),
          ...textProperties('reference', serialised),
        },
        'Replace',
      ),
    );
  }

  async get(key: string): Promise<Partial<ConversationReference> | undefined> {
    const text = await this.read(key);
    return text === undefined ? undefined : (JSON.parse(text) as Partial<ConversationReference>);
  }

  private read(key: string): Promise<string | undefined> {
    return storageCall('Reading a conversation reference failed.', async () => {
      try {
        return readText(await this.table.getEntity(PARTITION, keyPart(key)), 'reference');
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    });
  }
}
