// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * Import boundaries (DESIGN.md section 4). Each pattern matches an import's module specifier; a
 * relative path is matched by the folder names in it, so `../ports/directory` and
 * `../../src/ports/directory` are both "ports". test/architecture.test.ts checks the whole layer
 * order and import circles; these rules say it at the line that breaks it, in the editor.
 */
const folder = (names, message) => ({ regex: `(^|/)(${names})(/|$)`, message });
const PORTS = folder('ports', 'The domain is the bottom layer: ports import the domain, never the reverse.');
const ADAPTERS = folder(
  'adapters',
  'Depend on a port (src/ports/), not on an adapter; only the composition root picks adapters.',
);
const BOT = folder('bot|bot-adapter', 'src/bot/ is the Teams edge at the top: nothing below it imports it.');
const DIALOGS = folder('dialogs', 'Dialogs sit above this layer.');
const REQUESTS = folder('requests', 'The requests module sits above this layer.');
const REVIEW = folder('review', 'The review module sits above this layer.');
const CARDS = folder('cards', 'Cards are rendered above this layer.');
const CONFIG = folder(
  'config',
  'The domain takes values, not the Config: config imports the domain, never the reverse.',
);
const ONE_BACKEND = {
  regex: '(^|/)adapters/(sqlite|azure)(/|$)',
  message: 'Open the stores through src/adapters/stores.ts (chosen by config.storage), not one backend.',
};
const GRAPH_SDK = {
  regex: '^@microsoft/microsoft-graph-client(/|$)',
  message: 'Only src/adapters/graph talks to the Graph client; use the Directory port.',
};
const CREDENTIALS = {
  regex: '^@azure/identity(/|$)',
  message: 'Credentials are built in src/adapters/*; depend on a port.',
};
const STORAGE_DRIVERS = {
  regex: '^(better-sqlite3|@azure/data-tables|@azure/storage-blob)(/|$)',
  message: 'Storage drivers belong in src/adapters/*; use the store ports (src/ports/stores.ts).',
};
const VENDOR_SDKS = {
  regex:
    '^(botbuilder(-[a-z-]+)?|restify|pino|better-sqlite3|adaptivecards(-[a-z-]+)?|@azure/.+|@microsoft/.+|@opentelemetry/.+)(/|$)',
  message: 'The domain is plain TypeScript: no bot, Graph, storage or telemetry SDK.',
};

const DIALOGS_INDEX = {
  regex: '^botbuilder-dialogs$',
  message:
    'Import dialogs from dialogs/dialog-kit.ts: the package index loads every prompt and its recognizers (35 MB).',
};

/**
 * One block per folder (flat config replaces a rule's options per block, so the sets must not
 * overlap); every block also refuses botbuilder-dialogs' index.
 */
const boundary = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, DIALOGS_INDEX] }] },
});

const boundaries = [
  boundary(
    ['src/domain/**/*.ts'],
    [VENDOR_SDKS, PORTS, ADAPTERS, BOT, DIALOGS, REQUESTS, REVIEW, CARDS, CONFIG],
  ),
  boundary(
    ['src/ports/**/*.ts'],
    [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, ADAPTERS, BOT, DIALOGS, REQUESTS, REVIEW, CARDS],
  ),
  boundary(
    ['cards/**/*.ts'],
    [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, ADAPTERS, BOT, DIALOGS, REQUESTS, REVIEW],
  ),
  boundary(
    ['src/requests/**/*.ts'],
    [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, ADAPTERS, BOT, DIALOGS, REVIEW, CARDS],
  ),
  boundary(['dialogs/**/*.ts'], [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, ADAPTERS, BOT]),
  boundary(['src/bot/**/*.ts'], [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, ADAPTERS]),
  boundary(
    ['src/review/**/*.ts'],
    [GRAPH_SDK, CREDENTIALS, STORAGE_DRIVERS, BOT, DIALOGS, ADAPTERS],
    ['src/review/cli.ts'],
  ),
  boundary(['src/adapters/graph/**/*.ts'], [STORAGE_DRIVERS, BOT, DIALOGS, REQUESTS, REVIEW, CARDS]),
  boundary(
    ['src/adapters/**/*.ts'],
    [GRAPH_SDK, BOT, DIALOGS, REQUESTS, REVIEW, CARDS],
    ['src/adapters/graph/**'],
  ),
  // The composition roots and the shared modules beside them (config, log, i18n).
  boundary(['src/*.ts', 'src/i18n/**/*.ts', 'src/review/cli.ts'], [GRAPH_SDK, STORAGE_DRIVERS, ONE_BACKEND]),
];

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'devTools/**', 'coverage/**', '**/*.mjs', '**/*.js', '**/*.cjs'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Tests and local tooling may print and may use jest's loosely typed matchers.
    files: ['test/**/*.ts', 'deploy/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Doubles implement async ports; `async` turns their throws into rejections like the real thing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...boundaries,
);
