/**
 * Builds or validates an app package in a plain Node process and prints the outcome as one JSON
 * line. @microsoft/app-manifest loads an ES module (strip-bom) that Node's require handles but
 * jest's module loader does not, so the package tests drive it from here.
 */
import { readFileSync } from 'node:fs';
import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import { buildAppPackage, type PackageOptions } from '../../deploy/teams/app-package';

async function main(): Promise<void> {
  const [command = '', json = '{}'] = process.argv.slice(2);
  if (command === 'build') {
    const built = await buildAppPackage(JSON.parse(json) as PackageOptions);
    return print({ ok: true, zipPath: built.zipPath, manifest: built.manifest, files: built.files });
  }
  // validate: an independent check of a zipped manifest with the library's own entry point.
  const { manifest, schemaPath } = JSON.parse(json) as { manifest: TeamsManifest; schemaPath: string };
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Parameters<
    typeof AppManifestUtils.validateAgainstSchema
  >[1];
  print({ ok: true, failures: await AppManifestUtils.validateAgainstSchema(manifest, schema) });
}

function print(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

main().catch((error: unknown) =>
  print({ ok: false, error: error instanceof Error ? error.message : String(error) }),
);
