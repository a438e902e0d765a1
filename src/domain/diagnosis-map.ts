import { AppError } from '../errors';
import type { DiagnosisKey } from '../i18n/diagnosis.en';
import type { SeedErrorId } from './error-codes';

/**
 * The diagnosis map of DESIGN.md section 2 as data: the dialogs walk it, the tests enumerate every
 * leaf in both languages. Routing never depends on facts; where a later answer must lead somewhere
 * else (S1a vs S2, lost phone vs changed number) the map has its own node, and shared text reuses
 * the same keys.
 */

export type NodeId = string;
export type Situation = 'S1a' | 'S1b' | 'S2' | 'S3' | 'S4';

export interface DiagnosisFacts {
  situation?: Situation;
  account?: 'work' | 'personal';
  workingMethod?: string;
  errorCode?: SeedErrorId;
  lostOrStolen?: boolean;
  oldPhoneInHand?: boolean;
  forColleague?: boolean;
  isAdmin?: boolean;
  onlyGlobalAdmin?: boolean;
}

export interface ChoiceOption {
  /** Stable ASCII value submitted by the card button, unique within its node. */
  value: string;
  labelKey: DiagnosisKey;
  next: NodeId;
  /** Typed answers understood for this option, compared after NFKC + lowercase + trim. */
  matches: { ja: readonly string[]; en: readonly string[] };
  /**
   * Words that answer this option when typed at any step, where `matches` also holds words ("yes",
   * 「いいえ」) that only answer the question on screen. Without it, `matches` serves both.
   */
  mentions?: { ja: readonly string[]; en: readonly string[] };
  /** Facts recorded when chosen. */
  sets?: DiagnosisFacts;
}

export interface QuestionNode {
  kind: 'question';
  id: NodeId;
  promptKey: DiagnosisKey;
  hintKey?: DiagnosisKey;
  options: readonly ChoiceOption[];
  /** 'error-code': typed text goes through recogniseErrors(); the option whose value is the first hit wins. */
  freeText?: 'error-code';
  /**
   * What this question asks about, so an answer the person already typed (at another step, or in the
   * first message) answers it and the question is skipped.
   */
  listensFor?: ListenTopic;
}

/**
 * 'situation': what happened (the first question); 'account': work or personal; 'errorCode': which
 * error; 'oldPhone': whether the old phone is still at hand, which "lost" or "stolen" answers;
 * 'companyPhone': whether the lost phone was issued by the company.
 */
export type ListenTopic = 'situation' | 'account' | 'errorCode' | 'oldPhone' | 'companyPhone';

export interface AdviceNode {
  kind: 'advice';
  id: NodeId;
  titleKey: DiagnosisKey;
  bodyKeys: readonly DiagnosisKey[];
  stepKeys?: readonly DiagnosisKey[];
  showContact: boolean;
  next: NodeId;
}

export interface EndNode {
  kind: 'end';
  id: NodeId;
  outcome: 'resolved' | 'unresolved' | 'file-request' | 'refer-helpdesk';
  titleKey: DiagnosisKey;
  bodyKeys: readonly DiagnosisKey[];
  showContact: boolean;
}

export type DiagnosisNode = QuestionNode | AdviceNode | EndNode;

export const ROOT_NODE: NodeId = 'start';
/** Every advice path ends here: "did this solve it?". */
export const CLOSING_NODE: NodeId = 'close';

// Typed answers shared by several questions.
const YES = { ja: ['はい', 'うん', 'yes'], en: ['yes', 'y', 'yeah'] } as const;
const NO = { ja: ['いいえ', 'いや', 'no'], en: ['no', 'n', 'nope'] } as const;
const UNSURE = {
  ja: ['分からない', 'わからない', '分かりません', 'わかりません', '不明'],
  en: ['not sure', 'unsure', "don't know", 'dont know', 'i am not sure', "i'm not sure"],
} as const;

function merge(
  first: { ja: readonly string[]; en: readonly string[] },
  second: { ja: readonly string[]; en: readonly string[] },
): { ja: readonly string[]; en: readonly string[] } {
  return { ja: [...first.ja, ...second.ja], en: [...first.en, ...second.en] };
}

