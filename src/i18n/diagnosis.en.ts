/**
 * English text of the diagnosis map (src/domain/diagnosis-map.ts). The keys of this object are the
 * keys of every catalogue; diagnosis.ja.ts must define the same set.
 *
 * Naming: `.prompt` / `.hint` / `.opt.*` belong to question nodes, `.title` / `.body.*` / `.step.*`
 * to advice and end nodes. `.item.*` (checklist items) and `.row.*` (situation → action → needed
 * information) are list entries, not sentences. Placeholders: only {helpdeskPhone}, {helpdeskEmail},
 * {officeHours} and {lossReportContact}; {helpdeskLocation} may be empty, so the text never names it (the contact
 * block shown with `showContact` lists the desk when there is one).
 */
export const diagnosisEn = {
  // What happened?
  'diag.start.prompt': 'What happened? Choose the closest match.',
  'diag.start.hint':
    "Don't worry: most people get back in after a few steps. Tap a button, or type your answer.",
  'diag.start.opt.changed': 'New number or new phone',
  'diag.start.opt.lost': 'Phone lost or stolen',
  'diag.start.opt.oldNumber': 'Codes go to my old number',
  'diag.start.opt.error': 'Error adding a number',
  'diag.start.opt.backup': 'Add a backup method',
  'diag.start.opt.colleague': "I'm asking for a colleague",

  // S1a: is the old phone still usable?
  'diag.changed.oldPhone.prompt': 'Do you still have your old phone, and does it still work?',
  'diag.changed.oldPhone.hint':
    'Choose "Yes, it still works" if the old number still receives text messages, or if you can approve sign-ins in Microsoft Authenticator on the old phone.',
  'diag.changed.oldPhone.opt.yes': 'Yes, it still works',
  'diag.changed.oldPhone.opt.no': 'No, not any more',
  'diag.plan.title': 'While the old phone still works, get ready in this order',
  'diag.plan.body.intro': 'In this order you never lose the ability to sign in.',
  'diag.plan.item.authenticator': '• Set up Microsoft Authenticator on the new phone',
  'diag.plan.item.number': '• Add the new number to your security info',
  'diag.plan.item.check': '• Check that you can sign in with the new phone',
  'diag.plan.item.oldPhone': '• Only then reset the old phone or trade it in',

  // Which account?
  'diag.account.prompt': 'Which account is it?',
  'diag.account.hint':
    'A work or school account is the one your organisation gave you for Microsoft 365 and Teams. A personal Microsoft account is one you created yourself, such as an outlook.com address.',
  'diag.account.opt.work': 'Work or school account',
  'diag.account.opt.personal': 'Personal Microsoft account',

  // Shared answer
  'diag.common.opt.unsure': 'Not sure',

  // Work or school: another method?
  'diag.work.otherMethod.prompt':
    'Apart from the old number, can you still pass multi-factor authentication (MFA) another way?',
  'diag.work.otherMethod.hint':
    'For example Microsoft Authenticator, another phone, a security key (FIDO2) or Windows Hello on your PC. An email address only resets passwords, so it does not count here.',
  'diag.work.otherMethod.opt.yes': 'Yes, another way works',
  'diag.work.otherMethod.opt.no': 'No other way',

  // Work or school: self-service on the Security info page
  'diag.work.selfService.title': 'Switch to your new number on the Security info page',
  'diag.work.selfService.body.intro':
    'You can do this yourself in a few minutes, signing in with the method that still works.',
  'diag.work.selfService.body.order':
    '"Change" replaces the old number only once the new one is verified. Do not delete the old number first.',
  'diag.work.selfService.body.addFallback':
    'If there is no "Phone" row, select "Add sign-in method", choose "Phone" and register the number the same way.',
  'diag.work.selfService.body.authenticator':
    'To use Microsoft Authenticator on a new phone, add it with "Add sign-in method" on the same page. Delete the old phone\'s entry only after an approval on the new phone has worked.',
  'diag.work.selfService.step.open':
    'Open https://mysignins.microsoft.com/security-info (the "Security info" page of My Sign-Ins).',
  'diag.work.selfService.step.signIn': 'Sign in with the method that still works.',
  'diag.work.selfService.step.change': 'On the "Phone" row, select "Change".',
  'diag.work.selfService.step.number': 'Choose the country code (+81 for Japan) and enter your new number.',
  'diag.work.selfService.step.sendCode': 'Choose "Text me a code" and select "Next".',
  'diag.work.selfService.step.verify':
    'Enter the verification code sent by text message to your new phone, then select "Next".',

  // Work or school: administrator roles
  'diag.work.admin.prompt': 'Does your account hold an administrator role?',
  'diag.work.admin.hint':
    'For safety, this bot never resets accounts with an admin role, such as Global Administrator. If you are not sure, choose "Not sure": the system checks again when you apply.',
  'diag.work.admin.opt.no': 'No admin role',
  'diag.work.admin.opt.yes': "Yes, I'm an admin",
  'diag.work.onlyGa.prompt': 'Are you the only Global Administrator in your organisation?',
  'diag.work.onlyGa.opt.yes': 'Yes, only me',
  'diag.work.onlyGa.opt.no': 'No, there are others',

  'diag.work.adminEnd.title': 'Admin accounts are reset by hand',
  'diag.work.adminEnd.body.why': 'For safety, this bot never resets accounts that hold an admin role.',
  'diag.work.adminEnd.body.who':
    'Ask another Global Administrator or a Privileged Authentication Administrator to do the following.',
  'diag.work.adminEnd.body.portal':
    'In the Microsoft Entra admin center (https://entra.microsoft.com), they open "Users" and select your account.',
  'diag.work.adminEnd.body.reregister':
    'They open "Authentication methods" and select "Require re-register MFA".',
  'diag.work.adminEnd.body.tap':
    'On the same page they issue a Temporary Access Pass and read it to you on a verification call, just as this bot would.',
  'diag.work.adminEnd.body.next':
    'You sign in with the Temporary Access Pass and register your new number and other methods again.',
  'diag.work.adminEnd.body.powershell':
    'If they prefer PowerShell, it has to be Microsoft Graph PowerShell: the AzureAD module is retired.',
  'diag.work.adminEnd.body.lost': 'If your phone was lost or stolen, tell another administrator right away.',

  'diag.work.onlyGaEnd.title': 'If you are the only Global Administrator',
  'diag.work.onlyGaEnd.body.why': 'This bot cannot reset admin accounts. Try the following, in this order.',
  'diag.work.onlyGaEnd.body.otherMethods':
    'First, try every other method you registered: Microsoft Authenticator, another phone, a security key (FIDO2).',
  'diag.work.onlyGaEnd.body.altEmail':
    'An alternate email address cannot pass multi-factor authentication (MFA).',
  'diag.work.onlyGaEnd.body.altEmailCan':
    'It can only reset your password (https://aka.ms/sspr), and an admin password reset usually needs two verification methods.',
  'diag.work.onlyGaEnd.body.support':
    'If you still cannot sign in, contact Microsoft support. The phone numbers are listed at https://learn.microsoft.com/microsoft-365/admin/get-help-support.',
  'diag.work.onlyGaEnd.body.contract':
    "Have your organisation's contract details ready: the tenant's domain, company name, subscription and billing details, and company documents. Support will ask you to prove the organisation is yours.",
  'diag.work.onlyGaEnd.body.future':
    'Once you are back in, make sure more than one person holds the Global Administrator role.',

  // Work or school: reset request (the intake dialog takes over)
  'diag.work.file.title': "Let's ask IT to reset your sign-in methods",
  'diag.work.file.body.reassure': "Don't worry: IT will confirm it's you, then reset your sign-in methods.",
  'diag.work.file.body.collect':
    'Next, I will ask for the three things IT needs: your new phone number, how an admin can confirm it is you, and a short reason.',
  'diag.work.file.body.tap':
    'A reset usually removes your registered phone and Microsoft Authenticator and gives you a Temporary Access Pass. You sign in with the pass and register your new number again.',
  'diag.work.file.body.signOut': 'You may be signed out for a moment during the reset.',

  // S1b: lost or stolen
  'diag.lost.file.title': "Let's report the lost phone to IT",
  'diag.lost.file.body.security':
    'A lost or stolen phone is handled as a security incident, so IT acts quickly to protect your account.',
  'diag.lost.file.body.revoke':
    'Once approved, your sign-in sessions are revoked at once on every device, so Teams signs you out too.',
  'diag.lost.file.body.tap':
    'The approver reads your Temporary Access Pass to you during the verification call.',
  'diag.lost.body.carrier': 'Please also ask your mobile carrier to suspend the SIM card.',
  'diag.lost.company.prompt': 'Was the phone issued by the company?',
  'diag.lost.company.hint': 'A company phone has to be reported, so that its data can be protected.',
  'diag.lost.company.opt.yes': 'Company phone',
  'diag.lost.company.opt.no': 'My own phone',
  'diag.lost.report.title': 'Report the lost company phone',
  'diag.lost.report.body.report': 'Report it right away to {lossReportContact}.',
  'diag.lost.report.body.wipe': 'IT can lock the phone remotely or wipe its data.',
  'diag.lost.personal.title': 'First, protect your account',
  'diag.lost.personal.body.security': 'When a phone is lost or stolen, protecting the account comes first.',
  'diag.lost.personal.body.after':
    'Once you are signed in and have added your new number, remove the old number and change your password.',

  // Personal account
  'diag.personal.canSignIn.prompt': 'Can you sign in to your personal Microsoft account right now?',
  'diag.personal.canSignIn.hint':
    'Choose "I can sign in" also if you can verify another way, for example by email or with Microsoft Authenticator.',
  'diag.personal.canSignIn.opt.yes': 'I can sign in',
  'diag.personal.canSignIn.opt.no': "I can't sign in",

  'diag.personal.steps.title': 'Change the security info of your personal Microsoft account',
  'diag.personal.steps.body.intro':
    'A security-info phone number cannot be edited in place: add the new number, verify it, then remove the old one.',
  'diag.personal.steps.body.order':
    'Do not remove the old number first, or you may stop receiving verification codes.',
  'diag.personal.alias.title': 'If you sign in with your phone number (an alias)',
  'diag.personal.alias.body.intro':
    'A phone number used to sign in (an alias) is changed on another page. "Make primary" exists only for aliases.',
  'diag.personal.alias.step.open': 'At https://account.microsoft.com/, open "Your info".',
  'diag.personal.alias.step.manage': 'Select "Manage how you sign in to Microsoft".',
  'diag.personal.steps.step.signIn': 'Sign in at https://account.microsoft.com/.',
  'diag.personal.steps.step.security': 'Select "Security".',
  'diag.personal.steps.step.advanced': 'Select "Advanced security options".',
  'diag.personal.steps.step.add': 'Use "Add a new way to sign in or verify" to add your new phone number.',
  'diag.personal.steps.step.verify':
    'Enter the verification code sent by text message to confirm the number.',
  'diag.personal.steps.step.delete':
    'Finally, select "Remove" next to the old number. You may be asked to verify first.',

  'diag.personal.otherOption.title': 'Sign in with a different verification option',
  'diag.personal.otherOption.body.intro':
    'If you registered an email address or Microsoft Authenticator besides the old number, you can sign in with that instead.',
  'diag.personal.otherOption.body.recoveryCode':
    'If you kept your two-step verification recovery code (25 characters), you can sign in with it too.',
  'diag.personal.otherOption.step.start': 'Start signing in at https://account.microsoft.com/.',
  'diag.personal.otherOption.step.link':
    'When you are asked for a code, select "Use a different verification option". Some screens say "Sign in another way" instead.',
  'diag.personal.otherOption.step.choose':
    'Choose a method other than the old number, such as your registered email address or Microsoft Authenticator.',
  'diag.personal.otherOption.step.enter': 'Enter the code you receive, or approve the request in the app.',
  'diag.personal.otherOptionResult.prompt': 'Were you able to sign in that way?',
  'diag.personal.otherOptionResult.opt.yes': "Yes, I'm signed in",
  'diag.personal.otherOptionResult.opt.no': "No, it didn't work",

  'diag.personal.recovery.title': 'Use the account recovery form',
  'diag.personal.recovery.body.intro':
    "If no other method works, the account recovery form is Microsoft's official way back in.",
  'diag.personal.recovery.body.accuracy':
    'The form asks things only the owner would know. Answer as many questions as you can, as accurately as you can.',
  'diag.personal.recovery.body.prepare': 'It helps to gather this information first:',
  'diag.personal.recovery.item.passwords': '• Passwords you used before',
  'diag.personal.recovery.item.created': '• Roughly when you created the account',
  'diag.personal.recovery.item.identity': '• The name and date of birth you registered',
  'diag.personal.recovery.item.mail':
    '• Addresses of people you emailed recently, and subjects of recent emails (for Outlook.com and similar)',
  'diag.personal.recovery.item.purchases': '• Subscriptions and purchases',
  'diag.personal.recovery.item.xbox': '• Your Xbox gamertag, if you use Xbox',
  'diag.personal.recovery.body.device':
    'If you can, send the form from a computer you have used with this account before.',
  'diag.personal.recovery.body.result':
    'The answer arrives at your contact email address, usually within 24 hours.',
  'diag.personal.recovery.step.open': 'Open https://account.live.com/acsr.',
  'diag.personal.recovery.step.addresses':
    'Enter the account you want to recover and a contact email address. The contact address must be a different one that you can open now.',
  'diag.personal.recovery.step.code': 'Enter the code sent to your contact email address.',
  'diag.personal.recovery.step.answer': 'Answer as many questions as you can, then send the form.',
  'diag.personal.recoveryResult.prompt': 'How did the recovery form go?',
  'diag.personal.recoveryResult.hint':
    'The answer can take a while. If you are still waiting for it, choose "Still waiting".',
  'diag.personal.recoveryResult.opt.recovered': 'I got back in',
  'diag.personal.recoveryResult.opt.failed': 'It was refused',
  'diag.personal.recoveryResult.opt.waiting': 'Still waiting',

  'diag.personal.pending.title': "Wait for the recovery form's answer",
  'diag.personal.pending.body.wait': 'The answer will arrive at your contact email address.',
  'diag.personal.pending.body.return':
    'Once you are back in, message me again and type "start over". I will walk you through adding your new number.',
  'diag.personal.pending.body.helpdesk':
    'The company helpdesk cannot recover a personal Microsoft account, but you are welcome to ask them for advice.',

  'diag.personal.msSupport.title': 'Try the form again, or ask Microsoft support',
  'diag.personal.msSupport.body.retry':
    'You can send the recovery form again. Add anything more you remember, and send it from a computer you used with the account before.',
  'diag.personal.msSupport.body.contact':
    'You can contact Microsoft support at https://support.microsoft.com/contactus.',
  'diag.personal.msSupport.body.prepare':
    "Have ready the account's user name (email address or phone number), the devices and operating systems you used, and any error code or screenshot.",
  'diag.personal.msSupport.body.limit':
    'Please note: with two-step verification on and neither a verification method nor your recovery code working, Microsoft support cannot change the account either. Only the recovery form can.',
  'diag.accountRecovery.title': 'First, try account recovery',
  'diag.accountRecovery.body.what':
    'Your organisation lets people who lost every method recover their account themselves (Microsoft Entra ID account recovery).',
  'diag.accountRecovery.body.need':
    'You need a government-issued photo ID (such as a driving licence or passport) and your new smartphone.',
  'diag.accountRecovery.body.how':
    'On the sign-in screen, follow the offer for people who cannot use their methods. The name on the ID must match the name your company has on file.',
  'diag.accountRecovery.body.fallback': 'If that does not work, you can still ask IT for a reset here.',

  // S4: prevention
  'diag.prevent.title': 'Set up a backup sign-in method',
  'diag.prevent.body.work':
    'For a work or school account, add methods on the "Security info" page at https://mysignins.microsoft.com/security-info with "Add sign-in method".',
  'diag.prevent.body.personal':
    'For a personal Microsoft account, add methods at https://account.microsoft.com/ under "Security" → "Advanced security options".',
  'diag.prevent.body.plan': 'If you plan to change phones, go in this order:',
  'diag.prevent.body.checklist': 'Check these points:',
  'diag.prevent.item.twoMethods': '• At least two sign-in methods are registered',
  'diag.prevent.item.strongMethod': '• One of them is Microsoft Authenticator or a security key (FIDO2)',
  'diag.prevent.item.removeOld': '• Old numbers and email addresses you no longer use are removed',
  'diag.prevent.item.accountType':
    '• You know whether the account is a work or school account or a personal Microsoft account',
  'diag.prevent.item.recoveryInfo':
    '• You keep the information a recovery needs (old passwords, creation date, purchases)',
  'diag.prevent.body.table': 'If it happens anyway (situation → what to do → what you need):',
  'diag.prevent.row.oldPhone':
    '• Old number unusable → verify with another registered method (for a personal account, an alternate email address works too) → the code sent there',
  'diag.prevent.row.noEmail':
    '• Personal account, no email either → the account recovery form → old passwords, creation date, services you used',
  'diag.prevent.row.orgAdmin':
    '• Work or school account with an admin → ask for an MFA reset (this bot files the request) → your account details and proof of identity',
  'diag.prevent.row.onlyAdmin':
    '• Work or school account, you are the only admin → recovery through Microsoft support → contract details and documents in the company name',

  // S3: errors
  'diag.error.which.prompt': 'Which error did you see? Pick it, or type the error code or message as shown.',
  'diag.error.which.hint': 'An error code looks like "0x800704cf".',
  'diag.error.opt.0x800704cf': '0x800704cf',
  'diag.error.opt.0x8019019a': '0x8019019a',
  'diag.error.opt.somethingWentWrong': 'Something went wrong',
  'diag.error.opt.countryCode': 'Country code not supported',
  'diag.error.opt.primaryAlias': "Can't change primary number",
  'diag.error.opt.region': 'Wrong region settings',
  'diag.error.opt.other': 'Another error',

  'diag.error.0x800704cf.title': 'Error 0x800704cf: most likely a connection problem',
  'diag.error.0x800704cf.body.cause':
    'Likely causes: your device is not properly connected to the network, or it cannot reach the authentication server.',
  'diag.error.0x800704cf.step.network': 'Check that you are connected to the network.',
  'diag.error.0x800704cf.step.vpn': 'If you use a VPN or a proxy, turn it off for now.',
  'diag.error.0x800704cf.step.retry': 'Try again.',

  'diag.error.0x8019019a.title': 'Error 0x8019019a: most likely incomplete security info or an old cache',
  'diag.error.0x8019019a.body.cause':
    "Likely causes: your account's security info is incomplete, or an old cache is getting in the way.",
  'diag.error.0x8019019a.step.cache': 'Clear the cache of your browser or app.',
  'diag.error.0x8019019a.step.signIn': 'Sign out, then sign in again.',
  'diag.error.0x8019019a.step.addInfo': 'Add the new security info, such as your new phone number.',

  'diag.error.somethingWentWrong.title': '"Something went wrong"',
  'diag.error.somethingWentWrong.body.cause':
    'Likely causes: a temporary problem on the server side, or a country code that is not supported. It often works after a while.',
  'diag.error.somethingWentWrong.step.later': 'Wait a while, then try again.',
  'diag.error.somethingWentWrong.step.browser': 'Try another browser, or another computer or network.',
  'diag.error.somethingWentWrong.step.support':
    'If it still fails, contact support: the helpdesk for a work or school account, Microsoft support for a personal account.',

  'diag.error.countryCode.title': '"This country code is not supported"',
  'diag.error.countryCode.body.cause':
    'Likely causes: the country code is written the wrong way, or it is not supported. It may also be a temporary fault, or the number may be registered to another account.',
  'diag.error.countryCode.step.format':
    'Enter the number with its country code. For the Japanese number 090-1234-5678, drop the first 0: +81 90-1234-5678.',
  'diag.error.countryCode.step.otherFormat':
    'If that fails, try another format, such as +819012345678 without hyphens.',
  'diag.error.countryCode.step.carrier':
    'Some carriers restrict incoming text messages. Check that yours does not block them.',
  'diag.error.countryCode.step.mobileData': 'Turn off Wi-Fi and try again over mobile data.',

  'diag.error.primaryAlias.title': 'The primary number cannot be changed',
  'diag.error.primaryAlias.body.cause':
    'A number that is already the primary alias cannot be edited or removed directly. Switching also fails while the new number is not verified yet.',
  'diag.error.primaryAlias.step.add':
    'Add the new number as an alias and verify it with the code you receive.',
  'diag.error.primaryAlias.step.primary': 'Select "Make primary" for the new number.',
  'diag.error.primaryAlias.step.delete': 'Remove the old number.',
  'diag.error.primaryAlias.step.wait':
    'If nothing seems to change, wait a little, sign in again and check: changes can take time to show.',

  'diag.error.region.title': 'Check the Windows region settings',
  'diag.error.region.body.cause':
    'Likely cause: wrong region settings (for example after moving abroad) can affect text-message verification.',
  'diag.error.region.step.open': 'Open PowerShell.',
  'diag.error.region.step.culture':
    'Run Get-Culture and check that the LCID and DisplayName match your country.',
  'diag.error.region.step.locale': 'Run Get-WinSystemLocale to check the system locale.',
  'diag.error.region.step.timeZone': 'Run Get-TimeZone to check the time zone.',
  'diag.error.region.step.fix': 'If anything is wrong, fix it in Settings → Time & language → Region.',

  'diag.error.other.title': 'Other errors',
  'diag.error.other.body.note': 'Write down the error code or message. A screenshot is even better.',
  'diag.error.other.body.work':
    "For a work or school account, your organisation's policy may block adding phone numbers. In that case, contact the helpdesk.",
  'diag.error.other.body.personal':
    'For a personal Microsoft account, contact Microsoft support (https://support.microsoft.com/contactus) with your user name, your device and operating system, and the error code.',

  // Closing
  'diag.close.prompt': 'Did this solve it?',
  'diag.close.opt.yes': 'Yes, solved',
  'diag.close.opt.no': 'No, not yet',
  'diag.closeNo.prompt': "Sorry this didn't solve it. What would you like to do?",
  'diag.closeNo.opt.helpdesk': 'Contact the helpdesk',
  'diag.closeNo.opt.restart': 'Start over',
  'diag.closeNo.opt.finish': 'Stop here',

  'diag.end.resolved.title': 'Glad that worked',
  'diag.end.resolved.body.thanks': 'Thank you for using the helpdesk bot.',
  'diag.end.resolved.body.backup': 'To avoid this next time, register a backup sign-in method as well.',
  'diag.end.helpdesk.title': 'Please contact the helpdesk',
  'diag.end.helpdesk.body.share': 'Tell them what you have tried so far; it speeds things up.',
  'diag.end.helpdesk.body.contact': 'Their contact details are below.',
  'diag.end.unresolved.title': "Let's stop here for now",
  'diag.end.unresolved.body.sorry': "I'm sorry this isn't solved yet.",
  'diag.end.unresolved.body.again': 'You can message me again at any time.',
  'diag.end.unresolved.body.urgent': "If it's urgent, contact the helpdesk.",

  // Asking for a colleague
  'diag.colleague.title': 'Your colleague needs to contact us themselves',
  'diag.colleague.body.why': "For security, this bot only acts on requests from the account's owner.",
  'diag.colleague.body.self': 'Please ask your colleague to message this bot themselves.',
  'diag.colleague.body.noTeams':
    'If they cannot open Teams, ask them to call the helpdesk on {helpdeskPhone}.',
} as const satisfies Record<string, string>;

export type DiagnosisKey = keyof typeof diagnosisEn;
