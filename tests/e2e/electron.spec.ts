import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { expect, repoRoot, test } from './fixtures';

// Drives the real Electron app where an Electron binary exists. On machines where the npm
// `electron` package could not download its binary (ours), this test is skipped and says so.

function electronBinary(): string | null {
  try {
    // The electron package's main export is the path of its binary; it throws when the
    // download never happened.
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();

test.describe('Electron app', () => {
  test.skip(
    binary === null,
    'SKIPPED: no Electron binary on this machine (npm could not download it); the renderer is tested in Chromium instead.',
  );

  test('opens one sandboxed window showing the check-in screen', async () => {
    const mainEntry = join(repoRoot, 'out', 'main', 'index.js');
    expect(existsSync(mainEntry), 'run `npm run build` first').toBe(true);
    const rootNoSandbox = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [...rootNoSandbox, mainEntry],
      cwd: repoRoot,
    });
    try {
      const page = await app.firstWindow();
      await expect(page.getByLabel('Phone number')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Check in' })).toBeDisabled();

      const main = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
        windows: BrowserWindow.getAllWindows().length,
        // app.enableSandbox() turns the sandbox on for every renderer, whatever a window asks.
        sandboxEverywhere: electronApp.commandLine.hasSwitch('enable-sandbox'),
      }));
      expect(main).toEqual({ windows: 1, sandboxEverywhere: true });

      // The preload exposes only its placeholder bridge: no Node, no generic IPC.
      const bridge = await page.evaluate(() => ({
        kiosk: JSON.stringify((globalThis as { kiosk?: unknown }).kiosk),
        hasRequire: typeof (globalThis as { require?: unknown }).require,
        hasProcess: typeof (globalThis as { process?: unknown }).process,
      }));
      expect(bridge).toEqual({
        kiosk: '{"bridgeVersion":1}',
        hasRequire: 'undefined',
        hasProcess: 'undefined',
      });
    } finally {
      await app.close();
    }
  });
});
