import { AppError } from '../errors';
import type { AuditRecord } from '../domain/audit';
import type { AuditLog, AuditPageOptions } from '../ports/audit-log';

const DEFAULT_PAGE_SIZE = 500;

/**
 * `AuditLog.all` for every backend: reads page by page through `list`, so verifying a large log
 * never holds one long read (SQLite snapshot, Table query) open.
 */
export async function* auditPages(
  list: AuditLog['list'],
  options: AuditPageOptions = {},
): AsyncGenerator<AuditRecord, void, undefined> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) {
    throw new AppError('BAD_REQUEST', `The page size must be a positive integer, got ${pageSize}.`);
  }
  let afterSeq = options.afterSeq ?? 0;
  for (;;) {
    const page = await list({ afterSeq, limit: pageSize });
    yield* page;
    const last = page[page.length - 1];
    if (last === undefined || page.length < pageSize) return;
    afterSeq = last.seq;
  }
}
