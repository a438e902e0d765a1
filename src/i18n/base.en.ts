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
  'dialog.alreadyAnswered': 'You already answered that question. Here is the current one.',
  'dialog.chooseOption': 'Please pick one of the buttons, or type one of the choices.',
  'dialog.tooLong': 'That is too long. Please keep it under {max} characters.',
  'dialog.empty': 'I did not receive any text. Please try again.',
  'dialog.cancelled': 'Stopped. Nothing was sent to IT. Write to me again whenever you need help.',
  'dialog.startingOver': 'Let us start again from the beginning.',
  'dialog.submit': 'Send',
  'dialog.listLabel': 'Choose one',
  'dialog.contactTitle': 'Contact the helpdesk',
  'intake.phone.prompt':
    'Please type your new mobile phone number. Example: 090-1234-5678. For a number outside Japan, start with + and the country code (for example +1 206 555 0100).',
  'intake.phone.accepted': 'New number: {national} (international form: {international}).',
  'intake.phone.reason.EMPTY': 'I did not find a phone number in that message.',
  'intake.phone.reason.TOO_LONG': 'That is too long to be a phone number.',
  'intake.phone.reason.TOO_SHORT': 'That number is too short.',
  'intake.phone.reason.LETTERS':
    'Please type the number with digits only. Numbers written with letters (such as 1-800-FLOWERS) cannot receive codes.',
  'intake.phone.reason.HAS_EXTENSION':
    'An extension cannot receive text messages. Please type a mobile number without an extension.',
  'intake.phone.reason.UNKNOWN_COUNTRY_CODE':
    'I do not know that country code. Please check the digits after the +.',
  'intake.phone.reason.INVALID': 'That is not a valid phone number for its country. Please check the digits.',
  'intake.phone.reason.NOT_MOBILE':
    'That looks like a landline or a service number. Sign-in codes are sent by text message, so please give a mobile number.',
  'intake.phone.reason.INVALID_CHARACTERS':
    'Please type only the phone number: digits, with + at the start if needed, and hyphens or spaces if you like.',
  'intake.phone.reason.MISPLACED_PLUS':
    'The + can only stand at the very start of the number, before the country code.',
  'intake.verification.prompt':
    'IT will confirm that it is really you before resetting anything. Which way suits you?',
  'intake.verification.video_call': 'Teams video call',
  'intake.verification.in_person': 'In person at the IT desk',
  'intake.verification.manager': 'Through my manager',
  'intake.reason.prompt': 'In one sentence, what happened? (For example: new phone with a new number.)',
  'intake.confirm.title': 'Send this request to IT?',
  'intake.confirm.phone': 'New number',
  'intake.confirm.verification': 'Identity check',
  'intake.confirm.reason': 'What happened',
  'intake.confirm.account': 'Account',
  'intake.confirm.submit': 'Send request',
  'intake.confirm.editPhone': 'Change the number',
  'intake.confirm.cancel': 'Cancel',
  'intake.confirm.prompt': 'Please check the details and choose a button.',
  'intake.created': 'Your request has been sent. Request number: {requestId}',
  'intake.next':
    'An IT administrator will look at it during office hours ({officeHours}) and contact you for the identity check you chose. After approval I will reset your sign-in methods and send you a one-time Temporary Access Pass in this chat. You may be signed out, so keep this chat open.',
  'intake.alreadyOpen':
    'You already have a request in progress: {requestId}. You cannot send a second one until it is finished. Type "status" to see it.',
  'intake.refused.title': 'I cannot send a request here',
  'intake.noIdentity':
    'I cannot confirm your account from Teams here, so I cannot send a request. Please contact the helpdesk.',
  'intake.monthlyCap':
    'You have reached the limit of {cap} requests this month. Please contact the helpdesk directly.',
  'status.none': 'You have no request in progress.',
  'status.title': 'Request {requestId}',
  'status.state': 'Status',
  'status.created': 'Sent',
  'status.phone': 'New number',
  'status.phoneMasked': 'ending in {lastTwo}',
  'status.state.PENDING': 'Waiting for IT approval',
  'status.state.APPROVED': 'Approved, about to be processed',
  'status.state.EXECUTING': 'Being processed',
  'status.state.DONE': 'Done',
  'status.state.PARTIAL': 'Partly done',
  'status.state.FAILED': 'Failed',
  'status.state.DENIED': 'Denied',
  'status.state.CANCELLED': 'Cancelled',
  'status.state.EXPIRED': 'Expired',
} as const satisfies Record<string, string>;

export type BaseKey = keyof typeof baseEn;
