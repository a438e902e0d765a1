import type { ContainerClient } from '@azure/storage-blob';
import type { StoreItems } from 'botbuilder';
import { AppError } from '../../errors';
import type { BotStateStorage } from '../../ports/stores';
import { isConditionFailed, isNotFound, toStorageError } from './azure-errors';
import { prepareItem } from '../bot-state-items';
import { keyPart } from './entity-text';

/** botbuilder's ConversationState keys are `{channelId}/conversations/{conversationId}/`. */
const CONVERSATIONS = 'state/conversations/';
const OTHERS = 'state/other/';

/**
 * botbuilder `Storage` on Blob storage, one block blob per key, with the semantics of botbuilder's
 * own stores and of `SqliteStorage`: a missing key is absent from a read, every write gets a new
 * eTag (the blob's), a write carrying an eTag other than `*` is sent with `If-Match` (so a stale or
 * deleted version conflicts, in every instance), `*`, an empty or no eTag overwrites.
 *
 * Items of one `write` are written side by side, not as one transaction (Blob storage has none):
 * a conflict on one item fails the call, the others may have been written. Conversation state sits
 * under its own prefix so the stale sweep lists only conversations.
 */
export class AzureBotState implements BotStateStorage {
  constructor(
    private readonly container: ContainerClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        try {
          const blob = this.container.getBlockBlobClient(blobName(key));
          const response = await blob.download();
          const body = await streamText(response.readableStreamBody);
          items[key] = { ...(JSON.parse(body) as Record<string, unknown>), eTag: response.etag };
        } catch (error) {
          if (isNotFound(error)) return;
          throw toStorageError(error, 'Reading bot state failed.');
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    // Serialised first, so a bad item fails the call before anything is written.
    const prepared = Object.entries(changes as Record<string, unknown>).map(([key, item]) =>
      prepareItem(key, item),
    );
    const updatedAt = this.now().toISOString();
    await Promise.all(
      prepared.map(async ({ key, value, expectedETag }) => {
        const blob = this.container.getBlockBlobClient(blobName(key));
        try {
          await blob.upload(value, Buffer.byteLength(value), {
            conditions: expectedETag === undefined ? {} : { ifMatch: quoted(expectedETag) },
            metadata: { updatedat: updatedAt },
            blobHTTPHeaders: { blobContentType: 'application/json; charset=utf-8' },
          });
        } catch (error) {
          // If-Match on a blob that is gone answers 404 or 412: the version the writer read is gone.
          if (expectedETag !== undefined && (isConditionFailed(error) || isNotFound(error))) {
            throw new AppError('CONFLICT', `Storage: error writing "${key}" due to eTag conflict.`, {
              details: [key],
              cause: error,
            });
          }
          throw toStorageError(error, 'Writing bot state failed.');
        }
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    try {
      await Promise.all(keys.map((key) => this.container.getBlockBlobClient(blobName(key)).deleteIfExists()));
    } catch (error) {
      throw toStorageError(error, 'Deleting bot state failed.');
    }
  }

  /**
   * Deletes the conversation state (dialog stacks, drafts) last written before `before`: an
   * abandoned intake must not keep the number it was given. Each delete carries the eTag that was
   * listed, so a conversation written again meanwhile stays. User state (the language) stays.
   */
  async deleteStaleConversations(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    let wiped = 0;
    try {
      for await (const blob of this.container.listBlobsFlat({
        prefix: CONVERSATIONS,
        includeMetadata: true,
      })) {
        const updatedAt = blob.metadata?.updatedat ?? blob.properties.lastModified.toISOString();
        if (updatedAt >= cutoff) continue;
        try {
          await this.container
            .getBlockBlobClient(blob.name)
            .delete({ conditions: { ifMatch: blob.properties.etag } });
          wiped += 1;
        } catch (error) {
          if (!isConditionFailed(error) && !isNotFound(error)) throw error;
        }
      }
    } catch (error) {
      throw toStorageError(error, 'Deleting stale conversation state failed.');
    }
    return wiped;
  }

  /**
   * Nothing to do on Azure: a replaced or deleted blob keeps no old copy we could reach, because
   * deploy/azure turns blob versioning and soft delete off for this account (a kept version of a
   * draft would hold the number it was given). SQLite needs this for its free pages and WAL.
   */
  wipeTraces(): Promise<void> {
    return Promise.resolve();
  }
}

/** An eTag as an If-Match header value: the blob's own are quoted already, an invalid one gets quotes. */
function quoted(eTag: string): string {
  return eTag.startsWith('"') || eTag.startsWith('W/"') ? eTag : `"${eTag}"`;
}

function blobName(key: string): string {
  return `${key.includes('/conversations/') ? CONVERSATIONS : OTHERS}${keyPart(key)}`;
}

async function streamText(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (stream === undefined) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
