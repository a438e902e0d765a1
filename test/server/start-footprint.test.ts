/**
 * What an instance loads before its first turn. botbuilder-dialogs' index pulls in every prompt and
 * the Recognizers-Text libraries behind them; the bot uses none, so it imports the dialog classes
 * from their own modules (dialogs/dialog-kit.ts) and an idle instance holds about 35 MB less.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..');

/** Every module file the app's composition root loads, as paths relative to node_modules. */
async function modulesLoadedByTheApp(): Promise<string[]> {
  const script = [
    "require('./src/app');",
    'const loaded = Object.keys(require.cache);',
    'process.stdout.write(JSON.stringify(loaded));',
  ].join('\n');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-e', script],
    { cwd: root, env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 },
  );
  return (JSON.parse(stdout) as string[]).map((file) => file.replace(/^.*node_modules\//, ''));
}

describe('what the bot loads at start', () => {
  it('loads the dialogs it runs, and no prompt or recognizer', async () => {
    const loaded = await modulesLoadedByTheApp();
    expect(loaded).toContain('botbuilder-dialogs/lib/waterfallDialog.js');
    expect(
      loaded.filter((file) =>
        /recognizers-text-(suite|number|choice|date-time)|botbuilder-dialogs\/lib\/(prompts|choices)\//.test(
          file,
        ),
      ),
    ).toEqual([]);
  }, 60_000);
});
