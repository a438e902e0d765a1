/**
 * Builds the Teams app package the way the Microsoft 365 Agents Toolkit does: the `${{NAME}}`
 * placeholders of manifest/ are filled from env/.env.<name> (and the git-ignored
 * env/.env.<name>.user), the result is validated offline against the manifest schema that
 * @microsoft/app-manifest bundles, the icons are checked, and dist/appPackage.<name>.zip is written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import AdmZip from 'adm-zip';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { AppManifestUtils as ManifestUtils, TeamsManifest } from '@microsoft/app-manifest';
import { decodePng } from './png';

export interface PackageOptions {
  /** The environment name: `local` reads env/.env.local (and env/.env.local.user). */
  envName: string;
  /** Folder of the .env files. Default: `<repo>/env`. */
  envDir?: string;
  /** Folder of manifest.json, its localisation files and icons. Default: `<repo>/manifest`. */
  manifestDir?: string;
  /** Where the zip goes. Default: `<repo>/dist`. */
  outDir?: string;
}

export interface BuiltPackage {
  zipPath: string;
  /** The filled manifest, as zipped. */
  manifest: Record<string, unknown>;
  /** Names of the files in the zip. */
  files: string[];
}

export const REPO_ROOT = join(__dirname, '..', '..');
const SCHEMA_ROOT = join(
  dirname(require.resolve('@microsoft/app-manifest/package.json')),
  'build',
  'json-schemas',
  'teams',
);
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A package problem a person can fix; the CLI prints the message alone. */
export class PackageError extends Error {
  override readonly name = 'PackageError';
}

/** The newest released manifest schema the installed @microsoft/app-manifest bundles (not devPreview). */
export function newestBundledManifestVersion(): string {
  const versions = readdirSync(SCHEMA_ROOT)
    .filter((name) => /^v\d+\.\d+$/.test(name))
    .map((name) => name.slice(1));
  const [newest] = versions.sort((a, b) => {
    const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
    const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
    return bMajor - aMajor || bMinor - aMinor;
  });
  if (newest === undefined)
    throw new PackageError('@microsoft/app-manifest bundles no Teams manifest schema');
  return newest;
}

function bundledSchema(version: string, file: string): Record<string, unknown> {
  const path = join(SCHEMA_ROOT, `v${version}`, file);
  if (!existsSync(path)) {
    throw new PackageError(`@microsoft/app-manifest does not bundle the v${version} schema (${file})`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Reads a dotenv file: `NAME=value` lines, `#` comments, optional surrounding quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    const [, name, rawValue = ''] = match;
    let value = rawValue.trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    if (name !== undefined) values[name] = value;
  }
  return values;
}

/** env/.env.<name>, then env/.env.<name>.user over it (the toolkit's place for secrets). */
export function readEnvironment(envName: string, envDir = join(REPO_ROOT, 'env')): Record<string, string> {
  if (!ENV_NAME.test(envName)) {
    throw new PackageError(`--env must be a plain name such as local or dev (got "${envName}")`);
  }
  const main = join(envDir, `.env.${envName}`);
  if (!existsSync(main)) {
    throw new PackageError(`env/.env.${envName} does not exist; copy env/.env.dev and fill it in`);
  }
  const values = parseEnvFile(readFileSync(main, 'utf8'));
  const user = join(envDir, `.env.${envName}.user`);
  if (existsSync(user)) Object.assign(values, parseEnvFile(readFileSync(user, 'utf8')));
  return values;
}

/** Replaces every `${{NAME}}`; lists every placeholder without a value at once. */
export function fillPlaceholders(text: string, values: Record<string, string>, envName: string): string {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value.trim() === '') {
      missing.add(name);
      return '';
    }
    // The value lands inside a JSON string: escape it as one.
    return JSON.stringify(value.trim()).slice(1, -1);
  });
  if (missing.size > 0) {
    const names = [...missing].sort().join(', ');
    throw new PackageError(
      `No value for ${names} in env/.env.${envName} (or env/.env.${envName}.user): every \${{…}} placeholder of manifest/ needs one`,
    );
  }
  return filled;
}

