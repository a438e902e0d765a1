/**
 * The shape of the code (DESIGN.md section 4, issue 11), read from the import statements of src/,
 * dialogs/ and cards/: no import circle, no import from a lower layer to a higher one, and no source
 * file over 600 lines outside the diagnosis table and the message catalogues.
 *
 * Known offenders on other lanes of the refactor are listed with their owner; the lists only
 * shrink. Anything not listed fails, so a new circle, arrow or long file is caught the day it lands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const SCANNED = ['src', 'dialogs', 'cards'];
const MAX_LINES = 600;

/**
 * Lowest first. A file belongs to the first layer whose pattern matches its repo path; each layer
 * may import itself and the layers it names.
 */
const LAYERS = [
  { name: 'errors', files: /^src\/errors\.ts$/, may: [] },
  /** The catalogue data: the domain names its own message keys (diagnosis, tailored advice). */
  { name: 'catalogues', files: /^src\/i18n\/[^/]+\.(ja|en)\.ts$/, may: [] },
  { name: 'domain', files: /^src\/domain\//, may: ['errors', 'catalogues'] },
  { name: 'config', files: /^src\/config(-azure-storage)?\.ts$/, may: ['errors', 'domain'] },
  { name: 'observability', files: /^src\/(log|telemetry)\.ts$/, may: ['errors', 'domain', 'config'] },
  { name: 'i18n', files: /^src\/i18n\//, may: ['errors', 'catalogues', 'domain', 'config'] },
  {
    name: 'ports',
    files: /^src\/ports\//,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n'],
  },
  { name: 'cards', files: /^cards\//, may: ['errors', 'catalogues', 'domain', 'config', 'i18n'] },
  {
    name: 'adapters',
    files: /^src\/adapters\//,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n', 'ports'],
  },
  {
    name: 'requests',
    files: /^src\/requests\//,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n', 'ports'],
  },
  /** The review CLI is a composition root of its own (below). */
  {
    name: 'review',
    files: /^src\/review\/(?!export-|cli\.ts$)/,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n', 'ports'],
  },
  {
    name: 'review export',
    files: /^src\/review\/export-/,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n', 'ports', 'review'],
  },
  {
    name: 'dialogs',
    files: /^dialogs\//,
    may: ['errors', 'catalogues', 'domain', 'config', 'observability', 'i18n', 'ports', 'cards', 'requests'],
  },
  {
    name: 'bot',
    files: /^src\/(bot\/|bot-adapter\.ts$)/,
    may: [
      'errors',
      'catalogues',
      'domain',
      'config',
      'observability',
      'i18n',
      'ports',
      'cards',
      'requests',
      'review',
      'dialogs',
    ],
  },
  /** Build everything and wire it: the only files that pick adapters. */
  { name: 'composition', files: /^src\/([^/]+\.ts|review\/cli\.ts)$/, may: ['*'] },
] as const satisfies ReadonlyArray<{ name: string; files: RegExp; may: readonly string[] }>;

type LayerName = (typeof LAYERS)[number]['name'];

/** `from → to` arrows still pointing up, with the helper whose lane removes them (issue 11). */
const KNOWN_LAYER_EXCEPTIONS: Readonly<Record<string, string>> = {};

/** Import circles (their files, sorted), with the helper whose lane breaks them. */
const KNOWN_CYCLES: Readonly<Record<string, string>> = {};

/** Long on purpose: the diagnosis table and the message catalogues are data, read top to bottom. */
const LONG_BY_NATURE = [/^src\/domain\/diagnosis-map\.ts$/, /^src\/i18n\/[^/]+\.(ja|en)\.ts$/];
const KNOWN_LONG_FILES: Readonly<Record<string, string>> = {};

type ImportGraph = ReadonlyMap<string, readonly string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const repoPath = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/**
 * Every module a file names: import and export-from (type-only ones too: a type is a dependency
 * of the design), require() and import(), as the TypeScript compiler's pre-processor reads them.
 */
function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** Files in the scanned folders and the scanned files each imports (packages and JSON left out). */
function readImportGraph(files: readonly string[]): ImportGraph {
  const known = new Set(files.map(repoPath));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = specifiersOf(readFileSync(file, 'utf8'))
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const base = repoPath(path.resolve(path.dirname(file), specifier));
        return [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => known.has(candidate));
      })
      .filter((target): target is string => target !== undefined);
    graph.set(repoPath(file), [...new Set(targets)]);
  }
  return graph;
}

function layerOf(file: string): LayerName | undefined {
  return LAYERS.find((layer) => layer.files.test(file))?.name;
}

