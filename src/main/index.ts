import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  powerMonitor,
  powerSaveBlocker,
  protocol,
  safeStorage,
  session,
} from 'electron';
import { createDispatcher } from './ipc/dispatch';
import { createHandlers } from './ipc/handlers';
import { registerIpcRouter } from './ipc/router';
import { openKiosk, type Kiosk } from './kiosk';
import { createFileLog, type Log } from './logging';
import type { Sealer } from './sync';
import { registerAppScheme, serveAppProtocol } from './security/app-protocol';
import { guardEveryWebContents, guardSession } from './security/guards';
import { APP_ENTRY_URL } from './security/origin';
import { kioskWindowOptions } from './security/window';
import { ConfigError, readConfig, type KioskConfig } from './shell/config';
import { createReloadBackoff } from './shell/recovery';
import { createUpdateController, type UpdateController } from './updater';

// Composition root of the kiosk's main process: single-instance lock, the app:// protocol, the
// deny-everything guards, the till's services (kiosk.ts), the IPC router, one locked-down window
// that reloads itself when its renderer dies, the display kept awake, and safe auto-update.

const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');

// Must happen before 'ready': app:// becomes a standard, secure origin.
registerAppScheme(protocol);

let quitting = false;

function sealWithKeyring(): Sealer | undefined {
  // Without a real keyring (a bare Linux kiosk often has none) Electron falls back to a fixed key,
  // which protects nothing; the file's 0600 mode is then the protection, and the README says so.
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text')
    return undefined;
  return {
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (sealed) => safeStorage.decryptString(sealed),
  };
}

function createKioskWindow(config: KioskConfig, log: Log, trusted: Set<number>): BrowserWindow {
  const window = new BrowserWindow(
    kioskWindowOptions({ preloadPath, windowed: config.windowed, packaged: app.isPackaged }),
  );
  const contents = window.webContents;
  trusted.add(contents.id);
  window.once('ready-to-show', () => window.show());

  // In kiosk mode only the app (an update, a shutdown) may close the window.
  window.on('close', (event) => {
    if (!config.windowed && !quitting) {
      event.preventDefault();
      log.warn('window_close_denied');
    }
  });
  window.on('session-end', () => {
    quitting = true;
  });
  window.on('closed', () => trusted.delete(contents.id));

  if (app.isPackaged) {
    contents.on('devtools-opened', () => {
      contents.closeDevTools();
      log.warn('devtools_closed');
    });
  }
  // Reload, zoom and devtools shortcuts mean nothing at a counter; Electron sees only these keys,
  // the OS lockdown in the README handles the rest (Alt+Tab, Ctrl+Alt+Del).
  contents.on('before-input-event', (event, input) => {
    const key = input.key.toLowerCase();
    const withControl = input.control || input.meta;
    const blocked =
      key === 'f5' ||
      key === 'f11' ||
      key === 'f12' ||
      (withControl && ['r', 'w', 'q', 'p', 's', 'o', '+', '-', '=', '0'].includes(key)) ||
      (withControl && input.shift && ['i', 'j', 'c'].includes(key));
    if (blocked && app.isPackaged) event.preventDefault();
  });

  const backoff = createReloadBackoff();
  const reloadLater = (why: string) => {
    const delay = backoff.nextDelay();
    log.error('renderer_reload_scheduled', { why, delayMs: delay, crashesInARow: backoff.crashes });
    setTimeout(() => {
      if (!window.isDestroyed()) void window.loadURL(APP_ENTRY_URL);
    }, delay);
  };
  contents.on('render-process-gone', (_event, details) => {
    log.error('renderer_gone', { reason: details.reason, exitCode: details.exitCode });
    if (details.reason !== 'clean-exit') reloadLater(`renderer ${details.reason}`);
  });
  let unresponsiveTimer: NodeJS.Timeout | undefined;
  contents.on('unresponsive', () => {
    log.warn('renderer_unresponsive');
    unresponsiveTimer ??= setTimeout(() => {
      log.error('renderer_hung', { action: 'crash and reload' });
      contents.forcefullyCrashRenderer(); // render-process-gone follows, which reloads
    }, 30_000);
  });
  contents.on('responsive', () => {
    clearTimeout(unresponsiveTimer);
    unresponsiveTimer = undefined;
  });
  contents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
    if (!isMainFrame) return;
    log.error('renderer_load_failed', { code, description, url });
    reloadLater('load failed');
  });

  void window.loadURL(APP_ENTRY_URL);
  return window;
}

