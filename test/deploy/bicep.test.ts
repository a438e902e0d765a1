/**
 * Static checks of deploy/azure (there is no Bicep CLI on this machine; README says what a person
 * with one runs). The required settings come from src/config.ts itself, the permissions from README.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config';
import { isAppError } from '../../src/errors';
import { sandboxEnvironment } from '../../deploy/local/sandbox';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const AZURE = join(ROOT, 'deploy', 'azure');

function bicepFiles(dir = AZURE): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? bicepFiles(join(dir, entry.name))
      : entry.name.endsWith('.bicep')
        ? [join(dir, entry.name)]
        : [],
  );
}

const sources = new Map(bicepFiles().map((file) => [file, readFileSync(file, 'utf8')]));
const main = readFileSync(join(AZURE, 'main.bicep'), 'utf8');
const allBicep = [...sources.values()].join('\n');
const bicepModule = (name: string): string => readFileSync(join(AZURE, 'modules', `${name}.bicep`), 'utf8');

interface Param {
  file: string;
  name: string;
  decorators: string;
  defaultValue: string | undefined;
}

/** `param name type [= default]` with the decorators written on the lines above it. */
function params(): Param[] {
  const found: Param[] = [];
  for (const [file, text] of sources) {
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      const match = /^param (\w+) \w+(?: = (.+))?$/.exec(line.trim());
      if (!match) return;
      let decorators = '';
      for (let i = index - 1; i >= 0 && (lines[i] ?? '').trim().startsWith('@'); i--) {
        decorators += lines[i] ?? '';
      }
      found.push({ file, name: match[1] ?? '', decorators, defaultValue: match[2] });
    });
  }
  return found;
}

/** The web app's settings as written in main.bicep: `{ name: 'X', value: <expression> }`. */
function appSettings(): Map<string, string> {
  const settings = new Map<string, string>();
  for (const match of main.matchAll(/\{ name: '([^']+)', value: (.+) \}/g)) {
    settings.set(match[1] ?? '', (match[2] ?? '').trim());
  }
  return settings;
}

/** Every setting loadConfig refuses to start without, from its own problem list. */
function settingsConfigRequires(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!isAppError(error, 'CONFIG_INVALID')) throw error;
    return error.details.map((problem) => problem.split(' ')[0] ?? problem);
  }
}

/**
 * What App Service would hand the bot: literals as written, a bare parameter as its default, and
 * for values only known at deployment (parameters without default, resource outputs, the Key
 * Vault reference) a valid sample: the sandbox's value for the same setting, or a GUID for ids.
 */
function sampleEnvironment(): Record<string, string> {
  const defaults = new Map(params().map((param) => [param.name, param.defaultValue]));
  const env: Record<string, string> = {};
  for (const [name, expression] of appSettings()) {
    const literal = /^'([^'$]*)'$/.exec(expression);
    const parameterDefault = defaults.get(expression);
    const defaultLiteral = parameterDefault === undefined ? undefined : /^'([^']*)'$/.exec(parameterDefault);
    env[name] =
      literal?.[1] ??
      defaultLiteral?.[1] ??
      sandboxEnvironment[name] ??
      '6a1d3c2b-0f4e-4a5b-9c8d-7e6f5a4b3c2d';
  }
  return env;
}

function readmePermissions(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /### Microsoft Graph permissions\n([\s\S]*?)\n#/.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^\| `([A-Za-z.-]+)` \|/gm)].map((match) => match[1] ?? '');
}

const permissionsFile = JSON.parse(readFileSync(join(AZURE, 'graph-permissions.json'), 'utf8')) as Array<{
  permission: string;
  feature: string;
  onlyWith?: string;
}>;

