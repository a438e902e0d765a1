import { MessageFactory, type StatePropertyAccessor, type TurnContext, type UserState } from 'botbuilder';
import type { DialogInstance, DialogState } from './dialog-kit';
import type { AdaptiveCardJson } from '../cards/render';
import { toAttachment } from '../cards/render';
import { renderAdviceCard } from '../cards/advice';
import type { Config, Locale } from '../src/config';
import type { Localizer } from '../src/i18n/localizer';
import type { MessageKey } from '../src/i18n/catalogues';
import type { Logger } from '../src/log';
import type { RequestStore } from '../src/ports/request-store';
import type { Directory } from '../src/ports/directory';
import type { DiagnosisOutcome } from '../src/ports/diagnosis-outcomes';
import type { ResetRequest } from '../src/domain/reset-request';
import type { PhoneSeal } from '../src/domain/phone-seal';
import { turnLocale, type UserProfile } from './turn-locale';
import type { RequestClockConfig } from './request-next-steps';

/** Everything the dialogs need, built once in the composition root. */
export interface DialogDependencies {
  localizer: Localizer;
  requests: RequestStore;
  config: Pick<Config, 'monthlyRequestCap' | 'accountRecovery'> & RequestClockConfig;
  logger: Logger;
  now: () => Date;
  userState: UserState;
  /** Seals a new number while it waits in bot state (the intake draft, a diagnosis position). */
  phoneSeal: PhoneSeal;
  /** Live directory lookups for the diagnosis (which methods the person has registered). */
  directory: Directory;
  /** A diagnosis ended: counted (anonymously) for the self-service statistics. */
  onDiagnosisFinished?: (outcome: DiagnosisOutcome) => Promise<void>;
  /** A person was refused a new request at a limit (one open request, the monthly cap): audited. */
  onRequestRefused: (
    requester: { id: string; name: string },
    reason: string,
    openRequestId?: string,
  ) => Promise<void>;
  /** True while the tenant-wide freeze holds: new requests are not filed (see src/requests/request-freeze.ts). */
  requestsFrozen: () => Promise<boolean>;
  /** After a request was stored: audit it and deliver its approval card; false if no approver was reached. */
  onRequestFiled: (request: ResetRequest) => Promise<boolean>;
}

/** Small helpers shared by the dialogs, so each dialog file only holds its own conversation. */
export class DialogTools {
  readonly profile: StatePropertyAccessor<UserProfile>;

  constructor(readonly deps: DialogDependencies) {
    this.profile = deps.userState.createProperty<UserProfile>('profile');
  }

  locale(context: TurnContext): Locale {
    return turnLocale(context);
  }

  t(context: TurnContext, key: MessageKey, params?: Record<string, string | number>): string {
    return this.deps.localizer.t(this.locale(context), key, params);
  }

  async say(context: TurnContext, key: MessageKey, params?: Record<string, string | number>): Promise<void> {
    await context.sendActivity(this.t(context, key, params));
  }

  async sendCard(context: TurnContext, card: AdaptiveCardJson): Promise<void> {
    await context.sendActivity(MessageFactory.attachment(toAttachment(card)));
  }

  /** A card with a title, text and the helpdesk contact: used wherever a human must be named. */
  async sendContactCard(
    context: TurnContext,
    title: MessageKey,
    paragraphs: MessageKey[],
    params: Record<string, string | number> = {},
  ): Promise<void> {
    await this.sendContactText(
      context,
      this.t(context, title),
      paragraphs.map((key) => this.t(context, key, params)),
    );
  }

  /** The same card for text already put together (for example with dates worked out). */
  async sendContactText(context: TurnContext, title: string, paragraphs: string[]): Promise<void> {
    const locale = this.locale(context);
    await this.sendCard(
      context,
      renderAdviceCard({
        title,
        paragraphs,
        steps: [],
        contactTitle: this.deps.localizer.t(locale, 'dialog.contactTitle'),
        contactLines: this.deps.localizer.fullContactLines(locale),
      }),
    );
  }

  /** A plain message followed by the full helpdesk contact. */
  async sayWithContact(context: TurnContext, key: MessageKey, params?: Record<string, string | number>) {
    await context.sendActivity(
      this.deps.localizer.withContact(this.locale(context), this.t(context, key, params)),
    );
  }

  /**
   * The first reply to anyone names the helpdesk and asks them to keep it, in case Teams stops
   * working for them later (the welcome card on install does the same and counts as shown).
   */
  async introduceContactOnce(context: TurnContext): Promise<void> {
    const profile = await this.profile.get(context, {});
    if (profile.contactShown) return;
    await this.sendContactCard(context, 'contact.intro.title', ['contact.keep']);
    await this.profile.set(context, { ...profile, contactShown: true });
  }
}

/**
 * The options the component's active waterfall was started with (a component keeps its inner
 * stack under `dialogs`; botbuilder puts the active dialog first).
 */
export function activeWaterfallOptions<T>(instance: DialogInstance): T | undefined {
  const inner = (instance.state as { dialogs?: DialogState } | undefined)?.dialogs;
  const active = inner?.dialogStack[0] as DialogInstance<{ options?: unknown } | undefined> | undefined;
  return active?.state?.options as T | undefined;
}
