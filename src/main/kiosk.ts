import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { openDatabase, type Db } from './db/connection';
import { createDisplaySettingsStore, type DisplaySettingsStore } from './display-settings';
import { findLedgerProblems } from './ledger/integrity';
import { createLedger, type Ledger } from './ledger/ledger';
import type { Log } from './logging';
import { createOutbox, type Outbox } from './outbox/outbox';
import { loadPairing, pairingFile } from './pairing';
import {
  createPosService,
  createSalesStore,
  posToken,
  readPosConfig,
  startPosApi,
  type PosApi,
  type PosConfig,
  type PosService,
} from './pos';
import { dayCsvFileName, dayReportCsv } from './reports/day-csv';
import { createActivityTracker, type ActivityTracker } from './shell/activity';
import type { KioskConfig } from './shell/config';
import {
  createFileSecretStore,
  createSealedSecretStore,
  createSyncEngine,
  SyncFailure,
  type CustomerLookup,
  type FetchLike,
  type Sealer,
  type SyncEngine,
  type SyncOptions,
  type ServerFlagsView,
  type SyncStatus,
  type ZReport,
} from './sync';
import { createStaffService, type StaffService } from './staff';
import { isKioskError, KioskError } from '../shared/errors';
import type { ExplanationLine } from '../shared/events';
import type { PendingSale } from '../shared/pos';
import { ShellError, type DisplaySettings, type KioskStatus, type SyncStatusView } from '../shared/ipc';
import { maskPhone } from '../shared/phone';
import type { StoreSettings } from '../shared/store';
import { businessDayOf } from '../shared/time';

/**
 * The composition root of the till's services, shared by the Electron shell and the browser host:
 * opens the ledger in a data folder with the right store settings, checks its integrity, starts
 * the sync engine (src/main/sync), and hands back the services and a dispose(). It never imports
 * electron.
 *
 * Pairing goes through the sync engine only: it keeps the server and store in the ledger's
 * database and the device token in one secret store (`device-token` in the data folder, sealed
 * with the OS keyring in Electron when one exists, a 0600 file otherwise). A `pairing.json` left
 * by a kiosk paired before the engine existed is handed to the engine once and then deleted.
 * Every ledger write nudges the engine, so a check-in leaves for the server at once.
 */

export type StoreSource = KioskStatus['storeSource'];
export type PairingView = KioskStatus['pairing'];

/** Store settings of a kiosk nobody has configured yet; the status says so, for the manager. */
export const FALLBACK_STORE: StoreSettings = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };

/** Where the device token lives, in the data folder (its only copy). */
export const DEVICE_TOKEN_FILE = 'device-token';

export interface OpenKioskOptions {
  dataDir: string;
  config: Partial<Pick<KioskConfig, 'store' | 'serverUrl' | 'enrollmentCode' | 'deviceName'>>;
  host: 'electron' | 'browser';
  appVersion: string;
  log: Log;
  clock?: () => Date;
  fetch?: typeof fetch;
  /** Seals the device token with the OS keyring (Electron's safeStorage); a 0600 file without it. */
  sealer?: Sealer;
  /** The sync engine's timings (tests). */
  syncOptions?: Partial<SyncOptions>;
  /** The POS link (src/main/pos): from KIOSK_POS_* by default; false leaves it off. */
  pos?: PosConfig | false;
}

