import type { Config, Locale } from '../src/config';
import { isWithinOfficeHours, nextOfficeOpening, requestDeadlines } from '../src/domain/office-hours';
import type { ResetRequest } from '../src/domain/reset-request';
import { formatDateTime } from '../src/i18n/format';
import type { Localizer } from '../src/i18n/localizer';

export type RequestClockConfig = Pick<
  Config,
  'officeHours' | 'timeZone' | 'requestExpiryMinutes' | 'reminderLeadMinutes'
>;

/**
 * What happens after filing, for this request: when IT looks at it, when it expires (the
 * sweeper's own deadline), and where the Temporary Access Pass will come from (lost or stolen:
 * the approver on the call; otherwise the chat, once the code from the call is typed in).
 */
export function requestNextLines(
  localizer: Localizer,
  locale: Locale,
  request: Pick<ResetRequest, 'createdAt' | 'diagnosis' | 'newPhone'>,
  config: RequestClockConfig,
): string[] {
  const createdAt = new Date(request.createdAt);
  const when = (date: Date): string => formatDateTime(date, locale, config.timeZone);
  const { expiresAt } = requestDeadlines(
    createdAt,
    { expiryMinutes: config.requestExpiryMinutes, reminderLeadMinutes: config.reminderLeadMinutes },
    config,
  );
  const lines = [localizer.t(locale, 'intake.next.review'), localizer.t(locale, 'intake.next.target')];
  if (!isWithinOfficeHours(createdAt, config)) {
    lines.push(
      localizer.t(locale, 'intake.next.outsideHours', { seenAt: when(nextOfficeOpening(createdAt, config)) }),
    );
  }
  lines.push(localizer.t(locale, 'intake.next.expiry', { expiresAt: when(expiresAt) }));
  lines.push(
    localizer.t(locale, request.diagnosis.lostOrStolen ? 'intake.next.passOnCall' : 'intake.next.passInChat'),
  );
  // Filed without a new number: the pass is how the new phone gets added later.
  if (!request.newPhone) lines.push(localizer.t(locale, 'intake.next.noNumber'));
  lines.push(localizer.t(locale, 'intake.next.keepOpen'));
  return lines;
}
