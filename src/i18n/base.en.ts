/**
 * English messages of the bot outside the diagnosis map. The keys of this object are the message
 * keys; `base.ja.ts` must have exactly the same ones (the compiler checks it).
 */
export const baseEn = {
  'welcome.title': 'Locked out because your phone changed? I can help.',
  'welcome.intro':
    'I help when your sign-in codes still go to an old or lost phone. I ask a few questions, then either show you how to fix it yourself or send a reset request to IT.',
  'welcome.point.diagnose': 'Find out what to do, step by step.',
  'welcome.point.request': 'If you cannot sign in at all, ask IT to reset your sign-in methods.',
  'welcome.point.status': 'Type "status" at any time to see your open request.',
  'welcome.storage':
    'What I keep: this conversation without full phone numbers or passes, for {retentionDays} days; your request and its audit record, as your organisation requires.',
  'welcome.start': 'Start',
  'welcome.switchLanguage': '日本語で表示',
  'contact.title': 'Helpdesk',
  'contact.phone': 'Phone: {helpdeskPhone}',
  'contact.email': 'Email: {helpdeskEmail}',
  'contact.location': 'Desk: {helpdeskLocation}',
  'contact.hours': 'Hours: {officeHours}',
  'contact.noTeams': 'If you cannot open Teams at all, call or email the helpdesk.',
  'help.title': 'What I can do',
  'help.body':
    'Tell me what happened and I will guide you. You can type these at any time: "start over" to begin again, "cancel" to stop, "status" to see your open request, "English" or "日本語" to change the language.',
  'language.switched': 'I will answer in English from now on.',
  'error.generic':
    'Sorry, something went wrong on my side. Please try again in a moment. If it keeps happening, contact the helpdesk.',
  'common.officeHours.days.1': 'Mon',
  'common.officeHours.days.2': 'Tue',
  'common.officeHours.days.3': 'Wed',
  'common.officeHours.days.4': 'Thu',
  'common.officeHours.days.5': 'Fri',
  'common.officeHours.days.6': 'Sat',
  'common.officeHours.days.7': 'Sun',
  'common.officeHours.format': '{days} {start}–{end} ({timeZone})',
  'common.officeHours.range': '{first}–{last}',
} as const satisfies Record<string, string>;

export type BaseKey = keyof typeof baseEn;
