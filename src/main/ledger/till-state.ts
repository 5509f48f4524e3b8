import type { Db } from '../db/connection';
import { parseInput } from './input';
import { canonicalJson } from '../../shared/events';
import { DEFAULT_PROGRAM, ProgramSchema, type Program } from '../../shared/program';
import { StoreSettingsSchema, type StoreSettings } from '../../shared/store';

/**
 * The till's own identity and settings (the `device` and `programs` tables): its device id, the
 * next event sequence number, its store's country, currency and time zone, and the program it
 * computes points with.
 */
export interface TillState {
  deviceId: string;
  store: StoreSettings;
  program: Program;
}

interface DeviceRow {
  device_id: string;
  country: string;
  currency: string;
  time_zone: string;
  program_version: number;
}

/** Creates the device row on first start (a new device id, the default program). */
export function initialiseTill(db: Db, store: StoreSettings, newDeviceId: () => string, now: Date): void {
  const settings = parseInput(StoreSettingsSchema, store, 'store');
  db.transaction(() => {
    const existing = db.prepare('SELECT 1 FROM device').get();
    if (existing) return;
    saveProgram(db, DEFAULT_PROGRAM, now);
    db.prepare(
      `INSERT INTO device (singleton, device_id, country, currency, time_zone, program_version, created_at)
       VALUES (1, ?, ?, ?, ?, ?, ?)`,
    ).run(
      newDeviceId(),
      settings.country,
      settings.currency,
      settings.timeZone,
      DEFAULT_PROGRAM.version,
      now.toISOString(),
    );
  }).immediate();
  keepTimeZone(db);
}

export function loadTillState(db: Db): TillState {
  const row = db
    .prepare('SELECT device_id, country, currency, time_zone, program_version FROM device')
    .get() as DeviceRow | undefined;
  if (!row) throw new Error('The till has not been initialised (no device row).');
  const programRow = db.prepare('SELECT body FROM programs WHERE version = ?').get(row.program_version) as
    { body: string } | undefined;
  if (!programRow) throw new Error(`Program version ${row.program_version} is missing from the ledger.`);
  return {
    deviceId: row.device_id,
    store: StoreSettingsSchema.parse({
      country: row.country,
      currency: row.currency,
      timeZone: row.time_zone,
    }),
    program: ProgramSchema.parse(JSON.parse(programRow.body)),
  };
}

/** Stores a program version (idempotent) without activating it. */
export function saveProgram(db: Db, program: Program, now: Date): void {
  db.prepare(
    'INSERT INTO programs (version, body, received_at) VALUES (?, ?, ?) ON CONFLICT (version) DO NOTHING',
  ).run(program.version, canonicalJson(ProgramSchema.parse(program)), now.toISOString());
}

/** Makes a program version the one new events are computed with. */
export function activateProgram(db: Db, program: Program, now: Date): void {
  db.transaction(() => {
    saveProgram(db, program, now);
    db.prepare('UPDATE device SET program_version = ?').run(program.version);
  }).immediate();
}

export function updateStoreSettings(db: Db, store: StoreSettings): void {
  const settings = parseInput(StoreSettingsSchema, store, 'store');
  db.transaction(() => {
    db.prepare('UPDATE device SET country = ?, currency = ?, time_zone = ?').run(
      settings.country,
      settings.currency,
      settings.timeZone,
    );
    keepTimeZone(db);
  }).immediate();
}

/**
 * Records the device's time zone in store_time_zones from the next event on, when it is not the
 * zone already recorded there (see migration 0007): the explanation of an earned event is
 * recomputed with the zone it was earned in. Two changes before the next event keep the last.
 */
function keepTimeZone(db: Db): void {
  db.prepare(
    `INSERT INTO store_time_zones (from_seq, time_zone)
     SELECT (SELECT coalesce(max(seq), 0) + 1 FROM ledger_events), d.time_zone FROM device d
      WHERE d.time_zone IS NOT (SELECT time_zone FROM store_time_zones ORDER BY from_seq DESC LIMIT 1)
     ON CONFLICT (from_seq) DO UPDATE SET time_zone = excluded.time_zone`,
  ).run();
}
