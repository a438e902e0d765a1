import { catalogues } from '../../src/i18n/catalogues';
import { MISAKI, teamsMessage } from '../support/teams-activity';
import {
  LoopbackConnector,
  startBot,
  tempDatabase,
  visibleText,
  type RunningBot,
} from '../support/running-bot';
import { withAppSql } from '../support/app-sql';

const ja = catalogues.ja;

describe('a whole Japanese conversation through the real HTTP server', () => {
  let connector: LoopbackConnector;
  let serviceUrl: string;
  let bot: RunningBot;
  let db: ReturnType<typeof tempDatabase>;

  beforeAll(async () => {
    connector = new LoopbackConnector();
    serviceUrl = await connector.start();
    db = tempDatabase();
    bot = await startBot(db.path);
  });
  afterAll(async () => {
    await bot.stop();
    await connector.stop();
    db.cleanup();
  });

  async function say(input: { text?: string; value?: unknown; user?: typeof MISAKI }): Promise<string> {
    connector.clear();
    const response = await bot.post(teamsMessage({ serviceUrl, ...input }));
    expect(response.status).toBe(200);
    return connector.sentTo().map(visibleText).join('\n');
  }

  it('goes from こんにちは to a filed request with a full-width phone number', async () => {
    expect(await say({ text: 'こんにちは' })).toContain(ja['diag.start.prompt']);
    expect(await say({ text: '電話番号が変わりました' })).toContain(ja['diag.changed.oldPhone.prompt']);
    expect(await say({ text: 'いいえ、手元にはないです' })).toContain(ja['diag.account.prompt']);
    expect(await say({ text: '会社のアカウントです' })).toContain(ja['diag.work.otherMethod.prompt']);
    expect(await say({ text: 'いいえ' })).toContain(ja['diag.work.admin.prompt']);
    const intake = await say({ text: 'いいえ' });
    expect(intake).toContain(ja['diag.work.file.title']);
    expect(intake).toContain(ja['intake.phone.prompt']);

    const refused = await say({ text: '固定電話の ０３－１２３４－５６７８ です' });
    expect(refused).toContain(ja['intake.phone.reason.NOT_MOBILE']);
    const accepted = await say({ text: '新しい番号は ０９０－１２３４－５６７８ です' });
    expect(accepted).toContain('090-1234-5678');
    expect(accepted).toContain('+81 90-1234-5678');

    expect(await say({ text: 'ビデオ通話でお願いします' })).toContain(ja['intake.reason.prompt']);
    const confirmation = await say({ text: '機種変更をしたら番号も変わってしまいました' });
    expect(confirmation).toContain('090-1234-5678 (+81 90-1234-5678)');
    const filed = await say({ text: 'はい' });
    const id = /REQ-[2-9A-HJ-NP-Z]{6}/.exec(filed)?.[0] ?? '';
    expect(filed).toContain(`申請しました。申請番号は ${id} です。`);

    const stored = await bot.app.requests.get(id);
    expect(stored?.request.state).toBe('PENDING');
    expect(stored?.request.newPhone).toMatchObject({ graph: '+81 9012345678' });
    expect(await say({ text: '状況' })).toContain(`申請 ${id}`);
  });

  it('uses what the first message said: a lost phone and its new number are never asked again', async () => {
    const as = (text: string): Promise<string> => say({ text, user: MISAKI });
    const first = await as('スマホをなくしました。新しい番号は 080-8765-4321 です');
    expect(first).toContain(ja['dialog.understood'].replace('{answer}', ja['diag.start.opt.lost']));
    expect(first).toContain(ja['diag.account.prompt']);
    expect(first).not.toContain(ja['diag.start.prompt']);
    // A work account is asked whether the company issued the phone (a company phone must be reported).
    expect(await as('会社のアカウントです')).toContain(ja['diag.lost.company.prompt']);
    expect(await as('個人の携帯電話です')).toContain(ja['diag.work.admin.prompt']);
    const intake = await as('いいえ');
    expect(intake).toContain(ja['diag.lost.file.title']);
    expect(intake).toContain('080-8765-4321');
    expect(intake).toContain('+81 80-8765-4321');
    expect(intake).toContain(ja['intake.verification.prompt']);
    expect(intake).not.toContain(ja['intake.phone.prompt']);
    expect(await as('対面でお願いします')).toContain(ja['intake.reason.prompt']);
    expect(await as('電車で落としました')).toContain('080-8765-4321 (+81 80-8765-4321)');
    const filed = await as('はい');
    const id = /REQ-[2-9A-HJ-NP-Z]{6}/.exec(filed)?.[0] ?? '';
    const stored = await bot.app.requests.get(id);
    expect(stored?.request).toMatchObject({
      newPhone: { graph: '+81 8087654321' },
      diagnosis: { situation: 'S1b', lostOrStolen: true },
    });

    // The transcript keeps the last two digits only, in the typed message and in every reply.
    await bot.app.transcriptLogging.drain();
    const rows = withAppSql(bot.app, (db) =>
      db.prepare<[], string>('SELECT activity FROM transcript_entries ORDER BY seq').pluck().all(),
    ).join('\n');
    expect(rows).toContain('[phone •••21]');
    expect(rows.replace(/[^0-9]/g, ' ')).not.toMatch(/8087654321|8765 4321|87654321/);
  });
});
