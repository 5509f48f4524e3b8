import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Db } from './db/connection';
import { findLedgerProblems } from './ledger/integrity';
import type { Ledger } from './ledger/ledger';
import { openLedger } from './ledger/open';
import type { Log } from './logging';
import { createOutbox, type Outbox } from './outbox/outbox';
import { loadPairing, registerDevice, savePairing, type Pairing, type SecretBox } from './pairing';
import { createActivityTracker, type ActivityTracker } from './shell/activity';
import type { KioskConfig } from './shell/config';
import { ShellError, type KioskStatus } from '../shared/ipc';
import { StoreSettingsSchema, type StoreSettings } from '../shared/store';
import { businessDayOf } from '../shared/time';

/**
 * The composition root of the till's services, shared by the Electron shell and the browser host:
 * opens the ledger in a data folder with the right store settings, checks its integrity, loads the
 * pairing, and hands back the services and a dispose(). It never imports electron.
 * To add a service (the sync engine, the POS API): build it in openKiosk from `db`, `ledger`,
 * `pairing()` and `log`, expose it on Kiosk, and stop it in dispose().
 */

export type StoreSource = KioskStatus['storeSource'];

/** Store settings of a kiosk nobody has configured yet; the status says so, for the manager. */
export const FALLBACK_STORE: StoreSettings = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };

