import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { newestBundledManifestVersion, parseEnvFile, REPO_ROOT } from '../../deploy/teams/app-package';
import { startJsonLinesChild } from '../support/json-lines-child';

const run = promisify(execFile);
const LOCAL_ENV = parseEnvFile(readFileSync(join(REPO_ROOT, 'env', '.env.local'), 'utf8'));
const schemaDir = join(
  REPO_ROOT,
  'node_modules',
  '@microsoft',
  'app-manifest',
  'build',
  'json-schemas',
  'teams',
);

interface Built {
  zipPath: string;
  manifest: Record<string, unknown>;
}

/** Runs deploy/teams/package-child.ts (see there why in a child process). */
async function inChild(command: 'build' | 'validate', options: object): Promise<Record<string, unknown>> {
  const child = startJsonLinesChild(join(__dirname, 'package-child.ts'), [command, JSON.stringify(options)]);
  const event = await child.next();
  await child.exit;
  return event;
}

async function buildAppPackage(options: object): Promise<Built> {
  const event = await inChild('build', options);
  if (event.ok !== true) throw new Error(String(event.error));
  return event as unknown as Built;
}

/** A scratch copy of env/ and manifest/ that a test may break. */
function scratch(): { dir: string; envDir: string; manifestDir: string; outDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'app-package-'));
  const envDir = join(dir, 'env');
  const manifestDir = join(dir, 'manifest');
  cpSync(join(REPO_ROOT, 'env'), envDir, { recursive: true });
  cpSync(join(REPO_ROOT, 'manifest'), manifestDir, { recursive: true });
  return { dir, envDir, manifestDir, outDir: join(dir, 'out') };
}

function envWithout(name: string): string {
  return Object.entries(LOCAL_ENV)
    .filter(([key]) => key !== name)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
}

describe('npm run package', () => {
  let work: ReturnType<typeof scratch>;
  beforeEach(() => {
    work = scratch();
  });
  afterEach(() => rmSync(work.dir, { recursive: true, force: true }));

  it('writes dist/appPackage.local.zip whose manifest passes @microsoft/app-manifest validation', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'package', '--', '--env', 'local'], {
      cwd: REPO_ROOT,
    });
    expect(stdout).toContain('dist/appPackage.local.zip');

    const zip = new AdmZip(join(REPO_ROOT, 'dist', 'appPackage.local.zip'));
    const names = zip.getEntries().map((entry) => entry.entryName);
    expect(names.sort()).toEqual(['color.png', 'en-us.json', 'manifest.json', 'outline.png']);
    const text = zip.readAsText('manifest.json');
    expect(text).not.toContain('${{');
    const manifest = JSON.parse(text) as { bots: Array<{ botId: string }>; id: string };
    expect(manifest.id).toBe(LOCAL_ENV.TEAMS_APP_ID);
    expect(manifest.bots[0]?.botId).toBe(LOCAL_ENV.BOT_ID);
    const schemaPath = join(schemaDir, `v${newestBundledManifestVersion()}`, 'MicrosoftTeams.schema.json');
    await expect(inChild('validate', { manifest, schemaPath })).resolves.toEqual({ ok: true, failures: [] });
    // The same check sees a broken manifest, so the pass above means something.
    const broken = await inChild('validate', { manifest: { ...manifest, id: 'x' }, schemaPath });
    expect(broken.failures).toEqual([expect.stringContaining('/id must match pattern')]);
    // The icons are zipped as they are in manifest/.
    expect(zip.readFile('color.png')?.equals(readFileSync(join(REPO_ROOT, 'manifest', 'color.png')))).toBe(
      true,
    );
  });

  it('uses the newest manifest schema @microsoft/app-manifest bundles', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'manifest', 'manifest.json'), 'utf8')) as {
      manifestVersion: string;
      $schema: string;
    };
    expect(manifest.manifestVersion).toBe(newestBundledManifestVersion());
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
  });

  it('fails on a missing placeholder value and names it', async () => {
    writeFileSync(join(work.envDir, '.env.test'), `${envWithout('BOT_ID')}\nHELPDESK_TERMS_URL=\n`);
    await expect(buildAppPackage({ envName: 'test', ...work })).rejects.toThrow(
      /No value for BOT_ID, HELPDESK_TERMS_URL in env\/\.env\.test/,
    );
  });

  it('takes values from the git-ignored .env.<name>.user over .env.<name>', async () => {
    writeFileSync(join(work.envDir, '.env.test'), envWithout('BOT_ID'));
    const botId = '11111111-2222-4333-8444-555555555555';
    writeFileSync(join(work.envDir, '.env.test.user'), `BOT_ID="${botId}"\n`);
    const built = await buildAppPackage({ envName: 'test', ...work });
    expect((built.manifest.bots as Array<{ botId: string }>)[0]?.botId).toBe(botId);
    expect(built.zipPath).toBe(join(work.outDir, 'appPackage.test.zip'));
  });

  it('fails on a color icon of the wrong size', async () => {
    cpSync(join(work.manifestDir, 'outline.png'), join(work.manifestDir, 'color.png'));
    await expect(buildAppPackage({ envName: 'local', ...work })).rejects.toThrow(
      'the color icon must be 192×192 pixels (it is 32×32)',
    );
  });

  it('fails on an outline icon of the wrong size or not white on transparent', async () => {
    cpSync(join(work.manifestDir, 'color.png'), join(work.manifestDir, 'outline.png'));
    const failure = buildAppPackage({ envName: 'local', ...work });
    await expect(failure).rejects.toThrow('the outline icon must be 32×32 pixels (it is 192×192)');
    await expect(failure).rejects.toThrow(
      /the outline icon must be white only \(\d+ pixels have another colour\)/,
    );
  });

  it('fails on an invalid manifest, with the schema failure', async () => {
    writeFileSync(join(work.envDir, '.env.test'), `${envWithout('TEAMS_APP_ID')}\nTEAMS_APP_ID=not-a-guid\n`);
    await expect(buildAppPackage({ envName: 'test', ...work })).rejects.toThrow(
      /manifest\.json does not match its schema:\n- \/id must match pattern/,
    );
  });

  it('fails on an invalid localisation file', async () => {
    const file = join(work.manifestDir, 'en-us.json');
    const strings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...strings, 'name.short': 'x'.repeat(31) }));
    await expect(buildAppPackage({ envName: 'local', ...work })).rejects.toThrow(
      /en-us\.json does not match its schema/,
    );
  });

  it('refuses a missing or unknown --env with the usage', async () => {
    const failure = run('npm', ['run', '--silent', 'package'], { cwd: REPO_ROOT });
    await expect(failure).rejects.toMatchObject({ stderr: expect.stringContaining('--env is required') });
    await expect(buildAppPackage({ envName: 'nowhere', ...work })).rejects.toThrow(
      'env/.env.nowhere does not exist',
    );
    await expect(buildAppPackage({ envName: '../etc', ...work })).rejects.toThrow(
      '--env must be a plain name',
    );
  });
});