async function startUpdates(kiosk: Kiosk, config: KioskConfig, log: Log): Promise<UpdateController | null> {
  if (!app.isPackaged) {
    log.info('updates_off', { why: 'not a packaged build' });
    return null;
  }
  const serverUrl = kiosk.sync.status().serverUrl ?? config.serverUrl;
  if (!serverUrl) {
    log.info('updates_off', { why: 'no server: pair the kiosk or set KIOSK_SERVER_URL' });
    return null;
  }
  const { default: electronUpdater } = await import('electron-updater');
  const controller = createUpdateController({
    updater: electronUpdater.autoUpdater,
    serverUrl,
    log,
    installContext: () => ({
      now: new Date(),
      timeZone: kiosk.ledger.store.timeZone,
      nightWindow: config.nightWindow,
      isDayClosed: kiosk.isDayClosed,
      busy: kiosk.activity.busy(),
    }),
    beforeInstall: () => {
      quitting = true;
      // If the installer never takes over, the kiosk must lock its window again.
      setTimeout(() => {
        quitting = false;
        log.error('update_install_did_not_start');
      }, 120_000).unref();
    },
  });
  controller.start();
  return controller;
}

function fail(message: string, log?: Log): never {
  log?.error('start_failed', { message });
  console.error(message);
  dialog.showErrorBox('The loyalty kiosk cannot start', message);
  app.exit(2);
  throw new Error(message);
}

async function main(): Promise<void> {
  await app.whenReady();
  const log = createFileLog({ dir: join(app.getPath('userData'), 'logs'), echo: !app.isPackaged });
  log.info('kiosk_starting', { version: app.getVersion(), packaged: app.isPackaged, pid: process.pid });
  process.on('uncaughtException', (error) => log.error('uncaught_exception', { error }));
  process.on('unhandledRejection', (error) => log.error('unhandled_rejection', { error }));
  app.on('child-process-gone', (_event, details) => log.error('child_process_gone', { ...details }));

  let config: KioskConfig;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, log);
    throw error;
  }

  guardEveryWebContents(app, log);
  guardSession(session.defaultSession, log);
  serveAppProtocol(protocol, rendererDir);
  // No application menu: its default accelerators include reload, devtools and close.
  Menu.setApplicationMenu(null);

  let kiosk: Kiosk;
  try {
    kiosk = openKiosk({
      dataDir: config.dataDir ?? join(app.getPath('userData'), 'kiosk'),
      config,
      host: 'electron',
      appVersion: app.getVersion(),
      log,
      sealer: sealWithKeyring(),
    });
  } catch (error) {
    fail(`The till's ledger could not be opened: ${(error as Error).message}`, log);
  }

  const trusted = new Set<number>();
  const dispatch = createDispatcher({
    handlers: createHandlers(kiosk),
    log,
    activity: kiosk.activity,
    staff: kiosk.staff,
  });
  const unregister = registerIpcRouter({ ipcMain, dispatch, trusted, log });

  const blocker = powerSaveBlocker.start('prevent-display-sleep');
  createKioskWindow(config, log, trusted);
  powerMonitor.on('shutdown', () => {
    quitting = true;
  });

  void kiosk.pairFromConfig().then(() => startUpdates(kiosk, config, log));

  app.on('before-quit', () => {
    quitting = true;
  });
  // The OS says when the network comes back (or the machine wakes): sync at once instead of
  // waiting out the backoff.
  let wasOnline = net.isOnline();
  const networkWatch = setInterval(() => {
    const now = net.isOnline();
    if (now !== wasOnline) kiosk.sync.networkChanged(now);
    wasOnline = now;
  }, 5_000);
  networkWatch.unref();
  powerMonitor.on('resume', () => kiosk.sync.networkChanged(true));

  let stopped = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    // The sync engine ends its request in flight before the database closes, then quit again.
    event.preventDefault();
    stopped = true;
    clearInterval(networkWatch);
    unregister();
    if (powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker);
    void kiosk.dispose().finally(() => {
      log.info('kiosk_stopped');
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
}

// One kiosk per till: a second launch focuses the first window instead of opening a second
// writer on the same ledger.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.enableSandbox();
  void main();
}