export interface OpenKioskOptions {
  dataDir: string;
  config: Partial<Pick<KioskConfig, 'store' | 'serverUrl' | 'enrollmentCode' | 'deviceName'>>;
  host: 'electron' | 'browser';
  appVersion: string;
  log: Log;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Seals the device token at rest (Electron's safeStorage); plain file with mode 0600 without it. */
  secrets?: SecretBox;
}

export interface Kiosk {
  readonly dataDir: string;
  readonly db: Db;
  readonly ledger: Ledger;
  readonly outbox: Outbox;
  readonly activity: ActivityTracker;
  /** The status the manager screen and `kiosk:status` show. */
  status(): KioskStatus;
  /** Today's business day in the store's time zone. */
  today(): string;
  isDayClosed(businessDay: string): boolean;
  /** The manager's store settings; refused once paired (the server's settings win). */
  updateStore(settings: StoreSettings): StoreSettings;
  /** Pairs with a server using a single-use enrolment code. */
  pair(request: { serverUrl: string; enrollmentCode: string; deviceName: string }): Promise<Pairing>;
  /** Pairs with KIOSK_SERVER_URL and KIOSK_ENROLLMENT_CODE when given and not yet paired; never throws. */
  pairFromConfig(): Promise<void>;
  /** The pairing, token included, for the sync engine; null until paired. */
  pairing(): Pairing | null;
  dispose(): void;
}

const SettingsFileSchema = z.strictObject({
  storeSource: z.enum(['server', 'manager', 'environment', 'default']),
});

export function openKiosk({
  dataDir,
  config,
  host,
  appVersion,
  log,
  clock = () => new Date(),
  fetch: fetchImpl,
  secrets,
}: OpenKioskOptions): Kiosk {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settingsFile = join(dataDir, 'kiosk-settings.json');
  const saved = existsSync(settingsFile)
    ? SettingsFileSchema.parse(JSON.parse(readFileSync(settingsFile, 'utf8')))
    : null;
  let pairing = loadPairing(dataDir, secrets);

  const ledgerPath = join(dataDir, 'ledger.db');
  const { db, ledger } = openLedger({
    path: ledgerPath,
    initialStore: config.store ?? FALLBACK_STORE,
    clock,
  });
  const closeAll = () => {
    if (db.open) db.close();
  };

  let storeSource: StoreSource;
  let pairingError: string | null = null;
  let health: Omit<KioskStatus['ledger'], 'pendingEvents'>;
  let outbox: Outbox;
  let dayClosed: ReturnType<Db['prepare']>;
  try {
    // Precedence: the server's settings once paired, then the manager's, then the install's.
    storeSource = pairing
      ? 'server'
      : saved?.storeSource === 'manager'
        ? 'manager'
        : config.store
          ? 'environment'
          : (saved?.storeSource ?? 'default');
    const wanted =
      storeSource === 'server' && pairing
        ? StoreSettingsSchema.parse({
            country: pairing.store.country,
            currency: pairing.store.currency,
            timeZone: pairing.store.timeZone,
          })
        : storeSource === 'environment'
          ? config.store
          : undefined;
    if (wanted && !sameStore(wanted, ledger.store)) {
      log.info('store_settings_applied', { from: ledger.store, to: wanted, source: storeSource });
      ledger.setStore(wanted);
    }
    if (storeSource === 'default') {
      log.warn('store_settings_default', {
        store: ledger.store,
        hint: 'Set KIOSK_STORE_COUNTRY, KIOSK_STORE_CURRENCY and KIOSK_STORE_TIMEZONE, or pair the kiosk.',
      });
    }
    writeSettings(settingsFile, storeSource);

    outbox = createOutbox(db);
    const started = Date.now();
    const problems = findLedgerProblems(db);
    health = { healthy: problems.length === 0, problems, checkedAt: clock().toISOString() };
    log[problems.length === 0 ? 'info' : 'error']('ledger_checked', {
      path: ledgerPath,
      problems,
      ms: Date.now() - started,
    });
    dayClosed = db.prepare(
      "SELECT 1 FROM ledger_events WHERE type = 'day.closed' AND business_day = ? LIMIT 1",
    );
  } catch (error) {
    closeAll();
    throw error;
  }

  const activity = createActivityTracker();
  const today = () => businessDayOf(clock(), ledger.store.timeZone);
  const isDayClosed = (businessDay: string) => dayClosed.get(businessDay) !== undefined;

  function applyPairing(next: Pairing): void {
    savePairing(dataDir, next, secrets);
    pairing = next;
    pairingError = null;
    const store = {
      country: next.store.country,
      currency: next.store.currency,
      timeZone: next.store.timeZone,
    };
    if (!sameStore(store, ledger.store)) ledger.setStore(store);
    storeSource = 'server';
    writeSettings(settingsFile, storeSource);
    log.info('kiosk_paired', {
      serverUrl: next.serverUrl,
      storeId: next.storeId,
      storeName: next.store.name,
      deviceId: next.deviceId,
    });
  }

  async function pair(request: { serverUrl: string; enrollmentCode: string; deviceName: string }) {
    if (pairing) throw new ShellError('already_paired');
    try {
      const next = await registerDevice({
        ...request,
        deviceId: ledger.deviceId,
        clock,
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
      if (next.deviceId !== ledger.deviceId) {
        throw new ShellError(
          'pairing_failed',
          `The server gave this kiosk device id ${next.deviceId}, but its ledger is ${ledger.deviceId}.`,
        );
      }
      applyPairing(next);
      return next;
    } catch (error) {
      pairingError = error instanceof Error ? error.message : String(error);
      log.warn('pairing_failed', { serverUrl: request.serverUrl, error: pairingError });
      throw error;
    }
  }

  return {
    dataDir,
    db,
    ledger,
    outbox,
    activity,
    today,
    isDayClosed,
    pairing: () => pairing,
    pair,
    async pairFromConfig() {
      if (pairing || !config.serverUrl || !config.enrollmentCode) return;
      try {
        await pair({
          serverUrl: config.serverUrl,
          enrollmentCode: config.enrollmentCode,
          deviceName: config.deviceName ?? defaultDeviceName(),
        });
      } catch {
        // Logged and shown in the status; the kiosk works unpaired.
      }
    },
    updateStore(settings) {
      if (pairing) throw new ShellError('store_managed_by_server');
      const store = ledger.setStore(settings);
      storeSource = 'manager';
      writeSettings(settingsFile, storeSource);
      log.info('store_settings_applied', { to: store, source: storeSource });
      return store;
    },
    status() {
      const day = today();
      return {
        app: { version: appVersion, host },
        deviceId: ledger.deviceId,
        store: ledger.store,
        storeSource,
        program: ledger.program,
        businessDay: day,
        dayClosed: isDayClosed(day),
        ledger: { ...health, pendingEvents: outbox.pendingCount() },
        pairing: pairing
          ? {
              paired: true,
              serverUrl: pairing.serverUrl,
              storeId: pairing.storeId,
              storeName: pairing.store.name,
              pairedAt: pairing.pairedAt,
            }
          : { paired: false },
        pairingError,
        sync: {
          running: false,
          note: pairing
            ? 'Paired. The sync engine is not built yet: events wait in the outbox and nothing is sent.'
            : 'Not paired, and the sync engine is not built yet: events wait in the outbox.',
        },
      };
    },
    dispose: closeAll,
  };
}

function sameStore(a: StoreSettings, b: StoreSettings): boolean {
  return a.country === b.country && a.currency === b.currency && a.timeZone === b.timeZone;
}

function writeSettings(file: string, storeSource: StoreSource): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ storeSource })}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function defaultDeviceName(): string {
  return `till ${hostname()}`.slice(0, 64);
}
