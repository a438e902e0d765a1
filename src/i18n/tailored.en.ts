/**
 * English text of the advice tailored to the sign-in methods a person has registered
 * (src/domain/tailored-advice.ts). tailored.ja.ts must define the same keys.
 *
 * The notes quote the answer labels of `work.otherMethod` and `close` word for word, so a person
 * can find the button the note points at; the tests check that they still match. `{name}` is a
 * device or key name as Graph reports it (never a phone number).
 */
export const tailoredEn = {
  'tailored.title': 'Based on the sign-in methods registered to your account',
  'tailored.unavailable':
    "I couldn't check which sign-in methods are registered to your account just now, so I'll go by your answers.",
  'tailored.oldPhone':
    'You said your old phone still works. Sign in with it first, while it still receives codes or approvals.',
  'tailored.authenticator.named':
    'Microsoft Authenticator is registered on "{name}". If you still have that device and the app opens, approve the sign-in in the app. Then you can add the new number yourself.',
  'tailored.authenticator.unnamed':
    'Microsoft Authenticator is registered. If you still have the phone with the app, approve the sign-in in the app. Then you can add the new number yourself.',
  'tailored.authenticator.wifi':
    'An old phone without its SIM card can still approve sign-ins in Authenticator over Wi-Fi.',
  'tailored.windowsHello.named':
    'Windows Hello for Business is registered on your PC "{name}". Sign in to that PC with Windows Hello (PIN, face or fingerprint).',
  'tailored.windowsHello.unnamed':
    'Windows Hello for Business is registered on your PC. Sign in to that PC with Windows Hello (PIN, face or fingerprint).',
  'tailored.windowsHello.then':
    'Then, on that PC, open https://mysignins.microsoft.com/security-info in Microsoft Edge and add the new number.',
  'tailored.fido2.named':
    'A security key or passkey (FIDO2) is registered ("{name}"). Use it when you sign in: insert or tap the key, or use the passkey on its device.',
  'tailored.fido2.unnamed':
    'A security key or passkey (FIDO2) is registered. Use it when you sign in: insert or tap the key, or use the passkey on its device.',
  'tailored.softwareOath':
    'An app that shows verification codes (a software OATH token) is registered. When you sign in, choose "Use a verification code" and enter the code shown in that app.',
  'tailored.alternateMobile':
    'A second number ("Alternate phone") is registered. If it is not the number that changed, you can take a verification call on it. An alternate phone gets calls only, never text-message codes.',
  'tailored.office': 'An office phone is registered. You can take the verification call on it.',
  'tailored.temporaryAccessPass':
    'A Temporary Access Pass is registered. If IT gave it to you and it has not expired, sign in with it and add the new number.',
  'tailored.signInAnotherWay':
    'If the sign-in screen does not offer the method you want, choose "Sign in another way" to see the others.',
  'tailored.otherMethod.tryThese':
    'If one of these works, choose "Yes, another way works". If none does, choose "No other way".',
  'tailored.onlyChangedPhone':
    'The only method registered for multi-factor authentication (MFA) is your mobile number, the one that changed. No other method can help, so a reset request is the right way. Choose "No other way".',
  'tailored.noMfaMethod':
    'No method for multi-factor authentication (MFA) is registered to your account. A reset request is the right way. Choose "No other way".',
  'tailored.emailNotMfa':
    'The email address registered is for password reset only. It cannot be used for multi-factor authentication (MFA).',
  'tailored.selfService.nothingElse':
    'Apart from your mobile number, no other sign-in method is registered to your account. If you cannot sign in, choose "No, not yet" at the next question.',
};

export type TailoredKey = keyof typeof tailoredEn;