/** "Which account?" — one node per place it is asked, so each can route on. */
function accountQuestion(id: NodeId, workNext: NodeId, personalNext: NodeId): QuestionNode {
  return {
    kind: 'question',
    id,
    promptKey: 'diag.account.prompt',
    hintKey: 'diag.account.hint',
    listensFor: 'account',
    options: [
      {
        value: 'work',
        labelKey: 'diag.account.opt.work',
        next: workNext,
        sets: { account: 'work' },
        matches: {
          ja: [
            '職場または学校アカウント',
            '職場または学校',
            '職場',
            '学校',
            '会社',
            '仕事',
            '組織',
            '組織アカウント',
            '会社のアカウント',
            '仕事用',
            '社用',
          ],
          en: [
            'work or school account',
            'work or school',
            'work',
            'school',
            'work account',
            'school account',
            'company',
            'organisation',
            'organization',
            'microsoft 365',
            'office 365',
            'm365',
            'entra id',
          ],
        },
      },
      {
        value: 'personal',
        labelKey: 'diag.account.opt.personal',
        next: personalNext,
        sets: { account: 'personal' },
        matches: {
          ja: [
            '個人用 microsoft アカウント',
            '個人用microsoftアカウント',
            '個人用',
            '個人',
            '個人アカウント',
            'プライベート',
          ],
          en: [
            'personal microsoft account',
            'personal',
            'personal account',
            'microsoft account',
            'outlook.com',
            'hotmail.com',
            'hotmail',
            'live.com',
          ],
        },
      },
    ],
  };
}

/** "Do you hold an admin role?" — before any reset request. */
function adminQuestion(id: NodeId, requestNext: NodeId): QuestionNode {
  return {
    kind: 'question',
    id,
    promptKey: 'diag.work.admin.prompt',
    hintKey: 'diag.work.admin.hint',
    options: [
      {
        value: 'no',
        labelKey: 'diag.work.admin.opt.no',
        next: requestNext,
        sets: { isAdmin: false },
        matches: merge(NO, {
          ja: ['管理者ではない', '管理者じゃない', '一般ユーザー'],
          en: ['no admin role', 'not an admin'],
        }),
      },
      {
        value: 'yes',
        labelKey: 'diag.work.admin.opt.yes',
        next: 'work.onlyGa',
        sets: { isAdmin: true },
        matches: merge(YES, {
          ja: ['管理者ロールがある', '管理者', 'グローバル管理者', 'ある'],
          en: ["yes, i'm an admin", 'admin', 'i am an admin', 'global administrator', 'global admin'],
        }),
      },
      { value: 'unsure', labelKey: 'diag.common.opt.unsure', next: requestNext, matches: UNSURE },
    ],
  };
}

/** An advice node that hands over to the closing question. */
function toClosing(node: Omit<AdviceNode, 'kind' | 'next'>): AdviceNode {
  return { kind: 'advice', ...node, next: CLOSING_NODE };
}

/** Before a planned phone change: the order that never leaves the person without a way to sign in. */
const PLAN_KEYS: readonly DiagnosisKey[] = [
  'diag.plan.body.intro',
  'diag.plan.item.authenticator',
  'diag.plan.item.number',
  'diag.plan.item.check',
  'diag.plan.item.oldPhone',
];

/**
 * Offered before a reset request to people with no method left, where the tenant uses Microsoft
 * Entra ID account recovery (HELPDESK_ACCOUNT_RECOVERY). Not a node: the map does not depend on
 * configuration, so every tenant walks the same leaves.
 */
export const ACCOUNT_RECOVERY_ADVICE = {
  titleKey: 'diag.accountRecovery.title',
  bodyKeys: [
    'diag.accountRecovery.body.what',
    'diag.accountRecovery.body.need',
    'diag.accountRecovery.body.how',
    'diag.accountRecovery.body.fallback',
  ],
} as const satisfies { titleKey: DiagnosisKey; bodyKeys: readonly DiagnosisKey[] };

