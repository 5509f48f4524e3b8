/**
 * Ledger benchmark: check-in latency and balance look-up latency on a ledger of 10 thousand and of
 * 1 million events, against the raw cost of one durable SQLite transaction on the same disk, in
 * the same run. Machines here are noisy, so the targets are ratios, not milliseconds.
 *
 *   npm run bench                  human-readable table
 *   npm run bench -- --json        one JSON object a line (metric, value, unit)
 *   npm run bench -- --dir /path   put the files on another disk (default: the OS temp folder)
 *   npm run bench -- --sizes 10000,100000   other ledger sizes (the first and last are compared)
 *
 * Targets: checkin_p50_ratio ≤ 2.0 (check-in p50 at the largest size ÷ raw transaction p50),
 * balance_flatness ≤ 1.5 (look-up p99 at the largest size ÷ at the smallest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../src/main/db/connection';
import { createLedger, type Ledger } from '../src/main/ledger/ledger';
import { normalizePhone } from '../src/shared/phone';
import type { StoreSettings } from '../src/shared/store';

const args = process.argv.slice(2);
const json = args.includes('--json');
const argValue = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const sizes = (argValue('--sizes') ?? '10000,1000000').split(',').map(Number);
const baseDir = mkdtempSync(join(argValue('--dir') ?? tmpdir(), 'kiosk-bench-'));

const STORE: StoreSettings = { country: 'US', currency: 'USD', timeZone: 'America/New_York' };
const CUSTOMERS = 20_000;
const CHECKINS_MEASURED = 2_000;
const LOOKUPS_MEASURED = 20_000;
const RAW_MEASURED = 2_000;

interface Metric {
  metric: string;
  value: number;
  unit: string;
}
const metrics: Metric[] = [];
const record = (metric: string, value: number, unit: string) => {
  metrics.push({ metric, value: Number(value.toPrecision(4)), unit });
  if (!json) console.error(`  ${metric.padEnd(28)} ${value.toPrecision(4).padStart(10)} ${unit}`);
};
const log = (message: string) => {
  if (!json) console.error(message);
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timeEach(count: number, fn: (i: number) => void): number[] {
  const samples: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000; // µs
  }
  return samples;
}

/** The floor: one single-row insert per durable transaction (WAL, synchronous=FULL). */
function rawTransactionSamples(label: string): number[] {
  const db = new Database(join(baseDir, `raw-${label}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const body = 'x'.repeat(300);
  const once = db.transaction(() => insert.run(body));
  timeEach(200, () => once.immediate()); // warm up
  const samples = timeEach(RAW_MEASURED, () => once.immediate());
  db.close();
  return samples;
}

/** Valid, distinct US numbers, as a customer would type them. */
function makePhones(count: number): string[] {
  const phones: string[] = [];
  for (let n = 0; phones.length < count; n++) {
    const typed = `(212) ${200 + Math.floor(n / 10_000)}-${String(n % 10_000).padStart(4, '0')}`;
    if (normalizePhone(typed, 'US').ok) phones.push(typed);
  }
  return phones;
}

/**
 * Fills a ledger to `events` events through its real write path (so indexes, bodies and read
 * models are what production makes), with fsync off and large batches only while seeding.
 */
function seed(
  ledger: Ledger,
  db: Database.Database,
  phones: string[],
  events: number,
  receiptPrefix: string,
) {
  db.pragma('synchronous = OFF');
  let written = db.prepare('SELECT count(*) FROM ledger_events').pluck().get() as number;
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const phone = phones[i % phones.length]!;
      if (i < phones.length) ledger.enroll(phone, { terms: true, termsVersion: '1', sms: i % 3 === 0 });
      else
        ledger.checkIn(phone, {
          receiptId: `${receiptPrefix}${i}`,
          total: { amount: 100 + (i % 9_000), currency: 'USD' },
        });
    }
  });
  const started = Date.now();
  while (written < events) {
    const to = Math.min(events, written + 20_000);
    batch(written, to);
    written = to;
    if (!json && written % 200_000 === 0)
      log(`    seeded ${written} events (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

function measureSize(events: number, allPhones: string[]) {
  // A bigger ledger has more customers too: one for every five events, up to CUSTOMERS.
  const phones = allPhones.slice(0, Math.min(allPhones.length, Math.floor(events / 5)));
  log(`\nLedger of ${events.toLocaleString('en')} events, ${phones.length.toLocaleString('en')} customers`);
  const db = openDatabase(join(baseDir, `ledger-${events}.db`));
  let now = Date.parse('2026-11-23T12:00:00Z');
  const ledger = createLedger({
    db,
    clock: () => new Date((now += 1000)),
    newId: uuidv7,
    initialStore: STORE,
  });
  seed(ledger, db, phones, events, 'seed-');
  if (db.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('the measured ledger must run synchronous=FULL');

  // Warm up the statement caches and the page cache the way a till that has been running would be.
  timeEach(200, (i) =>
    ledger.checkIn(phones[(i * 7919) % phones.length]!, {
      receiptId: `warm-${i}`,
      total: { amount: 1250, currency: 'USD' },
    }),
  );
  const checkIns = timeEach(CHECKINS_MEASURED, (i) =>
    ledger.checkIn(phones[(i * 104_729) % phones.length]!, {
      receiptId: `bench-${i}`,
      total: { amount: 1250 + i, currency: 'USD' },
    }),
  );
  timeEach(1000, (i) => ledger.balance(phones[(i * 31) % phones.length]!));
  const lookups = timeEach(LOOKUPS_MEASURED, (i) =>
    ledger.balance(phones[(i * 15_485_863) % phones.length]!),
  );
  db.close();
  return {
    checkinP50: percentile(checkIns, 50),
    checkinP99: percentile(checkIns, 99),
    lookupP50: percentile(lookups, 50),
    lookupP99: percentile(lookups, 99),
  };
}

try {
  log(`Ledger benchmark in ${baseDir} (Node ${process.version})`);
  log('\nRaw baseline: one single-row insert per durable transaction (WAL, synchronous=FULL)');
  const rawBefore = rawTransactionSamples('before');
  const phones = makePhones(CUSTOMERS);
  const results = sizes.map((size) => ({ size, ...measureSize(size, phones) }));
  const rawAfter = rawTransactionSamples('after');
  // The baseline is sampled before and after the ledger runs, so drift in the disk's speed during
  // the run is shared by both sides of the ratio.
  const raw = [...rawBefore, ...rawAfter];
  const rawP50 = percentile(raw, 50);

  log('\nResults');
  record('raw_tx_p50_us', rawP50, 'µs');
  record('raw_tx_p99_us', percentile(raw, 99), 'µs');
  for (const r of results) {
    const label = r.size >= 1_000_000 ? `${r.size / 1_000_000}m` : `${r.size / 1000}k`;
    record(`checkin_p50_us_${label}`, r.checkinP50, 'µs');
    record(`checkin_p99_us_${label}`, r.checkinP99, 'µs');
    record(`balance_p50_us_${label}`, r.lookupP50, 'µs');
    record(`balance_p99_us_${label}`, r.lookupP99, 'µs');
  }
  const smallest = results[0]!;
  const largest = results[results.length - 1]!;
  record('checkin_p50_ratio', largest.checkinP50 / rawP50, 'ratio (target ≤ 2.0)');
  record('balance_flatness', largest.lookupP99 / smallest.lookupP99, 'ratio (target ≤ 1.5)');
  if (json) for (const m of metrics) console.log(JSON.stringify(m));
} finally {
  rmSync(baseDir, { recursive: true, force: true });
}