/** Teams: the color icon is 192×192; the outline icon 32×32, white on a transparent background. */
export function checkIcons(colorPng: Buffer, outlinePng: Buffer): void {
  const problems: string[] = [];
  const read = (label: string, bytes: Buffer): ReturnType<typeof decodePng> | undefined => {
    try {
      return decodePng(bytes);
    } catch (error) {
      problems.push(`the ${label} icon ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const color = read('color', colorPng);
  const outline = read('outline', outlinePng);
  if (color && (color.width !== 192 || color.height !== 192)) {
    problems.push(`the color icon must be 192×192 pixels (it is ${color.width}×${color.height})`);
  }
  if (outline) {
    if (outline.width !== 32 || outline.height !== 32) {
      problems.push(`the outline icon must be 32×32 pixels (it is ${outline.width}×${outline.height})`);
    }
    let transparent = 0;
    let white = 0;
    let other = 0;
    for (let i = 0; i < outline.rgba.length; i += 4) {
      const alpha = outline.rgba[i + 3] ?? 0;
      if (alpha === 0) transparent++;
      else if (outline.rgba[i] === 255 && outline.rgba[i + 1] === 255 && outline.rgba[i + 2] === 255) white++;
      else other++;
    }
    if (transparent === 0) problems.push('the outline icon must have a transparent background');
    if (white === 0) problems.push('the outline icon must draw something in white');
    if (other > 0) problems.push(`the outline icon must be white only (${other} pixels have another colour)`);
  }
  if (problems.length > 0) throw new PackageError(`Icons refused:\n- ${problems.join('\n- ')}`);
}

async function validate(
  label: string,
  document: Record<string, unknown>,
  schema: Record<string, unknown>,
): Promise<void> {
  // Loaded on use: the library pulls in an ES module that only Node's own require reads (not jest's).
  const { AppManifestUtils } = await import('@microsoft/app-manifest');
  // The schema is passed in, so nothing is fetched: validation works offline.
  const failures = await AppManifestUtils.validateAgainstSchema(
    document as unknown as TeamsManifest,
    schema as unknown as Parameters<typeof ManifestUtils.validateAgainstSchema>[1],
  );
  if (failures.length > 0) {
    throw new PackageError(`${label} does not match its schema:\n- ${failures.join('\n- ')}`);
  }
}

/**
 * The localisation schema's key patterns are not valid as Unicode regular expressions, which is how
 * @microsoft/app-manifest compiles every schema; the same draft-04 validator it uses, with the
 * patterns compiled as plain regular expressions, reads them.
 */
function validateLocalization(
  label: string,
  document: Record<string, unknown>,
  schema: Record<string, unknown>,
): void {
  const ajv = new AjvDraft04({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const check = ajv.compile(schema);
  if (!check(document)) {
    const failures = (check.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
    throw new PackageError(`${label} does not match its schema:\n- ${failures.join('\n- ')}`);
  }
}

function parseJson(label: string, text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new PackageError(`${label} is not valid JSON: ${error instanceof Error ? error.message : ''}`);
  }
}

export async function buildAppPackage(options: PackageOptions): Promise<BuiltPackage> {
  const manifestDir = options.manifestDir ?? join(REPO_ROOT, 'manifest');
  const outDir = options.outDir ?? join(REPO_ROOT, 'dist');
  const values = readEnvironment(options.envName, options.envDir);
  const fill = (file: string): string =>
    fillPlaceholders(readFileSync(join(manifestDir, file), 'utf8'), values, options.envName);

  const manifestText = fill('manifest.json');
  const manifest = parseJson('manifest.json', manifestText);
  const version = typeof manifest.manifestVersion === 'string' ? manifest.manifestVersion : '';
  await validate('manifest.json', manifest, bundledSchema(version, 'MicrosoftTeams.schema.json'));

  const files: Array<[string, Buffer]> = [['manifest.json', Buffer.from(manifestText, 'utf8')]];
  const localization = manifest.localizationInfo as
    { additionalLanguages?: Array<{ file: string }> } | undefined;
  for (const language of localization?.additionalLanguages ?? []) {
    const text = fill(language.file);
    validateLocalization(
      language.file,
      parseJson(language.file, text),
      bundledSchema(version, 'MicrosoftTeams.Localization.schema.json'),
    );
    files.push([language.file, Buffer.from(text, 'utf8')]);
  }

  const icons = manifest.icons as { color: string; outline: string };
  const color = readFileSync(join(manifestDir, icons.color));
  const outline = readFileSync(join(manifestDir, icons.outline));
  checkIcons(color, outline);
  files.push([icons.color, color], [icons.outline, outline]);

  const zip = new AdmZip();
  for (const [name, bytes] of files) zip.addFile(name, bytes);
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${options.envName}.zip`);
  writeFileSync(zipPath, zip.toBuffer());
  return { zipPath, manifest, files: files.map(([name]) => name) };
}
