// Lint config. Its main job beyond style is to enforce the layer table in ARCHITECTURE.md:
// a forbidden import fails CI rather than review. tests/unit/layers.test.ts proves each rule bites.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** A regex source matching a package and every subpath of it ('electron', 'electron/main'). */
const pkg = (...names) =>
  `^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/|$)`;

/** Every Node built-in, with or without the node: prefix ('fs', 'node:fs', 'fs/promises'). */
const NODE_BUILTINS = `^node:|${pkg(...builtinModules.filter((name) => !name.includes('/')))}`;

/**
 * Relative imports that climb out of a layer into another one, for both 'x/main/y' and the bare
 * folder 'x/main'. Each folder name is matched after at least one '../', so a layer's own module
 * with the same name ('./main.tsx' in the renderer) is not caught.
 */
const climbInto = (...folders) => `^(\\.\\./)+([\\w.-]+/)*(${folders.join('|')})(/|$)`;

/** Builds a no-restricted-imports rule from [regex, reason] pairs; every pair must bite (see the test). */
function forbid(...rules) {
  return ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }];
}

const ZOD_IN_RENDERER =
  'The screens import the shared schemas as types only (import type): zod would double their start-up JS.';
/** Shared modules that build zod schemas when imported; the zod-free ones (phone-number, ipc-methods) are fine. */
const SHARED_SCHEMA_MODULES = `^(\\.\\./)+shared/(ipc|money|events|program|sale|store|sync|time|ids|errors|pos|phone|rules)(/|\\.ts$|$)`;

/** The Node host of the renderer: the shell's pure modules, never electron (it runs without it). */
const BROWSER_HOST_FILES = 'src/main/browser-host/**/*.ts';

const SHELL_FILES = [
  'src/main/index.ts',
  'src/main/ipc/**/*.ts',
  'src/main/security/**/*.ts',
  'src/main/updater.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'data/',
      'coverage/',
      'test-results/',
      'playwright-report/',
      'tests/fixtures/lint/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // src/shared: an allow-list. Any package other than zod and libphonenumber-js is refused,
    // and so is any relative path that leaves src/shared.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [
          '^(?!(zod|libphonenumber-js)(/|$))[^.]',
          'src/shared is pure TypeScript: it imports only zod, libphonenumber-js and itself.',
        ],
        [climbInto('main', 'renderer', 'preload', 'server'), 'src/shared never imports another layer.'],
      ),
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: [...SHELL_FILES, BROWSER_HOST_FILES],
    rules: {
      'no-restricted-imports': forbid(
        [
          pkg('electron'),
          'Only src/main/index.ts, ipc/, security/ and updater.ts may import electron; services stay plain Node.',
        ],
        [pkg('react', 'react-dom'), 'Main-process services never import the renderer.'],
        [climbInto('renderer', 'preload'), 'Main-process services never import the renderer or preload.'],
        [
          // main's own ipc/ and security/ folders only: src/shared/ipc.ts (the contract) is fine.
          `^(\\.\\./)+(main/)?(ipc|security|updater)(/|\\.ts|$)|^\\./(ipc|security|updater)(/|$)|^(\\.\\./)+index(\\.ts)?$`,
          'Services must not depend on the Electron shell.',
        ],
      ),
    },
  },
  {
    files: SHELL_FILES,
    rules: {
      'no-restricted-imports': forbid(
        [pkg('react', 'react-dom'), 'The main process never imports the renderer.'],
        [climbInto('renderer', 'preload'), 'The main process never imports the renderer or preload code.'],
      ),
    },
  },
  {
    files: [BROWSER_HOST_FILES],
    rules: {
      'no-restricted-imports': forbid(
        [pkg('electron'), 'The browser host runs in plain Node, where electron cannot be loaded.'],
        [
          `^(\\.\\./)+(index|updater|ipc/router|security/(guards|app-protocol|window))(\\.ts)?$`,
          'These shell modules import electron; the browser host may use the pure ones only.',
        ],
        [pkg('react', 'react-dom'), 'The main process never imports the renderer.'],
        [climbInto('renderer', 'preload'), 'The main process never imports the renderer or preload code.'],
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [NODE_BUILTINS, 'A sandboxed preload has no Node; it may import electron and shared types only.'],
        [
          pkg('better-sqlite3', 'react', 'react-dom'),
          'The preload exposes channels only; services live in main.',
        ],
        [climbInto('main', 'renderer', 'server'), 'The preload may import electron and shared types only.'],
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': forbid(
        [NODE_BUILTINS, 'The renderer runs in a sandboxed browser page: no Node.'],
        [pkg('electron', 'better-sqlite3'), 'The renderer talks to main only through window.kiosk.'],
        [climbInto('main', 'preload', 'server'), 'The renderer talks to main only through window.kiosk.'],
      ),
      // The screens' start-up JS is a budget (renderer_js_gzip_kb): zod and the contract's schemas
      // stay in main. Their types are free; zod-free helpers live in shared/phone-number and
      // shared/ipc-methods.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', allowTypeImports: true, message: ZOD_IN_RENDERER }],
          patterns: [{ regex: SHARED_SCHEMA_MODULES, allowTypeImports: true, message: ZOD_IN_RENDERER }],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid(
        [pkg('electron'), 'The server never imports the kiosk shell.'],
        [pkg('better-sqlite3'), 'The server uses PostgreSQL.'],
        [pkg('react', 'react-dom'), 'The server has no screens.'],
        [climbInto('main', 'renderer', 'preload'), 'The server imports src/shared and its own modules only.'],
      ),
    },
  },
);