const NODES: readonly DiagnosisNode[] = [
  // ── What happened? ──────────────────────────────────────────────────────────────────────────
  {
    kind: 'question',
    id: ROOT_NODE,
    promptKey: 'diag.start.prompt',
    hintKey: 'diag.start.hint',
    listensFor: 'situation',
    options: [
      {
        value: 'changed',
        labelKey: 'diag.start.opt.changed',
        next: 'changed.oldPhone',
        sets: { situation: 'S1a' },
        matches: {
          ja: [
            '番号変更・機種変更',
            '番号変更',
            '機種変更',
            '番号が変わった',
            '番号が変わり',
            '電話を変え',
            'スマホを変え',
            '携帯を変え',
            '機種変更し',
            '電話番号が変わった',
            '新しいスマホ',
            '新しい電話',
            '機種変',
          ],
          en: [
            'new number or new phone',
            'new number',
            'new phone',
            'number changed',
            'my number changed',
            'changed number',
            'changed phone',
          ],
        },
      },
      {
        value: 'lost',
        labelKey: 'diag.start.opt.lost',
        next: 'lost.account',
        sets: { situation: 'S1b', lostOrStolen: true },
        matches: {
          ja: [
            '携帯電話の紛失・盗難',
            '電話の紛失・盗難',
            '紛失',
            '盗難',
            'なくした',
            'なくしま',
            '落とし',
            '盗まれ',
            '紛失し',
            '無くした',
            '失くした',
            '盗まれた',
            '紛失・盗難',
            'スマホをなくした',
          ],
          en: [
            'phone lost or stolen',
            'lost',
            'stolen',
            'lost phone',
            'stolen phone',
            'lost or stolen',
            'i lost my phone',
          ],
        },
      },
      {
        value: 'oldNumber',
        labelKey: 'diag.start.opt.oldNumber',
        next: 'oldNumber.account',
        sets: { situation: 'S2' },
        matches: {
          ja: [
            '古い番号にコードが届く',
            '古い番号',
            '旧番号',
            '前の番号',
            'コードが古い番号に届く',
            'サインインできない',
          ],
          en: [
            'codes go to my old number',
            'old number',
            'codes go to old number',
            'code goes to old number',
            "can't sign in",
            'cannot sign in',
          ],
        },
      },
      {
        value: 'error',
        labelKey: 'diag.start.opt.error',
        next: 'error.account',
        sets: { situation: 'S3' },
        matches: {
          ja: [
            '番号の登録でエラー',
            'エラー',
            'エラーが出る',
            'エラーが表示される',
            '登録できない',
            '追加できない',
          ],
          en: [
            'error adding a number',
            'error',
            'an error',
            'error message',
            "can't add number",
            'cannot add number',
          ],
        },
      },
      {
        value: 'backup',
        labelKey: 'diag.start.opt.backup',
        next: 'prevent.account',
        sets: { situation: 'S4' },
        matches: {
          ja: ['予備の方法を追加したい', '予備', '予備の方法', 'バックアップ', '予防', '備えたい'],
          en: ['add a backup method', 'backup', 'backup method', 'back up', 'prevention', 'prevent'],
        },
      },
      {
        value: 'colleague',
        labelKey: 'diag.start.opt.colleague',
        next: 'colleague.end',
        sets: { forColleague: true },
        matches: {
          ja: ['同僚の代わりに相談', '同僚', '同僚の代わり', '代理', '他の人', 'ほかの人', '部下', '上司'],
          en: [
            "i'm asking for a colleague",
            'colleague',
            'for a colleague',
            'someone else',
            'on behalf',
            'coworker',
            'co-worker',
          ],
        },
      },
    ],
  },

  // ── S1a: number changed / new phone ─────────────────────────────────────────────────────────
  {
    kind: 'question',
    id: 'changed.oldPhone',
    promptKey: 'diag.changed.oldPhone.prompt',
    hintKey: 'diag.changed.oldPhone.hint',
    listensFor: 'oldPhone',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.changed.oldPhone.opt.yes',
        next: 'changed.withOld.plan',
        sets: { oldPhoneInHand: true, workingMethod: 'old-phone' },
        matches: merge(YES, {
          ja: ['手元にあり使える', '手元にある', '使える', 'ある'],
          en: ['yes, it still works', 'it still works', 'still works', 'i have it'],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.changed.oldPhone.opt.no',
        next: 'changed.noOld.account',
        sets: { oldPhoneInHand: false },
        matches: merge(NO, {
          ja: ['手元にない・使えない', '手元にない', '使えない', 'ない', '解約した'],
          en: ['no, not any more', 'not any more', 'no longer', "doesn't work", 'gone'],
        }),
      },
    ],
  },
  {
    kind: 'advice',
    id: 'changed.withOld.plan',
    titleKey: 'diag.plan.title',
    bodyKeys: PLAN_KEYS,
    showContact: false,
    next: 'changed.withOld.account',
  },
  accountQuestion('changed.withOld.account', 'work.selfService', 'personal.steps'),
  accountQuestion('changed.noOld.account', 'work.otherMethod', 'personal.canSignIn'),

  // ── S1b: lost or stolen (a security event) ──────────────────────────────────────────────────
  accountQuestion('lost.account', 'lost.work.company', 'lost.personal'),
  {
    kind: 'question',
    id: 'lost.work.company',
    promptKey: 'diag.lost.company.prompt',
    hintKey: 'diag.lost.company.hint',
    listensFor: 'companyPhone',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.lost.company.opt.yes',
        next: 'lost.work.report',
        matches: merge(YES, {
          ja: ['会社の携帯電話', '会社支給', '支給された', '会社の', '社用', '社用携帯', '会社'],
          en: ['company phone', 'company', 'work phone', 'issued by the company', 'company issued'],
        }),
        // The phone itself, not the account: 「会社のアカウント」 says nothing about who owns the phone.
        mentions: {
          ja: [
            '会社の携帯',
            '会社のスマホ',
            '会社支給',
            '支給された',
            '社用携帯',
            '社用スマホ',
            '社用のスマホ',
          ],
          en: ['company phone', 'work phone', 'company-issued', 'company issued', 'issued by the company'],
        },
      },
      {
        value: 'no',
        labelKey: 'diag.lost.company.opt.no',
        next: 'lost.work.admin',
        matches: merge(NO, {
          ja: ['個人の携帯電話', '個人の', '私物', '自分の', '個人'],
          en: ['my own phone', 'my own', 'own phone', 'personal phone', 'mine'],
        }),
        mentions: {
          ja: ['個人の携帯', '個人のスマホ', '私物の携帯', '私物のスマホ', '自分の携帯', '自分のスマホ'],
          en: ['my own phone', 'private phone', 'personal phone'],
        },
      },
      { value: 'unsure', labelKey: 'diag.common.opt.unsure', next: 'lost.work.report', matches: UNSURE },
    ],
  },
  {
    kind: 'advice',
    id: 'lost.work.report',
    titleKey: 'diag.lost.report.title',
    bodyKeys: ['diag.lost.report.body.report', 'diag.lost.report.body.wipe'],
    showContact: true,
    next: 'lost.work.admin',
  },
  adminQuestion('lost.work.admin', 'lost.work.request'),
  {
    kind: 'end',
    id: 'lost.work.request',
    outcome: 'file-request',
    titleKey: 'diag.lost.file.title',
    bodyKeys: [
      'diag.lost.file.body.security',
      'diag.work.file.body.collect',
      'diag.lost.file.body.revoke',
      'diag.lost.file.body.tap',
      'diag.lost.body.carrier',
    ],
    showContact: false,
  },
  {
    kind: 'advice',
    id: 'lost.personal',
    titleKey: 'diag.lost.personal.title',
    bodyKeys: ['diag.lost.personal.body.security', 'diag.lost.body.carrier', 'diag.lost.personal.body.after'],
    showContact: false,
    next: 'personal.canSignIn',
  },

  // ── S2: codes still go to the old number ────────────────────────────────────────────────────
  accountQuestion('oldNumber.account', 'work.otherMethod', 'personal.otherOption'),

  // ── Work or school account ──────────────────────────────────────────────────────────────────
  {
    kind: 'question',
    id: 'work.otherMethod',
    promptKey: 'diag.work.otherMethod.prompt',
    hintKey: 'diag.work.otherMethod.hint',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.work.otherMethod.opt.yes',
        next: 'work.selfService',
        sets: { workingMethod: 'other-method' },
        matches: merge(YES, {
          ja: [
            'ほかの方法がある',
            '他の方法がある',
            'ある',
            'あります',
            'authenticator',
            'windows hello',
            'セキュリティキー',
          ],
          en: [
            'yes, another way works',
            'another way works',
            'i have another method',
            'authenticator',
            'windows hello',
            'security key',
          ],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.work.otherMethod.opt.no',
        next: 'work.admin',
        sets: { workingMethod: 'none' },
        matches: merge(NO, {
          ja: ['ほかの方法はない', '他の方法はない', 'ない', 'ありません', 'なし'],
          en: ['no other way', 'no other method', 'none', 'nothing'],
        }),
      },
    ],
  },
  {
    kind: 'advice',
    id: 'work.selfService',
    titleKey: 'diag.work.selfService.title',
    bodyKeys: [
      'diag.work.selfService.body.intro',
      'diag.work.selfService.body.order',
      'diag.work.selfService.body.addFallback',
      'diag.work.selfService.body.authenticator',
    ],
    stepKeys: [
      'diag.work.selfService.step.open',
      'diag.work.selfService.step.signIn',
      'diag.work.selfService.step.change',
      'diag.work.selfService.step.number',
      'diag.work.selfService.step.sendCode',
      'diag.work.selfService.step.verify',
    ],
    showContact: false,
    next: CLOSING_NODE,
  },
  adminQuestion('work.admin', 'work.request'),
  {
    kind: 'question',
    id: 'work.onlyGa',
    promptKey: 'diag.work.onlyGa.prompt',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.work.onlyGa.opt.yes',
        next: 'work.onlyGa.end',
        sets: { onlyGlobalAdmin: true },
        matches: merge(YES, {
          ja: ['自分 1 人だけ', '自分1人だけ', '自分だけ', '1人だけ', '一人だけ', '私だけ'],
          en: ['yes, only me', 'only me', 'just me'],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.work.onlyGa.opt.no',
        next: 'work.admin.end',
        sets: { onlyGlobalAdmin: false },
        matches: merge(NO, {
          ja: ['ほかにもいる', '他にもいる', 'いる', 'います'],
          en: ['no, there are others', 'there are others', 'others'],
        }),
      },
      { value: 'unsure', labelKey: 'diag.common.opt.unsure', next: 'work.admin.end', matches: UNSURE },
    ],
  },
  {
    kind: 'end',
    id: 'work.admin.end',
    outcome: 'refer-helpdesk',
    titleKey: 'diag.work.adminEnd.title',
    bodyKeys: [
      'diag.work.adminEnd.body.why',
      'diag.work.adminEnd.body.who',
      'diag.work.adminEnd.body.portal',
      'diag.work.adminEnd.body.reregister',
      'diag.work.adminEnd.body.tap',
      'diag.work.adminEnd.body.next',
      'diag.work.adminEnd.body.powershell',
      'diag.work.adminEnd.body.lost',
    ],
    showContact: true,
  },
  {
    kind: 'end',
    id: 'work.onlyGa.end',
    outcome: 'refer-helpdesk',
    titleKey: 'diag.work.onlyGaEnd.title',
    bodyKeys: [
      'diag.work.onlyGaEnd.body.why',
      'diag.work.onlyGaEnd.body.otherMethods',
      'diag.work.onlyGaEnd.body.altEmail',
      'diag.work.onlyGaEnd.body.altEmailCan',
      'diag.work.onlyGaEnd.body.support',
      'diag.work.onlyGaEnd.body.contract',
      'diag.work.onlyGaEnd.body.future',
    ],
    showContact: true,
  },
  {
    kind: 'end',
    id: 'work.request',
    outcome: 'file-request',
    titleKey: 'diag.work.file.title',
    bodyKeys: [
      'diag.work.file.body.reassure',
      'diag.work.file.body.collect',
      'diag.work.file.body.tap',
      'diag.work.file.body.signOut',
    ],
    showContact: false,
  },

  // ── Personal Microsoft account (the bot guides; it cannot act) ──────────────────────────────
  {
    kind: 'question',
    id: 'personal.canSignIn',
    promptKey: 'diag.personal.canSignIn.prompt',
    hintKey: 'diag.personal.canSignIn.hint',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.personal.canSignIn.opt.yes',
        next: 'personal.steps',
        matches: merge(YES, {
          ja: ['サインインできる', 'できる', 'できます'],
          en: ['i can sign in', 'can sign in'],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.personal.canSignIn.opt.no',
        next: 'personal.otherOption',
        matches: merge(NO, {
          ja: ['サインインできない', 'できない', 'できません'],
          en: ["i can't sign in", 'i cannot sign in', "can't sign in", 'cannot sign in'],
        }),
      },
    ],
  },
  {
    kind: 'advice',
    id: 'personal.steps',
    titleKey: 'diag.personal.steps.title',
    bodyKeys: ['diag.personal.steps.body.intro', 'diag.personal.steps.body.order'],
    stepKeys: [
      'diag.personal.steps.step.signIn',
      'diag.personal.steps.step.security',
      'diag.personal.steps.step.advanced',
      'diag.personal.steps.step.add',
      'diag.personal.steps.step.verify',
      'diag.personal.steps.step.delete',
    ],
    showContact: false,
    next: 'personal.alias',
  },
  // The seed's second flow: a number used to sign in is an alias, the only place "make primary" exists.
  {
    kind: 'advice',
    id: 'personal.alias',
    titleKey: 'diag.personal.alias.title',
    bodyKeys: ['diag.personal.alias.body.intro'],
    stepKeys: [
      'diag.personal.alias.step.open',
      'diag.personal.alias.step.manage',
      'diag.error.primaryAlias.step.add',
      'diag.error.primaryAlias.step.primary',
      'diag.error.primaryAlias.step.delete',
    ],
    showContact: false,
    next: CLOSING_NODE,
  },
  {
    kind: 'advice',
    id: 'personal.otherOption',
    titleKey: 'diag.personal.otherOption.title',
    bodyKeys: ['diag.personal.otherOption.body.intro', 'diag.personal.otherOption.body.recoveryCode'],
    stepKeys: [
      'diag.personal.otherOption.step.start',
      'diag.personal.otherOption.step.link',
      'diag.personal.otherOption.step.choose',
      'diag.personal.otherOption.step.enter',
    ],
    showContact: false,
    next: 'personal.otherOption.result',
  },
  {
    kind: 'question',
    id: 'personal.otherOption.result',
    promptKey: 'diag.personal.otherOptionResult.prompt',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.personal.otherOptionResult.opt.yes',
        next: 'personal.steps',
        matches: merge(YES, {
          ja: ['サインインできた', 'できた', 'できました'],
          en: ["yes, i'm signed in", 'signed in', 'it worked'],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.personal.otherOptionResult.opt.no',
        next: 'personal.recovery',
        matches: merge(NO, {
          ja: ['できなかった', 'できません', 'だめだった', 'ダメだった'],
          en: ["no, it didn't work", "it didn't work", 'did not work', 'failed'],
        }),
      },
    ],
  },
  {
    kind: 'advice',
    id: 'personal.recovery',
    titleKey: 'diag.personal.recovery.title',
    bodyKeys: [
      'diag.personal.recovery.body.intro',
      'diag.personal.recovery.body.accuracy',
      'diag.personal.recovery.body.prepare',
      'diag.personal.recovery.item.passwords',
      'diag.personal.recovery.item.created',
      'diag.personal.recovery.item.identity',
      'diag.personal.recovery.item.mail',
      'diag.personal.recovery.item.purchases',
      'diag.personal.recovery.item.xbox',
      'diag.personal.recovery.body.device',
      'diag.personal.recovery.body.result',
    ],
    stepKeys: [
      'diag.personal.recovery.step.open',
      'diag.personal.recovery.step.addresses',
      'diag.personal.recovery.step.code',
      'diag.personal.recovery.step.answer',
    ],
    showContact: false,
    next: 'personal.recovery.result',
  },
  {
    kind: 'question',
    id: 'personal.recovery.result',
    promptKey: 'diag.personal.recoveryResult.prompt',
    hintKey: 'diag.personal.recoveryResult.hint',
    options: [
      {
        value: 'recovered',
        labelKey: 'diag.personal.recoveryResult.opt.recovered',
        next: 'personal.steps',
        matches: merge(YES, {
          ja: ['回復できた', '回復した', '戻れた'],
          en: ['i got back in', 'recovered', 'got back in'],
        }),
      },
      {
        value: 'failed',
        labelKey: 'diag.personal.recoveryResult.opt.failed',
        next: 'personal.msSupport',
        matches: merge(NO, {
          ja: ['回復できなかった', '失敗した', '断られた', 'だめだった'],
          en: ['it was refused', 'refused', 'failed', 'rejected'],
        }),
      },
      {
        value: 'waiting',
        labelKey: 'diag.personal.recoveryResult.opt.waiting',
        next: 'personal.recovery.pending',
        matches: {
          ja: ['結果を待っている', '待っている', '待ち', 'まだ', 'これから送る', 'あとで'],
          en: ['still waiting', 'waiting', 'not yet', 'later'],
        },
      },
    ],
  },
  {
    kind: 'end',
    id: 'personal.recovery.pending',
    outcome: 'unresolved',
    titleKey: 'diag.personal.pending.title',
    bodyKeys: [
      'diag.personal.pending.body.wait',
      'diag.personal.pending.body.return',
      'diag.personal.pending.body.helpdesk',
    ],
    showContact: true,
  },
  {
    kind: 'advice',
    id: 'personal.msSupport',
    titleKey: 'diag.personal.msSupport.title',
    bodyKeys: [
      'diag.personal.msSupport.body.retry',
      'diag.personal.msSupport.body.contact',
      'diag.personal.msSupport.body.prepare',
      'diag.personal.msSupport.body.limit',
    ],
    showContact: true,
    next: CLOSING_NODE,
  },

  // ── S3: errors when adding or changing a number ─────────────────────────────────────────────
  accountQuestion('error.account', 'error.which', 'error.which'),
  {
    kind: 'question',
    id: 'error.which',
    promptKey: 'diag.error.which.prompt',
    hintKey: 'diag.error.which.hint',
    freeText: 'error-code',
    listensFor: 'errorCode',
    options: [
      {
        value: 'ERR_0x800704cf',
        labelKey: 'diag.error.opt.0x800704cf',
        next: 'error.0x800704cf',
        sets: { errorCode: 'ERR_0x800704cf' },
        matches: { ja: ['0x800704cf', '800704cf'], en: ['0x800704cf', '800704cf'] },
      },
      {
        value: 'ERR_0x8019019a',
        labelKey: 'diag.error.opt.0x8019019a',
        next: 'error.0x8019019a',
        sets: { errorCode: 'ERR_0x8019019a' },
        matches: { ja: ['0x8019019a', '8019019a'], en: ['0x8019019a', '8019019a'] },
      },
      {
        value: 'ERR_SOMETHING_WENT_WRONG',
        labelKey: 'diag.error.opt.somethingWentWrong',
        next: 'error.somethingWentWrong',
        sets: { errorCode: 'ERR_SOMETHING_WENT_WRONG' },
        matches: {
          ja: [
            '問題が発生しました (something went wrong)',
            'something went wrong',
            'エラーが発生しました',
            '問題が発生しました',
          ],
          en: ['something went wrong', 'an error occurred'],
        },
      },
      {
        value: 'ERR_COUNTRY_CODE',
        labelKey: 'diag.error.opt.countryCode',
        next: 'error.countryCode',
        sets: { errorCode: 'ERR_COUNTRY_CODE' },
        matches: {
          ja: ['国番号が対応していない', 'この国番号は対応していません', '国番号', '国番号エラー'],
          en: ['country code not supported', 'this country code is not supported', 'country code'],
        },
      },
      {
        value: 'ERR_PRIMARY_ALIAS',
        labelKey: 'diag.error.opt.primaryAlias',
        next: 'error.primaryAlias',
        sets: { errorCode: 'ERR_PRIMARY_ALIAS' },
        matches: {
          ja: [
            'メインの番号を変更できない',
            'プライマリ',
            'メイン',
            'エイリアス',
            'プライマリを変更できない',
          ],
          en: [
            "can't change primary number",
            'cannot change primary number',
            'primary',
            'primary alias',
            'alias',
          ],
        },
      },
      {
        value: 'ERR_REGION',
        labelKey: 'diag.error.opt.region',
        next: 'error.region',
        sets: { errorCode: 'ERR_REGION' },
        matches: {
          ja: ['地域の設定が違う', '地域', '地域設定', 'リージョン', 'タイムゾーン'],
          en: ['wrong region settings', 'region', 'region settings', 'locale', 'time zone'],
        },
      },
      {
        value: 'other',
        labelKey: 'diag.error.opt.other',
        next: 'error.other',
        matches: {
          ja: ['その他のエラー', 'その他', 'ほか', '別のエラー'],
          en: ['another error', 'other', 'other error', 'something else'],
        },
      },
    ],
  },
  toClosing({
    id: 'error.0x800704cf',
    titleKey: 'diag.error.0x800704cf.title',
    bodyKeys: ['diag.error.0x800704cf.body.cause'],
    stepKeys: [
      'diag.error.0x800704cf.step.network',
      'diag.error.0x800704cf.step.vpn',
      'diag.error.0x800704cf.step.retry',
    ],
    showContact: false,
  }),
  toClosing({
    id: 'error.0x8019019a',
    titleKey: 'diag.error.0x8019019a.title',
    bodyKeys: ['diag.error.0x8019019a.body.cause'],
    stepKeys: [
      'diag.error.0x8019019a.step.cache',
      'diag.error.0x8019019a.step.signIn',
      'diag.error.0x8019019a.step.addInfo',
      'diag.error.somethingWentWrong.step.later',
    ],
    showContact: false,
  }),
  toClosing({
    id: 'error.somethingWentWrong',
    titleKey: 'diag.error.somethingWentWrong.title',
    bodyKeys: ['diag.error.somethingWentWrong.body.cause'],
    stepKeys: [
      'diag.error.somethingWentWrong.step.later',
      'diag.error.somethingWentWrong.step.browser',
      'diag.error.somethingWentWrong.step.support',
    ],
    showContact: true,
  }),
  toClosing({
    id: 'error.countryCode',
    titleKey: 'diag.error.countryCode.title',
    bodyKeys: ['diag.error.countryCode.body.cause'],
    stepKeys: [
      'diag.error.countryCode.step.format',
      'diag.error.countryCode.step.otherFormat',
      'diag.error.countryCode.step.carrier',
      'diag.error.countryCode.step.mobileData',
      'diag.error.somethingWentWrong.step.support',
    ],
    showContact: true,
  }),
  toClosing({
    id: 'error.primaryAlias',
    titleKey: 'diag.error.primaryAlias.title',
    bodyKeys: ['diag.error.primaryAlias.body.cause'],
    stepKeys: [
      'diag.error.primaryAlias.step.add',
      'diag.error.primaryAlias.step.primary',
      'diag.error.primaryAlias.step.delete',
      'diag.error.primaryAlias.step.wait',
    ],
    showContact: false,
  }),
  toClosing({
    id: 'error.region',
    titleKey: 'diag.error.region.title',
    bodyKeys: ['diag.error.region.body.cause'],
    stepKeys: [
      'diag.error.region.step.open',
      'diag.error.region.step.culture',
      'diag.error.region.step.locale',
      'diag.error.region.step.timeZone',
      'diag.error.region.step.fix',
    ],
    showContact: false,
  }),
  toClosing({
    id: 'error.other',
    titleKey: 'diag.error.other.title',
    bodyKeys: ['diag.error.other.body.note', 'diag.error.other.body.work', 'diag.error.other.body.personal'],
    showContact: true,
  }),

  // ── S4: prevention ──────────────────────────────────────────────────────────────────────────
  accountQuestion('prevent.account', 'prevent.work', 'prevent.personal'),
  ...(['work', 'personal'] as const).map((account): AdviceNode => ({
    kind: 'advice',
    id: `prevent.${account}`,
    titleKey: 'diag.prevent.title',
    bodyKeys: [
      account === 'work' ? 'diag.prevent.body.work' : 'diag.prevent.body.personal',
      'diag.prevent.body.checklist',
      'diag.prevent.item.twoMethods',
      'diag.prevent.item.strongMethod',
      'diag.prevent.item.removeOld',
      'diag.prevent.item.accountType',
      'diag.prevent.item.recoveryInfo',
      'diag.prevent.body.table',
      'diag.prevent.row.oldPhone',
      'diag.prevent.row.noEmail',
      'diag.prevent.row.orgAdmin',
      'diag.prevent.row.onlyAdmin',
      'diag.prevent.body.plan',
      ...PLAN_KEYS.slice(1),
    ],
    showContact: false,
    next: CLOSING_NODE,
  })),

  // ── Asking for a colleague: the bot acts only for the sender ────────────────────────────────
  {
    kind: 'end',
    id: 'colleague.end',
    outcome: 'refer-helpdesk',
    titleKey: 'diag.colleague.title',
    bodyKeys: ['diag.colleague.body.why', 'diag.colleague.body.self', 'diag.colleague.body.noTeams'],
    showContact: true,
  },

  // ── Closing: did this solve it? ─────────────────────────────────────────────────────────────
  {
    kind: 'question',
    id: CLOSING_NODE,
    promptKey: 'diag.close.prompt',
    options: [
      {
        value: 'yes',
        labelKey: 'diag.close.opt.yes',
        next: 'end.resolved',
        matches: merge(YES, {
          ja: ['解決した', '解決しました', 'できた', 'ok'],
          en: ['yes, solved', 'solved', 'it worked', 'ok'],
        }),
      },
      {
        value: 'no',
        labelKey: 'diag.close.opt.no',
        next: 'close.no',
        matches: merge(NO, {
          ja: ['解決していない', '解決しない', 'まだ', 'だめ', 'できない'],
          en: ['no, not yet', 'not yet', 'not solved', "didn't work"],
        }),
      },
    ],
  },
  {
    kind: 'question',
    id: 'close.no',
    promptKey: 'diag.closeNo.prompt',
    options: [
      {
        value: 'helpdesk',
        labelKey: 'diag.closeNo.opt.helpdesk',
        next: 'end.helpdesk',
        matches: {
          ja: ['ヘルプデスクに連絡', 'ヘルプデスク', '問い合わせ', '担当者', '人と話したい'],
          en: ['contact the helpdesk', 'helpdesk', 'help desk', 'contact', 'a human', 'talk to someone'],
        },
      },
      {
        value: 'restart',
        labelKey: 'diag.closeNo.opt.restart',
        next: ROOT_NODE,
        matches: { ja: ['最初からやり直す', 'やり直す'], en: ['start over', 'over again'] },
      },
      {
        value: 'finish',
        labelKey: 'diag.closeNo.opt.finish',
        next: 'end.unresolved',
        matches: {
          ja: ['ここで終わる', '終わる', '終了', 'おわり'],
          en: ['stop here', 'finish', 'done', 'end here'],
        },
      },
    ],
  },
  {
    kind: 'end',
    id: 'end.resolved',
    outcome: 'resolved',
    titleKey: 'diag.end.resolved.title',
    bodyKeys: ['diag.end.resolved.body.thanks', 'diag.end.resolved.body.backup'],
    showContact: false,
  },
  {
    kind: 'end',
    id: 'end.helpdesk',
    outcome: 'refer-helpdesk',
    titleKey: 'diag.end.helpdesk.title',
    bodyKeys: ['diag.end.helpdesk.body.share', 'diag.end.helpdesk.body.contact'],
    showContact: true,
  },
  {
    kind: 'end',
    id: 'end.unresolved',
    outcome: 'unresolved',
    titleKey: 'diag.end.unresolved.title',
    bodyKeys: [
      'diag.end.unresolved.body.sorry',
      'diag.end.unresolved.body.again',
      'diag.end.unresolved.body.urgent',
    ],
    showContact: true,
  },
];

