import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/db/connection';
import { migrate, schemaVersion } from '../../../src/main/db/migrate';
import { LATEST_SCHEMA_VERSION, migrations } from '../../../src/main/db/migrations';
import { createLedger } from '../../../src/main/ledger/ledger';
import { findLedgerProblems } from '../../../src/main/ledger/integrity';
import { KioskError } from '../../../src/shared/errors';
import { DEFAULT_PROGRAM } from '../../../src/shared/program';
import { CONSENT, manualClock, US_STORE } from '../../helpers/ledger';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-migrate-'));
  path = join(dir, 'ledger.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function strictTables(db: Database.Database): string[] {
  return (
    db
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as {
      name: string;
      sql: string;
    }[]
  )
    .filter((table) => !/\)\s*STRICT(\s*,\s*WITHOUT ROWID)?\s*$/i.test(table.sql))
    .map((table) => table.name);
}

describe('migrations', () => {
  it('are numbered 1…n with no gap, so user_version names exactly one schema', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_m, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(migrations.length);
  });

  it('build the latest schema from an empty file, with STRICT tables only', () => {
    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(strictTables(db)).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('upgrade a ledger from every earlier schema version, keeping its data', () => {
    for (let from = 1; from < LATEST_SCHEMA_VERSION; from++) {
      const file = join(dir, `from-${from}.db`);
      const old = openDatabase(file, { schemaVersion: from });
      expect(schemaVersion(old)).toBe(from);
      old.close();
      const db = openDatabase(file);
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      db.close();
    }
    // The ledger written at the latest version must survive a reopen (a no-op migration).
    const db = openDatabase(path);
    const ledger = createLedger({ db, clock: manualClock(), newId: uuidv7, initialStore: US_STORE });
    ledger.enroll('415 555 0101', CONSENT);
    ledger.checkIn('415 555 0101', { receiptId: 'R-1', total: { amount: 1234, currency: 'USD' } });
    db.close();
    const reopened = openDatabase(path);
    expect(findLedgerProblems(reopened)).toEqual([]);
    expect(reopened.prepare('SELECT count(*) FROM ledger_events').pluck().get()).toBe(2);
    reopened.close();
  });

  it('upgrade a version-1 ledger with a checked-in receipt so it can still be refunded exactly', () => {
    const v1 = openDatabase(path, { schemaVersion: 1 });
    expect(schemaVersion(v1)).toBe(1);
    // What a version-1 till wrote for "enrol, then check in receipt R-1 for $125.50 (125 points)".
    const deviceId = uuidv7();
    const phone = '+14155550101';
    const envelope = (seq: number) => ({
      id: uuidv7(),
      deviceId,
      seq,
      occurredAt: '2026-11-20T15:00:00.000Z',
      businessDay: '2026-11-20',
      ruleVersion: 0,
      phone,
    });
    const enrolled = {
      ...envelope(1),
      type: 'customer.enrolled',
      payload: { consent: { terms: true, termsVersion: '1', sms: false }, firstName: null },
    };
    const earned = {
      ...envelope(2),
      type: 'points.earned',
      payload: { receiptId: 'R-1', total: { amount: 12_550, currency: 'USD' }, points: 125 },
    };
    v1.prepare(
      `INSERT INTO device (singleton, device_id, country, currency, time_zone, program_version, created_at)
       VALUES (1, ?, 'US', 'USD', 'America/New_York', 0, '2026-11-20T14:00:00.000Z')`,
    ).run(deviceId);
    v1.prepare(
      "INSERT INTO programs (version, body, received_at) VALUES (0, ?, '2026-11-20T14:00:00.000Z')",
    ).run(JSON.stringify(DEFAULT_PROGRAM));
    const insertEvent = v1.prepare(
      `INSERT INTO ledger_events (seq, id, type, phone, points_delta, business_day, occurred_at, rule_version, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    );
    for (const [event, delta] of [
      [enrolled, 0],
      [earned, 125],
    ] as const) {
      insertEvent.run(
        event.seq,
        event.id,
        event.type,
        phone,
        delta,
        event.businessDay,
        event.occurredAt,
        JSON.stringify(event),
      );
      v1.prepare('INSERT INTO outbox (seq) VALUES (?)').run(event.seq);
    }
    v1.prepare(
      "INSERT INTO customers (phone, first_name, enrolled_at, terms_version, sms_consent) VALUES (?, NULL, '2026-11-20T15:00:00.000Z', '1', 0)",
    ).run(phone);
    v1.prepare('INSERT INTO balances (phone, local_points, unsynced_points) VALUES (?, 125, 125)').run(phone);
    v1.prepare(
      `INSERT INTO receipts (receipt_id, phone, total_amount, currency, points_earned, earned_event_id, checked_in_at)
       VALUES ('R-1', ?, 12550, 'USD', 125, ?, '2026-11-20T15:00:00.000Z')`,
    ).run(phone, earned.id);
    expect(findLedgerProblems(v1)).toEqual([]);
    v1.close();

    const db = openDatabase(path);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    const ledger = createLedger({ db, clock: manualClock(), newId: uuidv7, initialStore: US_STORE });
    expect(ledger.deviceId).toBe(deviceId);
    expect(ledger.refund('R-1', { amount: 5000, currency: 'USD' }).pointsReversed).toBe(49);
    expect(ledger.refund('R-1').pointsReversed).toBe(76);
    expect(ledger.balance('415 555 0101').provisional).toBe(0);
    expect(ledger.history('415 555 0101').map((event) => event.type)).toEqual([
      'points.reversed',
      'points.reversed',
      'points.earned',
      'customer.enrolled',
    ]);
    expect(findLedgerProblems(db)).toEqual([]);
    db.close();
  });

  it('apply all pending versions in one transaction: a failing one leaves the file as it was', () => {
    const db = openDatabase(path, { migrate: false });
    const broken = [
      ...migrations,
      {
        version: LATEST_SCHEMA_VERSION + 1,
        description: 'good',
        sql: 'CREATE TABLE extra (x INTEGER) STRICT;',
      },
      {
        version: LATEST_SCHEMA_VERSION + 2,
        description: 'bad',
        sql: 'CREATE TABLE device (x INTEGER) STRICT;',
      },
    ];
    expect(() => migrate(db, LATEST_SCHEMA_VERSION + 2, broken)).toThrow(/already exists/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuse a database made by a newer kiosk, and leave it untouched', () => {
    const newer = new Database(path);
    newer.exec('CREATE TABLE future (x INTEGER) STRICT');
    newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    newer.close();
    let error: unknown;
    try {
      openDatabase(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('newer_database');
    expect((error as KioskError).message).toMatch(/Update the kiosk software/);
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all()).toEqual([
      'future',
    ]);
    check.close();
  });
});
