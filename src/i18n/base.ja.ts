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
};
