import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteAuditLog } from '../../src/adapters/sqlite/sqlite-audit-log';
import { openDatabase } from '../../src/adapters/sqlite/database';
import { createLogger } from '../../src/log';
import { tempDatabase } from '../support/running-bot';
import { testConfig } from '../support/test-config';
import { seedReviewData, type ReviewData } from './review-test-kit';
import { review } from './cli-support';

/**
 * The review CLI end to end on a real SQLite file that the real bot wrote: listing, showing,
 * exports, statistics and the audit-chain check on a tampered copy.
 */
describe('npm run review', () => {
  let db: { path: string; cleanup: () => void };
  let data: ReviewData;

  beforeAll(async () => {
    db = tempDatabase();
    data = await seedReviewData(db.path);
    await data.app.close();
  });

  afterAll(() => db.cleanup());

  it('--help explains every command; an unknown command or option is a usage error', async () => {
    const help = await review(db.path, ['--help']);
    expect(help.code).toBe(0);
    for (const word of ['list', 'show', 'export', 'verify', 'stats', '--since', '--log'])
      expect(help.stdout).toContain(word);
    expect((await review(db.path, ['frobnicate'])).code).toBe(2);
    expect((await review(db.path, ['list', '--colour', 'red'])).code).toBe(2);
    expect((await review(db.path, ['list', '--state', 'NOPE'])).code).toBe(2);
    expect((await review(db.path, ['list', '--since', 'yesterday'])).code).toBe(2);
  });

  it('list filters by state, person and date', async () => {
    const all = await review(db.path, ['list']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(data.doneId);
    expect(all.stdout).toContain(data.pendingId);
    const done = await review(db.path, ['list', '--state', 'done']);
    expect(done.stdout).toContain(data.doneId);
    expect(done.stdout).not.toContain(data.pendingId);
    const person = await review(db.path, ['list', '--person', '田中']);
    expect(person.stdout).toContain(data.pendingId);
    expect(person.stdout).not.toContain(data.doneId);
    const future = await review(db.path, ['list', '--since', '2999-01-01']);
    expect(future.stdout).toContain('0 request(s)');
    const past = await review(db.path, ['list', '--until', '2000-01-01']);
    expect(past.stdout).toContain('0 request(s)');
  });

  it('show prints the timeline with the approver, the Graph outcome and the redacted transcript', async () => {
    const shown = await review(db.path, ['show', data.doneId.toLowerCase()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('佐藤 健');
    expect(shown.stdout).toContain('video_call');
    expect(shown.stdout).toContain('deleteMethods: succeeded');
    expect(shown.stdout).toContain('request.approved');
    expect(shown.stdout).toContain('機種変更で番号が変わりました');
    expect(shown.stdout).not.toMatch(/1234-?5678/);
    expect((await review(db.path, ['show', 'REQ-ZZZZZZ'])).code).toBe(1);
  });

  it('exports CSV as UTF-8 with a BOM, one row per request', async () => {
    const dir = join(db.path, '..');
    const out = join(dir, 'export.csv');
    const run = await review(db.path, ['export', '--since', '2000-01-01', '--format', 'csv', '--out', out]);
    expect(run.code).toBe(0);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(text).toContain('山田 花子');
    expect(text).not.toMatch(/1234-?5678/);
  });

  it('exports one request as JSON and as self-contained HTML', async () => {
    const json = await review(db.path, ['export', data.doneId, '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { requests: Array<{ request: { id: string } }> };
    expect(parsed.requests.map((detail) => detail.request.id)).toEqual([data.doneId]);
    const html = await review(db.path, ['export', data.doneId]);
    expect(html.stdout).toContain('<meta charset="utf-8">');
    expect(html.stdout).toContain('<html lang="ja">');
    expect(html.stdout).toContain('Noto Sans CJK JP');
    expect(html.stdout).toContain('@media print');
    expect(html.stdout).not.toMatch(/<script|src="http|href="http/);
    expect(html.stdout).toContain('機種変更で番号が変わりました');
    expect((await review(db.path, ['export'])).code).toBe(2); // neither an id nor a filter
  });

  it('stats counts outcomes and error codes, times to decision and completion, and says where self-service numbers come from', async () => {
    const stats = await review(db.path, ['stats']);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/DONE\s+1/);
    expect(stats.stdout).toMatch(/PENDING\s+1/);
    expect(stats.stdout).toContain('median=12.0 min'); // decided 12 minutes after filing
    expect(stats.stdout).toContain('from the recorded outcome of every finished diagnosis');
    expect(stats.stdout).toMatch(/100% resolved/); // 田中 美咲 solved one problem herself first
    const json = JSON.parse((await review(db.path, ['stats', '--format', 'json'])).stdout) as {
      selfService: { source: string; byPath: Array<{ filedRequest: number; resolved: number }> };
    };
    expect(json.selfService.source).toBe('outcomes');
    expect(json.selfService.byPath.reduce((sum, rate) => sum + rate.filedRequest, 0)).toBe(2);
    expect(json.selfService.byPath.reduce((sum, rate) => sum + rate.resolved, 0)).toBe(1);
  });
});

describe('npm run review -- verify', () => {
  const key = testConfig().auditKey;
  let db: { path: string; cleanup: () => void };
  let logText: string;

  beforeEach(async () => {
    db = tempDatabase();
    const lines: string[] = [];
    const connection = openDatabase(db.path);
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    const audit = new SqliteAuditLog(connection, { key, logger });
    for (let index = 0; index < 5; index++) {
      await audit.append({ type: 'review.listed', actor: { id: 'u', name: '鈴木 一郎' }, data: { index } });
    }
    connection.close();
    logText = lines.join('');
  });

  afterEach(() => db.cleanup());

  /** Someone with the file can drop the append-only triggers; that is what the chain is for. */
  function tamper(sql: string): void {
    const raw = new Database(db.path);
    raw.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    raw.exec(sql);
    raw.close();
  }

  it('reports an intact chain', async () => {
    const run = await review(db.path, ['verify', '--log', writeLog(db.path, logText)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Audit chain intact: 5 record(s)');
    expect(run.stdout).toContain('consistent with 5 logged head(s)');
  });

  it('finds an edited record', async () => {
    tamper(`UPDATE audit_log SET actor_name = '佐藤 健' WHERE seq = 3`);
    const run = await review(db.path, ['verify']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BROKEN at seq 3');
    expect(run.stdout).toContain('HMAC');
  });

  it('finds a deleted middle record', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 2');
    const run = await review(db.path, ['verify']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BROKEN at seq 2');
    expect(run.stdout).toContain('missing');
  });

  it('finds a removed last record only against the logged heads', async () => {
    tamper('DELETE FROM audit_log WHERE seq = 5');
    expect((await review(db.path, ['verify'])).code).toBe(0);
    const run = await review(db.path, ['verify', '--log', writeLog(db.path, logText)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BROKEN at seq 5');
    expect(run.stdout).toContain('removed from the end');
  });

  it('a different audit key breaks the first link', async () => {
    const run = await review(db.path, ['verify'], {
      HELPDESK_AUDIT_KEY: 'another-audit-key-0123456789abcdef01234',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('BROKEN at seq 1');
  });
});

function writeLog(dbPath: string, text: string): string {
  const path = join(dbPath, '..', 'bot.log');
  writeFileSync(path, text);
  return path;
}
