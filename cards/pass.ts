import type { Locale } from '../src/config';
import type { Localizer } from '../src/i18n/localizer';
import { expandCard, type AdaptiveCardJson } from './render';
import template from './pass.card.json';

/**
 * The requester's (or, for a lost phone, the approver's) pass card. On the changed-phone path it
 * first asks for the release code, then shows the pass, then is updated to show no pass. The card
 * with the pass exists only on its way to Teams: the transcript stores it with the pass redacted.
 */
export interface PassCardData {
  requestId: string;
  title: string;
  body: string;
  /** Asks for the release code the approver read out (changed phone, before the pass exists). */
  askCode: boolean;
  codeLabel: string;
  codeSubmitLabel: string;
  /** Shows `passLine`; false when asking for the code or once the pass was withdrawn. */
  showPass: boolean;
  passLine: string;
  /** The requester confirms they noted the pass; sessions are revoked after that. */
  showNoted: boolean;
  afterNoted: string;
  notedLabel: string;
  /** Who to call if the pass does not work (or Teams cannot be opened after the sign-out). */
  contactTitle: string;
  contactLines: string[];
}

export function renderPassCard(data: PassCardData): AdaptiveCardJson {
  return expandCard(template, data);
}

/** What one pass card shows: the ask for the release code, the pass, or that the pass is gone. */
export type PassCardView =
  | { kind: 'askCode'; requestId: string }
  | {
      kind: 'pass';
      requestId: string;
      pass: string;
      /** Already formatted for the reader. */
      expiresAt: string;
      /** Lost phone: the approver hands it over on the call; set to the requester's name. */
      forApproverAbout?: string;
    }
  | { kind: 'withdrawn'; requestId: string };

export function passCardData(localizer: Localizer, locale: Locale, view: PassCardView): PassCardData {
  const t = (key: Parameters<Localizer['t']>[1], params: Record<string, string | number> = {}): string =>
    localizer.t(locale, key, params);
  const forApprover = view.kind === 'pass' && view.forApproverAbout !== undefined;
  const base = {
    requestId: view.requestId,
    contactTitle: t('dialog.contactTitle'),
    contactLines: localizer.fullContactLines(locale),
    codeLabel: t('pass.code.label'),
    codeSubmitLabel: t('pass.code.submit'),
    afterNoted: t('pass.afterNoted'),
    notedLabel: t('pass.noted'),
  };
  if (view.kind === 'askCode') {
    return {
      ...base,
      title: t('pass.title'),
      body: t('pass.code.body', { requestId: view.requestId }),
      askCode: true,
      showPass: false,
      passLine: '',
      showNoted: false,
    };
  }
  if (view.kind === 'withdrawn') {
    return {
      ...base,
      title: t('pass.title'),
      body: t('pass.withdrawn.body'),
      askCode: false,
      showPass: false,
      passLine: '',
      showNoted: false,
    };
  }
  return {
    ...base,
    title: forApprover
      ? t('pass.forApprover.title', { name: view.forApproverAbout ?? '', requestId: view.requestId })
      : t('pass.title'),
    body: forApprover
      ? t('pass.forApprover.body', { expiresAt: view.expiresAt })
      : t('pass.body', { expiresAt: view.expiresAt }),
    askCode: false,
    showPass: true,
    passLine: t('pass.value', { pass: view.pass }),
    showNoted: !forApprover,
  };
}
