// Lint config. Its main job beyond style is to enforce the layer table in ARCHITECTURE.md:
// a forbidden import fails CI rather than review. tests/unit/layers.test.ts proves each rule bites.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** Builds a no-restricted-imports rule from named packages and path patterns, each with the reason. */
function forbid({ packages = [], patterns = [] }) {
  return [
    'error',
    {
      paths: packages.map(([name, message]) => ({ name, message })),
      patterns: patterns.map(([group, message]) => ({ group, message })),
    },
  ];
}

const noNode = nodeBuiltins.map((name) => [name, 'This layer runs where Node is not available.']);
const electronOnlyInShell = [
  'electron',
  'Only src/main/index.ts, ipc/, security/ and updater.ts may import electron; services stay plain Node.',
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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid({
        packages: [
          ...noNode,
          ['electron', 'src/shared is pure: no electron.'],
          ['react', 'src/shared is pure: no react.'],
          ['react-dom', 'src/shared is pure: no react.'],
          ['better-sqlite3', 'src/shared is pure: no database.'],
        ],
        patterns: [
          [
            ['**/main/**', '**/renderer/**', '**/preload/**', '**/server/**'],
            'src/shared imports only itself, zod and libphonenumber-js.',
          ],
        ],
      }),
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/ipc/**', 'src/main/security/**', 'src/main/updater.ts'],
    rules: {
      'no-restricted-imports': forbid({
        packages: [electronOnlyInShell, ['react', 'Main-process services never import the renderer.']],
        patterns: [
          [
            ['**/renderer/**', '**/preload/**'],
            'Main-process services never import the renderer or preload.',
          ],
          [
            ['**/main/ipc/**', '**/main/security/**', '../ipc/**', '../security/**'],
            'Services must not depend on the Electron shell.',
          ],
        ],
      }),
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/ipc/**/*.ts', 'src/main/security/**/*.ts', 'src/main/updater.ts'],
    rules: {
      'no-restricted-imports': forbid({
        packages: [['react', 'The main process never imports the renderer.']],
        patterns: [[['**/renderer/**'], 'The main process never imports the renderer.']],
      }),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid({
        packages: [
          ...noNode,
          ['better-sqlite3', 'The preload exposes channels only; services live in main.'],
        ],
        patterns: [
          [['**/main/**', '**/renderer/**'], 'The preload may import electron and shared types only.'],
        ],
      }),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': forbid({
        packages: [
          ...noNode,
          ['electron', 'The renderer talks to main only through window.kiosk.'],
          ['better-sqlite3', 'The renderer talks to main only through window.kiosk.'],
        ],
        patterns: [
          [
            ['**/main/**', '**/preload/**', '**/server/**'],
            'The renderer talks to main only through window.kiosk.',
          ],
        ],
      }),
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': forbid({
        packages: [
          ['electron', 'The server never imports the kiosk shell.'],
          ['better-sqlite3', 'The server uses PostgreSQL.'],
        ],
        patterns: [
          [
            ['**/src/main/**', '**/src/renderer/**', '**/src/preload/**'],
            'The server imports src/shared and its own modules only.',
          ],
        ],
      }),
    },
  },
);
