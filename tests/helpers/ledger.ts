import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../../src/main/db/connection';
import { createLedger, type Ledger } from '../../src/main/ledger/ledger';
import type { StoreSettings } from '../../src/shared/store';

export const US_STORE: StoreSettings = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };
export const CONSENT = { terms: true, termsVersion: '1', sms: false } as const;

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-23T15:00:00.000Z') {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.advance = (ms: number) => {
    now += ms;
  };
  clock.set = (iso: string) => {
    now = new Date(iso).getTime();
  };
  return clock;
}

export interface TestLedger {
  db: Db;
  ledger: Ledger;
  path: string;
  clock: ReturnType<typeof manualClock>;
  reopen(): TestLedger;
  cleanup(): void;
}

/** A ledger on a real SQLite file in a fresh temp folder (WAL needs a real file). */
export function tempLedger(store: StoreSettings = US_STORE): TestLedger {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-ledger-'));
  const path = join(dir, 'ledger.db');
  const clock = manualClock();
  const open = (): TestLedger => {
    const db = openDatabase(path);
    const ledger = createLedger({ db, clock, newId: uuidv7, initialStore: store });
    return {
      db,
      ledger,
      path,
      clock,
      reopen() {
        db.close();
        return open();
      },
      cleanup() {
        if (db.open) db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
  return open();
}

/** Row counts of every table, to prove that a refused call wrote nothing. */
export function tableCounts(db: Db): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const table of tables)
    counts[table] = db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;
  return counts;
}

/** A full dump of the ledger's state (for "nothing changed" checks stronger than counts). */
export function snapshot(db: Db): string {
  const dump = (sql: string) => JSON.stringify(db.prepare(sql).all());
  return [
    dump('SELECT * FROM device'),
    dump('SELECT * FROM ledger_events ORDER BY seq'),
    dump('SELECT * FROM outbox ORDER BY seq'),
    dump('SELECT * FROM balances ORDER BY phone'),
    dump('SELECT * FROM customers ORDER BY phone'),
    dump('SELECT * FROM receipts ORDER BY receipt_id'),
  ].join('\n');
}
