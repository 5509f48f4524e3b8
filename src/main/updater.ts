import type { Log } from './logging';
import { mayInstallNow, type InstallContext, type InstallDecision } from './shell/install-window';

/**
 * Safe auto-update with electron-updater. The feed is the chain's server (`<server>/updates/`,
 * a folder the server serves from UPDATES_DIR) through the generic provider. It checks at start
 * and then daily, downloads in the background, and installs only when mayInstallNow() says so:
 * nobody is using the kiosk and the day is closed or it is the night window. electron-updater
 * announces `update-downloaded` only after the whole file has arrived and its SHA-512 matches the
 * feed, so a failed or partial download never reaches the install step; the kiosk keeps running
 * the version it has. This module takes the updater as an argument so tests drive it with a fake.
 */

/** The part of electron-updater's AppUpdater this module uses. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel?: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
}

export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export type UpdateState =
  | { phase: 'idle'; lastCheck: string | null; lastError: string | null }
  | { phase: 'downloading'; version: string }
  | { phase: 'ready'; version: string; waitingFor: string }
  | { phase: 'installing'; version: string };

export interface UpdateControllerOptions {
  updater: UpdaterLike;
  /** The chain's server, e.g. https://loyalty.example.com; the feed is its /updates/ folder. */
  serverUrl: string;
  log: Log;
  /** Everything mayInstallNow needs, read fresh each time. */
  installContext: () => InstallContext;
  /** Called just before the kiosk quits to install: lets the window close. */
  beforeInstall?: () => void;
  clock?: () => Date;
  timers?: Timers;
  checkEveryMs?: number;
  evaluateEveryMs?: number;
}

export function updateFeedUrl(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/updates/`;
}

export function createUpdateController({
  updater,
  serverUrl,
  log,
  installContext,
  beforeInstall = () => {},
  clock = () => new Date(),
  timers = {
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  },
  checkEveryMs = 24 * 60 * 60_000,
  evaluateEveryMs = 60_000,
}: UpdateControllerOptions) {
  let state: UpdateState = { phase: 'idle', lastCheck: null, lastError: null };
  let handles: unknown[] = [];

  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = false; // installs happen only through the policy below
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  const feedUrl = updateFeedUrl(serverUrl);
  updater.setFeedURL({ provider: 'generic', url: feedUrl, channel: 'latest' });

  updater.on('update-available', (info) => {
    // A newer download replaces any file already waiting; until it is complete nothing is ready.
    state = { phase: 'downloading', version: info.version };
    log.info('update_available', { version: info.version });
  });
  updater.on('update-not-available', () => {
    if (state.phase !== 'ready') state = { phase: 'idle', lastCheck: clock().toISOString(), lastError: null };
  });
  updater.on('update-downloaded', (info) => {
    state = { phase: 'ready', version: info.version, waitingFor: 'the install window' };
    log.info('update_downloaded', { version: info.version });
    evaluate();
  });
  updater.on('error', (error) => {
    // A failed check or a broken, partial or tampered download: keep running what we have.
    log.warn('update_failed', { error: error.message });
    if (state.phase === 'downloading' || state.phase === 'idle') {
      state = { phase: 'idle', lastCheck: clock().toISOString(), lastError: error.message };
    }
  });

  function check(): void {
    if (state.phase === 'installing') return;
    log.info('update_check', { feedUrl });
    updater.checkForUpdates().catch((error: unknown) => {
      log.warn('update_check_failed', { error: error instanceof Error ? error.message : String(error) });
    });
  }

  /** Installs now if an update is ready and the policy allows; returns the decision, if any. */
  function evaluate(): InstallDecision | null {
    if (state.phase !== 'ready') return null;
    const decision = mayInstallNow(installContext());
    if (!decision.install) {
      state = { ...state, waitingFor: decision.reason };
      return decision;
    }
    const version = state.version;
    state = { phase: 'installing', version };
    log.info('update_installing', { version, reason: decision.reason });
    beforeInstall();
    updater.quitAndInstall(true, true);
    return decision;
  }

  return {
    start() {
      check();
      handles = [timers.setInterval(check, checkEveryMs), timers.setInterval(evaluate, evaluateEveryMs)];
    },
    stop() {
      for (const handle of handles) timers.clearInterval(handle);
      handles = [];
    },
    check,
    evaluate,
    state: (): UpdateState => state,
  };
}

export type UpdateController = ReturnType<typeof createUpdateController>;
