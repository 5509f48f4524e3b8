import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../src/main/db/connection';
import { createLedger, type Ledger } from '../src/main/ledger/ledger';
import { createOutbox } from '../src/main/outbox/outbox';
import { createSyncEngine } from '../src/main/sync/engine';
import { createFileSecretStore } from '../src/main/sync/secrets';
import type { FetchLike } from '../src/main/sync/transport';
import { CONSENT, phone, US_STORE } from '../tests/fault/sync/support/till';
import { startServer, type ServerProcess } from '../tests/fault/sync/support/server';

/**
 * `npx tsx bench/sync.bench.ts [--json] [--events 100000] [--rounds 20]`
 *
 * How fast a till drains a queued outbox into the real server, against how fast that server
 * ingests the same events when nothing but HTTP stands between them:
 *
 *   drain   a till with `events` queued events runs syncNow() until its outbox is empty (the real
 *           engine: read the outbox, build each body from the stored bytes, POST, parse and check
 *           the answer, settle every event and save balances in one SQLite transaction);
 *   ingest  a second till's identical events, read once from its outbox beforehand, POSTed back
 *           to back in 500-event batches by a bare loop that neither parses nor settles anything.
 *
 * sync_drain_ratio = drain events/s ÷ ingest events/s: 1.0 means the engine costs nothing over the
 * wire and the server. The phases alternate in `rounds` slices so both see a server database of
 * the same size. The server runs as its own process (PGlite in a temp folder, or DATABASE_URL),
 * loopback only, with its background rule recheck off (see main). `--json` prints one
 * {"metric":…,"value":…} line per figure.
 */

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    events: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '20' },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
if (
  !Number.isInteger(EVENTS) ||
  EVENTS < 1_000 ||
  EVENTS > 1_000_000 ||
  !Number.isInteger(ROUNDS) ||
  ROUNDS < 1
) {
  console.error('--events must be 1,000…1,000,000 and --rounds a positive integer');
  process.exit(2);
}
const say = (message: string) => (args.json ? console.error(message) : console.log(message));

interface Till {
  /** The next customer number this till enrols (tills use separate ranges). */
  nextCustomer: number;
  dir: string;
  db: Db;
  ledger: Ledger;
}

function openTill(firstCustomer: number): Till {
  const dir = mkdtempSync(join(tmpdir(), 'sync-bench-till-'));
  const db = openDatabase(join(dir, 'ledger.db'));
  const ledger = createLedger({ db, clock: () => new Date(), newId: uuidv7, initialStore: US_STORE });
  return { nextCustomer: firstCustomer, dir, db, ledger };
}

/** Queues `count` realistic events: an enrolment per customer, check-ins with receipts, a redemption per 50. */
function queue(till: Till, count: number, tag: string): void {
  const reward = till.ledger.program.rewards[0];
  let written = 0;
  const write = till.db.transaction(() => {
    for (let c = till.nextCustomer; written < count; c++, till.nextCustomer++) {
      const customer = phone(c);
      till.ledger.enroll(customer, CONSENT);
      written++;
      for (let i = 0; i < 48 && written < count; i++, written++) {
        till.ledger.checkIn(customer, {
          receiptId: `${tag}-${c}-${i}`,
          total: { amount: i === 0 ? 50_000 : 500 + i, currency: 'USD' },
        });
      }
      if (reward && written < count) {
        till.ledger.redeem(customer, reward.id);
        written++;
      }
    }
  });
  write();
}

