/** `npm run package -- --env <name>`: writes dist/appPackage.<name>.zip (see app-package.ts). */
import { relative } from 'node:path';
import { buildAppPackage, PackageError } from './app-package';
import { readEnvOption } from './env-option';

async function main(): Promise<void> {
  const envName = readEnvOption(process.argv.slice(2), 'npm run package -- --env <name>');
  const built = await buildAppPackage({ envName });
  process.stdout.write(`Teams app package: ${relative(process.cwd(), built.zipPath) || built.zipPath}\n`);
  process.stdout.write(`  holds ${built.files.join(', ')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof PackageError ? error.message : String(error)}\n`);
  process.exit(1);
});
