import {
  ACCOUNT_RECOVERY_ADVICE,
  CLOSING_NODE,
  diagnosisMap,
  getNode,
  keysOf,
  leafIds,
  ROOT_NODE,
  successorsOf,
  type AdviceNode,
  type DiagnosisNode,
  type QuestionNode,
} from '../../src/domain/diagnosis-map';
import type { SeedErrorId } from '../../src/domain/error-codes';
import { diagnosisEn, type DiagnosisKey } from '../../src/i18n/diagnosis.en';
import { diagnosisJa } from '../../src/i18n/diagnosis.ja';

// A Record over the union: the compiler fails here when a SeedErrorId is added or removed.
const SEED_ERRORS: Record<SeedErrorId, true> = {
  ERR_0x800704cf: true,
  ERR_0x8019019a: true,
  ERR_SOMETHING_WENT_WRONG: true,
  ERR_COUNTRY_CODE: true,
  ERR_PRIMARY_ALIAS: true,
  ERR_REGION: true,
};

type Language = 'ja' | 'en';
const LANGUAGES: readonly Language[] = ['ja', 'en'];
const catalogues: Record<Language, Readonly<Record<DiagnosisKey, string>>> = {
  ja: diagnosisJa,
  en: diagnosisEn,
};
const ALLOWED_PLACEHOLDERS = new Set([
  'helpdeskPhone',
  'helpdeskEmail',
  'helpdeskLocation',
  'officeHours',
  'requestId',
  'lossReportContact',
]);