describe('deploy/azure Bicep', () => {
  it('sets every setting npm start requires, and the result starts', () => {
    const required = settingsConfigRequires({});
    // The list really comes from config.ts: it names the settings a bare environment lacks.
    expect(required).toEqual(expect.arrayContaining(['MicrosoftAppId', 'HELPDESK_AUDIT_KEY']));
    const settings = appSettings();
    for (const name of required) expect([...settings.keys()]).toContain(name);

    // Settings required only in combination (MicrosoftAppTenantId with UserAssignedMSI...) too.
    const env = sampleEnvironment();
    expect(settingsConfigRequires(env)).toEqual([]);
    const config = loadConfig(env);
    expect(config.sandbox).toBe(false);
    expect(config.bot.appType).toBe('UserAssignedMSI');
    expect(config.graph.credential.kind).toBe('managedIdentity');
    expect(config.storage).toEqual({ kind: 'sqlite', path: '/home/data/helpdesk.sqlite' });
  });

  it('takes the audit key from Key Vault and the client id from the managed identity', () => {
    const settings = appSettings();
    expect(settings.get('HELPDESK_AUDIT_KEY')).toBe(
      "'@Microsoft.KeyVault(SecretUri=${vault.outputs.auditKeySecretUri})'",
    );
    expect(settings.get('MicrosoftAppId')).toBe('identity.outputs.clientId');
    expect(settings.get('AZURE_CLIENT_ID')).toBe('identity.outputs.clientId');
    expect(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('monitoring.outputs.connectionString');
    expect(bicepModule('webapp')).toContain('keyVaultReferenceIdentity: identityResourceId');
    expect(bicepModule('keyvault')).toContain('enableRbacAuthorization: true');
  });

  it('runs one instance while storage is SQLite', () => {
    expect(main).toContain("param storageBackend string = 'sqlite'");
    expect(main).toContain('instanceCount: sqliteBackend ? 1 : instanceCount');
    expect(appSettings().get('HELPDESK_SQLITE_PATH')).toBe("'/home/data/helpdesk.sqlite'");
  });

  it('configures App Service, the bot, storage and monitoring as the issue asks', () => {
    const web = bicepModule('webapp');
    expect(web).toMatch(/linuxFxVersion string = 'NODE\|(20|22)-lts'/);
    for (const setting of [
      'httpsOnly: true',
      'alwaysOn: true',
      "healthCheckPath: '/readyz'",
      "ftpsState: 'Disabled'",
      'reserved: true',
    ]) {
      expect(web).toContain(setting);
    }
    const bot = bicepModule('bot');
    expect(bot).toContain("msaAppType: 'UserAssignedMSI'");
    expect(bot).toContain('msaAppMSIResourceId: identityResourceId');
    expect(bot).toContain("channelName: 'MsTeamsChannel'");
    const storage = bicepModule('storage');
    expect(storage).toContain('allowSharedKeyAccess: false');
    expect(storage).toContain("'Microsoft.Storage/storageAccounts/tableServices@");
    expect(storage).toContain("'Microsoft.Storage/storageAccounts/blobServices/containers@");
    // Storage Blob Data Contributor and Storage Table Data Contributor, for the identity.
    expect(storage).toContain('ba92f5b4-2d11-453d-a403-e96b0029c9fe');
    expect(storage).toContain('0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3');
    expect(bicepModule('monitoring')).toContain('WorkspaceResourceId: workspace.id');
  });

  it('has no secret in a parameter default', () => {
    const all = params();
    expect(all.length).toBeGreaterThan(20);
    for (const param of all) {
      const secure = param.decorators.includes('@secure()');
      if (secure) expect({ param: param.name, default: param.defaultValue }).toEqual({ param: param.name });
      if (/key|secret|password|token|connectionstring/i.test(param.name)) {
        expect({ param: param.name, secure }).toEqual({ param: param.name, secure: true });
      }
    }
    const example = readFileSync(join(AZURE, 'main.parameters.json'), 'utf8');
    expect(example).not.toMatch(/auditKey|secret|password/i);
  });

  it('grants exactly the Graph permissions README lists, through the Graph extension', () => {
    const listed = readmePermissions();
    expect(listed.length).toBeGreaterThan(5);
    expect(permissionsFile.map((entry) => entry.permission).sort()).toEqual([...listed].sort());
    expect(main).toContain("loadJsonContent('graph-permissions.json')");
    const graph = bicepModule('graph-permissions');
    expect(graph).toContain('extension microsoftGraphV1');
    expect(graph).toContain("'Microsoft.Graph/appRoleAssignedTo@v1.0'");
    expect(graph).toContain('for permission in permissions');
    // The per-method permissions, not the tenant-wide read-write one.
    expect(listed).not.toContain('UserAuthenticationMethod.ReadWrite.All');
    expect(listed).toEqual(
      expect.arrayContaining(['UserAuthMethod-Phone.ReadWrite.All', 'UserAuthMethod-TAP.ReadWrite.All']),
    );
    expect(allBicep).not.toContain('UserAuthenticationMethod.ReadWrite.All');
    const config = JSON.parse(readFileSync(join(AZURE, 'bicepconfig.json'), 'utf8')) as {
      extensions: Record<string, string>;
    };
    expect(config.extensions.microsoftGraphV1).toMatch(
      /^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:/,
    );
  });

  describe('grant-graph-permissions.sh (az rest)', () => {
    const principal = '7d9c1e2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f';
    let dir: string;
    let env: NodeJS.ProcessEnv;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'grant-'));
      const roles = [
        ...permissionsFile.map((entry) => entry.permission),
        'UserAuthenticationMethod.ReadWrite.All',
      ];
      const graphSp = {
        id: 'graph-sp-object-id',
        appRoles: roles.map((value, i) => ({
          value,
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          allowedMemberTypes: ['Application'],
        })),
      };
      writeFileSync(join(dir, 'graph-sp.json'), JSON.stringify(graphSp));
      // One permission is already there from an earlier run.
      writeFileSync(
        join(dir, 'assigned.json'),
        JSON.stringify({ value: [{ appRoleId: graphSp.appRoles[0]?.id, resourceId: graphSp.id }] }),
      );
      env = {
        ...process.env,
        PATH: `${join(ROOT, 'test', 'fakes')}:${process.env.PATH ?? ''}`,
        FAKE_AZ_GRAPH_SP: join(dir, 'graph-sp.json'),
        FAKE_AZ_ASSIGNED: join(dir, 'assigned.json'),
        FAKE_AZ_LOG: join(dir, 'posts.log'),
      };
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const posted = (): Array<{
      url: string;
      body: { principalId: string; resourceId: string; appRoleId: string };
    }> =>
      readFileSync(join(dir, 'posts.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [url = '', body = '{}'] = line.split(' ');
          return {
            url,
            body: JSON.parse(body) as { principalId: string; resourceId: string; appRoleId: string },
          };
        });
    const roleIdOf = (permission: string): string => {
      const graphSp = JSON.parse(readFileSync(join(dir, 'graph-sp.json'), 'utf8')) as {
        appRoles: Array<{ value: string; id: string }>;
      };
      return graphSp.appRoles.find((role) => role.value === permission)?.id ?? '';
    };

    it('assigns the README permissions except Mail.Send, skipping what is already granted', async () => {
      const { stdout } = await run(join(AZURE, 'grant-graph-permissions.sh'), [principal], { env });
      const expected = readmePermissions().filter((permission) => permission !== 'Mail.Send');
      const [first, ...rest] = expected;
      expect(stdout).toContain(`already granted: ${first ?? ''}`);
      expect(posted().map((post) => post.body.appRoleId)).toEqual(rest.map(roleIdOf));
      for (const post of posted()) {
        expect(post.url).toBe(
          `https://graph.microsoft.com/v1.0/servicePrincipals/${principal}/appRoleAssignments`,
        );
        expect(post.body).toMatchObject({ principalId: principal, resourceId: 'graph-sp-object-id' });
      }
    });

    it('adds Mail.Send with --with-mail, and refuses a malformed principal id', async () => {
      await run(join(AZURE, 'grant-graph-permissions.sh'), [principal, '--with-mail'], { env });
      expect(posted().map((post) => post.body.appRoleId)).toContain(roleIdOf('Mail.Send'));
      await expect(
        run(join(AZURE, 'grant-graph-permissions.sh'), ['not-an-id'], { env }),
      ).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringContaining('usage:'),
      });
    });
  });
});

describe('the start command', () => {
  it('is the same on App Service as `npm start`, memory flags included', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const command = /appCommandLine: '([^']+)'/.exec(bicepModule('webapp'))?.[1];
    expect(command).toBe(manifest.scripts.start);
    expect(command).toMatch(/^node --max-semi-space-size=\d+ --max-old-space-size=\d+ dist\/src\/index\.js$/);
  });
});
