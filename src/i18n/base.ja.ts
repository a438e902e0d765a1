import type { BaseKey } from './base.en';

export const baseJa: Record<BaseKey, string> = {
  'welcome.title': '電話が変わってサインインできませんか? お手伝いします。',
  'welcome.intro':
    '確認コードが古い電話や紛失した電話に届いてしまうときにお手伝いします。いくつか質問したあと、ご自身で直す手順をご案内するか、IT 部門にリセットを申請します。',
  'welcome.point.diagnose': '何をすればよいか、順番にご案内します。',
  'welcome.point.request':
    'まったくサインインできない場合は、IT 部門にサインイン方法のリセットを申請できます。',
  'welcome.point.status': '「状況」と入力すると、いつでも申請中の内容を確認できます。',
  'welcome.storage':
    '保存する内容: この会話 (電話番号の全桁とパスは除きます) を {retentionDays} 日間。申請と監査記録は組織の規定に従って保存します。',
  'welcome.start': '始める',
  'welcome.switchLanguage': 'Show in English',
  'contact.title': 'ヘルプデスク',
  'contact.phone': '電話: {helpdeskPhone}',
  'contact.email': 'メール: {helpdeskEmail}',
  'contact.location': '窓口: {helpdeskLocation}',
  'contact.hours': '受付時間: {officeHours}',
  'contact.noTeams': 'Teams を開けない場合は、ヘルプデスクに電話またはメールでご連絡ください。',
  'help.title': 'できること',
  'help.body':
    '何があったかを教えていただければ、順番にご案内します。次の言葉はいつでも入力できます。「最初から」でやり直し、「キャンセル」で中止、「状況」で申請中の内容の確認、「English」または「日本語」で言語の切り替えです。',
  'language.switched': 'これから日本語でお答えします。',
  'error.generic':
    '申し訳ありません。こちらで問題が発生しました。少し待ってから、もう一度お試しください。続く場合はヘルプデスクにご連絡ください。',
  'common.officeHours.days.1': '月',
  'common.officeHours.days.2': '火',
  'common.officeHours.days.3': '水',
  'common.officeHours.days.4': '木',
  'common.officeHours.days.5': '金',
  'common.officeHours.days.6': '土',
  'common.officeHours.days.7': '日',
  'common.officeHours.format': '{days} {start}～{end} ({timeZone})',
  'common.officeHours.range': '{first}～{last}',
  'dialog.alreadyAnswered': 'この質問にはすでに回答済みです。いまの質問はこちらです。',
  'dialog.chooseOption': 'ボタンを選ぶか、選択肢の言葉を入力してください。',
  'dialog.tooLong': '入力が長すぎます。{max} 文字以内でお願いします。',
  'dialog.empty': '文字が届いていません。もう一度入力してください。',
  'dialog.cancelled':
    '中止しました。IT 部門には何も送っていません。お困りのときは、いつでも話しかけてください。',
  'dialog.startingOver': '最初からやり直します。',
  'dialog.submit': '送信',
  'dialog.listLabel': 'ひとつ選んでください',
  'dialog.contactTitle': 'ヘルプデスクへの連絡先',
  'intake.phone.prompt':
    '新しい携帯電話の番号を入力してください。例: 090-1234-5678。日本以外の番号は、+ と国番号から入力してください (例: +1 206 555 0100)。',
  'intake.phone.accepted': '新しい番号: {national} (国際形式: {international})',
  'intake.phone.reason.EMPTY': '電話番号が見つかりませんでした。',
  'intake.phone.reason.TOO_LONG': '電話番号としては長すぎます。',
  'intake.phone.reason.TOO_SHORT': '電話番号としては短すぎます。',
  'intake.phone.reason.LETTERS':
    '番号は数字だけで入力してください。英字を含む番号 (1-800-FLOWERS など) では確認コードを受け取れません。',
  'intake.phone.reason.HAS_EXTENSION':
    '内線番号ではショート メッセージを受け取れません。内線なしの携帯電話の番号を入力してください。',
  'intake.phone.reason.UNKNOWN_COUNTRY_CODE':
    'この国番号は見つかりませんでした。+ のあとの数字を確認してください。',
  'intake.phone.reason.INVALID': 'その国の電話番号として正しくありません。数字を確認してください。',
  'intake.phone.reason.NOT_MOBILE':
    '固定電話などの番号のようです。確認コードはショート メッセージ (SMS) で届くため、携帯電話の番号を入力してください。',
  'intake.phone.reason.INVALID_CHARACTERS':
    '電話番号だけを入力してください。数字と、必要なら先頭の +、区切りのハイフンやスペースが使えます。',
  'intake.phone.reason.MISPLACED_PLUS': '+ は番号の先頭 (国番号の前) にだけ付けられます。',
  'intake.verification.prompt':
    'リセットの前に、IT 担当者がご本人であることを確認します。どの方法がよいですか?',
  'intake.verification.video_call': 'Teams のビデオ通話',
  'intake.verification.in_person': 'IT 窓口で対面',
  'intake.verification.manager': '上長を通じて確認',
  'intake.reason.prompt': '何があったかを一文で教えてください (例: 機種変更で電話番号が変わった)。',
  'intake.confirm.title': 'この内容で IT 部門に申請しますか?',
  'intake.confirm.phone': '新しい番号',
  'intake.confirm.verification': '本人確認の方法',
  'intake.confirm.reason': '状況',
  'intake.confirm.account': 'アカウント',
  'intake.confirm.submit': '申請する',
  'intake.confirm.editPhone': '番号を直す',
  'intake.confirm.cancel': 'やめる',
  'intake.confirm.prompt': '内容を確認して、ボタンを選んでください。',
  'intake.created': '申請しました。申請番号は {requestId} です。',
  'intake.next':
    'IT 担当者が受付時間 ({officeHours}) 内に確認し、選んだ方法でご本人確認のご連絡をします。承認されると、サインイン方法をリセットし、このチャットで 1 回だけ使える一時アクセス パス (Temporary Access Pass) をお送りします。いったんサインアウトされることがあるため、このチャットを開いたままにしてください。',
  'intake.alreadyOpen':
    '処理中の申請 {requestId} があります。完了するまで新しい申請はできません。「状況」と入力すると内容を確認できます。',
  'intake.refused.title': 'ここでは申請できません',
  'intake.noIdentity':
    'Teams からあなたのアカウントを確認できないため、ここでは申請できません。ヘルプデスクにご連絡ください。',
  'intake.monthlyCap': '今月の申請の上限 ({cap} 件) に達しました。ヘルプデスクに直接ご連絡ください。',
  'status.none': '処理中の申請はありません。',
  'status.title': '申請 {requestId}',
  'status.state': '状態',
  'status.created': '申請日時',
  'status.phone': '新しい番号',
  'status.phoneMasked': '末尾 {lastTwo}',
  'status.state.PENDING': 'IT 部門の承認待ち',
  'status.state.APPROVED': '承認済み (まもなく処理します)',
  'status.state.EXECUTING': '処理中',
  'status.state.DONE': '完了',
  'status.state.PARTIAL': '一部のみ完了',
  'status.state.FAILED': '失敗',
  'status.state.DENIED': '却下',
  'status.state.CANCELLED': 'キャンセル済み',
  'status.state.EXPIRED': '期限切れ',
};
