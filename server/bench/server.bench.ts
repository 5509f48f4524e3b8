import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { canonicalJson, pointsDelta, type LedgerEvent } from '../../src/shared/events';
import type { PushResponse, RegisterResponse } from '../../src/shared/sync';
import { type Config, ConfigError, loadConfig } from '../src/config';
import { THROWAWAY_MAX_CONNECTIONS, freePort, startThrowawayPostgres } from '../tests/support/postgres';
import { serverNodeFlags } from '../tests/support/server-command';

/**
 * `npm run bench:server [-- --json] [--tills 50] [--batches 6] [--processes <CPUs>] [--time-limit 180]`
 *
 * Loopback only, bounded in count and time. Starts PostgreSQL (DATABASE_URL, or a private
 * throwaway cluster with PostgreSQL's default durability), starts the server as its own process(es)
 * as `npm run server` would, enrols N tills (two per store), then runs --batches rounds, each one
 * push round (every till pushes its next 500-event batch, all tills at once) followed at once by
 * one raw round: the very same rows inserted with multi-row INSERT … ON CONFLICT DO NOTHING (500
 * rows a statement, one statement per till, all at once) into a table of the same definition as
 * the ledger, in the same database. Interleaving the two, as bench/ledger.bench.ts does, makes
 * both sides of server_ingest_ratio (HTTP push events/s ÷ raw insert rows/s, summed over the
 * rounds) see the same machine. Then push latency percentiles with the tills pushing on a schedule
 * at --paced-load (default 0.5) of the measured throughput (paced phase); latency of the
 * saturated push rounds is reported beside it.
 *
 * The server runs as one process per CPU by default, the tills spread over them in turn as a load
 * balancer would: the deployment docs/server.md describes. One Node process runs its JavaScript on
 * one core; alone, it made PostgreSQL wait at the start of every round while it parsed the 50
 * bodies. `--processes 1` measures a single process.
 */

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    tills: { type: 'string', default: '50' },
    batches: { type: 'string', default: '6' },
    'batch-size': { type: 'string', default: '500' },
    processes: { type: 'string', default: String(availableParallelism()) },
    'time-limit': { type: 'string', default: '240' },
    'paced-batches': { type: 'string', default: '3' },
    /**
     * Untimed full rounds before the timed ones (push and raw alike), with customers of their own:
     * the server's JIT has compiled its hot paths and PostgreSQL's caches hold the tables, as in a
     * server that has been up for more than a minute. 0 measures a cold start.
     */
    'warm-rounds': { type: 'string', default: '1' },
    'paced-load': { type: 'string', default: '0.5' },
    /** Write a V8 CPU profile of each server process into this folder (node --cpu-prof). */
    'cpu-prof': { type: 'string' },
    /**
     * Reach the throwaway PostgreSQL over loopback TCP instead of its Unix socket (both the server
     * and the raw baseline use the same transport; ignored with DATABASE_URL).
     */
    'pg-tcp': { type: 'boolean', default: false },
    /** Each server process's PG_POOL_SIZE (default: the server's own default, as `npm run server` runs). */
    'pg-pool': { type: 'string' },
    /**
     * With DATABASE_URL: keep the bench's database when done (its name goes to stderr), to study
     * the tables a run left, e.g. with EXPLAIN (ANALYZE, WAL) or pg_stat_statements.
     */
    'keep-db': { type: 'boolean', default: false },
  },
});
const TILLS = Number(args.tills);
const BATCHES = Number(args.batches);
const BATCH_SIZE = Number(args['batch-size']);
const PROCESSES = Number(args.processes);
const TIME_LIMIT_MS = Number(args['time-limit']) * 1000;
const PACED_BATCHES = Number(args['paced-batches']);
const PACED_LOAD = Number(args['paced-load']);
const WARM_ROUNDS = Number(args['warm-rounds']);
const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const SERVER_NODE_FLAGS = serverNodeFlags();
const log = (message: string) => {
  if (!args.json) console.log(message);
  else console.error(message);
};

