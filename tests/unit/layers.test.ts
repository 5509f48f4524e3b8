import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves that eslint.config.js enforces the layer table of ARCHITECTURE.md: each forbidden
// import below must be reported by no-restricted-imports, and each allowed one must lint clean.
// The code is linted as if it lived at `file`, so no fixture file has to exist on disk.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

async function lint(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: file, warnIgnored: true });
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  return result.messages;
}

type Case = readonly [file: string, code: string];

const forbidden: readonly Case[] = [
  // src/shared: pure, zod and libphonenumber-js only
  ['src/shared/x.ts', "import 'node:fs';"],
  ['src/shared/x.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;"],
  ['src/shared/x.ts', "export * from 'node:path';"],
  ['src/shared/x.ts', "import { app } from 'electron';\nexport const a = app;"],
  ['src/shared/x.ts', "import { app } from 'electron/main';\nexport const a = app;"],
  ['src/shared/x.ts', "import { useState } from 'react';\nexport const a = useState;"],
  ['src/shared/x.ts', "import { createRoot } from 'react-dom/client';\nexport const a = createRoot;"],
  ['src/shared/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;"],
  ['src/shared/x.ts', "import { v7 } from 'uuid';\nexport const a = v7;"],
  ['src/shared/x.ts', "import { openDb } from '../main/db/connection';\nexport const a = openDb;"],
  ['src/shared/x.ts', "import { App } from '../renderer/src/App';\nexport const a = App;"],
  // src/renderer: shared, react, its own modules and window.kiosk
  ['src/renderer/src/x.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
  [
    'src/renderer/src/x.tsx',
    "import { checkIn } from '../../main/ledger/ledger';\nexport const a = checkIn;",
  ],
  ['src/renderer/src/x.tsx', "import * as main from '../../main';\nexport const a = main;"],
  ['src/renderer/src/screens/x.tsx', "import fs from 'node:fs';\nexport const a = fs;"],
  ['src/renderer/src/x.tsx', "import Database from 'better-sqlite3';\nexport const a = Database;"],
  ['src/renderer/src/x.tsx', "import '../../preload/index';"],
  // src/main services: shared, node:*, better-sqlite3; never electron or the shell
  ['src/main/ledger/x.ts', "import { app } from 'electron';\nexport const a = app;"],
  ['src/main/ledger/x.ts', "import type { App } from 'electron';\nexport type A = App;"],
  ['src/main/db/x.ts', "import { ipcMain } from 'electron/main';\nexport const a = ipcMain;"],
  ['src/main/outbox/x.ts', "import { route } from '../ipc/router';\nexport const a = route;"],
  ['src/main/ledger/x.ts', "import { csp } from '../security/csp';\nexport const a = csp;"],
  ['src/main/ledger/x.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;"],
  // the shell may import electron, but never the renderer
  ['src/main/index.ts', "import { App } from '../renderer/src/App';\nexport const a = App;"],
  ['src/main/ipc/x.ts', "import { createElement } from 'react';\nexport const a = createElement;"],
  // src/preload: electron and shared types only
  ['src/preload/x.ts', "import fs from 'node:fs';\nexport const a = fs;"],
  ['src/preload/x.ts', "import { join } from 'path';\nexport const a = join;"],
  ['src/preload/x.ts', "import { checkIn } from '../main/ledger/ledger';\nexport const a = checkIn;"],
  ['src/preload/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;"],
  // server: shared and its own modules
  ['server/src/x.ts', "import { openDb } from '../../src/main/db/connection';\nexport const a = openDb;"],
  ['server/src/sync/x.ts', "import { App } from '../../../src/renderer/src/App';\nexport const a = App;"],
  ['server/src/x.ts', "import { app } from 'electron';\nexport const a = app;"],
  ['server/src/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;"],
];

const allowed: readonly Case[] = [
  ['src/shared/x.ts', "import { z } from 'zod';\nexport const a = z;"],
  [
    'src/shared/x.ts',
    "import { parsePhoneNumber } from 'libphonenumber-js/max';\nexport const a = parsePhoneNumber;",
  ],
  ['src/shared/x.ts', "import { normalizePhone } from './phone';\nexport const a = normalizePhone;"],
  ['src/main/ledger/x.ts', "import Database from 'better-sqlite3';\nexport const a = Database;"],
  ['src/main/ledger/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
  ['src/main/ledger/x.ts', "import { openDb } from '../db/connection';\nexport const a = openDb;"],
  [
    'src/main/ledger/x.ts',
    "import { normalizePhone } from '../../shared/phone';\nexport const a = normalizePhone;",
  ],
  [
    'src/main/index.ts',
    "import { app } from 'electron';\nimport { x } from './ledger/ledger';\nexport const a = [app, x];",
  ],
  ['src/main/ipc/x.ts', "import { ipcMain } from 'electron';\nexport const a = ipcMain;"],
  ['src/preload/x.ts', "import { contextBridge } from 'electron';\nexport const a = contextBridge;"],
  ['src/preload/x.ts', "import type { Money } from '../shared/money';\nexport type A = Money;"],
  ['src/renderer/src/x.tsx', "import { useState } from 'react';\nexport const a = useState;"],
  [
    'src/renderer/src/x.tsx',
    "import { normalizePhone } from '../../shared/phone-number';\nexport const a = normalizePhone;",
  ],
  [
    'src/renderer/src/x.tsx',
    "import type { KioskBridge } from '../../shared/ipc';\nexport type A = KioskBridge;",
  ],
  ['src/renderer/src/app/x.tsx', "import type { z } from 'zod';\nexport type A = z.ZodType;"],
  ['src/renderer/src/x.tsx', "import { App } from './App';\nexport const a = App;"],
  [
    'server/src/x.ts',
    "import { normalizePhone } from '../../src/shared/phone';\nexport const a = normalizePhone;",
  ],
  ['server/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
];

/** Value imports that would bring zod into the screens' bundle (types are fine, see `allowed`). */
const zodInRenderer: readonly Case[] = [
  ['src/renderer/src/x.tsx', "import { z } from 'zod';\nexport const a = z;"],
  [
    'src/renderer/src/x.tsx',
    "import { ipcContract } from '../../shared/ipc';\nexport const a = ipcContract;",
  ],
  [
    'src/renderer/src/app/x.tsx',
    "import { normalizePhone } from '../../../shared/phone';\nexport const a = normalizePhone;",
  ],
  ['src/renderer/src/x.tsx', "import { earn } from '../../shared/rules/earn';\nexport const a = earn;"],
];

describe('layer rules of ARCHITECTURE.md, enforced by ESLint', () => {
  it.each(zodInRenderer)('%s keeps zod out of the screens: %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const budgetErrors = messages.filter(
      (m) => m.ruleId === '@typescript-eslint/no-restricted-imports' && m.severity === 2,
    );
    expect(budgetErrors.length, JSON.stringify(messages)).toBeGreaterThan(0);
  });

  it.each(forbidden)('%s refuses: %s', async (file, code) => {
    const messages = await lint(file, code);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const layerErrors = messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2);
    expect(layerErrors.length, JSON.stringify(messages)).toBeGreaterThan(0);
  });

  it.each(allowed)('%s allows: %s', async (file, code) => {
    const messages = await lint(file, code);
    // No messages at all: a parse error, an "ignored file" warning or any other rule would also
    // hide a layer rule that silently stopped applying.
    expect(messages).toEqual([]);
  });
});