export interface Kiosk {
  readonly dataDir: string;
  readonly db: Db;
  /** The ledger; each write nudges the sync engine. */
  readonly ledger: Ledger;
  readonly outbox: Outbox;
  readonly activity: ActivityTracker;
  /** The till's sync engine (started by openKiosk, stopped by dispose). */
  readonly sync: SyncEngine;
  /** The status the manager screen and `kiosk:status` show. */
  status(): KioskStatus;
  /** The sync engine's status for the screens, in plain words. */
  syncStatus(): SyncStatusView;
  /** Today's business day in the store's time zone. */
  today(): string;
  isDayClosed(businessDay: string): boolean;
  /** The manager's store settings; refused once paired (the server's settings win). */
  updateStore(settings: StoreSettings): StoreSettings;
  /** Pairs with a server using a single-use enrolment code (the sync engine registers the till). */
  pair(request: { serverUrl: string; enrollmentCode: string; deviceName: string }): Promise<PairingView>;
  /** Pairs with KIOSK_SERVER_URL and KIOSK_ENROLLMENT_CODE when given and not yet paired; never throws. */
  pairFromConfig(): Promise<void>;
  /** The manager's "Sync now": pushes and pulls, then the status. */
  syncNow(): Promise<SyncStatusView>;
  /** Closes a business day through the sync engine: the Z-report, offline too. */
  closeDay(businessDay: string): Promise<ZReport>;
  /** A customer's balance: the server's (under a second) when online, this till's otherwise. */
  lookupCustomer(phone: string): Promise<CustomerLookup>;
  /** The POS link: its service, and its HTTP API once listening (null when off or it failed). */
  readonly pos: { readonly service: PosService; readonly api: Promise<PosApi | null> };
  /** The sale the POS posted that awaits a check-in, and what it would earn; null when none. */
  pendingSale(): PendingSale | null;
  /** Staff, their PINs and the one staff session of this kiosk (the dispatcher checks every call against it). */
  readonly staff: StaffService;
  /** The day's totals with its check-ins by hour of the store's day. */
  dayReport(businessDay: string): DayReport;
  /** The day's report as CSV, also saved (0600) as exports/z-report-<day>.csv in the data folder. */
  exportDayCsv(businessDay: string): { fileName: string; csv: string; savedTo: string | null };
  /** The open business day's check-ins, newest first, phones masked. */
  todaysCheckIns(): {
    businessDay: string;
    checkIns: {
      eventId: string;
      occurredAt: string;
      maskedPhone: string;
      points: number;
      receiptId: string | null;
      /** Why it earned that (absent for check-ins written before the explanation was kept). */
      explanation?: ExplanationLine[];
    }[];
  };
  /** The store's open flags from the server, or why they cannot be shown. */
  serverFlags(): Promise<ServerFlagsView>;
  /** The manager's display settings (the defaults until saved). */
  updateDisplay(settings: DisplaySettings): DisplaySettings;
  /** The POS link's whole token, for the manager to give the POS vendor; null when the link is off. */
  posToken(): Promise<{ token: string | null }>;
  /** Stops the POS API and the sync engine (waits for a request in flight to end), then closes the database. */
  dispose(): Promise<void>;
}

const SettingsFileSchema = z.strictObject({
  storeSource: z.enum(['server', 'manager', 'environment', 'default']),
  /** The server's name of the store, for the status (the sync state keeps its id only). */
  storeName: z.string().optional(),
});
type SettingsFile = z.infer<typeof SettingsFileSchema>;

/** The ledger's methods that write an event: each nudges the sync engine once it returns. */
const LEDGER_WRITES = new Set<PropertyKey>([
  'enroll',
  'changeConsent',
  'checkIn',
  'redeem',
  'refund',
  'adjust',
  'closeDay',
]);

export interface DayReport {
  totals: ReturnType<Ledger['dayTotals']>;
  hourlyCheckIns: number[];
}

/** Where exported reports go, in the data folder. */
export const EXPORTS_DIR = 'exports';