export const diagnosisMap: ReadonlyMap<NodeId, DiagnosisNode> = new Map(NODES.map((node) => [node.id, node]));

export function getNode(id: NodeId): DiagnosisNode {
  const node = diagnosisMap.get(id);
  if (node === undefined) throw new AppError('NOT_FOUND', `Unknown diagnosis node "${id}"`);
  return node;
}

/** Every advice and end node: the leaves a test must reach in each language. */
export function leafIds(): NodeId[] {
  return NODES.filter((node) => node.kind !== 'question').map((node) => node.id);
}

/** The node ids an answer or an advice node can lead to. */
export function successorsOf(node: DiagnosisNode): NodeId[] {
  switch (node.kind) {
    case 'question':
      return node.options.map((option) => option.next);
    case 'advice':
      return [node.next];
    case 'end':
      return [];
  }
}

/** Every catalogue key a node shows. */
export function keysOf(node: DiagnosisNode): DiagnosisKey[] {
  switch (node.kind) {
    case 'question':
      return [
        node.promptKey,
        ...(node.hintKey === undefined ? [] : [node.hintKey]),
        ...node.options.map((option) => option.labelKey),
      ];
    case 'advice':
      return [node.titleKey, ...node.bodyKeys, ...(node.stepKeys ?? [])];
    case 'end':
      return [node.titleKey, ...node.bodyKeys];
  }
}
