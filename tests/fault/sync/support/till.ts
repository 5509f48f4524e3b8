import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../../../../src/main/db/connection';
import { createLedger, type Ledger } from '../../../../src/main/ledger/ledger';
import { createSyncEngine, type SyncEngine, type SyncOptions } from '../../../../src/main/sync/engine';
import { createFileSecretStore } from '../../../../src/main/sync/secrets';
import type { FetchLike } from '../../../../src/main/sync/transport';
import type { StoreSettings } from '../../../../src/shared/store';

export const US_STORE: StoreSettings = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };
export const CONSENT = { terms: true, termsVersion: '1', sms: false } as const;

/** Fast retries for tests: the backoff shape is unit-tested; here only recovery matters. */
export const FAST: Partial<SyncOptions> = {
  backoff: { baseMs: 20, capMs: 200 },
  idlePollMs: 20,
  pullEveryMs: 200,
  requestTimeoutMs: 5_000,
  watchdogMs: 1_000,
  stuckAfterMs: 20_000,
};

export interface TestTill {
  dir: string;
  path: string;
  db: Db;
  ledger: Ledger;
  engine: SyncEngine;
  /** Closes the database (the engine must be stopped) and opens everything again on the same file. */
  reopen(overrides?: TillOptions): Promise<TestTill>;
  close(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface TillOptions {
  dir?: string;
  fetch?: FetchLike;
  clock?: () => Date;
  options?: Partial<SyncOptions>;
  store?: StoreSettings;
}

/** A till: ledger on a real SQLite file, its sync engine, its token in a 0600 file. */
export function openTill(init: TillOptions = {}): TestTill {
  const dir = init.dir ?? mkdtempSync(join(tmpdir(), 'sync-till-'));
  const path = join(dir, 'ledger.db');
  const db = openDatabase(path);
  const clock = init.clock ?? (() => new Date());
  const ref: { engine?: SyncEngine } = {};
  const ledger = createLedger({
    db,
    clock,
    newId: uuidv7,
    initialStore: init.store ?? US_STORE,
    isOffline: () => ref.engine?.isOffline() ?? false,
  });
  const engine = createSyncEngine({
    db,
    ledger,
    fetch: init.fetch ?? (fetch as unknown as FetchLike),
    secrets: createFileSecretStore(join(dir, 'device-token')),
    clock,
    options: { ...FAST, ...init.options },
  });
  ref.engine = engine;
  const till: TestTill = {
    dir,
    path,
    db,
    ledger,
    engine,
    async reopen(overrides = {}) {
      await till.close();
      return openTill({ ...init, ...overrides, dir });
    },
    async close() {
      await engine.stop();
      if (db.open) db.close();
    },
    async cleanup() {
      await till.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return till;
}

/** A valid US number per index (415-555-xxxx). */
export function phone(index: number): string {
  return `+1415555${String(index % 10_000).padStart(4, '0')}`;
}

/** Till-side facts for end-state checks. */
export function tillEvents(
  db: Db,
): { seq: number; id: string; body: string; state: string | null; phone: string | null; delta: number }[] {
  return db
    .prepare(
      `SELECT e.seq, e.id, e.body, s.state, e.phone, e.points_delta AS delta
         FROM ledger_events e LEFT JOIN settled_events s ON s.seq = e.seq ORDER BY e.seq`,
    )
    .all() as {
    seq: number;
    id: string;
    body: string;
    state: string | null;
    phone: string | null;
    delta: number;
  }[];
}

export function confirmedBalances(db: Db): Map<string, number | null> {
  const rows = db.prepare('SELECT phone, confirmed_points AS c FROM balances').all() as {
    phone: string;
    c: number | null;
  }[];
  return new Map(rows.map((row) => [row.phone, row.c]));
}

/** Enrols a customer once, then checks in `count` sales of `firstAmount`, `firstAmount` + 1, … cents. */
export function sell(
  till: TestTill,
  customer: number,
  count: number,
  prefix: string,
  firstAmount = 250,
): void {
  if (till.db.prepare('SELECT 1 FROM customers WHERE phone = ?').get(phone(customer)) === undefined) {
    till.ledger.enroll(phone(customer), CONSENT);
  }
  for (let i = 0; i < count; i++) {
    till.ledger.checkIn(phone(customer), {
      receiptId: `${prefix}-${i}`,
      total: { amount: firstAmount + i, currency: 'USD' },
    });
  }
}
