import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { type Database, openPglite, openPostgres } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { drainRecheck } from '../../src/modules/rule-recheck';
import type { LedgerEvent } from '../../../src/shared/events';
import type { PullResponse, PushResponse, RegisterResponse } from '../../../src/shared/sync';

/** Which database this project runs on (set per vitest project). */
export const DB_KIND: 'pglite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklmnop';

export interface TestDatabase {
  db: Database;
  /** Connection string of this test's own database (PostgreSQL only). */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The server URL of the PostgreSQL the suite runs on (postgres project only). */
export function postgresBaseUrl(): string {
  return inject('postgresUrl');
}

/** A fresh, empty database for one test file (not migrated). */
export async function createEmptyDatabase(): Promise<{ url: string | undefined; drop(): Promise<void> }> {
  if (DB_KIND === 'pglite') return { url: undefined, drop: async () => {} };
  const base = postgresBaseUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function openTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const empty = await createEmptyDatabase();
  const db = empty.url ? openPostgres({ url: empty.url, poolSize: 10 }) : await openPglite({});
  if (options.migrated !== false) await migrate(db);
  return {
    db,
    url: empty.url,
    async drop() {
      await db.close();
      await empty.drop();
    },
  };
}

/** A UUIDv7 (time-ordered), as the till makes them. */
export function uuidv7(time = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(time, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A valid US number per index (415-555-xxxx): every one passes the shared E164Schema. */
export function phone(index: number): string {
  return `+1415555${String(index % 10_000).padStart(4, '0')}`;
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

export class TestServer {
  /** Moves the server clock (for expiry and skew tests); undefined means the real clock. */
  clock: Date | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly database: TestDatabase,
    clockRef: { get: () => Date | undefined; set: (d: Date | undefined) => void },
  ) {
    Object.defineProperty(this, 'clock', { get: clockRef.get, set: clockRef.set });
  }

  get db(): Database {
    return this.database.db;
  }

  async request<T = unknown>(
    method: Method,
    url: string,
    options: { token?: string; payload?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const res = await this.app.inject({
      method,
      url,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.headers ?? {}),
      },
      ...(options.payload !== undefined
        ? { payload: options.payload as string | Record<string, unknown> }
        : {}),
    });
    let body: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('application/json') && res.body) {
      body = JSON.parse(res.body);
    }
    return { status: res.statusCode, body: body as T, headers: res.headers, raw: res };
  }

  admin<T = unknown>(method: Method, url: string, payload?: unknown, headers?: Record<string, string>) {
    return this.request<T>(method, url, { token: ADMIN_TOKEN, payload, ...(headers ? { headers } : {}) });
  }

  async createStore(
    overrides: Record<string, unknown> = {},
  ): Promise<{ storeId: string; name: string; currency: string }> {
    const res = await this.admin<{ storeId: string; name: string; currency: string }>(
      'POST',
      '/v1/admin/stores',
      {
        name: 'Corner Café',
        country: 'US',
        currency: 'USD',
        timeZone: 'America/New_York',
        ...overrides,
      },
    );
    if (res.status !== 201) throw new Error(`createStore: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async enrollmentCode(storeId: string): Promise<string> {
    const res = await this.admin<{ code: string }>(
      'POST',
      `/v1/admin/stores/${storeId}/enrollment-codes`,
      {},
    );
    if (res.status !== 201) throw new Error(`enrollmentCode: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.code;
  }

  async enrol(storeId: string, name = 'Till'): Promise<Till> {
    const code = await this.enrollmentCode(storeId);
    const res = await this.request<RegisterResponse>('POST', '/v1/devices/register', {
      payload: { enrollmentCode: code, name },
    });
    if (res.status !== 201) throw new Error(`enrol: ${res.status} ${JSON.stringify(res.body)}`);
    return new Till(this, res.body);
  }

  async count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
      params,
    );
    return rows[0]?.n ?? 0;
  }

  /** Waits until the background rule recheck has checked every event stored so far. */
  async recheckRules(): Promise<number> {
    return drainRecheck(this.db);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.database.drop();
  }
}

export async function createTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  let clock: Date | undefined;
  const config = loadConfig({
    ADMIN_TOKEN,
    RATE_LIMIT_PER_IP: '1000000',
    RATE_LIMIT_PER_TOKEN: '1000000',
    RATE_LIMIT_REGISTER_PER_IP: '1000000',
    // Tests run the expiry job themselves (runExpiry or the admin route), at the clock they set.
    EXPIRY_INTERVAL_SECONDS: '0',
    ...env,
  });
  const app = await buildApp({ config, db: database.db, now: () => clock ?? new Date() });
  await app.ready();
  return new TestServer(app, database, { get: () => clock, set: (d) => (clock = d) });
}