export function openKiosk({
  dataDir,
  config,
  host,
  appVersion,
  log,
  clock = () => new Date(),
  fetch: fetchImpl = fetch,
  sealer,
  syncOptions,
  pos: posOption,
}: OpenKioskOptions): Kiosk {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settingsFile = join(dataDir, 'kiosk-settings.json');
  const saved = existsSync(settingsFile)
    ? SettingsFileSchema.parse(JSON.parse(readFileSync(settingsFile, 'utf8')))
    : null;
  let storeName = saved?.storeName ?? null;

  const ledgerPath = join(dataDir, 'ledger.db');
  const ref: { engine?: SyncEngine; sales?: ReturnType<typeof createSalesStore> } = {};
  const db = openDatabase(ledgerPath);
  const closeAll = () => {
    if (db.open) db.close();
  };

  let storeSource: StoreSource;
  let pairingError: string | null = null;
  let health: Omit<KioskStatus['ledger'], 'pendingEvents'>;
  let ledger: Ledger;
  let outbox: Outbox;
  let engine: SyncEngine;
  let dayClosed: ReturnType<Db['prepare']>;
  let staff: StaffService;
  let display: DisplaySettingsStore;
  try {
    const rawLedger = createLedger({
      db,
      clock,
      newId: uuidv7,
      initialStore: config.store ?? FALLBACK_STORE,
      isOffline: () => ref.engine?.isOffline() ?? false,
    });
    ledger = new Proxy(rawLedger, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if (!LEDGER_WRITES.has(key) || typeof value !== 'function') return value;
        if (key === 'checkIn') {
          return (phone: unknown, sale?: unknown) => {
            const result = rawLedger.checkIn(phone, posSaleForCheckIn(ref.sales, sale));
            if (result.status === 'checked_in' && result.receiptId)
              ref.sales?.markCheckedIn(result.receiptId);
            ref.engine?.nudge();
            return result;
          };
        }
        return (...args: unknown[]) => {
          const result: unknown = value.apply(target, args);
          ref.engine?.nudge();
          return result;
        };
      },
    });
    const secrets = sealer
      ? createSealedSecretStore(join(dataDir, DEVICE_TOKEN_FILE), sealer)
      : createFileSecretStore(join(dataDir, DEVICE_TOKEN_FILE));
    engine = ref.engine = createSyncEngine({
      db,
      ledger,
      clock,
      log,
      fetch: fetchImpl as unknown as FetchLike,
      secrets,
      ...(syncOptions ? { options: syncOptions } : {}),
    });
    storeName = adoptOldPairing(dataDir, engine, sealer, log) ?? storeName;
    const paired = engine.status().paired;

    // Precedence: the server's settings once paired, then the manager's, then the install's.
    storeSource = paired
      ? 'server'
      : saved?.storeSource === 'manager'
        ? 'manager'
        : config.store
          ? 'environment'
          : saved?.storeSource === 'server'
            ? 'default'
            : (saved?.storeSource ?? 'default');
    const wanted = storeSource === 'environment' ? config.store : undefined;
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
    writeSettings(settingsFile, { storeSource, ...(storeName ? { storeName } : {}) });

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
    const tillLedger = ledger;
    staff = createStaffService({ db, clock, newId: uuidv7, timeZone: () => tillLedger.store.timeZone });
    display = createDisplaySettingsStore(dataDir, log);
  } catch (error) {
    closeAll();
    throw error;
  }

  // The POS link: sales posted by the till's POS wait in SQLite for their customer.
  let posConfig: PosConfig | false;
  let posError: string | null = null;
  try {
    posConfig = posOption ?? readPosConfig(process.env);
  } catch (error) {
    posConfig = false;
    posError = (error as Error).message;
    log.error('pos_config_invalid', { error: posError });
  }
  let posService: PosService;
  try {
    const sales = (ref.sales = createSalesStore({
      db,
      clock,
      ttlSeconds: posConfig ? posConfig.saleTtlSeconds : 300,
    }));
    posService = createPosService({ db, ledger, sales, clock });
  } catch (error) {
    closeAll();
    throw error;
  }
  let posApi: PosApi | null = null;
  let posTokenInfo: { source: 'environment' | 'file'; file: string; hint: string } | null = null;
  let posWholeToken: string | null = null;
  const posReady: Promise<PosApi | null> =
    posConfig && posConfig.enabled
      ? (async (config: PosConfig) => {
          try {
            const { token, source, file } = posToken(dataDir, config.token);
            posTokenInfo = { source, file, hint: token.slice(-4) };
            posWholeToken = token;
            posApi = await startPosApi({
              service: posService,
              token,
              host: config.host,
              port: config.port,
              log,
              ...(config.rateLimit ? { rateLimit: config.rateLimit } : {}),
            });
            log.info('pos_api_listening', { url: posApi.url, bearerFrom: source });
            return posApi;
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            posError =
              code === 'EADDRINUSE'
                ? `Port ${config.port} on ${config.host} is in use: the POS cannot reach this kiosk. Set KIOSK_POS_PORT.`
                : `The POS API could not start: ${(error as Error).message}`;
            log.error('pos_api_failed', { error: posError });
            return null;
          }
        })(posConfig)
      : Promise.resolve(null);

  // The screen asks for the pending sale every second: that poll is not someone using the kiosk
  // (it would keep the updater from ever finding the kiosk idle). A sale awaiting its customer is.
  const tracker = createActivityTracker();
  const activity: ActivityTracker = {
    ...tracker,
    during: (kind, work) => (kind === 'sale:pending' ? work() : tracker.during(kind, work)),
    busy() {
      const answer = tracker.busy();
      if (answer.busy || !ref.sales?.pending()) return answer;
      return { busy: true, reason: 'a POS sale awaiting check-in' };
    },
  };
  const today = () => businessDayOf(clock(), ledger.store.timeZone);
  const isDayClosed = (businessDay: string) => dayClosed.get(businessDay) !== undefined;

  function pairingView(state: SyncStatus = engine.status()): PairingView {
    if (!state.paired || state.serverUrl === null || state.storeId === null) return { paired: false };
    const pairedAt = (db.prepare('SELECT paired_at FROM sync_state').pluck().get() as string | null) ?? '';
    return {
      paired: true,
      serverUrl: state.serverUrl,
      storeId: state.storeId,
      storeName: storeName ?? state.storeId,
      pairedAt,
    };
  }

  function paired(name: string): void {
    pairingError = null;
    storeName = name;
    storeSource = 'server';
    writeSettings(settingsFile, { storeSource, storeName });
    const state = engine.status();
    log.info('kiosk_paired', {
      serverUrl: state.serverUrl,
      storeId: state.storeId,
      storeName: name,
      deviceId: ledger.deviceId,
    });
  }

  async function pair(request: { serverUrl: string; enrollmentCode: string; deviceName: string }) {
    const before = engine.status();
    if (before.paired && before.pairingProblem === null) throw new ShellError('already_paired');
    try {
      const result = await engine.registerDevice(
        request.serverUrl,
        request.enrollmentCode,
        request.deviceName,
      );
      paired(result.storeName);
      return pairingView();
    } catch (error) {
      pairingError = error instanceof Error ? error.message : String(error);
      log.warn('pairing_failed', { serverUrl: request.serverUrl, error: pairingError });
      throw asShellError(error);
    }
  }

  function syncStatus(): SyncStatusView {
    const state = engine.status();
    return {
      running: state.running,
      syncing: state.syncing,
      online: state.online,
      pendingEvents: state.pendingEvents,
      lastPushAt: state.lastPushAt,
      lastPullAt: state.lastPullAt,
      lastSuccessAt: state.lastSuccessAt,
      lastError: state.lastError,
      lastErrorAt: state.lastErrorAt,
      clockSkewMs: state.clockSkewMs,
      clockSkewFlagged: state.clockSkewFlagged,
      pairingProblem: state.pairingProblem,
      nextAttemptAt: state.nextAttemptAt,
      unsyncedDayCloses: state.unsyncedDayCloses,
      note: syncNote(state),
    };
  }

  function dayReport(businessDay: string): DayReport {
    return { totals: ledger.dayTotals(businessDay), hourlyCheckIns: ledger.hourlyCheckIns(businessDay) };
  }

  function exportDayCsv(businessDay: string) {
    const report = dayReport(businessDay);
    const csv = dayReportCsv({ ...report, zReport: engine.dayReport(report.totals.businessDay) });
    const fileName = dayCsvFileName(report.totals.businessDay);
    let savedTo: string | null = null;
    try {
      const dir = join(dataDir, EXPORTS_DIR);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const target = join(dir, fileName);
      const temporary = `${target}.tmp`;
      writeFileSync(temporary, csv, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, target);
      savedTo = target;
      log.info('day_report_exported', { businessDay: report.totals.businessDay, file: target });
    } catch (error) {
      log.error('day_report_export_failed', { businessDay, error: (error as Error).message });
    }
    return { fileName, csv, savedTo };
  }

  engine.start();

  let disposed: Promise<void> | null = null;
  return {
    dataDir,
    db,
    ledger,
    outbox,
    activity,
    sync: engine,
    today,
    isDayClosed,
    pair,
    async pairFromConfig() {
      if (engine.status().paired || !config.serverUrl || !config.enrollmentCode) return;
      const env = { KIOSK_SERVER_URL: config.serverUrl, KIOSK_ENROLLMENT_CODE: config.enrollmentCode };
      const result = await engine.pairFromEnvironment(env, config.deviceName ?? defaultDeviceName());
      if (result.paired && result.storeName) paired(result.storeName);
      else if (!result.paired) {
        // Logged by the engine and shown in the status; the kiosk works unpaired.
        pairingError = result.message;
      }
    },
    async syncNow() {
      await engine.syncNow();
      return syncStatus();
    },
    async closeDay(businessDay) {
      const wasPaired = engine.status().paired;
      const report = await engine.closeDay(businessDay);
      if (wasPaired || report.synced) return report;
      return {
        ...report,
        message:
          'Day closed on this till only: the kiosk is not paired with a server, so nothing was sent or ' +
          'checked. Pair it and the close goes with the rest of the events.',
      };
    },
    lookupCustomer: (phone) => engine.lookupCustomer(phone),
    pos: { service: posService, api: posReady },
    staff,
    dayReport,
    exportDayCsv,
    todaysCheckIns() {
      const businessDay = ledger.openBusinessDay();
      const checkIns = ledger.checkInsOf(businessDay).map(({ phone, ...checkIn }) => ({
        ...checkIn,
        maskedPhone: maskPhone(phone),
      }));
      return { businessDay, checkIns };
    },
    serverFlags: () => engine.serverFlags(),
    updateDisplay: (settings) => display.update(settings),
    async posToken() {
      if (posConfig === false || !posConfig.enabled) return { token: null };
      await posReady;
      return { token: posWholeToken };
    },
    pendingSale: () => posService.pending(),
    updateStore(settings) {
      if (engine.status().paired) throw new ShellError('store_managed_by_server');
      const store = ledger.setStore(settings);
      storeSource = 'manager';
      writeSettings(settingsFile, { storeSource, ...(storeName ? { storeName } : {}) });
      log.info('store_settings_applied', { to: store, source: storeSource });
      return store;
    },
    syncStatus,
    status() {
      const day = today();
      const state = engine.status();
      return {
        app: { version: appVersion, host },
        deviceId: ledger.deviceId,
        store: ledger.store,
        storeSource: state.paired ? 'server' : storeSource,
        program: ledger.program,
        businessDay: day,
        dayClosed: isDayClosed(day),
        ledger: { ...health, pendingEvents: outbox.pendingCount() },
        pairing: pairingView(state),
        display: display.get(),
        pairingError,
        sync: syncStatus(),
        pos: {
          enabled: posConfig !== false && posConfig.enabled,
          url: posApi?.url ?? null,
          error: posError,
          tokenSource: posTokenInfo?.source ?? null,
          tokenFile: posTokenInfo?.source === 'file' ? posTokenInfo.file : null,
          tokenHint: posTokenInfo ? `…${posTokenInfo.hint}` : null,
        },
      };
    },
    dispose() {
      disposed ??= posReady
        .then((api) => api?.close())
        .then(() => engine.stop())
        .finally(closeAll);
      return disposed;
    },
  };
}

