import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { buildDeploymentZip, deployCommand, readDeployTarget } from '../../deploy/azure/deploy';
import { REPO_ROOT } from '../../deploy/teams/app-package';

const run = promisify(execFile);

describe('npm run deploy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to run without --env, with an unknown argument, or without the Azure names', async () => {
    await expect(run('npm', ['run', '--silent', 'deploy'], { cwd: REPO_ROOT })).rejects.toMatchObject({
      stderr: expect.stringContaining('--env is required. Usage: npm run deploy -- --env <name> [--dry-run]'),
    });
    await expect(
      run('npm', ['run', '--silent', 'deploy', '--', '--env', 'local', '--force'], { cwd: REPO_ROOT }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('Unknown argument "--force"') });
    // env/.env.local is the sandbox's: it names no Azure resources.
    await expect(
      run('npm', ['run', '--silent', 'deploy', '--', '--env', 'local', '--dry-run'], { cwd: REPO_ROOT }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'No value for AZURE_RESOURCE_GROUP_NAME, AZURE_WEB_APP_NAME in env/.env.local',
      ),
    });
  });

  it('zip-deploys to the web app named in env/.env.<name>', () => {
    writeFileSync(
      join(dir, '.env.prod'),
      'AZURE_RESOURCE_GROUP_NAME=rg-helpdesk\nAZURE_WEB_APP_NAME=helpdesk-app\n',
    );
    const target = readDeployTarget('prod', dir);
    expect(deployCommand(target, '/x/dist/app.prod.zip')).toEqual([
      'az',
      'webapp',
      'deploy',
      '--resource-group',
      'rg-helpdesk',
      '--name',
      'helpdesk-app',
      '--src-path',
      '/x/dist/app.prod.zip',
      '--type',
      'zip',
    ]);
  });

  it('zips what the App Service build needs and nothing local', () => {
    const built = buildDeploymentZip('test', REPO_ROOT, dir);
    expect(built.zipPath).toBe(join(dir, 'app.test.zip'));
    const names = new AdmZip(built.zipPath).getEntries().map((entry) => entry.entryName);
    expect(names).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', '.npmrc', 'tsconfig.build.json']),
    );
    expect(names).toContain('src/index.ts');
    expect(names).toContain('dialogs/main-dialog.ts');
    expect(names.some((name) => name.startsWith('cards/') && name.endsWith('.card.json'))).toBe(true);
    expect(names.sort()).toEqual([...built.files].sort());
    for (const name of names) {
      expect(name).not.toMatch(/node_modules|^test\/|^\.data|\.env|\.sqlite|^dist\//);
    }
  });
});
