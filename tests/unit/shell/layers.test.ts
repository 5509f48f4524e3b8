import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The browser host runs in plain Node: eslint.config.js lets it use the shell's pure modules
// (dispatcher, handlers, CSP, static-file guard) but never electron or the modules that import it.
// And main's services may import the shared IPC contract, but not main's ipc/ folder.

const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../..', import.meta.url)) });

async function messages(file: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: file, warnIgnored: true });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports');
}

describe('layer rules of the shell', () => {
  it.each([
    ['src/main/browser-host/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'src/main/browser-host/x.ts',
      "import { registerIpcRouter } from '../ipc/router';\nexport const a = registerIpcRouter;",
    ],
    [
      'src/main/browser-host/x.ts',
      "import { guardSession } from '../security/guards';\nexport const a = guardSession;",
    ],
    [
      'src/main/browser-host/x.ts',
      "import { serveAppProtocol } from '../security/app-protocol';\nexport const a = serveAppProtocol;",
    ],
    [
      'src/main/browser-host/x.ts',
      "import { createUpdateController } from '../updater';\nexport const a = createUpdateController;",
    ],
    ['src/main/browser-host/x.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;"],
    [
      'src/main/kiosk.ts',
      "import { registerIpcRouter } from './ipc/router';\nexport const a = registerIpcRouter;",
    ],
    [
      'src/main/ledger/x.ts',
      "import { createDispatcher } from '../ipc/dispatch';\nexport const a = createDispatcher;",
    ],
  ])('refuses %s: %s', async (file, code) => {
    expect(await messages(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'src/main/browser-host/x.ts',
      "import { createDispatcher } from '../ipc/dispatch';\nexport const a = createDispatcher;",
    ],
    [
      'src/main/browser-host/x.ts',
      "import { securityHeaders } from '../security/csp';\nexport const a = securityHeaders;",
    ],
    ['src/main/browser-host/x.ts', "import { openKiosk } from '../kiosk';\nexport const a = openKiosk;"],
    ['src/main/kiosk.ts', "import { ShellError } from '../shared/ipc';\nexport const a = ShellError;"],
    [
      'src/main/ledger/x.ts',
      "import { ipcContract } from '../../shared/ipc';\nexport const a = ipcContract;",
    ],
  ])('allows %s: %s', async (file, code) => {
    expect(await messages(file, code)).toEqual([]);
  });
});
