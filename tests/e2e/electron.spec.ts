import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { ipcContract } from '../../src/shared/ipc';
import { expect, repoRoot, test } from './fixtures';

// Drives the real Electron app where an Electron binary exists. On machines where the npm
// `electron` package could not download its binary (ours), this test is skipped and says so.

/**
 * The Electron binary, found the way the electron package finds it but without requiring that
 * package: requiring it tries to download the binary when it is missing, which cannot work here.
 */
function electronBinary(): string | null {
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(packageDir, 'path.txt');
    const relativePath = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
    const distDir = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? join(packageDir, 'dist');
    const binary = join(distDir, relativePath);
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const SKIP_REASON =
  'SKIPPED: no Electron binary on this machine (npm could not download it); the renderer is tested in Chromium instead.';
// The list reporter shows a skip as a dash only; say why where people will read it.
if (binary === null) console.log(`electron.spec.ts: ${SKIP_REASON}`);

test.describe('Electron app', () => {
  test.skip(binary === null, SKIP_REASON);

  test('opens one sandboxed window showing the check-in screen', async () => {
    const mainEntry = join(repoRoot, 'out', 'main', 'index.js');
    expect(existsSync(mainEntry), 'run `npm run build` first').toBe(true);
    const rootNoSandbox = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox'] : [];
    // The ledger's better-sqlite3 must be built for Electron here (npm start does it with
    // `electron-builder install-app-deps`; `npm rebuild better-sqlite3` puts the Node build back).
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-electron-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [...rootNoSandbox, mainEntry],
      cwd: repoRoot,
      env: {
        ...process.env,
        KIOSK_WINDOWED: '1',
        KIOSK_DATA_DIR: dataDir,
        KIOSK_STORE_COUNTRY: 'US',
        KIOSK_STORE_CURRENCY: 'USD',
        KIOSK_STORE_TIMEZONE: 'America/New_York',
      },
    });
    try {
      const page = await app.firstWindow();
      // The customer screen idles on its attract state; a touch opens the keypad.
      await page.getByRole('button', { name: 'Touch to start' }).click();
      await expect(page.getByLabel('Phone number')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Check in' })).toBeDisabled();

      const main = await app.evaluate(({ app: electronApp, BrowserWindow }) => ({
        windows: BrowserWindow.getAllWindows().length,
        // app.enableSandbox() turns the sandbox on for every renderer, whatever a window asks.
        sandboxEverywhere: electronApp.commandLine.hasSwitch('enable-sandbox'),
      }));
      expect(main).toEqual({ windows: 1, sandboxEverywhere: true });

      // The page is on app://kiosk; the preload exposes one function per channel: no Node, no
      // generic IPC; and a call goes through the sender check down to the ledger.
      expect(page.url()).toBe('app://kiosk/index.html');
      const bridge = await page.evaluate(async () => {
        const kiosk = (globalThis as unknown as { kiosk: Record<string, unknown> }).kiosk;
        const status = (await (kiosk['status'] as () => Promise<{ ok: boolean }>)()).ok;
        const checkIn = await (kiosk['checkIn'] as (input: unknown) => Promise<unknown>)({
          phone: '+14155550123',
        });
        return {
          keys: Object.keys(kiosk).sort(),
          status,
          checkIn,
          hasRequire: typeof (globalThis as { require?: unknown }).require,
          hasProcess: typeof (globalThis as { process?: unknown }).process,
        };
      });
      expect(bridge).toMatchObject({
        status: true,
        checkIn: { ok: false, code: 'not_enrolled' },
        hasRequire: 'undefined',
        hasProcess: 'undefined',
      });
      expect(bridge.keys).toEqual(
        ['bridgeVersion', ...Object.values(ipcContract).map((entry) => entry.method)].sort(),
      );
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
