import type { App } from '../../src/app';
import type { Locale } from '../../src/config';
import { catalogues, type MessageKey } from '../../src/i18n/catalogues';
import { Conversation, conversationApp } from '../support/conversation';
import { pathTo, submit } from '../support/diagnosis-paths';
import { visibleText } from '../support/running-bot';
import { HANAKO } from '../support/teams-activity';
import { DEMO } from '../support/test-config';
import { FakeDirectory, registeredMethod as method } from '../fakes/fake-directory';

/**
 * Issue 15, "advice that is right": one test per corrected fact, read from the cards a person is
 * shown on the way to the node, in each language. Each fact was checked against Microsoft's
 * documentation (Graph phoneAuthenticationMethod: one number per phone type, the alternate mobile
 * takes voice calls only; Entra account recovery: government ID and Face Check) and the seeds.
 */
const LOCALES: Array<[Locale, string, string]> = [
  ['ja', 'ja-JP', 'こんにちは'],
  ['en', 'en-US', 'hello'],
];
const LOSS_DESK = '総務部 端末管理窓口 (内線 2222)';

function inOrder(text: string, parts: string[]): boolean {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    if (at < 0) return false;
    from = at + part.length;
  }
  return true;
}

describe.each(LOCALES)('advice that is right, in %s', (locale, activityLocale, greeting) => {
  const c = (key: MessageKey): string => catalogues[locale][key];
  const apps: App[] = [];
  let counter = 0;
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  function appWith(env: Record<string, string> = {}, directory = new FakeDirectory()): App {
    const app = conversationApp({ HELPDESK_LOSS_REPORT_CONTACT: LOSS_DESK, ...env }, undefined, directory);
    apps.push(app);
    return app;
  }

  /** Every card and message shown on the shortest walk to `node`, one entry per activity. */
  async function walk(node: string, app = appWith()): Promise<string[]> {
    counter += 1;
    const conversation = new Conversation(app, HANAKO, activityLocale, `a:facts-${locale}-${counter}`);
    const shown = (await conversation.say(greeting)).map(visibleText);
    for (const choice of pathTo(node))
      shown.push(...(await conversation.say(submit(choice))).map(visibleText));
    return shown;
  }

  function card(shown: string[], titleKey: MessageKey): string {
    const found = shown.find((text) => text.includes(c(titleKey)));
    if (found === undefined) throw new Error(`no card titled ${titleKey}`);
    return found;
  }

  it('work self-service: "Change" on the Phone row is the main step, "Add" only the fallback', async () => {
    const text = card(await walk('work.selfService'), 'diag.work.selfService.title');
    expect(
      inOrder(text, [
        c('diag.work.selfService.step.signIn'),
        c('diag.work.selfService.step.change'),
        c('diag.work.selfService.step.number'),
        c('diag.work.selfService.step.sendCode'),
        c('diag.work.selfService.step.verify'),
      ]),
    ).toBe(true);
    expect(text).toContain(c('diag.work.selfService.body.addFallback'));
    // "Change" replaces the number: no step deletes the old one.
    expect(text).not.toMatch(/select "Delete"|「削除 \(Delete\)」/);
  });

  it('personal account: security info and the sign-in alias are two flows; only aliases have "make primary"', async () => {
    const shown = await walk('personal.alias');
    const securityInfo = card(shown, 'diag.personal.steps.title');
    expect(
      inOrder(securityInfo, [
        c('diag.personal.steps.step.advanced'),
        c('diag.personal.steps.step.add'),
        c('diag.personal.steps.step.verify'),
        c('diag.personal.steps.step.delete'),
      ]),
    ).toBe(true);
    expect(securityInfo).not.toContain('Make primary');
    const alias = card(shown, 'diag.personal.alias.title');
    expect(
      inOrder(alias, [
        c('diag.personal.alias.step.open'),
        c('diag.personal.alias.step.manage'),
        c('diag.error.primaryAlias.step.add'),
        c('diag.error.primaryAlias.step.primary'),
        c('diag.error.primaryAlias.step.delete'),
      ]),
    ).toBe(true);
    expect(alias).toContain('Make primary');
    expect(alias).toContain('Your info');
  });

  it('an alternate phone takes verification calls only, never a text-message code', async () => {
    const directory = new FakeDirectory();
    directory.methods.set(DEMO.users.hanako, [
      method('password'),
      method('mobile'),
      method('alternateMobile'),
    ]);
    const text = card(await walk('work.otherMethod', appWith({}, directory)), 'diag.work.otherMethod.prompt');
    expect(text).toContain(c('tailored.alternateMobile'));
    expect(text).toContain(
      locale === 'ja' ? 'SMS の確認コードは届きません' : 'calls only, never text-message codes',
    );
  });

  it('the only Global Administrator: an alternate email cannot pass MFA, it can only reset the password', async () => {
    const text = card(await walk('work.onlyGa.end'), 'diag.work.onlyGaEnd.title');
    expect(
      inOrder(text, [c('diag.work.onlyGaEnd.body.altEmail'), c('diag.work.onlyGaEnd.body.altEmailCan')]),
    ).toBe(true);
    expect(c('diag.work.onlyGaEnd.body.altEmail')).toContain('MFA');
    expect(c('diag.work.onlyGaEnd.body.altEmailCan')).toContain('https://aka.ms/sspr');
  });

  it('personal account with two-step verification and no method left: the recovery code', async () => {
    const text = card(await walk('personal.otherOption'), 'diag.personal.otherOption.title');
    expect(text).toContain(c('diag.personal.otherOption.body.recoveryCode'));
    expect(text).toContain(locale === 'ja' ? '回復コード' : 'recovery code');
  });

  it.each([
    ['error.0x800704cf', 'diag.error.0x800704cf.title', 'diag.error.0x800704cf.body.cause'],
    ['error.0x8019019a', 'diag.error.0x8019019a.title', 'diag.error.0x8019019a.body.cause'],
    [
      'error.somethingWentWrong',
      'diag.error.somethingWentWrong.title',
      'diag.error.somethingWentWrong.body.cause',
    ],
    ['error.countryCode', 'diag.error.countryCode.title', 'diag.error.countryCode.body.cause'],
    ['error.region', 'diag.error.region.title', 'diag.error.region.body.cause'],
  ] as Array<[string, MessageKey, MessageKey]>)(
    '%s gives its cause as likely, not certain',
    async (node, title, cause) => {
      const text = card(await walk(node), title);
      expect(text).toContain(c(cause));
      if (locale === 'ja') {
        expect(c(cause)).toContain('考えられます');
        expect(text).not.toContain('原因です');
      } else {
        expect(c(cause)).toMatch(/^Likely cause/);
      }
    },
  );

  it('the country-code error: the temporary fault, and contacting support as the last step', async () => {
    const text = card(await walk('error.countryCode'), 'diag.error.countryCode.title');
    expect(c('diag.error.countryCode.body.cause')).toContain(
      locale === 'ja' ? '一時的なシステムの不具合' : 'temporary fault',
    );
    expect(
      inOrder(text, [
        c('diag.error.countryCode.step.mobileData'),
        c('diag.error.somethingWentWrong.step.support'),
      ]),
    ).toBe(true);
    expect(text).toContain('03-1234-0000');
  });

  it('0x8019019a: wait a while and try again', async () => {
    const text = card(await walk('error.0x8019019a'), 'diag.error.0x8019019a.title');
    expect(
      inOrder(text, [c('diag.error.0x8019019a.step.addInfo'), c('diag.error.somethingWentWrong.step.later')]),
    ).toBe(true);
  });

  it('a privileged account: the other admin issues a Temporary Access Pass, as the bot would', async () => {
    const text = card(await walk('work.admin.end'), 'diag.work.adminEnd.title');
    expect(
      inOrder(text, [
        c('diag.work.adminEnd.body.reregister'),
        c('diag.work.adminEnd.body.tap'),
        c('diag.work.adminEnd.body.next'),
      ]),
    ).toBe(true);
    expect(c('diag.work.adminEnd.body.tap')).toContain(
      locale === 'ja' ? '一時アクセス パス' : 'Temporary Access Pass',
    );
  });

  it('a lost company phone: asked whether the company issued it, then told whom to report it to and that IT can lock or wipe it', async () => {
    const shown = await walk('lost.work.report');
    expect(shown.join('\n')).toContain(c('diag.lost.company.prompt'));
    const text = card(shown, 'diag.lost.report.title');
    expect(text).toContain(LOSS_DESK);
    expect(text).toContain(c('diag.lost.report.body.wipe'));
    expect(text).toContain('03-1234-0000');
    // Reporting does not end it: the request for the reset follows.
    expect(shown[shown.length - 1]).toContain(c('diag.work.admin.prompt'));
  });

  it('a planned phone change while the old phone works: the checklist, in its order, before the steps', async () => {
    const plan = [
      c('diag.plan.item.authenticator'),
      c('diag.plan.item.number'),
      c('diag.plan.item.check'),
      c('diag.plan.item.oldPhone'),
    ];
    const changed = await walk('work.selfService');
    expect(inOrder(card(changed, 'diag.plan.title'), plan)).toBe(true);
    expect(changed.findIndex((text) => text.includes(c('diag.plan.title')))).toBeLessThan(
      changed.findIndex((text) => text.includes(c('diag.work.selfService.title'))),
    );
    expect(inOrder(card(await walk('prevent.work'), 'diag.prevent.title'), plan)).toBe(true);
  });

  it('with Entra account recovery configured, people with no method left are offered it before the request', async () => {
    const withRecovery = await walk('work.request', appWith({ HELPDESK_ACCOUNT_RECOVERY: 'true' }));
    const offer = card(withRecovery, 'diag.accountRecovery.title');
    expect(offer).toContain(c('diag.accountRecovery.body.need'));
    expect(c('diag.accountRecovery.body.need')).toMatch(
      locale === 'ja' ? /身分証明書/ : /government-issued photo ID/,
    );
    expect(offer).toContain('03-1234-0000');
    expect(withRecovery.indexOf(offer)).toBeLessThan(
      withRecovery.findIndex((text) => text.includes(c('diag.work.file.title'))),
    );
    const without = await walk('work.request');
    expect(without.join('\n')).not.toContain(c('diag.accountRecovery.title'));
  });
});
