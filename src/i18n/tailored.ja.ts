import type { TailoredKey } from './tailored.en';

/**
 * 登録済みのサインイン方法に合わせた案内の日本語 (src/domain/tailored-advice.ts)。GLOSSARY.ja.md
 * のとおり、です・ます、1 文に 1 つの指示、画面の言葉には英語の表示を一度だけ括弧で添えます。
 * ボタン名 (「ほかの方法がある」など) は diagnosis.ja.ts の表示と一字一句そろえます。
 */
export const tailoredJa: Record<TailoredKey, string> = {
  'tailored.title': 'ご登録のサインイン方法に合わせたご案内',
  'tailored.unavailable':
    'いま、アカウントに登録されているサインイン方法を確認できませんでした。お答えの内容をもとにご案内します。',
  'tailored.oldPhone':
    '古い携帯電話がまだ使えるとのことです。確認コードや承認を受け取れるうちに、まずその携帯電話でサインインしてください。',
  'tailored.authenticator.named':
    'Microsoft Authenticator が「{name}」に登録されています。その端末が手元にあり、アプリを開ける場合は、アプリでサインインを承認します。そのあと、新しい番号をご自身で追加できます。',
  'tailored.authenticator.unnamed':
    'Microsoft Authenticator が登録されています。アプリの入ったスマートフォンが手元にある場合は、アプリでサインインを承認します。そのあと、新しい番号をご自身で追加できます。',
  'tailored.authenticator.wifi':
    'SIM カードを抜いた古いスマートフォンでも、Wi-Fi につながれば Authenticator で承認できます。',
  'tailored.windowsHello.named':
    'パソコン「{name}」に Windows Hello for Business が登録されています。そのパソコンに、Windows Hello (PIN、顔、指紋) でサインインします。',
  'tailored.windowsHello.unnamed':
    'パソコンに Windows Hello for Business が登録されています。そのパソコンに、Windows Hello (PIN、顔、指紋) でサインインします。',
  'tailored.windowsHello.then':
    'そのあと、同じパソコンの Microsoft Edge で https://mysignins.microsoft.com/security-info を開き、新しい番号を追加します。',
  'tailored.fido2.named':
    'セキュリティ キー (FIDO2) またはパスキー「{name}」が登録されています。サインインのときに、キーを差し込むかかざして使います。パスキーの場合は、パスキーの入った端末で使います。',
  'tailored.fido2.unnamed':
    'セキュリティ キー (FIDO2) またはパスキーが登録されています。サインインのときに、キーを差し込むかかざして使います。パスキーの場合は、パスキーの入った端末で使います。',
  'tailored.softwareOath':
    '確認コードを表示するアプリ (ソフトウェア OATH トークン) が登録されています。サインインのときに「確認コードを使用する (Use a verification code)」を選び、アプリに表示されたコードを入力します。',
  'tailored.alternateMobile':
    '2 つ目の電話番号「代替の電話 (Alternate phone)」が登録されています。変わった番号でなければ、その番号で確認の電話を受けられます。代替の電話には、SMS の確認コードは届きません。',
  'tailored.office': '会社電話 (Office phone) が登録されています。その電話で確認の電話を受けられます。',
  'tailored.temporaryAccessPass':
    '一時アクセス パスが登録されています。IT 部門から受け取っていて、有効期限内であれば、それでサインインして新しい番号を追加できます。',
  'tailored.signInAnotherWay':
    'サインイン画面に使いたい方法が出ない場合は、「別の方法でサインインする (Sign in another way)」を選びます。ほかの方法が表示されます。',
  'tailored.otherMethod.tryThese':
    'どれかが使える場合は「ほかの方法がある」を選んでください。どれも使えない場合は「ほかの方法はない」を選んでください。',
  'tailored.onlyChangedPhone':
    '多要素認証 (MFA) の方法として登録されているのは、変わった携帯電話番号だけです。ほかの方法では進めないため、リセットの申請が適切です。「ほかの方法はない」を選んでください。',
  'tailored.noMfaMethod':
    '多要素認証 (MFA) の方法が、アカウントに 1 つも登録されていません。リセットの申請が適切です。「ほかの方法はない」を選んでください。',
  'tailored.emailNotMfa':
    '登録されているメールアドレスは、パスワードのリセット専用です。多要素認証 (MFA) には使えません。',
  'tailored.selfService.nothingElse':
    '携帯電話番号のほかに、登録されているサインイン方法はありません。サインインできない場合は、次の質問で「解決していない」を選んでください。',
};