/**
 * A kiosk paired before the sync engine kept its pairing in pairing.json: hand it to the engine
 * once (server, store, token), then delete the file so the token has one home. Returns the store's
 * name from the file, or null. A file that cannot be read (a sealed token and no keyring) is left
 * alone and logged; the manager can pair again.
 */
function adoptOldPairing(dataDir: string, engine: SyncEngine, sealer: Sealer | undefined, log: Log) {
  const file = pairingFile(dataDir);
  if (!existsSync(file)) return null;
  try {
    const old = loadPairing(
      dataDir,
      sealer ? { open: (sealed) => sealer.decryptString(Buffer.from(sealed, 'base64')) } : undefined,
    );
    if (old && !engine.status().paired) {
      engine.adoptPairing(old);
      log.info('pairing_adopted', { serverUrl: old.serverUrl, storeId: old.storeId, from: file });
    }
    rmSync(file, { force: true });
    return old?.store.name ?? null;
  } catch (error) {
    log.error('pairing_file_unreadable', { file, error: (error as Error).message });
    return null;
  }
}

/** One sentence for the manager about where the till's events are. */
function syncNote(state: SyncStatus): string {
  const waiting = (n: number) => (n === 1 ? '1 event waits' : `${n} events wait`);
  if (!state.paired) {
    return state.pairingProblem
      ? `Not paired: ${state.pairingProblem}`
      : `Not paired with a server: ${waiting(state.pendingEvents)} on this till until it is paired.`;
  }
  if (state.pairingProblem) return `The server refused this till: ${state.pairingProblem} Pair it again.`;
  if (!state.running) return `Sync is stopped: ${waiting(state.pendingEvents)} on this till.`;
  if (!state.online && (state.lastError || state.consecutiveFailures > 0)) {
    return (
      `Offline: ${waiting(state.pendingEvents)} on this till and will be sent when the server can be reached` +
      (state.lastError ? ` (${state.lastError.replace(/\.$/, '')}).` : '.')
    );
  }
  if (state.pendingEvents > 0) return `Sending: ${waiting(state.pendingEvents)} for the server.`;
  if (state.lastSuccessAt) return `In sync with the server (last at ${state.lastSuccessAt}).`;
  return 'Paired; the first sync with the server is under way.';
}

