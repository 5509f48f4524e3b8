/**
 * Ledger benchmark: check-in latency and balance look-up latency on a ledger of 10 thousand and of
 * 1 million events, against the raw cost of one durable SQLite transaction on the same disk, in
 * the same run. These machines are noisy, so the targets are ratios, and the things compared are
 * measured interleaved (one raw transaction, one check-in on each ledger, and again), so a noisy
 * neighbour or a slow second of the disk weighs on both sides of each ratio alike.
 *
 *   npm run bench                  human-readable table
 *   npm run bench -- --json        one JSON object a line: {"metric","value","unit"}
 *   npm run bench -- --dir /path   put the files on another disk (default: the OS temp folder)
 *   npm run bench -- --sizes 10000,100000   other ledger sizes (the first and last are compared)
 *
 * Targets: checkin_p50_ratio ≤ 2.0 (check-in p50 on the largest ledger ÷ raw transaction p50),
 * balance_flatness ≤ 1.5 (look-up p99 on the largest ledger ÷ on the smallest).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../src/main/db/connection';
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
const MAX_CUSTOMERS = 20_000;
const CHECKIN_ROUNDS = 2_000;
const LOOKUP_ROUNDS = 20_000;

const log = (message: string) => {
  if (!json) console.error(message);
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Microseconds one call takes. */
function timed(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

/** The floor: one single-row insert per durable transaction (WAL, synchronous=FULL), same disk. */
function openRawBaseline(): { run: () => void; close: () => void } {
  const db = new Database(join(baseDir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const body = 'x'.repeat(300);
  const once = db.transaction(() => insert.run(body));
  return { run: () => once.immediate(), close: () => db.close() };
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

interface SizedLedger {
  size: number;
  db: Db;
  ledger: Ledger;
  phones: string[];
}

/**
 * A ledger filled to `size` events through its real write path (so indexes, bodies and read models
 * are what production makes), with fsync off and large batches only while seeding. A bigger
 * ledger has more customers too: one for every five events, up to MAX_CUSTOMERS.
 */
function seededLedger(size: number, allPhones: string[]): SizedLedger {
  const phones = allPhones.slice(0, Math.min(allPhones.length, Math.floor(size / 5)));
  log(
    `Seeding a ledger of ${size.toLocaleString('en')} events and ${phones.length.toLocaleString('en')} customers`,
  );
  const db = openDatabase(join(baseDir, `ledger-${size}.db`));
  let now = Date.parse('2026-11-23T12:00:00Z');
  const ledger = createLedger({
    db,
    clock: () => new Date((now += 1000)),
    newId: uuidv7,
    initialStore: STORE,
  });
  db.pragma('synchronous = OFF');
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const phone = phones[i % phones.length]!;
      if (i < phones.length) ledger.enroll(phone, { terms: true, termsVersion: '1', sms: i % 3 === 0 });
      else
        ledger.checkIn(phone, {
          receiptId: `seed-${i}`,
          total: { amount: 100 + (i % 9_000), currency: 'USD' },
        });
    }
  });
  const started = Date.now();
  for (let written = 0; written < size;) {
    const to = Math.min(size, written + 20_000);
    batch(written, to);
    written = to;
    if (written % 200_000 === 0) log(`  ${written} events (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(TRUNCATE)');
  if (db.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('the measured ledger must run synchronous=FULL');
  return { size, db, ledger, phones };
}

const checkInOn = (target: SizedLedger, i: number, prefix: string) =>
  target.ledger.checkIn(target.phones[(i * 104_729) % target.phones.length]!, {
    receiptId: `${prefix}-${i}`,
    total: { amount: 1250 + (i % 5000), currency: 'USD' },
  });
const lookupOn = (target: SizedLedger, i: number) =>
  target.ledger.balance(target.phones[(i * 15_485_863) % target.phones.length]!);

const metrics: { metric: string; value: number; unit: string }[] = [];
function record(metric: string, value: number, unit: string) {
  metrics.push({ metric, value: Number(value.toPrecision(4)), unit });
  log(`  ${metric.padEnd(28)} ${value.toPrecision(4).padStart(10)} ${unit}`);
}
const label = (size: number) => (size >= 1_000_000 ? `${size / 1_000_000}m` : `${size / 1000}k`);

const opened: SizedLedger[] = [];
const raw = openRawBaseline();
try {
  log(`Ledger benchmark in ${baseDir} (Node ${process.version}, sizes ${sizes.join(', ')})`);
  const allPhones = makePhones(MAX_CUSTOMERS);
  for (const size of sizes) opened.push(seededLedger(size, allPhones));

  log('Warming up');
  for (let i = 0; i < 300; i++) {
    raw.run();
    for (const target of opened) {
      checkInOn(target, i, 'warm');
      lookupOn(target, i);
    }
  }

  log(`Measuring ${CHECKIN_ROUNDS} rounds of: one raw transaction, one check-in on each ledger`);
  const rawSamples: number[] = [];
  const checkInSamples = opened.map(() => [] as number[]);
  for (let i = 0; i < CHECKIN_ROUNDS; i++) {
    rawSamples.push(timed(raw.run));
    opened.forEach((target, k) => checkInSamples[k]!.push(timed(() => checkInOn(target, i, 'bench'))));
  }

  log(`Measuring ${LOOKUP_ROUNDS} rounds of: one balance look-up on each ledger`);
  const lookupSamples = opened.map(() => [] as number[]);
  for (let i = 0; i < LOOKUP_ROUNDS; i++) {
    opened.forEach((target, k) => lookupSamples[k]!.push(timed(() => lookupOn(target, i))));
  }

  log('\nResults (µs)');
  const rawP50 = percentile(rawSamples, 50);
  record('raw_tx_p50_us', rawP50, 'µs');
  record('raw_tx_p99_us', percentile(rawSamples, 99), 'µs');
  opened.forEach((target, k) => {
    record(`checkin_p50_us_${label(target.size)}`, percentile(checkInSamples[k]!, 50), 'µs');
    record(`checkin_p99_us_${label(target.size)}`, percentile(checkInSamples[k]!, 99), 'µs');
    record(`balance_p50_us_${label(target.size)}`, percentile(lookupSamples[k]!, 50), 'µs');
    record(`balance_p99_us_${label(target.size)}`, percentile(lookupSamples[k]!, 99), 'µs');
  });
  const last = opened.length - 1;
  record('checkin_p50_ratio', percentile(checkInSamples[last]!, 50) / rawP50, 'ratio (target ≤ 2.0)');
  record(
    'balance_flatness',
    percentile(lookupSamples[last]!, 99) / percentile(lookupSamples[0]!, 99),
    'ratio (target ≤ 1.5)',
  );
  if (json) for (const m of metrics) console.log(JSON.stringify(m));
} finally {
  raw.close();
  for (const target of opened) target.db.close();
  rmSync(baseDir, { recursive: true, force: true });
}
