import type { AuditEvent } from '../../src/domain/audit';
import type { RequestState, ResetRequest } from '../../src/domain/reset-request';
import type { RequestStore, StoredRequest } from '../../src/ports/request-store';

/** One `pagesByState` iteration as the store served it. */
export interface PagedRead {
  readonly states: readonly RequestState[];
  readonly pageSize: number;
  /** The length of each page, in the order they were yielded. */
  readonly pages: number[];
}

/**
 * Passes every call to the real store and notes how the caller read it: each `pagesByState`
 * iteration with its page lengths, and how many times it fell back to `listByState`.
 */
export class PageCountingRequestStore implements RequestStore {
  readonly pagedReads: PagedRead[] = [];
  listByStateCalls = 0;

  constructor(private readonly inner: RequestStore) {}

  create(request: ResetRequest): Promise<StoredRequest> {
    return this.inner.create(request);
  }
  get(id: string): Promise<StoredRequest | undefined> {
    return this.inner.get(id);
  }
  findOpenByRequester(aadObjectId: string): Promise<StoredRequest | undefined> {
    return this.inner.findOpenByRequester(aadObjectId);
  }
  update(request: ResetRequest, expectedETag: string, audit?: readonly AuditEvent[]): Promise<StoredRequest> {
    return this.inner.update(request, expectedETag, audit);
  }
  listByState(states: readonly RequestState[], limit?: number): Promise<StoredRequest[]> {
    this.listByStateCalls += 1;
    return this.inner.listByState(states, limit);
  }
  async *pagesByState(states: readonly RequestState[], pageSize: number): AsyncGenerator<StoredRequest[]> {
    const read: PagedRead = { states: [...states], pageSize, pages: [] };
    this.pagedReads.push(read);
    for await (const page of this.inner.pagesByState(states, pageSize)) {
      read.pages.push(page.length);
      yield page;
    }
  }
  countCreatedSince(aadObjectId: string, since: Date): Promise<number> {
    return this.inner.countCreatedSince(aadObjectId, since);
  }
  countAllCreatedSince(since: Date): Promise<number> {
    return this.inner.countAllCreatedSince(since);
  }
}
