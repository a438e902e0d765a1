import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'manifest');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown> & {
  icons: { color: string; outline: string };
  bots: Array<{ botId: string; scopes: string[] }>;
  localizationInfo: {
    defaultLanguageTag: string;
    additionalLanguages: Array<{ languageTag: string; file: string }>;
  };
};

function pngSize(file: string): [number, number] {
  const bytes = readFileSync(join(dir, file));
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('the Teams app manifest', () => {
  it('has the icons Teams requires, at the required sizes', () => {
    expect(pngSize(manifest.icons.color)).toEqual([192, 192]);
    expect(pngSize(manifest.icons.outline)).toEqual([32, 32]);
  });

  it('only uses the deployment placeholders, and the bot id is one of them', () => {
    const text = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const placeholders = [...text.matchAll(/\$\{\{([A-Z_]+)\}\}/g)].map((match) => match[1]).sort();
    expect(placeholders).toEqual([
      'BOT_ID',
      'HELPDESK_ORGANISATION_NAME',
      'HELPDESK_PRIVACY_URL',
      'HELPDESK_TERMS_URL',
      'HELPDESK_WEBSITE_URL',
      'TEAMS_APP_ID',
    ]);
    expect(manifest.bots[0]?.botId).toBe('${{BOT_ID}}');
    expect(manifest.bots[0]?.scopes).toEqual(['personal', 'team']);
  });

  it('is Japanese by default with an English localisation file', () => {
    expect(manifest.localizationInfo.defaultLanguageTag).toBe('ja-jp');
    for (const language of manifest.localizationInfo.additionalLanguages) {
      expect(existsSync(join(dir, language.file))).toBe(true);
      const strings = JSON.parse(readFileSync(join(dir, language.file), 'utf8')) as Record<string, string>;
      expect(strings['name.short']).toBe('MFA Helpdesk');
    }
  });
});
