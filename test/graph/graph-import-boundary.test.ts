/**
 * Dialogs and the bot depend on the Directory port, never on the Graph SDK (DESIGN.md §4). This
 * scans their source for imports of the Graph client, @azure/identity or the Graph adapter (which
 * would pull both in).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const GUARDED = ['dialogs', path.join('src', 'bot')];
const FORBIDDEN = [
  /^@microsoft\/microsoft-graph-client(\/|$)/,
  /^@azure\/identity(\/|$)/,
  /(^|\/)adapters\/graph(\/|$)/,
];

/** Module specifiers in import/export-from, require() and import() forms. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(c|m)?(t|j)sx?$/.test(entry.name) ? [full] : [];
  });
}

function forbiddenImports(dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) =>
    sourceFiles(dir).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
        .map((match) => match[1])
        .filter((specifier) => FORBIDDEN.some((pattern) => pattern.test(specifier)))
        .map((specifier) => `${path.relative(ROOT, file)} imports ${specifier}`),
    ),
  );
}

describe('import boundary around the Graph SDK', () => {
  it('nothing in dialogs/ or src/bot/ imports the Graph client, @azure/identity or the Graph adapter', () => {
    expect(forbiddenImports(GUARDED.map((dir) => path.join(ROOT, dir)))).toEqual([]);
  });

  it('the scan catches every import form', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'boundary-'));
    try {
      writeFileSync(
        path.join(dir, 'offender.ts'),
        [
          "import { Client } from '@microsoft/microsoft-graph-client';",
          "import type { TokenCredential } from '@azure/identity';",
          "export { createGraphDirectory } from '../src/adapters/graph/graph-directory';",
          "const lazy = import('@azure/identity');",
          "const old = require('@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials');",
          "import '@azure/identity';",
          "import type { Directory } from '../src/ports/directory';",
        ].join('\n'),
      );
      expect(forbiddenImports([dir]).map((line) => line.replace(/^.*imports /, ''))).toEqual([
        '@microsoft/microsoft-graph-client',
        '@azure/identity',
        '../src/adapters/graph/graph-directory',
        '@azure/identity',
        '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials',
        '@azure/identity',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