type EventOverrides = Partial<Pick<LedgerEvent, 'id' | 'seq' | 'occurredAt' | 'businessDay' | 'ruleVersion'>>;

/** A simulated till: makes events as the till's ledger would, and pushes and pulls them. */
export class Till {
  readonly deviceId: string;
  readonly storeId: string;
  readonly token: string;
  seq = 0;

  constructor(
    readonly server: TestServer,
    registration: RegisterResponse,
  ) {
    this.deviceId = registration.deviceId;
    this.storeId = registration.storeId;
    this.token = registration.token;
  }

  private envelope(overrides: EventOverrides) {
    const seq = overrides.seq ?? ++this.seq;
    return {
      id: overrides.id ?? uuidv7(),
      deviceId: this.deviceId,
      seq,
      occurredAt: overrides.occurredAt ?? new Date().toISOString(),
      businessDay: overrides.businessDay ?? '2026-11-23',
      ruleVersion: overrides.ruleVersion ?? 0,
    };
  }

  enrolled(phoneNumber: string, firstName: string | null = 'Jo', o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'customer.enrolled',
      phone: phoneNumber,
      payload: { consent: { terms: true, termsVersion: '1', sms: false }, firstName },
    };
  }

  consent(phoneNumber: string, sms: boolean, o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'consent.changed',
      phone: phoneNumber,
      payload: { sms, termsVersion: '1' },
    };
  }

  /** Default program: one point per dollar. */
  earned(phoneNumber: string, receiptId: string | null, amount: number, o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'points.earned',
      phone: phoneNumber,
      payload: { receiptId, total: { amount, currency: 'USD' }, points: Math.floor(amount / 100) },
    };
  }

  earnedPoints(
    phoneNumber: string,
    receiptId: string | null,
    points: number,
    o: EventOverrides = {},
  ): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'points.earned',
      phone: phoneNumber,
      payload: { receiptId, total: { amount: points * 100, currency: 'USD' }, points },
    };
  }

  redeemed(phoneNumber: string, points = 100, o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'points.redeemed',
      phone: phoneNumber,
      payload: { rewardId: 'reward-100', rewardName: 'Reward at 100 points', points, receiptId: null },
    };
  }

  reversed(phoneNumber: string, receiptId: string, refund: number, points: number, o: EventOverrides = {}) {
    return {
      ...this.envelope(o),
      type: 'points.reversed',
      phone: phoneNumber,
      payload: { receiptId, refund: { amount: refund, currency: 'USD' }, points },
    } as LedgerEvent;
  }

  adjusted(phoneNumber: string, points: number, o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope(o),
      type: 'points.adjusted',
      phone: phoneNumber,
      payload: { points, reason: 'Goodwill', staffId: 'manager-1' },
    };
  }

  dayClosed(totals: Record<string, number>, businessDay = '2026-11-23', o: EventOverrides = {}): LedgerEvent {
    return {
      ...this.envelope({ businessDay, ...o }),
      type: 'day.closed',
      phone: null,
      payload: {
        businessDay,
        checkIns: 0,
        enrolments: 0,
        pointsEarned: 0,
        pointsRedeemed: 0,
        pointsReversed: 0,
        pointsAdjusted: 0,
        eventCount: 0,
        ...totals,
      },
    };
  }

  push(events: LedgerEvent[], options: { sentAt?: string; storeId?: string; deviceId?: string } = {}) {
    return this.server.request<PushResponse>('POST', '/v1/sync/push', {
      token: this.token,
      payload: {
        storeId: options.storeId ?? this.storeId,
        deviceId: options.deviceId ?? this.deviceId,
        sentAt: options.sentAt ?? new Date().toISOString(),
        events,
      },
    });
  }

  pull(cursor?: string | null, limit?: number) {
    const query = new URLSearchParams();
    if (cursor) query.set('cursor', cursor);
    if (limit) query.set('limit', String(limit));
    const qs = query.toString();
    return this.server.request<PullResponse>('GET', `/v1/sync/pull${qs ? `?${qs}` : ''}`, {
      token: this.token,
    });
  }

  /** Pages until upToDate; returns every change and the final cursor. */
  async pullAll(cursor?: string | null, limit?: number) {
    const changes: PullResponse['changes'] = [];
    let next = cursor ?? null;
    let pages = 0;
    for (;;) {
      const res = await this.pull(next, limit);
      if (res.status !== 200) throw new Error(`pull: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.resetRequired) return { changes, cursor: null, pages, resetRequired: true };
      changes.push(...res.body.changes);
      next = res.body.cursor;
      pages++;
      if (res.body.upToDate) return { changes, cursor: next, pages, resetRequired: false };
      if (pages > 10_000) throw new Error('pull never reached upToDate');
    }
  }
}