const nodes: DiagnosisNode[] = [...diagnosisMap.values()];
const questions = nodes.filter((node): node is QuestionNode => node.kind === 'question');
// The spec's comparison (NFKC + lowercase + trim), plus what the dialog also drops: trailing
// punctuation and repeated spaces, so a collision there is caught here too.
const normalise = (text: string): string =>
  text
    .normalize('NFKC')
    .trim()
    .replace(/[。.!！?？]+$/u, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
const text = (language: Language, key: DiagnosisKey): string => catalogues[language][key];
const nodeText = (language: Language, node: DiagnosisNode): string =>
  keysOf(node)
    .map((key) => text(language, key))
    .join('\n');

/** Nodes reachable from the root; the "start over" edge back to the root is the one loop allowed. */
function reachable(): Set<string> {
  const seen = new Set<string>([ROOT_NODE]);
  const queue = [ROOT_NODE];
  while (queue.length > 0) {
    for (const next of successorsOf(getNode(queue.shift() ?? ROOT_NODE))) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

function canReach(from: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() ?? from;
    if (id === target) return true;
    if (seen.has(id) || id === ROOT_NODE) continue;
    seen.add(id);
    stack.push(...successorsOf(getNode(id)));
  }
  return false;
}

/** Kinds of catalogue entries that are not sentences: button labels, titles, list entries. */
const isSentenceKey = (key: string): boolean => !/\.opt\.|\.title$|\.item\.|\.row\./.test(key);

describe('diagnosis map: structure', () => {
  it('indexes every node under its own id, and getNode refuses unknown ids', () => {
    for (const [id, node] of diagnosisMap) expect(node.id).toBe(id);
    expect(getNode(ROOT_NODE).kind).toBe('question');
    expect(() => getNode('no-such-node')).toThrow(/no-such-node/);
  });

  it('points every next at an existing node', () => {
    for (const node of nodes) {
      for (const next of successorsOf(node)) {
        expect({ from: node.id, next, exists: diagnosisMap.has(next) }).toEqual({
          from: node.id,
          next,
          exists: true,
        });
      }
    }
  });

  it('reaches every node from the root', () => {
    const seen = reachable();
    expect(nodes.map((node) => node.id).filter((id) => !seen.has(id))).toEqual([]);
  });

  it('has no cycle except the explicit "start over" back to the root', () => {
    const intoRoot = questions.flatMap((question) =>
      question.options
        .filter((option) => option.next === ROOT_NODE)
        .map((option) => `${question.id}:${option.value}`),
    );
    expect(intoRoot).toEqual(['close.no:restart']);

    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (id: string, path: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'open') {
        cycles.push([...path, id].join(' → '));
        return;
      }
      state.set(id, 'open');
      for (const next of successorsOf(getNode(id))) if (next !== ROOT_NODE) visit(next, [...path, id]);
      state.set(id, 'done');
    };
    visit(ROOT_NODE, []);
    expect(cycles).toEqual([]);
  });

  it('ends every path in an end node, and every advice can still reach "did this solve it?"', () => {
    for (const node of nodes) {
      if (successorsOf(node).length === 0)
        expect({ id: node.id, kind: node.kind }).toEqual({ id: node.id, kind: 'end' });
    }
    for (const question of questions) expect(question.options.length).toBeGreaterThanOrEqual(2);
    const advice = nodes.filter((node): node is AdviceNode => node.kind === 'advice');
    // The lost-company-phone report leads on to the request itself, not to "did this solve it?".
    const onToRequest = new Set(['lost.work.report']);
    expect(
      advice
        .filter((node) => !onToRequest.has(node.id) && !canReach(node.id, CLOSING_NODE))
        .map((node) => node.id),
    ).toEqual([]);
    for (const id of onToRequest) expect(canReach(id, 'lost.work.request')).toBe(true);
    const closing = getNode(CLOSING_NODE) as QuestionNode;
    expect(closing.options.map((option) => getNode(option.next).id)).toEqual(['end.resolved', 'close.no']);
    expect(getNode('end.resolved')).toMatchObject({ kind: 'end', outcome: 'resolved' });
    const no = getNode('close.no') as QuestionNode;
    expect(no.options.map((option) => option.next)).toEqual(['end.helpdesk', ROOT_NODE, 'end.unresolved']);
  });

  it('lists every advice and end node as a leaf, covering every outcome', () => {
    const expected = nodes.filter((node) => node.kind !== 'question').map((node) => node.id);
    expect([...leafIds()].sort()).toEqual([...expected].sort());
    const outcomes = new Set(nodes.flatMap((node) => (node.kind === 'end' ? [node.outcome] : [])));
    expect([...outcomes].sort()).toEqual(['file-request', 'refer-helpdesk', 'resolved', 'unresolved']);
  });

  it('offers the six situations on the first card and routes S1b as lost or stolen', () => {
    const start = getNode(ROOT_NODE) as QuestionNode;
    expect(start.options.map((option) => option.value)).toEqual([
      'changed',
      'lost',
      'oldNumber',
      'error',
      'backup',
      'colleague',
    ]);
    expect(start.options.map((option) => option.sets?.situation)).toEqual([
      'S1a',
      'S1b',
      'S2',
      'S3',
      'S4',
      undefined,
    ]);
    expect(start.options[1]?.sets?.lostOrStolen).toBe(true);
    expect(getNode('colleague.end')).toMatchObject({
      kind: 'end',
      outcome: 'refer-helpdesk',
      showContact: true,
    });
  });

  it('never files a request for an admin: both admin answers lead to manual procedures', () => {
    for (const id of ['work.admin', 'lost.work.admin']) {
      const admin = getNode(id) as QuestionNode;
      const yes = admin.options.find((option) => option.value === 'yes');
      expect(yes?.next).toBe('work.onlyGa');
    }
    const onlyGa = getNode('work.onlyGa') as QuestionNode;
    for (const option of onlyGa.options) {
      expect(getNode(option.next)).toMatchObject({
        kind: 'end',
        outcome: 'refer-helpdesk',
        showContact: true,
      });
    }
    expect(getNode('work.request')).toMatchObject({ kind: 'end', outcome: 'file-request' });
    expect(getNode('lost.work.request')).toMatchObject({ kind: 'end', outcome: 'file-request' });
  });
});

describe('diagnosis map: answers', () => {
  it('gives each option a unique ASCII value', () => {
    for (const question of questions) {
      const values = question.options.map((option) => option.value);
      expect(new Set(values).size).toBe(values.length);
      for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('never lets a typed answer match two options of one node', () => {
    for (const question of questions) {
      const owner = new Map<string, string>();
      for (const option of question.options) {
        for (const match of new Set([...option.matches.ja, ...option.matches.en].map(normalise))) {
          expect({ node: question.id, match, owner: owner.get(match) ?? option.value }).toEqual({
            node: question.id,
            match,
            owner: option.value,
          });
          owner.set(match, option.value);
        }
      }
    }
  });

  it('understands each button label typed back in its own language', () => {
    for (const question of questions) {
      for (const option of question.options) {
        for (const language of LANGUAGES) {
          const typed = option.matches[language].map(normalise);
          expect({
            node: question.id,
            option: option.value,
            understood: typed.includes(normalise(text(language, option.labelKey))),
          }).toEqual({
            node: question.id,
            option: option.value,
            understood: true,
          });
        }
      }
    }
  });

  it('offers exactly one S3 option per seed error, with the SeedErrorId as its value', () => {
    const errors = questions.filter((question) => question.freeText === 'error-code');
    expect(errors.map((question) => question.id)).toEqual(['error.which']);
    const values = errors[0]?.options.map((option) => option.value) ?? [];
    for (const id of Object.keys(SEED_ERRORS)) expect(values).toContain(id);
    expect(values.filter((value) => !(value in SEED_ERRORS))).toEqual(['other']);
    for (const option of errors[0]?.options ?? []) {
      if (option.value in SEED_ERRORS) expect(option.sets?.errorCode).toBe(option.value);
    }
  });
});

describe('diagnosis map: catalogues', () => {
  // The account-recovery offer is shown by the dialog where the tenant has it (not a map node).
  const used = new Set([
    ...nodes.flatMap(keysOf),
    ACCOUNT_RECOVERY_ADVICE.titleKey,
    ...ACCOUNT_RECOVERY_ADVICE.bodyKeys,
  ]);

  it('uses every catalogue key and defines every key it uses, in both languages', () => {
    const defined = Object.keys(diagnosisEn).sort();
    expect(Object.keys(diagnosisJa).sort()).toEqual(defined);
    expect([...used].sort()).toEqual(defined);
    for (const language of LANGUAGES) {
      for (const key of defined) expect(text(language, key as DiagnosisKey).trim()).not.toBe('');
    }
  });

  it('uses only placeholders the renderer fills, the same ones in both languages', () => {
    const placeholders = (value: string): string[] =>
      [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '');
    for (const key of Object.keys(diagnosisEn) as DiagnosisKey[]) {
      const ja = placeholders(diagnosisJa[key]);
      const en = placeholders(diagnosisEn[key]);
      expect({ key, ja: [...ja].sort() }).toEqual({ key, ja: [...en].sort() });
      for (const name of en)
        expect({ key, name, known: ALLOWED_PLACEHOLDERS.has(name) }).toEqual({ key, name, known: true });
      expect(diagnosisJa[key]).not.toMatch(/\$\{|\{\{/);
      expect(diagnosisEn[key]).not.toMatch(/\$\{|\{\{/);
    }
  });

  it('names the helpdesk contact at every dead end', () => {
    for (const node of nodes) {
      if (node.kind === 'end' && (node.outcome === 'refer-helpdesk' || node.outcome === 'unresolved')) {
        expect({ id: node.id, showContact: node.showContact }).toEqual({ id: node.id, showContact: true });
      }
      if (node.kind !== 'question' && /ヘルプデスク/.test(nodeText('ja', node))) {
        expect({ id: node.id, showContact: node.showContact }).toEqual({ id: node.id, showContact: true });
      }
    }
    for (const id of ['colleague.end', 'work.admin.end', 'work.onlyGa.end']) {
      expect(getNode(id)).toMatchObject({ kind: 'end', showContact: true });
    }
    for (const language of LANGUAGES)
      expect(nodeText(language, getNode('colleague.end'))).toContain('{helpdeskPhone}');
  });

  it('writes Teams-friendly text: no markdown tables, no half-width katakana, no Japanese in English', () => {
    for (const key of Object.keys(diagnosisEn) as DiagnosisKey[]) {
      for (const language of LANGUAGES) expect(text(language, key)).not.toMatch(/\||^#|\*\*/);
      expect({ key, halfWidthKana: /[\uFF61-\uFF9F]/.test(diagnosisJa[key]) }).toEqual({
        key,
        halfWidthKana: false,
      });
      expect({ key, cjk: /[\u3040-\u30FF\u4E00-\u9FFF]/.test(diagnosisEn[key]) }).toEqual({
        key,
        cjk: false,
      });
    }
  });

  it('ends every Japanese sentence politely', () => {
    const polite = /(です|ます|ません|ください|でした|ました|ましょう|でしょう)か?$/;
    for (const key of (Object.keys(diagnosisJa) as DiagnosisKey[]).filter(isSentenceKey)) {
      const value = diagnosisJa[key];
      expect({ key, closed: /[。？]$/.test(value) }).toEqual({ key, closed: true });
      for (const sentence of value.split(/(?<=[。？])/)) {
        const bare = sentence
          .trim()
          .replace(/[。？]$/, '')
          .replace(/[」』)）\s]+$/, '');
        if (bare === '') continue;
        expect({ key, sentence: bare, polite: polite.test(bare) }).toEqual({
          key,
          sentence: bare,
          polite: true,
        });
      }
    }
  });

  it('keeps button labels short', () => {
    for (const question of questions) {
      for (const option of question.options) {
        // The English screen text in parentheses (GLOSSARY.ja.md, error buttons) is not counted.
        const ja = text('ja', option.labelKey).replace(/ \([A-Za-z ]+\)$/, '');
        expect([...ja].length).toBeLessThanOrEqual(20);
        expect(text('en', option.labelKey).length).toBeLessThanOrEqual(30);
      }
    }
  });
});

describe('diagnosis map: content agrees with the seeds', () => {
  const stepTexts = (id: string, language: Language): string[] =>
    ((getNode(id) as AdviceNode).stepKeys ?? []).map((key) => text(language, key));
  const indexOf = (steps: string[], pattern: RegExp): number => steps.findIndex((step) => pattern.test(step));

  it('orders the work self-service steps: Change on the Phone row → number → code → verify, in both languages', () => {
    // One number per phone type: while the old number is registered, "Change" is the way (Graph
    // phoneAuthenticationMethod); "Add" is only the fallback when there is no Phone row.
    const patterns: Record<Language, RegExp[]> = {
      ja: [/変更 \(Change\)/, /国番号/, /SMS 送信/, /確認コード/],
      en: [/"Change"/, /country code/, /Text me a code/, /verification code/],
    };
    for (const language of LANGUAGES) {
      const steps = stepTexts('work.selfService', language);
      const found = patterns[language].map((pattern) => indexOf(steps, pattern));
      expect({ language, found }).toEqual({ language, found: [2, 3, 4, 5] });
      expect(steps[0]).toContain('https://mysignins.microsoft.com/security-info');
      expect(steps.some((step) => /削除|Delete/.test(step))).toBe(false);
      expect(nodeText(language, getNode('work.selfService'))).toMatch(
        language === 'ja' ? /サインイン方法の追加/ : /Add sign-in method/,
      );
    }
  });

  it('keeps the seed’s two personal flows apart: security info (add → verify → remove), then the alias (make primary)', () => {
    const patterns: Record<Language, RegExp[]> = {
      ja: [
        /account\.microsoft\.com/,
        /セキュリティ/,
        /高度なセキュリティ オプション/,
        /追加/,
        /確認コード/,
        /削除/,
      ],
      en: [
        /account\.microsoft\.com/,
        /Security/,
        /Advanced security options/,
        /Add a new way/,
        /verification code/,
        /Remove/,
      ],
    };
    for (const language of LANGUAGES) {
      const steps = stepTexts('personal.steps', language);
      expect(steps).toHaveLength(patterns[language].length);
      patterns[language].forEach((pattern, i) => expect(steps[i]).toMatch(pattern));
      expect(steps.join('\n')).not.toMatch(/Make primary/);
      const alias = stepTexts('personal.alias', language);
      expect(alias.join('\n')).toMatch(/Your info/);
      expect(alias.join('\n')).toMatch(/Make primary/);
      expect((getNode('personal.steps') as AdviceNode).next).toBe('personal.alias');
    }
  });

  it('lists what to prepare for the account recovery form', () => {
    const expected: Record<Language, RegExp[]> = {
      ja: [/account\.live\.com\/acsr/, /パスワード/, /時期/, /件名/, /購入/, /Xbox/, /ゲーマータグ/],
      en: [
        /account\.live\.com\/acsr/,
        /[Pp]asswords/,
        /created/,
        /subjects/,
        /purchases/,
        /Xbox/,
        /gamertag/,
      ],
    };
    for (const language of LANGUAGES) {
      const all = nodeText(language, getNode('personal.recovery'));
      for (const pattern of expected[language]) expect(all).toMatch(pattern);
    }
  });

  it('gives each seed error its seed remedy', () => {
    const remedies: Record<SeedErrorId, Record<Language, RegExp[]>> = {
      ERR_0x800704cf: {
        ja: [/ネットワーク/, /VPN/, /プロキシ/, /もう一度/],
        en: [/network/, /VPN/, /proxy/, /Try again/],
      },
      ERR_0x8019019a: { ja: [/キャッシュ/, /サインイン/, /追加/], en: [/cache/, /sign in again/, /Add/] },
      ERR_SOMETHING_WENT_WRONG: {
        ja: [/時間をおいて/, /別のブラウザー/, /サポート/],
        en: [/Wait a while/, /another browser/, /support/],
      },
      ERR_COUNTRY_CODE: {
        ja: [/\+81 90-1234-5678/, /SMS の受信に制限/, /モバイル データ/, /Wi-Fi/],
        en: [/\+81 90-1234-5678/, /carriers restrict/, /mobile data/, /Wi-Fi/],
      },
      ERR_PRIMARY_ALIAS: {
        ja: [/追加/, /プライマリにする/, /削除/, /待って/],
        en: [/Add/, /Make primary/, /Remove/, /wait/],
      },
      ERR_REGION: {
        ja: [/Get-Culture/, /Get-WinSystemLocale/, /Get-TimeZone/, /時刻と言語/],
        en: [/Get-Culture/, /Get-WinSystemLocale/, /Get-TimeZone/, /Time & language → Region/],
      },
    };
    const errors = getNode('error.which') as QuestionNode;
    for (const [id, byLanguage] of Object.entries(remedies)) {
      const option = errors.options.find((candidate) => candidate.value === id);
      const node = getNode(option?.next ?? 'missing');
      for (const language of LANGUAGES) {
        const all = nodeText(language, node);
        for (const pattern of byLanguage[language])
          expect({ id, language, all }).toEqual({ id, language, all: expect.stringMatching(pattern) });
      }
    }
  });

  it('follows current Microsoft documentation where the seeds are dated', () => {
    for (const language of LANGUAGES) {
      const admin = nodeText(language, getNode('work.admin.end'));
      expect(admin).toContain('Microsoft Graph PowerShell');
      expect(admin).toContain('Microsoft Entra');
      expect(admin).toMatch(/Require re-register MFA/);
      for (const key of Object.keys(diagnosisEn) as DiagnosisKey[]) {
        expect(text(language, key)).not.toMatch(
          /Azure AD|Azure Active Directory|Connect-AzureAD|Get-AzureADUser/,
        );
      }
    }
    expect(nodeText('ja', getNode('work.admin.end'))).toContain('MFA の再登録を要求');
  });

  it('covers the prevention checklist and the situation → action table for both account kinds', () => {
    for (const id of ['prevent.work', 'prevent.personal']) {
      const node = getNode(id) as AdviceNode;
      expect(node.bodyKeys.filter((key) => key.startsWith('diag.prevent.item.'))).toHaveLength(5);
      // Before a planned phone change: the same checklist as the changed-phone path.
      expect(node.bodyKeys.filter((key) => key.startsWith('diag.plan.item.'))).toHaveLength(4);
      expect(node.bodyKeys.filter((key) => key.includes('.row.'))).toHaveLength(4);
    }
    expect(nodeText('ja', getNode('prevent.work'))).toContain('セキュリティ キー (FIDO2)');
  });
});
