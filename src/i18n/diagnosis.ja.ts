import type { DiagnosisKey } from './diagnosis.en';

/**
 * Japanese text of the diagnosis map. Wording follows GLOSSARY.ja.md: です・ます, one instruction
 * per sentence, Microsoft's on-screen words with the English label in parentheses once.
 */
export const diagnosisJa: Record<DiagnosisKey, string> = {
  // 何がありましたか?
  'diag.start.prompt': '何がありましたか？ いちばん近いものを選んでください。',
  'diag.start.hint':
    'ご安心ください。多くの場合、いくつかの手順でまたサインインできるようになります。ボタンを押すか、答えを入力してください。',
  'diag.start.opt.changed': '番号変更・機種変更',
  'diag.start.opt.lost': '携帯電話の紛失・盗難',
  'diag.start.opt.oldNumber': '古い番号にコードが届く',
  'diag.start.opt.error': '番号の登録でエラー',
  'diag.start.opt.backup': '予備の方法を追加したい',
  'diag.start.opt.colleague': '同僚の代わりに相談',

  // S1a: 古い電話は使えるか
  'diag.changed.oldPhone.prompt': '古い携帯電話は手元にあり、まだ使えますか？',
  'diag.changed.oldPhone.hint':
    '古い番号で SMS を受け取れる場合や、古い携帯電話の Microsoft Authenticator で承認できる場合は、「手元にあり使える」を選んでください。',
  'diag.changed.oldPhone.opt.yes': '手元にあり使える',
  'diag.changed.oldPhone.opt.no': '手元にない・使えない',
  'diag.plan.title': '古い携帯電話が使えるうちに、次の順番で準備します',
  'diag.plan.body.intro': 'この順番なら、途中でサインインできなくなることはありません。',
  'diag.plan.item.authenticator': '・新しいスマートフォンに Microsoft Authenticator を設定する',
  'diag.plan.item.number': '・新しい電話番号をセキュリティ情報に登録する',
  'diag.plan.item.check': '・新しい携帯電話でサインインできるか確かめる',
  'diag.plan.item.oldPhone': '・確かめてから、古い携帯電話を初期化したり、下取りに出したりする',

  // どのアカウントか
  'diag.account.prompt': 'どちらのアカウントですか？',
  'diag.account.hint':
    '職場または学校アカウントは、組織から渡された Microsoft 365 や Teams 用のアカウントです。個人用 Microsoft アカウントは、outlook.com などでご自身が作ったアカウントです。',
  'diag.account.opt.work': '職場または学校アカウント',
  'diag.account.opt.personal': '個人用 Microsoft アカウント',

  // 共通の答え
  'diag.common.opt.unsure': '分からない',

  // 職場または学校: ほかの方法
  'diag.work.otherMethod.prompt': '古い番号のほかに、多要素認証 (MFA) を通る方法は残っていますか？',
  'diag.work.otherMethod.hint':
    'Microsoft Authenticator、別の電話、セキュリティ キー (FIDO2)、パソコンの Windows Hello などです。メールアドレスはパスワードのリセット用のため、数えません。',
  'diag.work.otherMethod.opt.yes': 'ほかの方法がある',
  'diag.work.otherMethod.opt.no': 'ほかの方法はない',

  // 職場または学校: セキュリティ情報でご自身で切り替え
  'diag.work.selfService.title': 'セキュリティ情報で新しい番号に切り替えます',
  'diag.work.selfService.body.intro':
    'ご自身で、数分で切り替えられます。まだ使える方法でサインインして進めます。',
  'diag.work.selfService.body.order':
    '「変更 (Change)」では、新しい番号を確認できてから、古い番号と置き換わります。古い番号を先に削除しないでください。',
  'diag.work.selfService.body.addFallback':
    '「電話 (Phone)」の行がない場合は、「サインイン方法の追加 (Add sign-in method)」から「電話 (Phone)」を選び、同じように登録します。',
  'diag.work.selfService.body.authenticator':
    '新しいスマートフォンで Microsoft Authenticator を使う場合は、同じページの「サインイン方法の追加」から追加します。古いスマートフォンの登録は、新しいほうで承認できてから削除します。',
  'diag.work.selfService.step.open':
    'https://mysignins.microsoft.com/security-info を開きます。マイ サインインの「セキュリティ情報 (Security info)」のページです。',
  'diag.work.selfService.step.signIn': 'まだ使える方法でサインインします。',
  'diag.work.selfService.step.change': '「電話 (Phone)」の行の「変更 (Change)」を選びます。',
  'diag.work.selfService.step.number': '国番号 (日本は +81) を選び、新しい電話番号を入力します。',
  'diag.work.selfService.step.sendCode':
    '「コードを SMS 送信する (Text me a code)」を選び、「次へ (Next)」を押します。',
  'diag.work.selfService.step.verify':
    '新しい携帯電話に SMS で届いた確認コードを入力し、「次へ (Next)」を押します。',

  // 職場または学校: 管理者ロール
  'diag.work.admin.prompt': 'お使いのアカウントに、管理者ロールはありますか？',
  'diag.work.admin.hint':
    'グローバル管理者などの管理者ロールがあるアカウントは、安全のため、このボットではリセットしません。分からない場合は「分からない」を選んでください。申請のときにシステムでも確認します。',
  'diag.work.admin.opt.no': '管理者ではない',
  'diag.work.admin.opt.yes': '管理者ロールがある',
  'diag.work.onlyGa.prompt': '組織のグローバル管理者は、ご自身 1 人だけですか？',
  'diag.work.onlyGa.opt.yes': '自分 1 人だけ',
  'diag.work.onlyGa.opt.no': 'ほかにもいる',

  'diag.work.adminEnd.title': '管理者アカウントは手動でリセットします',
  'diag.work.adminEnd.body.why':
    '安全のため、管理者ロールのあるアカウントは、このボットではリセットしません。',
  'diag.work.adminEnd.body.who': 'ほかのグローバル管理者か特権認証管理者に、次の操作を依頼してください。',
  'diag.work.adminEnd.body.portal':
    '依頼された管理者は、Microsoft Entra 管理センター (https://entra.microsoft.com) の「ユーザー (Users)」で、ご自身のアカウントを選びます。',
  'diag.work.adminEnd.body.reregister':
    '「認証方法 (Authentication methods)」で「MFA の再登録を要求 (Require re-register MFA)」を選びます。',
  'diag.work.adminEnd.body.tap':
    '続けて同じページで一時アクセス パス (Temporary Access Pass) を発行し、本人確認の通話で口頭で伝えてもらいます。このボットと同じ手順です。',
  'diag.work.adminEnd.body.next': '一時アクセス パスでサインインし、新しい電話番号などを登録し直します。',
  'diag.work.adminEnd.body.powershell':
    'PowerShell で行う場合は、Microsoft Graph PowerShell を使います。AzureAD モジュールは廃止されています。',
  'diag.work.adminEnd.body.lost':
    '携帯電話を紛失した場合や盗まれた場合は、すぐにほかの管理者にご連絡ください。',

  'diag.work.onlyGaEnd.title': '唯一のグローバル管理者の場合',
  'diag.work.onlyGaEnd.body.why':
    'このボットでは、管理者アカウントはリセットできません。次の順に試してください。',
  'diag.work.onlyGaEnd.body.otherMethods':
    'まず、ほかに登録した方法 (Microsoft Authenticator、別の電話、セキュリティ キー (FIDO2) など) でサインインできないか試します。',
  'diag.work.onlyGaEnd.body.altEmail': '代替メールアドレスでは、多要素認証 (MFA) を通れません。',
  'diag.work.onlyGaEnd.body.altEmailCan':
    '使えるのはパスワードのリセット (https://aka.ms/sspr) だけです。管理者のリセットには、通常 2 つの確認方法が必要です。',
  'diag.work.onlyGaEnd.body.support':
    'それでもサインインできない場合は、Microsoft サポートにご連絡ください。電話番号は https://learn.microsoft.com/microsoft-365/admin/get-help-support に載っています。',
  'diag.work.onlyGaEnd.body.contract':
    '組織の契約情報を用意してください。テナントのドメイン名、法人名、サブスクリプションや請求の情報、法人名義を確認できる資料などです。組織の所有者であることの確認を求められます。',
  'diag.work.onlyGaEnd.body.future':
    '復旧したら、グローバル管理者を 2 人以上にしておくことをおすすめします。',

  // 職場または学校: リセットの申請 (このあと申請の入力に移ります)
  'diag.work.file.title': 'IT 部門にリセットを申請します',
  'diag.work.file.body.reassure':
    'ご安心ください。IT 部門が本人確認をしたうえで、サインイン方法をリセットします。',
  'diag.work.file.body.collect':
    'これから、申請に必要なことを 3 つ伺います。新しい電話番号、本人確認の方法、簡単な理由です。',
  'diag.work.file.body.tap':
    '通常は、登録済みの電話や Microsoft Authenticator をいったん削除し、一時アクセス パスをお渡しします。一時アクセス パスでサインインして、新しい番号を登録し直します。',
  'diag.work.file.body.signOut': '手続きの途中で、いったんサインアウトされることがあります。',

  // S1b: 紛失・盗難
  'diag.lost.file.title': '紛失・盗難として IT 部門に申請します',
  'diag.lost.file.body.security':
    '紛失や盗難は、アカウントを守るため、セキュリティの問題として急いで対応します。',
  'diag.lost.file.body.revoke':
    '承認されると、すべての端末でサインイン セッションをすぐに取り消します。Teams からもサインアウトされます。',
  'diag.lost.file.body.tap': '一時アクセス パスは、本人確認の通話で承認者から口頭でお伝えします。',
  'diag.lost.body.carrier': '携帯電話会社にも連絡して、SIM の利用停止を依頼してください。',
  'diag.lost.company.prompt': '会社から支給された携帯電話ですか？',
  'diag.lost.company.hint': '会社の携帯電話の場合は、データを守るための届け出が必要です。',
  'diag.lost.company.opt.yes': '会社の携帯電話',
  'diag.lost.company.opt.no': '個人の携帯電話',
  'diag.lost.report.title': '会社の携帯電話の紛失を届け出てください',
  'diag.lost.report.body.report': 'すぐに、紛失・盗難の届け出先 ({lossReportContact}) にご連絡ください。',
  'diag.lost.report.body.wipe': 'IT 部門は、その携帯電話を遠隔でロックしたり、データを消去したりできます。',
  'diag.lost.personal.title': 'まずアカウントを守ります',
  'diag.lost.personal.body.security': '紛失や盗難のときは、アカウントを守ることを優先します。',
  'diag.lost.personal.body.after':
    'サインインして新しい番号を追加したら、古い番号を削除し、パスワードも変更してください。',

  // 個人用 Microsoft アカウント
  'diag.personal.canSignIn.prompt': '個人用 Microsoft アカウントに、今サインインできますか？',
  'diag.personal.canSignIn.hint':
    'メールや Microsoft Authenticator など、古い番号以外の方法で確認できる場合も「サインインできる」を選んでください。',
  'diag.personal.canSignIn.opt.yes': 'サインインできる',
  'diag.personal.canSignIn.opt.no': 'サインインできない',

  'diag.personal.steps.title': '個人用 Microsoft アカウントのセキュリティ情報を変更します',
  'diag.personal.steps.body.intro':
    'セキュリティ情報の電話番号は、上書きできません。新しい番号を追加して確認してから、古い番号を削除します。',
  'diag.personal.steps.body.order':
    '古い番号を先に削除しないでください。確認コードを受け取れなくなることがあります。',
  'diag.personal.alias.title': '電話番号でサインインしている場合 (エイリアス)',
  'diag.personal.alias.body.intro':
    '電話番号をサインイン用のエイリアス (別名) にしている場合は、別の画面で変えます。「プライマリにする」は、エイリアスにだけあります。',
  'diag.personal.alias.step.open':
    'https://account.microsoft.com/ で「ユーザー情報 (Your info)」を開きます。',
  'diag.personal.alias.step.manage':
    '「サインイン方法の管理 (Manage how you sign in to Microsoft)」を選びます。',
  'diag.personal.steps.step.signIn': 'https://account.microsoft.com/ にサインインします。',
  'diag.personal.steps.step.security': '「セキュリティ (Security)」を選びます。',
  'diag.personal.steps.step.advanced':
    '「高度なセキュリティ オプション (Advanced security options)」を選びます。',
  'diag.personal.steps.step.add':
    '「新しいサインイン方法または確認方法の追加 (Add a new way to sign in or verify)」から、新しい電話番号を追加します。',
  'diag.personal.steps.step.verify': 'SMS で届いた確認コードを入力して、登録を確定します。',
  'diag.personal.steps.step.delete':
    '最後に、古い番号の「削除 (Remove)」を選びます。削除の前に、確認を求められることがあります。',

  'diag.personal.otherOption.title': '別の確認方法でサインインします',
  'diag.personal.otherOption.body.intro':
    '古い番号のほかにメールアドレスや Microsoft Authenticator を登録していれば、そちらでサインインできます。',
  'diag.personal.otherOption.body.recoveryCode':
    '2 段階認証の回復コード (25 文字) を控えていれば、そのコードでもサインインできます。',
  'diag.personal.otherOption.step.start': 'https://account.microsoft.com/ でサインインを始めます。',
  'diag.personal.otherOption.step.link':
    '確認コードを求められたら、「別の確認オプションを使用する (Use a different verification option)」を選びます。「別の方法でサインインする」と表示される画面もあります。',
  'diag.personal.otherOption.step.choose':
    '登録済みのメールアドレスや Microsoft Authenticator など、古い番号以外の方法を選びます。',
  'diag.personal.otherOption.step.enter': '届いたコードを入力するか、アプリで承認します。',
  'diag.personal.otherOptionResult.prompt': '別の方法でサインインできましたか？',
  'diag.personal.otherOptionResult.opt.yes': 'サインインできた',
  'diag.personal.otherOptionResult.opt.no': 'できなかった',

  'diag.personal.recovery.title': 'アカウントの回復フォームを使います',
  'diag.personal.recovery.body.intro':
    'ほかの方法でサインインできない場合は、アカウントの回復フォームが Microsoft の公式の手段です。',
  'diag.personal.recovery.body.accuracy':
    'フォームでは、ご本人しか知らない情報を聞かれます。分かる範囲で、できるだけ正確に答えてください。',
  'diag.personal.recovery.body.prepare': '次の情報を先に用意しておくと役立ちます。',
  'diag.personal.recovery.item.passwords': '・以前に使っていたパスワード',
  'diag.personal.recovery.item.created': '・アカウントを作ったおおよその時期',
  'diag.personal.recovery.item.identity': '・登録した氏名と生年月日',
  'diag.personal.recovery.item.mail':
    '・最近メールをやり取りした相手のアドレスと、最近のメールの件名 (Outlook.com などの場合)',
  'diag.personal.recovery.item.purchases': '・サブスクリプションや購入の履歴',
  'diag.personal.recovery.item.xbox': '・Xbox のゲーマータグ (Xbox を使っている場合)',
  'diag.personal.recovery.body.device':
    'できれば、以前このアカウントで使っていたパソコンから送信してください。',
  'diag.personal.recovery.body.result': '結果は、連絡用のメールアドレスに届きます。通常は 24 時間以内です。',
  'diag.personal.recovery.step.open': 'https://account.live.com/acsr を開きます。',
  'diag.personal.recovery.step.addresses':
    '回復したいアカウントと、連絡用のメールアドレスを入力します。連絡用には、今開ける別のアドレスを使います。',
  'diag.personal.recovery.step.code': '連絡用のメールアドレスに届いたコードを入力します。',
  'diag.personal.recovery.step.answer': '質問にできるだけ多く答えて、送信します。',
  'diag.personal.recoveryResult.prompt': '回復フォームの結果はどうでしたか？',
  'diag.personal.recoveryResult.hint':
    '結果のメールが届くまで時間がかかります。まだ届いていない場合は「結果を待っている」を選んでください。',
  'diag.personal.recoveryResult.opt.recovered': '回復できた',
  'diag.personal.recoveryResult.opt.failed': '回復できなかった',
  'diag.personal.recoveryResult.opt.waiting': '結果を待っている',

  'diag.personal.pending.title': '回復フォームの結果をお待ちください',
  'diag.personal.pending.body.wait': '結果は、連絡用のメールアドレスに届きます。',
  'diag.personal.pending.body.return':
    '回復できたら、もう一度話しかけて「最初から」と入力してください。新しい番号の登録方法をご案内します。',
  'diag.personal.pending.body.helpdesk':
    '個人用 Microsoft アカウントの回復は、会社のヘルプデスクでは操作できません。ご不明な点は、ヘルプデスクにご連絡ください。',

  'diag.personal.msSupport.title': 'もう一度送信するか、Microsoft サポートに相談します',
  'diag.personal.msSupport.body.retry':
    '回復フォームは、もう一度送信できます。思い出した情報を足して、以前使っていたパソコンから送るのがおすすめです。',
  'diag.personal.msSupport.body.contact':
    'Microsoft サポートには、https://support.microsoft.com/contactus からご連絡ください。',
  'diag.personal.msSupport.body.prepare':
    'アカウントのユーザー名 (メールアドレスや電話番号)、使っていたデバイスや OS、エラー コードや画面のスクリーンショットを伝えると、話が早く進みます。',
  'diag.personal.msSupport.body.limit':
    'ご注意ください。2 段階認証が有効で、確認方法も回復コードも使えない場合は、Microsoft サポートでもアカウントを変更できません。その場合は、回復フォームだけが手段です。',
  'diag.accountRecovery.title': 'まず、アカウントの回復をお試しください',
  'diag.accountRecovery.body.what':
    'この組織では、すべての方法をなくした場合に、Microsoft Entra ID のアカウント回復で、ご自身でアカウントを回復できます。',
  'diag.accountRecovery.body.need':
    '必要なもの: 顔写真付きの公的な身分証明書 (運転免許証、マイナンバーカードなど) と、新しいスマートフォンです。',
  'diag.accountRecovery.body.how':
    'サインイン画面で、サインイン方法を使えないときの案内に従います。身分証明書の氏名が、会社に登録された氏名と一致している必要があります。',
  'diag.accountRecovery.body.fallback': 'うまくいかない場合は、このまま IT 部門に申請できます。',

  // S4: 予防
  'diag.prevent.title': '予備のサインイン方法を用意しましょう',
  'diag.prevent.body.work':
    '職場または学校アカウントは、https://mysignins.microsoft.com/security-info で「サインイン方法の追加 (Add sign-in method)」を選びます。',
  'diag.prevent.body.personal':
    '個人用 Microsoft アカウントは、https://account.microsoft.com/ の「セキュリティ」→「高度なセキュリティ オプション」から追加します。',
  'diag.prevent.body.plan': '機種変更の予定がある場合は、次の順番で進めます。',
  'diag.prevent.body.checklist': '次の点を確認してください。',
  'diag.prevent.item.twoMethods': '・サインイン方法を 2 つ以上登録している',
  'diag.prevent.item.strongMethod':
    '・そのうち 1 つは、Microsoft Authenticator アプリかセキュリティ キー (FIDO2) である',
  'diag.prevent.item.removeOld': '・使わなくなった古い番号やメールアドレスを削除している',
  'diag.prevent.item.accountType':
    '・自分のアカウントが、職場または学校アカウントか、個人用 Microsoft アカウントかを知っている',
  'diag.prevent.item.recoveryInfo':
    '・回復に必要な情報 (以前のパスワード、作成時期、購入履歴など) を控えている',
  'diag.prevent.body.table': '困ったときの目安です。「状況 → 対処 → 必要な情報」の順に書いています。',
  'diag.prevent.row.oldPhone':
    '・古い電話番号が使えない → 登録済みの別の方法で確認 (個人用アカウントは代替メールアドレスも可) → そこに届くコード',
  'diag.prevent.row.noEmail':
    '・個人用アカウントでメールアドレスも使えない → アカウントの回復フォーム → 以前のパスワード、作成時期、サービスの利用履歴など',
  'diag.prevent.row.orgAdmin':
    '・職場または学校アカウントで管理者がいる → 管理者に MFA のリセットを依頼 (このボットで申請できます) → アカウント情報、本人確認',
  'diag.prevent.row.onlyAdmin':
    '・職場または学校アカウントで自分が唯一の管理者 → Microsoft サポートで復旧を申請 → 組織の契約情報、法人名義を確認できる資料など',

  // S3: エラー
  'diag.error.which.prompt':
    '表示されたエラーを選んでください。エラー コードやメッセージを、そのまま入力してもかまいません。',
  'diag.error.which.hint': 'エラー コードは「0x800704cf」のような形です。',
  'diag.error.opt.0x800704cf': '0x800704cf',
  'diag.error.opt.0x8019019a': '0x8019019a',
  'diag.error.opt.somethingWentWrong': '問題が発生しました (Something went wrong)',
  'diag.error.opt.countryCode': '国番号が対応していない',
  'diag.error.opt.primaryAlias': 'メインの番号を変更できない',
  'diag.error.opt.region': '地域の設定が違う',
  'diag.error.opt.other': 'その他のエラー',

  'diag.error.0x800704cf.title': 'エラー 0x800704cf: 接続の問題が考えられます',
  'diag.error.0x800704cf.body.cause':
    'ネットワークに正しく接続できていないか、認証サーバーにアクセスできないことが考えられます。',
  'diag.error.0x800704cf.step.network': 'ネットワークにつながっているか確認します。',
  'diag.error.0x800704cf.step.vpn': 'VPN やプロキシを使っている場合は、いったん外します。',
  'diag.error.0x800704cf.step.retry': 'もう一度試します。',

  'diag.error.0x8019019a.title': 'エラー 0x8019019a: セキュリティ情報かキャッシュの問題が考えられます',
  'diag.error.0x8019019a.body.cause':
    'アカウントのセキュリティ情報が不完全か、古いキャッシュが残っていることが考えられます。',
  'diag.error.0x8019019a.step.cache': 'ブラウザーやアプリのキャッシュを削除します。',
  'diag.error.0x8019019a.step.signIn': 'いったんサインアウトしてから、もう一度サインインします。',
  'diag.error.0x8019019a.step.addInfo': 'セキュリティ情報に、新しい電話番号などを追加します。',

  'diag.error.somethingWentWrong.title': '「問題が発生しました (Something went wrong)」と表示される',
  'diag.error.somethingWentWrong.body.cause':
    'サーバー側の一時的な問題か、国番号が対応していないことが考えられます。時間をおくと進むことも多いです。',
  'diag.error.somethingWentWrong.step.later': '時間をおいて、もう一度試します。',
  'diag.error.somethingWentWrong.step.browser': '別のブラウザーや、別のパソコン・ネットワークで試します。',
  'diag.error.somethingWentWrong.step.support':
    'それでも直らない場合は、サポートにご連絡ください。職場または学校アカウントはヘルプデスク、個人用 Microsoft アカウントは Microsoft サポートです。',

  'diag.error.countryCode.title': '「この国番号は対応していません」と表示される',
  'diag.error.countryCode.body.cause':
    '国番号の付け方が違うか、その国番号に対応していないことが考えられます。一時的なシステムの不具合や、同じ番号が別のアカウントに登録されていることもあります。',
  'diag.error.countryCode.step.format':
    '国番号を付けて入力します。日本の 090-1234-5678 なら、最初の 0 を取って +81 90-1234-5678 と入力します。',
  'diag.error.countryCode.step.otherFormat':
    'うまくいかない場合は、ハイフンを除いた +819012345678 など、別の書き方でも試します。',
  'diag.error.countryCode.step.carrier':
    '携帯電話会社によっては、SMS の受信に制限があります。受信が制限されていないか確認します。',
  'diag.error.countryCode.step.mobileData': 'Wi-Fi をオフにして、モバイル データ通信で試します。',

  'diag.error.primaryAlias.title': 'メイン (プライマリ) の番号を変更できない',
  'diag.error.primaryAlias.body.cause':
    'すでにプライマリ エイリアス (メイン) になっている番号は、直接変更や削除ができません。新しい番号の確認が終わる前に切り替えようとしても失敗します。',
  'diag.error.primaryAlias.step.add': '新しい番号をエイリアス (別名) として追加し、確認コードで確認します。',
  'diag.error.primaryAlias.step.primary': '新しい番号を「プライマリにする (Make primary)」でメインにします。',
  'diag.error.primaryAlias.step.delete': '古い番号を削除します。',
  'diag.error.primaryAlias.step.wait':
    '表示が変わらない場合は、反映を少し待ってからサインインし直して確認します。',

  'diag.error.region.title': 'Windows の地域の設定を確認します',
  'diag.error.region.body.cause':
    '海外赴任や留学のあとなどで地域の設定がずれていると、SMS での確認に影響することが考えられます。',
  'diag.error.region.step.open': 'PowerShell を開きます。',
  'diag.error.region.step.culture':
    '「Get-Culture」を実行し、LCID と DisplayName が希望の国と合っているか確認します。',
  'diag.error.region.step.locale': '「Get-WinSystemLocale」を実行し、システム ロケールを確認します。',
  'diag.error.region.step.timeZone': '「Get-TimeZone」を実行し、タイム ゾーンを確認します。',
  'diag.error.region.step.fix':
    'ずれている場合は、「設定」→「時刻と言語」→「地域」(Settings → Time & language → Region) で直します。',

  'diag.error.other.title': 'ほかのエラーの場合',
  'diag.error.other.body.note':
    'エラー コードやメッセージを控えてください。画面のスクリーンショットがあると確実です。',
  'diag.error.other.body.work':
    '職場または学校アカウントでは、組織の方針で電話番号の追加が制限されていることも考えられます。その場合は、ヘルプデスクにご連絡ください。',
  'diag.error.other.body.personal':
    '個人用 Microsoft アカウントは、Microsoft サポート (https://support.microsoft.com/contactus) にご連絡ください。ユーザー名、デバイスと OS、エラー コードを伝えます。',

  // 締めくくり
  'diag.close.prompt': 'これで解決しましたか？',
  'diag.close.opt.yes': '解決した',
  'diag.close.opt.no': '解決していない',
  'diag.closeNo.prompt': 'お役に立てず、申し訳ありません。次はどうしますか？',
  'diag.closeNo.opt.helpdesk': 'ヘルプデスクに連絡',
  'diag.closeNo.opt.restart': '最初からやり直す',
  'diag.closeNo.opt.finish': 'ここで終わる',

  'diag.end.resolved.title': '解決してよかったです',
  'diag.end.resolved.body.thanks': 'ご利用ありがとうございました。',
  'diag.end.resolved.body.backup': '今後に備えて、予備のサインイン方法も登録しておくと安心です。',
  'diag.end.helpdesk.title': 'ヘルプデスクにご連絡ください',
  'diag.end.helpdesk.body.share': 'ここまでに試したことを伝えると、話が早く進みます。',
  'diag.end.helpdesk.body.contact': '連絡先は下のとおりです。',
  'diag.end.unresolved.title': 'いったん終わります',
  'diag.end.unresolved.body.sorry': '解決できず、申し訳ありません。',
  'diag.end.unresolved.body.again': 'いつでも、もう一度話しかけてください。',
  'diag.end.unresolved.body.urgent': '急ぎの場合は、ヘルプデスクにご連絡ください。',

  // 同僚の代わりの相談
  'diag.colleague.title': 'ご本人からの連絡が必要です',
  'diag.colleague.body.why': '安全のため、このボットはご本人からの依頼だけを受け付けます。',
  'diag.colleague.body.self': '同僚の方ご本人から、このボットに話しかけてもらってください。',
  'diag.colleague.body.noTeams':
    '同僚の方が Teams を開けない場合は、ヘルプデスクに電話 ({helpdeskPhone}) するよう伝えてください。',
};