if (
  ![TILLS, BATCHES, BATCH_SIZE, PROCESSES].every((n) => Number.isInteger(n) && n > 0) ||
  BATCH_SIZE > 500 ||
  !Number.isInteger(WARM_ROUNDS) ||
  WARM_ROUNDS < 0
) {
  console.error(
    'tills, batches, processes must be positive integers; batch-size at most 500; warm-rounds 0 or more',
  );
  process.exit(2);
}
// The throwaway cluster must hold every connection at once: the raw baseline's (one per till), each
// server process's pool, and a few for the bench's own queries.
function serverPool(): Config['database'] {
  try {
    return loadConfig({
      DATABASE_URL: 'postgresql://bench',
      PG_POOL_SIZE: args['pg-pool'] ?? process.env.PG_POOL_SIZE,
    }).database;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
const SERVER_POOL = serverPool();
const connectionsNeeded =
  TILLS + PROCESSES * (SERVER_POOL.kind === 'postgres' ? SERVER_POOL.poolSize : 0) + 5;
if (!process.env.DATABASE_URL?.trim() && connectionsNeeded > THROWAWAY_MAX_CONNECTIONS) {
  console.error(
    `${TILLS} tills and ${PROCESSES} server processes need ${connectionsNeeded} connections; the throwaway ` +
      `PostgreSQL allows ${THROWAWAY_MAX_CONNECTIONS}. Use fewer tills, or DATABASE_URL with a larger max_connections.`,
  );
  process.exit(2);
}
if (TILLS * (BATCHES + WARM_ROUNDS) * BATCH_SIZE > 2_000_000) {
  console.error('Refusing to push more than 2,000,000 events in one run.');
  process.exit(2);
}

function uuidv7(time: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(time, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const AREA_CODES = ['415', '212', '312', '617', '206', '303', '512', '702'];
/**
 * A store's customers: 1,000 of its own; one check-in in ten is a customer of the next store along
 * (people shop at two stores near them), so balances and feeds are shared between stores.
 */
function customerPhone(store: number, i: number): string {
  const home = i % 10 === 0 ? store + 1 : store;
  const n = home * 1000 + (i % 1000);
  return `+1${AREA_CODES[Math.floor(n / 10_000) % AREA_CODES.length]}555${String(n % 10_000).padStart(4, '0')}`;
}

/**
 * The warm-up rounds' customers: the same shape in another exchange, so the first timed round
 * still creates every customer of the timed rounds (a chain's first sync), as without warm-up.
 */
function warmUpPhone(store: number, i: number): string {
  return customerPhone(store, i).replace(/^(\+1\d{3})555/, '$1556');
}

function round1(value: number): number | null {
  return Number.isFinite(value) ? Number(value.toFixed(1)) : null;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/**
 * CPU time (user + system, ms) of processes, from /proc (Linux; undefined elsewhere). For the
 * server's own processes, and for PostgreSQL's (every child of the postmaster: backends, WAL
 * writer, checkpointer), so a round's CPU can be split between the two.
 */
const CLOCK_TICKS_PER_S = 100;
function cpuMs(pids: readonly number[]): number | undefined {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    } catch {
      if (process.platform !== 'linux') return undefined;
      // a process that ended: its time is lost (backends stay connected during the rounds)
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}
function childrenOf(parent: number): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

interface Server {
  url: string;
  child: ChildProcess;
}

async function startServer(databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const profile = args['cpu-prof'];
  const child = spawn(
    process.execPath,
    // As server/package.json's "start" runs it (npm run server).
    [
      ...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []),
      ...SERVER_NODE_FLAGS,
      '--import',
      'tsx',
      'src/index.ts',
    ],
    {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_IP: '10000000',
        RATE_LIMIT_PER_TOKEN: '10000000',
        RATE_LIMIT_REGISTER_PER_IP: '10000000',
        ...(args['pg-pool'] ? { PG_POOL_SIZE: args['pg-pool'] } : {}),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return { url, child };
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('server did not start within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function json<T>(url: string, method: string, token: string | undefined, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Till {
  device: RegisterResponse;
  store: number;
  /** Pre-serialised push bodies, in order: the client does no JSON work while timed. */
  bodies: string[];
  events: LedgerEvent[];
}

function makeEvents(
  till: Omit<Till, 'bodies' | 'events'>,
  fromSeq: number,
  count: number,
  phoneOf = customerPhone,
): LedgerEvent[] {
  const now = Date.now();
  const events: LedgerEvent[] = [];
  for (let i = 0; i < count; i++) {
    const seq = fromSeq + i;
    const phone = phoneOf(till.store, (seq * 7919 + till.store) % 1000);
    const envelope = {
      id: uuidv7(now),
      deviceId: till.device.deviceId,
      seq,
      occurredAt: new Date(now).toISOString(),
      businessDay: '2026-11-23',
      ruleVersion: 0,
    };
    if (seq % 50 === 0) {
      events.push({
        ...envelope,
        type: 'points.redeemed',
        phone,
        payload: { rewardId: 'reward-100', rewardName: 'Reward at 100 points', points: 100, receiptId: null },
      });
    } else if (seq % 25 === 1) {
      events.push({
        ...envelope,
        type: 'customer.enrolled',
        phone,
        payload: { consent: { terms: true, termsVersion: '1', sms: seq % 2 === 0 }, firstName: 'Sam' },
      });
    } else {
      const amount = 500 + ((seq * 37) % 9000);
      events.push({
        ...envelope,
        type: 'points.earned',
        phone,
        payload: {
          receiptId: `${till.device.deviceId.slice(0, 8)}-${seq}`,
          total: { amount, currency: 'USD' },
          points: Math.floor(amount / 100),
        },
      });
    }
  }
  return events;
}

function pushBody(till: Omit<Till, 'bodies' | 'events'>, events: LedgerEvent[]): string {
  return JSON.stringify({
    storeId: till.device.storeId,
    deviceId: till.device.deviceId,
    sentAt: new Date().toISOString(),
    events,
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadStart = loadavg()[0] ?? 0;
  let stopPostgres: (() => void) | undefined;
  let baseUrl = process.env.DATABASE_URL?.trim();
  let pgDescription = 'PostgreSQL from DATABASE_URL';
  /** Known only for the throwaway cluster (its data folder holds postmaster.pid). */
  let postmasterPid: number | undefined;
  if (!baseUrl) {
    const throwaway = await startThrowawayPostgres({ durable: true });
    stopPostgres = () => throwaway.stop();
    baseUrl = args['pg-tcp'] ? throwaway.url : throwaway.socketUrl;
    postmasterPid = Number(readFileSync(`${throwaway.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    pgDescription = `${throwaway.version} (throwaway cluster, default durability: fsync on, synchronous_commit on; ${args['pg-tcp'] ? 'loopback TCP' : 'Unix socket'} for the server and the raw baseline)`;
  }
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: baseUrl });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE ${dbName}`);
  await adminClient.end();
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const servers: Server[] = [];
  const cleanup = async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      if (args['keep-db'] && !stopPostgres) console.error(`Kept the database ${dbName}.`);
      else await client.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await client.end();
    } catch {
      // the throwaway cluster is deleted anyway
    }
    stopPostgres?.();
  };
  const watchdog = setTimeout(() => {
    console.error(`Benchmark exceeded its time limit of ${TIME_LIMIT_MS / 1000} s; stopping.`);
    void cleanup().finally(() => process.exit(3));
  }, TIME_LIMIT_MS);
  watchdog.unref();

  try {
    log(`PostgreSQL: ${pgDescription}`);
    // Start one process first so the migrations run once, then the others.
    servers.push(await startServer(databaseUrl));
    for (let i = 1; i < PROCESSES; i++) servers.push(await startServer(databaseUrl));
    const api = servers[0]?.url as string;
    log(`Server: ${PROCESSES} process(es) on loopback; ${cpus().length} CPU(s)`);

    // Enrol the tills: two per store.
    const tills: Till[] = [];
    const storeIds: string[] = [];
    for (let t = 0; t < TILLS; t++) {
      const store = Math.floor(t / 2);
      if (!storeIds[store]) {
        const created = await json<{ storeId: string }>(`${api}/v1/admin/stores`, 'POST', ADMIN_TOKEN, {
          name: `Store ${store}`,
          country: 'US',
          currency: 'USD',
          timeZone: 'America/New_York',
        });
        storeIds[store] = created.storeId;
      }
      const { code } = await json<{ code: string }>(
        `${api}/v1/admin/stores/${storeIds[store]}/enrollment-codes`,
        'POST',
        ADMIN_TOKEN,
        {},
      );
      const device = await json<RegisterResponse>(`${api}/v1/devices/register`, 'POST', undefined, {
        enrollmentCode: code,
        name: `Till ${t}`,
      });
      tills.push({ device, store, bodies: [], events: [] });
    }

    // Warm-up (not timed): one small batch per till, so connections and caches are warm.
    const WARM = 10;
    await Promise.all(
      tills.map(async (till, i) => {
        const events = makeEvents(till, 1, WARM);
        const server = servers[i % servers.length] as Server;
        await json<PushResponse>(
          `${server.url}/v1/sync/push`,
          'POST',
          till.device.token,
          JSON.parse(pushBody(till, events)),
        );
      }),
    );
    // Batch b of a till: the warm-up rounds' first, then the timed rounds', then the paced phase's.
    const ROUNDS = WARM_ROUNDS + BATCHES;
    for (const till of tills) {
      for (let b = 0; b < ROUNDS + PACED_BATCHES; b++) {
        const phoneOf = b < WARM_ROUNDS ? warmUpPhone : customerPhone;
        const events = makeEvents(till, WARM + 1 + b * BATCH_SIZE, BATCH_SIZE, phoneOf);
        if (b < ROUNDS) till.events.push(...events);
        till.bodies.push(pushBody(till, events));
      }
    }
    const totalEvents = TILLS * BATCHES * BATCH_SIZE;
    log(
      `Pushing ${totalEvents.toLocaleString('en')} events: ${TILLS} tills × ${BATCHES} batches × ${BATCH_SIZE}`,
    );

    // Timed, interleaved: round r = every till pushes its batch r (all tills at once), then the
    // raw baseline inserts the very same rows (one 500-row statement per till, all at once, same
    // concurrency) into a table shaped like the ledger. Both sides of the ratio see the same
    // machine within seconds of each other, so a change of load between phases (other jobs on a
    // shared VM) weighs on both alike. The ratio is the two sides' summed rows over summed time.
    const db = new pg.Pool({ connectionString: databaseUrl, max: TILLS });
    // The cleanup's DROP DATABASE … WITH (FORCE) ends the idle connections: that must not crash the
    // bench before it has stopped its throwaway cluster.
    db.on('error', () => {});
    await db.query('CREATE TABLE bench_raw (LIKE ledger_events INCLUDING ALL)');
    await Promise.all(tills.map(() => db.query('SELECT 1'))); // open the pool's connections
    const deviceRows = new Map<string, { store: string }>(
      tills.map((t) => [t.device.deviceId, { store: t.device.storeId }]),
    );
    const COLUMNS = 13;
    const placeholders = (rows: number) =>
      Array.from(
        { length: rows },
        (_, r) => `(${Array.from({ length: COLUMNS }, (_, c) => `$${r * COLUMNS + c + 1}`).join(',')})`,
      ).join(',');
    const sql = `INSERT INTO bench_raw (id, device_id, seq, store_id, customer_id, type, points, receipt_id, rule_version,
                   occurred_at, business_day, body, body_hash) VALUES ${placeholders(BATCH_SIZE)} ON CONFLICT DO NOTHING`;
    const customerId = new Map<string, string>();
    /** The raw statement's parameters for a till's batch b (built untimed, after the push stored its customers). */
    const rawParams = (till: Till, b: number): unknown[] => {
      const params: unknown[] = [];
      for (const e of till.events.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE)) {
        const receipt = e.type === 'points.earned' ? e.payload.receiptId : null;
        params.push(
          e.id,
          e.deviceId,
          e.seq,
          deviceRows.get(e.deviceId)?.store,
          e.phone ? customerId.get(e.phone) : null,
          e.type,
          pointsDelta(e),
          receipt,
          e.ruleVersion,
          e.occurredAt,
          e.businessDay,
          JSON.stringify(e),
          createHash('sha256').update(canonicalJson(e)).digest(),
        );
      }
      return params;
    };

    const latencies: number[] = [];
    let failures = 0;
    let httpSeconds = 0;
    let rawSeconds = 0;
    const roundRatios: number[] = [];
    const serverPids = servers.map((server) => server.child.pid as number);
    const cpu = { serverPush: 0, pgPush: 0, clientPush: 0, serverRaw: 0, pgRaw: 0, clientRaw: 0 };
    // PostgreSQL's processes are looked up at every reading: a backend the server's pool opens
    // during a round (or an autovacuum worker) counts from 0, i.e. all its CPU in that interval.
    const pgSeen = new Map<number, number>();
    const pgCpuSinceLastReading = (): number => {
      if (!postmasterPid) return NaN;
      let delta = 0;
      for (const pid of [postmasterPid, ...childrenOf(postmasterPid)]) {
        const now = cpuMs([pid]);
        if (now === undefined) return NaN;
        delta += now - (pgSeen.get(pid) ?? 0);
        pgSeen.set(pid, now);
      }
      return delta;
    };
    pgCpuSinceLastReading();
    // The bench's own process plays the tills and the raw baseline's client: its CPU is taken from
    // the same two cores, so it is reported for both sides.
    const clientCpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const cpuNow = () => ({
      server: cpuMs(serverPids) ?? NaN,
      pg: pgCpuSinceLastReading(),
      client: clientCpuMs(),
    });
    for (let b = 0; b < ROUNDS; b++) {
      const timed = b >= WARM_ROUNDS;
      const c0 = cpuNow();
      const p0 = performance.now();
      await Promise.all(
        tills.map(async (till, i) => {
          const server = servers[i % servers.length] as Server;
          const start = performance.now();
          const res = await fetch(`${server.url}/v1/sync/push`, {
            method: 'POST',
            headers: { authorization: `Bearer ${till.device.token}`, 'content-type': 'application/json' },
            body: till.bodies[b] as string,
          });
          const reply = (await res.json()) as PushResponse;
          if (timed) latencies.push(performance.now() - start);
          if (res.status !== 200 || reply.results.some((r) => r.status !== 'accepted')) failures++;
        }),
      );
      const pushRound = (performance.now() - p0) / 1000;
      const c1 = cpuNow();
      if (timed) {
        httpSeconds += pushRound;
        cpu.serverPush += c1.server - c0.server;
        cpu.pgPush += c1.pg;
        cpu.clientPush += c1.client - c0.client;
      }

      // Untimed: the customer ids the push just created, and the raw statements' parameters.
      const customers = await db.query<{ id: string; phone: string }>('SELECT id, phone FROM customers');
      for (const r of customers.rows) customerId.set(r.phone, r.id);
      const params = tills.map((till) => rawParams(till, b));

      const c2 = cpuNow();
      const r0 = performance.now();
      await Promise.all(params.map((p) => db.query(sql, p)));
      const rawRound = (performance.now() - r0) / 1000;
      const c3 = cpuNow();
      if (timed) {
        cpu.serverRaw += c3.server - c2.server;
        cpu.pgRaw += c3.pg;
        cpu.clientRaw += c3.client - c2.client;
        rawSeconds += rawRound;
        roundRatios.push(rawRound / pushRound);
      }
      log(
        `  ${timed ? `round ${b + 1 - WARM_ROUNDS}/${BATCHES}` : `warm-up round ${b + 1}/${WARM_ROUNDS} (untimed)`}: push ${Math.round((TILLS * BATCH_SIZE) / pushRound).toLocaleString('en')} events/s, ` +
          `raw ${Math.round((TILLS * BATCH_SIZE) / rawRound).toLocaleString('en')} rows/s, ratio ${(rawRound / pushRound).toFixed(3)}`,
      );
    }
    const httpRate = totalEvents / httpSeconds;
    latencies.sort((a, b) => a - b);
    const warmEvents = TILLS * WARM_ROUNDS * BATCH_SIZE;
    const rawCount =
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM bench_raw')).rows[0]?.n) - warmEvents;
    if (rawCount !== totalEvents)
      throw new Error(`raw baseline stored ${rawCount} of ${totalEvents} timed rows`);
    const rawRate = rawCount / rawSeconds;
    // The baseline's table has done its job. Dropped now, its autovacuum and analyze (due after
    // this many inserts) do not run during the paced phase, which measures the server alone.
    await db.query('DROP TABLE bench_raw');

    // Check: the server stored exactly what was pushed.
    const stored = await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_events');
    const storedCount = Number(stored.rows[0]?.n);

    // Paced phase: the same 50 tills, each pushing a 500-event batch on its own schedule (random
    // phase), at PACED_LOAD of the throughput just measured. Push latency here is what a till
    // sees on a busy day; in the saturated rounds above it is mostly queueing behind 49 other
    // batches (Little's law: tills × batch ÷ throughput).
    const period = (TILLS * BATCH_SIZE) / (PACED_LOAD * httpRate);
    log(
      `Paced: each till pushes ${BATCH_SIZE} events every ${period.toFixed(2)} s (${Math.round(PACED_LOAD * 100)}% of measured throughput)`,
    );
    const pacedLatencies: number[] = [];
    await Promise.all(
      tills.map(async (till, i) => {
        const server = servers[i % servers.length] as Server;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * period * 1000));
        for (const body of till.bodies.slice(ROUNDS)) {
          const start = performance.now();
          const res = await fetch(`${server.url}/v1/sync/push`, {
            method: 'POST',
            headers: { authorization: `Bearer ${till.device.token}`, 'content-type': 'application/json' },
            body,
          });
          const reply = (await res.json()) as PushResponse;
          const took = performance.now() - start;
          pacedLatencies.push(took);
          if (res.status !== 200 || reply.results.some((r) => r.status !== 'accepted')) failures++;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, period * 1000 - took)));
        }
      }),
    );
    pacedLatencies.sort((a, b) => a - b);
    await db.end();

    const ratio = httpRate / rawRate;
    const results = {
      tills: TILLS,
      batch_size: BATCH_SIZE,
      batches_per_till: BATCHES,
      warm_up_rounds: WARM_ROUNDS,
      server_processes: PROCESSES,
      events: totalEvents,
      stored_events: storedCount - TILLS * WARM - warmEvents,
      push_failures: failures,
      push_events_per_s: Math.round(httpRate),
      raw_insert_rows_per_s: Math.round(rawRate),
      server_ingest_ratio: Number(ratio.toFixed(3)),
      server_ingest_ratio_round_min: Number(Math.min(...roundRatios).toFixed(3)),
      server_ingest_ratio_round_max: Number(Math.max(...roundRatios).toFixed(3)),
      push_p50_ms: Number(percentile(pacedLatencies, 50).toFixed(1)),
      push_p95_ms: Number(percentile(pacedLatencies, 95).toFixed(1)),
      push_p99_ms: Number(percentile(pacedLatencies, 99).toFixed(1)),
      push_max_ms: Number((pacedLatencies[pacedLatencies.length - 1] ?? 0).toFixed(1)),
      paced_load: PACED_LOAD,
      paced_pushes: pacedLatencies.length,
      push_p50_saturated_ms: Number(percentile(latencies, 50).toFixed(1)),
      push_p99_saturated_ms: Number(percentile(latencies, 99).toFixed(1)),
      // CPU (ms) per 500-event batch during the timed rounds, from /proc (NaN → null when unknown):
      // the server process(es) and PostgreSQL in the push rounds, and the same in the raw rounds.
      server_cpu_ms_per_push: round1(cpu.serverPush / (TILLS * BATCHES)),
      pg_cpu_ms_per_push: round1(cpu.pgPush / (TILLS * BATCHES)),
      pg_cpu_ms_per_raw_batch: round1(cpu.pgRaw / (TILLS * BATCHES)),
      server_cpu_ms_per_raw_batch: round1(cpu.serverRaw / (TILLS * BATCHES)),
      client_cpu_ms_per_push: round1(cpu.clientPush / (TILLS * BATCHES)),
      client_cpu_ms_per_raw_batch: round1(cpu.clientRaw / (TILLS * BATCHES)),
      pg_unix_socket: process.env.DATABASE_URL?.trim() || args['pg-tcp'] ? 0 : 1,
      load_avg_1m_start: Number(loadStart.toFixed(2)),
      load_avg_1m_end: Number(loadavg()[0]?.toFixed(2)),
      wall_s: Number(((Date.now() - started) / 1000).toFixed(1)),
    };
    if (args.json) {
      for (const [metric, value] of Object.entries(results)) console.log(JSON.stringify({ metric, value }));
    } else {
      console.log(
        `\nHTTP push: ${results.push_events_per_s.toLocaleString('en')} events/s (${httpSeconds.toFixed(2)} s)`,
      );
      console.log(
        `Raw INSERT … ON CONFLICT DO NOTHING: ${results.raw_insert_rows_per_s.toLocaleString('en')} rows/s (${rawSeconds.toFixed(2)} s)`,
      );
      console.log(
        `server_ingest_ratio: ${results.server_ingest_ratio}   (target ≥ 0.5; rounds ${results.server_ingest_ratio_round_min}–${results.server_ingest_ratio_round_max})`,
      );
      console.log(
        `push latency ms, ${TILLS} tills paced at ${Math.round(PACED_LOAD * 100)}% load: p50 ${results.push_p50_ms}, p95 ${results.push_p95_ms}, p99 ${results.push_p99_ms} (target ≤ 250), max ${results.push_max_ms}`,
      );
      console.log(
        `push latency ms at saturation (every till back to back): p50 ${results.push_p50_saturated_ms}, p99 ${results.push_p99_saturated_ms}`,
      );
      console.log(
        `CPU ms per 500-event batch: push rounds server ${results.server_cpu_ms_per_push}, PostgreSQL ${results.pg_cpu_ms_per_push}; raw rounds PostgreSQL ${results.pg_cpu_ms_per_raw_batch} (server meanwhile ${results.server_cpu_ms_per_raw_batch}); bench client ${results.client_cpu_ms_per_push} in push rounds, ${results.client_cpu_ms_per_raw_batch} in raw rounds`,
      );
      console.log(
        `stored ${results.stored_events} of ${totalEvents} timed events; failed pushes: ${failures}`,
      );
    }
    if (failures > 0 || results.stored_events !== totalEvents) process.exitCode = 1;
    log(
      `(stored count checked after the interleaved rounds, before the paced phase; paced pushes: ${pacedLatencies.length})`,
    );
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
