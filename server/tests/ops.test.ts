import { writeFileSync, mkdtempSync, readdirSync, copyFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { MIGRATIONS_DIR, loadMigrations, migrate, schemaVersion } from '../src/db/migrate';
import { type Database, DatabaseBusyError, openPostgres } from '../src/db/database';
import { buildApp } from '../src/app';
import {
  ADMIN_TOKEN,
  DB_KIND,
  type TestServer,
  createTestServer,
  openTestDatabase,
  phone,
} from './support/harness';

let server: TestServer;
beforeAll(async () => {
  server = await createTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('health, readiness, metrics, OpenAPI', () => {
  it('healthz and readyz answer', async () => {
    expect((await server.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await server.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      database: DB_KIND,
      schemaVersion: loadMigrations().length,
    });
  });

  it('readyz is 503 on a database that is not migrated', async () => {
    const empty = await openTestDatabase({ migrated: false });
    const app = await buildApp({ config: loadConfig({}), db: empty.db });
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().reason).toMatch(/version 0/);
    } finally {
      await app.close();
      await empty.drop();
    }
  });

  it('metrics are Prometheus text with the sync counters', async () => {
    const { storeId } = await server.createStore();
    const till = await server.enrol(storeId);
    await till.push([till.earned(phone(1), 'M-1', 1_00), till.redeemed(phone(1), 100)]);
    await till.push([
      till.earned(phone(1), 'M-1', 1_00, { seq: 1, id: 'ffffffff-ffff-7fff-bfff-ffffffffffff' }),
    ]);
    const res = await server.request<string>('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/text\/plain/);
    expect(res.body).toMatch(/loyalty_sync_push_events_total\{result="accepted"\} 2/);
    expect(res.body).toMatch(/loyalty_sync_push_events_total\{result="rejected"\} 1/);
    expect(res.body).toMatch(/loyalty_flags_raised_total\{kind="overdrawn"\} 1/);
    expect(res.body).toMatch(
      /loyalty_http_requests_total\{method="POST",route="\/v1\/sync\/push",status_code="200"\} 2/,
    );
    expect(res.body).toMatch(/loyalty_http_request_duration_seconds_bucket/);
    expect(res.body).toMatch(/process_cpu_seconds_total/);
  });

  it('the OpenAPI document lists every route of the contract', async () => {
    const res = await server.request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    );
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const routes = Object.entries(res.body.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'POST /v1/admin/stores',
        'POST /v1/admin/stores/{storeId}/enrollment-codes',
        'POST /v1/admin/devices/{deviceId}/revoke',
        'GET /v1/admin/flags',
        'POST /v1/devices/register',
        'POST /v1/sync/push',
        'GET /v1/sync/pull',
        'GET /v1/customers/{phone}',
        'POST /v1/admin/customers/{phone}/erase',
        'GET /v1/reports/daily',
      ]),
    );
  });

  it('responses carry no-store and nosniff headers', async () => {
    const res = await server.request('GET', '/healthz');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('migrations', () => {
  it('are idempotent and record each version once', async () => {
    const again = await migrate(server.db);
    expect(again.applied).toEqual([]);
    expect(await schemaVersion(server.db)).toBe(loadMigrations().length);
    expect(await server.count('schema_migrations')).toBe(loadMigrations().length);
  });

  it('leave phone numbers and receipt ids comparing byte by byte, whatever the database locale', async () => {
    const { rows } = await server.db.query<{ table_name: string; column_name: string; collation: string }>(
      `SELECT table_name, column_name, collation_name AS collation FROM information_schema.columns
        WHERE (table_name, column_name) IN (('customers', 'phone'), ('ledger_events', 'receipt_id'))
        ORDER BY table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'customers', column_name: 'phone', collation: 'C' },
      { table_name: 'ledger_events', column_name: 'receipt_id', collation: 'C' },
    ]);
  });

  it('refuse to run when a released migration file was edited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    try {
      for (const file of readdirSync(MIGRATIONS_DIR))
        copyFileSync(join(MIGRATIONS_DIR, file), join(dir, file));
      const first = readdirSync(dir)[0] as string;
      writeFileSync(join(dir, first), `-- edited\n${loadMigrations()[0]?.sql}`);
      await expect(migrate(server.db, loadMigrations(dir))).rejects.toThrow(/append-only/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse to run against a database newer than the server', async () => {
    await server.db.query(
      "INSERT INTO schema_migrations (version, name, checksum) VALUES (999, 'future', 'x')",
    );
    try {
      await expect(migrate(server.db)).rejects.toThrow(/newer than this server/);
    } finally {
      await server.db.query('DELETE FROM schema_migrations WHERE version = 999');
    }
  });

  it.runIf(DB_KIND === 'postgres')(
    'several processes migrating one database at once apply each migration once',
    async () => {
      const empty = await openTestDatabase({ migrated: false });
      const pools = Array.from({ length: 4 }, () => openPostgres({ url: empty.url as string, poolSize: 2 }));
      try {
        const reports = await Promise.all(pools.map((db) => migrate(db)));
        expect(reports.map((r) => r.applied.length).sort()).toEqual([0, 0, 0, loadMigrations().length]);
        expect(await schemaVersion(empty.db)).toBe(loadMigrations().length);
      } finally {
        await Promise.all(pools.map((db) => db.close()));
        await empty.drop();
      }
    },
  );
});

describe.runIf(DB_KIND === 'postgres')('a pool whose every connection is busy', () => {
  // One connection, held by a transaction that waits until released; requests wait 300 ms for it.
  let busy: Database;
  let release: () => void = () => {};
  let holding: Promise<void>;
  beforeAll(async () => {
    busy = openPostgres({ url: server.database.url as string, poolSize: 1, connectionTimeoutMs: 300 });
    let held: () => void = () => {};
    const started = new Promise<void>((resolve) => (held = resolve));
    holding = busy.transaction(async (tx) => {
      await tx.query('SELECT 1');
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await started;
  });
  afterAll(async () => {
    release();
    await holding;
    await busy?.close();
  });

  it('is told apart from a database that cannot be reached', async () => {
    await expect(busy.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseBusyError);
    await expect(busy.transaction((tx) => tx.query('SELECT 1'))).rejects.toThrow(
      /all 1 database connections of this process stayed in use for 0.3 s/,
    );
    // A database that accepts connections and never answers: the second query waits behind the
    // first one's connection attempt and gets pg-pool's same timeout, but nothing was busy.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const nowhere = openPostgres({
      url: `postgresql://postgres@127.0.0.1:${port}/none`,
      poolSize: 1,
      connectionTimeoutMs: 300,
    });
    try {
      const errors = await Promise.all(
        [1, 2].map(() =>
          nowhere.query('SELECT 1').then(
            () => undefined,
            (e: unknown) => e as Error,
          ),
        ),
      );
      expect(errors.map((e) => e?.message)).toEqual([
        expect.stringMatching(/connection timeout/),
        expect.stringMatching(/timeout exceeded when trying to connect/),
      ]);
      for (const error of errors) expect(error).not.toBeInstanceOf(DatabaseBusyError);
    } finally {
      await nowhere.close();
      silent.close();
    }
  });

  it('answers 503 "busy" with Retry-After, and serves again once a connection frees', async () => {
    const app = await buildApp({
      config: loadConfig({
        ADMIN_TOKEN,
        DATABASE_URL: server.database.url as string,
        EXPIRY_INTERVAL_SECONDS: '0',
      }),
      db: busy,
    });
    try {
      const flags = () =>
        app.inject({
          method: 'GET',
          url: '/v1/admin/flags',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
      const refused = await flags();
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.json()).toEqual({
        error: {
          code: 'unavailable',
          message: 'The server is busy; retry in a few seconds (see Retry-After).',
        },
      });
      release();
      await holding;
      expect((await flags()).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      database: { kind: 'pglite', dataDir: './data/server' },
      adminToken: undefined,
      pushConcurrency: 16,
      pushQueueTimeoutMs: 20_000,
    });
    expect(config.adminDisabledReason).toMatch(/not set/);
  });

  it('admits twice the pool in pushes unless PUSH_CONCURRENCY says otherwise', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', PG_POOL_SIZE: '12' }).pushConcurrency).toBe(24);
    expect(loadConfig({ PG_POOL_SIZE: '12', PUSH_CONCURRENCY: '5' }).pushConcurrency).toBe(5);
    expect(() => loadConfig({ PUSH_CONCURRENCY: '0' })).toThrow(
      /PUSH_CONCURRENCY must be a whole number from 1/,
    );
  });

  it('reads PUSH_QUEUE_TIMEOUT_SECONDS in whole seconds, at least one', () => {
    expect(loadConfig({ PUSH_QUEUE_TIMEOUT_SECONDS: '3' }).pushQueueTimeoutMs).toBe(3000);
    expect(() => loadConfig({ PUSH_QUEUE_TIMEOUT_SECONDS: '0' })).toThrow(/PUSH_QUEUE_TIMEOUT_SECONDS/);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toMatchObject({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
  });

  it('refuses a short admin token and bad numbers', () => {
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(31) }).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: 'x'.repeat(32) }).adminToken).toBe('x'.repeat(32));
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