/** The sale to check in: a sale the POS posted is taken as posted, and only while it awaits. */
function posSaleForCheckIn(sales: ReturnType<typeof createSalesStore> | undefined, sale: unknown): unknown {
  if (!sales || sale === null || typeof sale !== 'object' || !('receiptId' in sale)) return sale;
  const { receiptId } = sale;
  if (typeof receiptId !== 'string') return sale;
  const posted = sales.get(receiptId);
  if (!posted || posted.status === 'checked-in') return sale;
  if (posted.status !== 'awaiting-check-in') {
    throw new KioskError(
      'invalid_input',
      `This sale was ${posted.status}; ask the cashier to ring it up again.`,
      'sale',
    );
  }
  return posted.sale;
}

/** The sync engine's refusals, as the codes the kiosk's contract knows. */
function asShellError(error: unknown): unknown {
  if (error instanceof ShellError || isKioskError(error)) return error;
  if (error instanceof SyncFailure) {
    if (error.kind === 'refused' && /already paired/i.test(error.message)) {
      return new ShellError('already_paired', error.message);
    }
    if (error.kind === 'refused' || error.kind === 'auth') {
      return new ShellError('pairing_failed', error.message, 'enrollmentCode');
    }
    return new ShellError('server_unreachable', error.message);
  }
  return error;
}

function sameStore(a: StoreSettings, b: StoreSettings): boolean {
  return a.country === b.country && a.currency === b.currency && a.timeZone === b.timeZone;
}

function writeSettings(file: string, settings: SettingsFile): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function defaultDeviceName(): string {
  return `till ${hostname()}`.slice(0, 64);
}