/** `from → to` for every import the layer table does not allow. */
function layerViolations(graph: ImportGraph): string[] {
  const violations: string[] = [];
  for (const [from, targets] of graph) {
    const source = LAYERS.find((layer) => layer.files.test(from));
    for (const to of targets) {
      const target = layerOf(to);
      if (source === undefined || target === undefined || target === source.name) continue;
      const may: readonly string[] = source.may;
      if (!may.includes('*') && !may.includes(target)) violations.push(`${from} → ${to}`);
    }
  }
  return violations.sort();
}

/** Strongly connected groups of two or more files (Tarjan), each as its sorted files. */
function importCycles(graph: ImportGraph): string[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];
  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    for (;;) {
      const member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
      if (member === file) break;
    }
    const selfImport = group.length === 1 && (graph.get(file) ?? []).includes(file);
    if (group.length > 1 || selfImport) cycles.push(group.sort().join(' ↔ '));
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles.sort();
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

const files = SCANNED.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
const graph = readImportGraph(files);
const unknown = <T extends string>(found: readonly T[], known: Readonly<Record<string, string>>): T[] =>
  found.filter((entry) => !(entry in known));

/** Entries a lane has fixed: printed so the lead can empty the lists after merging. */
function reportFixed(list: string, found: readonly string[], known: Readonly<Record<string, string>>): void {
  const fixed = Object.keys(known).filter((entry) => !found.includes(entry));
  if (fixed.length > 0) console.log(`${list}: fixed, remove from the list:\n  ${fixed.join('\n  ')}`);
}

describe('architecture', () => {
  it('places every source file in a layer', () => {
    expect([...graph.keys()].filter((file) => layerOf(file) === undefined)).toEqual([]);
  });

  it('has no import circle', () => {
    const cycles = importCycles(graph);
    reportFixed('KNOWN_CYCLES', cycles, KNOWN_CYCLES);
    expect(unknown(cycles, KNOWN_CYCLES)).toEqual([]);
  });

  it('imports only downwards: nothing imports a higher layer', () => {
    const violations = layerViolations(graph);
    reportFixed('KNOWN_LAYER_EXCEPTIONS', violations, KNOWN_LAYER_EXCEPTIONS);
    expect(unknown(violations, KNOWN_LAYER_EXCEPTIONS)).toEqual([]);
  });

  it(`keeps source files at ${MAX_LINES} lines or fewer (the diagnosis table and catalogues aside)`, () => {
    const long = files
      .map((file) => ({ file: repoPath(file), lines: lineCount(readFileSync(file, 'utf8')) }))
      .filter(
        ({ file, lines }) => lines > MAX_LINES && !LONG_BY_NATURE.some((pattern) => pattern.test(file)),
      );
    const names = long.map(({ file }) => file);
    reportFixed('KNOWN_LONG_FILES', names, KNOWN_LONG_FILES);
    expect(long.filter(({ file }) => !(file in KNOWN_LONG_FILES))).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('read every import form, type-only ones included', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "export type { D } from './d';",
      "import './e';",
      "const f = require('./f');",
      "const g = import('./g');",
    ].join('\n');
    expect(specifiersOf(text)).toEqual(['./a', '../b', './c', './d', './e', './f', './g']);
  });

  it('find a circle through three files and a file importing itself', () => {
    const circle = new Map([
      ['src/domain/a.ts', ['src/domain/b.ts']],
      ['src/domain/b.ts', ['src/domain/c.ts']],
      ['src/domain/c.ts', ['src/domain/a.ts']],
      ['src/domain/d.ts', ['src/domain/d.ts', 'src/domain/a.ts']],
    ]);
    expect(importCycles(circle)).toEqual([
      'src/domain/a.ts ↔ src/domain/b.ts ↔ src/domain/c.ts',
      'src/domain/d.ts',
    ]);
  });

  it('flag an arrow up and allow an arrow down', () => {
    const arrows = new Map([
      ['src/domain/reset-plan.ts', ['src/ports/directory.ts', 'src/errors.ts']],
      ['src/ports/directory.ts', ['src/domain/auth-methods.ts']],
      ['dialogs/main-dialog.ts', ['src/bot/commands.ts', 'src/ports/directory.ts']],
      ['src/review/queries.ts', ['src/review/export-html.ts']],
      ['src/app.ts', ['src/adapters/sqlite/index.ts', 'src/bot/helpdesk-bot.ts']],
    ]);
    expect(layerViolations(arrows)).toEqual([
      'dialogs/main-dialog.ts → src/bot/commands.ts',
      'src/domain/reset-plan.ts → src/ports/directory.ts',
      'src/review/queries.ts → src/review/export-html.ts',
    ]);
  });
});
