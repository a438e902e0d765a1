/**
 * Reviewing is itself audited, and the reviewer trusts the audit trail over the request table
 * (issue 10, point 9): the reviewer card shows the decision the audit trail holds and flags any
 * difference with the request record; the review CLI's list, show and export are audited, and show
 * nothing when the audit trail cannot record the look.
 */
import { reviewRequestCardData } from '../../src/bot/reviewer-view';
import { loadRequestDetail } from '../../src/review/queries';
import { tempDatabase } from '../support/running-bot';
import { withAppSql } from '../support/app-sql';
import { testConfig, testLocalizer } from '../support/test-config';
import { review } from './cli-support';
import { seedReviewData, type ReviewData } from './review-test-kit';

const view = { localizer: testLocalizer(), config: testConfig() };

async function auditFact(data: ReviewData, id: string): Promise<string | undefined> {
  const detail = await loadRequestDetail(
    { requests: data.app.requests, audit: data.app.audit, transcripts: data.app.transcripts },
    id,
  );
  if (!detail) throw new Error(`${id} is missing`);
  return reviewRequestCardData(view, 'ja', detail).facts.find(
    (fact) => fact.label === '監査記録上の承認・却下',
  )?.value;
}

describe('the reviewer card and the audit trail', () => {
  let data: ReviewData;
  let file: ReturnType<typeof tempDatabase>;
  beforeEach(async () => {
    file = tempDatabase();
    data = await seedReviewData(file.path);
  });
  afterEach(async () => {
    await data.app.stores.close();
    file.cleanup();
  });

  it('shows the decision the audit trail holds, and says it matches the request', async () => {
    expect(await auditFact(data, data.doneId)).toMatch(/佐藤 健 さんが承認 \(申請の記録と一致\)$/);
  });

  it('flags a request record edited behind the audit trail', async () => {
    // Someone with the database file rewrites who approved and how; the chain cannot be rewritten.
    withAppSql(data.app, (db) =>
      db
        .prepare(
          `UPDATE reset_requests SET body = json_set(body, '$.decision.approver.id', 'someone-else',
           '$.decision.verificationMethod', 'in_person') WHERE id = ?`,
        )
        .run(data.doneId),
    );
    expect(await auditFact(data, data.doneId)).toBe(
      '申請の記録と不一致: approver, verification。記録を変更したのが誰か確認してください。',
    );
  });

  it('flags a decision on the request that no audit record holds', async () => {
    withAppSql(data.app, (db) =>
      db
        .prepare(
          `UPDATE reset_requests SET body = json_set(body, '$.decision',
           json('{"approver":{"id":"x","name":"x"},"at":"2026-01-01T00:00:00Z"}')) WHERE id = ?`,
        )
        .run(data.pendingId),
    );
    expect(await auditFact(data, data.pendingId)).toBe(
      '不一致: 申請には承認または却下が記録されていますが、監査記録にありません。',
    );
  });
});

describe('the review CLI is audited', () => {
  let db: { path: string; cleanup: () => void };
  let data: ReviewData;

  beforeEach(async () => {
    db = tempDatabase();
    data = await seedReviewData(db.path);
    await data.app.close();
  });
  afterEach(() => db.cleanup());

  async function cliRecords(): Promise<Array<{ type: string; actor: string | undefined; data: unknown }>> {
    const reopened = await seedlessAudit(db.path);
    return reopened.filter((r) => r.actor?.startsWith('cli:'));
  }

  it('records list, show and export with the operator, the filters and what was shown', async () => {
    expect((await review(db.path, ['list', '--state', 'done'])).code).toBe(0);
    expect((await review(db.path, ['show', data.doneId])).code).toBe(0);
    expect((await review(db.path, ['export', data.doneId, '--format', 'json'])).code).toBe(0);
    const records = await cliRecords();
    expect(records.map((r) => r.type)).toEqual(['review.listed', 'request.viewed', 'review.exported']);
    expect(records[0]?.data).toMatchObject({ via: 'review-cli', format: 'text', count: 1, states: ['DONE'] });
    expect(records[2]?.data).toMatchObject({ format: 'json', count: 1, requestIds: [data.doneId] });
  });

  it('shows nothing when the audit trail cannot record the look', async () => {
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(db.path);
    raw.exec(
      "CREATE TRIGGER audit_refuses BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
    );
    raw.close();
    for (const argv of [['list'], ['export', data.doneId, '--format', 'json']]) {
      const run = await review(db.path, argv);
      expect(run.code).toBe(2);
      expect(run.stdout).not.toContain(data.doneId);
    }
  });
});

/** The audit records in the file, read with a fresh connection (the CLI closed its own). */
async function seedlessAudit(
  path: string,
): Promise<Array<{ type: string; actor: string | undefined; data: unknown }>> {
  const { default: Database } = await import('better-sqlite3');
  const raw = new Database(path, { readonly: true });
  try {
    return (
      raw.prepare('SELECT type, actor_id AS actor, data FROM audit_log ORDER BY seq').all() as Array<{
        type: string;
        actor: string | null;
        data: string;
      }>
    ).map((row) => ({
      type: row.type,
      actor: row.actor ?? undefined,
      data: JSON.parse(row.data) as unknown,
    }));
  } finally {
    raw.close();
  }
}