async function registerTill(server: ServerProcess, storeId: string, till: Till, name: string) {
  const code = await server.admin.enrollmentCode(storeId);
  const reply = await fetch(`${server.url}/v1/devices/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ enrollmentCode: code, name, deviceId: till.ledger.deviceId }),
  });
  if (reply.status !== 201) throw new Error(`register: ${reply.status} ${await reply.text()}`);
  return (await reply.json()) as { token: string };
}

async function main(): Promise<void> {
  const server = await startServer({
    env: {
      ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      // The background rule recheck checks every stored event a moment later, on a 1-second timer:
      // it lands in whichever phase is running then, most often the longer drain, which then pays
      // for the server's work on the ingest till's events too. Both phases measure pushing only.
      RULE_RECHECK_INTERVAL_MS: '3600000',
    },
  });
  const tills: Till[] = [];
  try {
    say(
      `server: ${server.url} (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), ${EVENTS} events per phase`,
    );
    const { storeId } = await server.admin.createStore();

    // Ingest side: a till's events, read from its outbox, sent by a bare loop.
    const raw = openTill(0);
    tills.push(raw);
    const rawDevice = await registerTill(server, storeId, raw, 'ingest');
    queue(raw, EVENTS, 'raw');
    const bodies = createOutbox(raw.db)
      .pending(EVENTS)
      .map((event) => event.body);

    // Drain side: the real engine.
    const drain = openTill(5_000);
    tills.push(drain);
    const engine = createSyncEngine({
      db: drain.db,
      ledger: drain.ledger,
      fetch: fetch as unknown as FetchLike,
      secrets: createFileSecretStore(join(drain.dir, 'device-token')),
      options: { requestTimeoutMs: 120_000, backoff: { baseMs: 50, capMs: 500 } },
    });
    await engine.registerDevice(server.url, await server.admin.enrollmentCode(storeId), 'drain');
    await engine.syncNow(); // first pull and handshake, outside the measurement

    let drainMs = 0;
    let ingestMs = 0;
    let rawSent = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const slice = Math.floor(EVENTS / ROUNDS) + (round < EVENTS % ROUNDS ? 1 : 0);

      const rawSlice = bodies.slice(rawSent, rawSent + slice);
      const startedIngest = performance.now();
      for (let i = 0; i < rawSlice.length; i += 500) {
        const batch = rawSlice.slice(i, i + 500);
        const reply = await fetch(`${server.url}/v1/sync/push`, {
          method: 'POST',
          headers: { authorization: `Bearer ${rawDevice.token}`, 'content-type': 'application/json' },
          body: `{"deviceId":"${raw.ledger.deviceId}","events":[${batch.join(',')}],"sentAt":"${new Date().toISOString()}","storeId":"${storeId}"}`,
        });
        if (reply.status !== 200) throw new Error(`ingest push: ${reply.status} ${await reply.text()}`);
        await reply.arrayBuffer();
      }
      ingestMs += performance.now() - startedIngest;
      rawSent += rawSlice.length;

      queue(drain, slice, `drain${round}`);
      const startedDrain = performance.now();
      const status = await engine.syncNow();
      drainMs += performance.now() - startedDrain;
      if (status.pendingEvents !== 0 || status.lastError) {
        throw new Error(`drain did not finish: ${status.pendingEvents} pending, ${status.lastError}`);
      }
      say(`round ${round + 1}/${ROUNDS}: ${slice} events each`);
    }
    await engine.stop();

    const devices = await server.admin.devices(storeId);
    const stored = devices.map((d) => d.lastSeq).reduce((a, b) => a + b, 0);
    if (stored !== 2 * EVENTS) throw new Error(`the server has ${stored} events, expected ${2 * EVENTS}`);

    const drainRate = EVENTS / (drainMs / 1000);
    const ingestRate = EVENTS / (ingestMs / 1000);
    const results = {
      sync_drain_events_per_s: Math.round(drainRate),
      sync_ingest_events_per_s: Math.round(ingestRate),
      sync_drain_ratio: Math.round((drainRate / ingestRate) * 1000) / 1000,
    };
    if (args.json) {
      for (const [metric, value] of Object.entries(results)) console.log(JSON.stringify({ metric, value }));
    } else {
      say(`drain:  ${results.sync_drain_events_per_s} events/s (till engine, ${EVENTS} events)`);
      say(`ingest: ${results.sync_ingest_events_per_s} events/s (bare HTTP loop, same events)`);
      say(`sync_drain_ratio = ${results.sync_drain_ratio}`);
    }
  } finally {
    for (const till of tills) {
      till.db.close();
      rmSync(till.dir, { recursive: true, force: true });
    }
    await server.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
