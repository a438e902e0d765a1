/**
 * `npm run deploy -- --env <name>`: builds the bot, zips it, zip-deploys it to the web app that
 * deploy/azure/main.bicep created, then builds the Teams app package and prints its path.
 * App Service runs Oryx on the zip (SCM_DO_BUILD_DURING_DEPLOYMENT=true), so better-sqlite3 is
 * compiled on the Linux image it runs on; the local build only proves the code compiles first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import AdmZip from 'adm-zip';
import { buildAppPackage, PackageError, readEnvironment, REPO_ROOT } from '../teams/app-package';
import { readEnvOption } from '../teams/env-option';

const USAGE = 'npm run deploy -- --env <name> [--dry-run]';
/** What Oryx needs to install and build the bot; nothing else (no tests, no local data, no .env). */
const DEPLOYED_PATHS = [
  'package.json',
  'package-lock.json',
  '.npmrc',
  'tsconfig.json',
  'tsconfig.build.json',
  'src',
  'dialogs',
  'cards',
] as const;
const NEVER_DEPLOYED = /(^|\/)(node_modules|\.data|\.env[^/]*|[^/]*\.sqlite[^/]*)$/;

export interface DeployTarget {
  resourceGroup: string;
  webAppName: string;
}

export function readDeployTarget(envName: string, envDir?: string): DeployTarget {
  const values = readEnvironment(envName, envDir);
  const missing = ['AZURE_RESOURCE_GROUP_NAME', 'AZURE_WEB_APP_NAME'].filter(
    (name) => (values[name] ?? '').trim() === '',
  );
  if (missing.length > 0) {
    throw new PackageError(
      `No value for ${missing.join(', ')} in env/.env.${envName}: set them from the outputs of deploy/azure/main.bicep`,
    );
  }
  return {
    resourceGroup: (values.AZURE_RESOURCE_GROUP_NAME ?? '').trim(),
    webAppName: (values.AZURE_WEB_APP_NAME ?? '').trim(),
  };
}

function addTree(zip: AdmZip, root: string, path: string, files: string[]): void {
  if (NEVER_DEPLOYED.test(path)) return;
  const absolute = join(root, path);
  if (statSync(absolute).isDirectory()) {
    for (const entry of readdirSync(absolute).sort()) addTree(zip, root, `${path}/${entry}`, files);
    return;
  }
  zip.addLocalFile(absolute, path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
  files.push(path);
}

/** Writes dist/app.<name>.zip with the sources Oryx builds; returns its path and file list. */
export function buildDeploymentZip(
  envName: string,
  root = REPO_ROOT,
  outDir = join(root, 'dist'),
): { zipPath: string; files: string[] } {
  const zip = new AdmZip();
  const files: string[] = [];
  for (const path of DEPLOYED_PATHS) {
    if (existsSync(join(root, path))) addTree(zip, root, path, files);
  }
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `app.${envName}.zip`);
  writeFileSync(zipPath, zip.toBuffer());
  return { zipPath, files };
}

/** The zip deployment itself; `az login` first. */
export function deployCommand(target: DeployTarget, zipPath: string): string[] {
  return [
    'az',
    'webapp',
    'deploy',
    '--resource-group',
    target.resourceGroup,
    '--name',
    target.webAppName,
    '--src-path',
    zipPath,
    '--type',
    'zip',
  ];
}

function runOrFail(argv: readonly string[]): void {
  const [command = '', ...args] = argv;
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.error) throw new PackageError(`Could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new PackageError(`${argv.join(' ')} failed (exit ${result.status ?? '?'})`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const envName = readEnvOption(
    args.filter((arg) => arg !== '--dry-run'),
    USAGE,
  );
  const target = readDeployTarget(envName);
  if (!dryRun) runOrFail(['npm', 'run', 'build']);
  const app = buildDeploymentZip(envName);
  const command = deployCommand(target, app.zipPath);
  if (dryRun) process.stdout.write(`Would run: ${command.join(' ')}\n`);
  else runOrFail(command);
  const teams = await buildAppPackage({ envName });
  process.stdout.write(`App zip: ${relative(process.cwd(), app.zipPath)}\n`);
  process.stdout.write(
    `Teams app package: ${relative(process.cwd(), teams.zipPath)} (upload it in the Teams admin center, see README)\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof PackageError ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
