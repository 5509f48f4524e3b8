import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PullChange } from '../../src/shared/sync';
import { DEFAULT_PROGRAM } from '../../src/shared/program';
import { openPostgres } from '../src/db/database';
import { randomUUID } from 'node:crypto';
import { loadMigrations, migrate } from '../src/db/migrate';
import { type CompactionPass, compactFeed, touchCustomers } from '../src/modules/feed';
import {
  DB_KIND,
  type TestServer,
  type Till,
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

/** What a till keeps from pull: the newest state per thing. */
function apply(state: Map<string, PullChange>, changes: PullChange[]) {
  for (const change of changes) {
    const key =
      change.type === 'customer' || change.type === 'customer.erased'
        ? `c:${change.customerId}`
        : change.type;
    const previous = state.get(key);
    if (previous && previous.serverSeq >= change.serverSeq) throw new Error(`change went backwards: ${key}`);
    state.set(key, change);
  }
}

describe('pull', () => {
  it('a first pull is a snapshot: store, program and every customer of the store, newest state', async () => {
    const { storeId } = await server.createStore({ name: 'Snapshot shop' });
    const till = await server.enrol(storeId);
    await till.push([
      till.enrolled(phone(1), 'Ann'),
      till.earned(phone(1), 'A1', 10_00),
      till.earned(phone(2), 'A2', 3_00),
    ]);
    const { changes, cursor, resetRequired } = await till.pullAll();
    expect(resetRequired).toBe(false);
    expect(cursor).toMatch(/^c3\./);
    expect(changes.map((c) => c.type).sort()).toEqual(['customer', 'customer', 'program', 'store']);
    const store = changes.find((c) => c.type === 'store');
    expect(store).toMatchObject({ store: { storeId, name: 'Snapshot shop', currency: 'USD' } });
    expect(changes.find((c) => c.type === 'program')).toMatchObject({ program: DEFAULT_PROGRAM });
    const customers = changes.filter((c) => c.type === 'customer');
    expect(customers.map((c) => [c.phone, c.balance, c.firstName, c.enrolled]).sort()).toEqual([
      [phone(1), 10, 'Ann', true],
      [phone(2), 3, null, false],
    ]);
  });

  it('pages with a cursor: every change exactly once, then upToDate; a later pull returns only what changed', async () => {
    const { storeId } = await server.createStore({ name: 'Paging shop' });
    const till = await server.enrol(storeId);
    const customers = 1_234;
    for (let start = 0; start < customers; start += 500) {
      const n = Math.min(500, customers - start);
      const res = await till.push(
        Array.from({ length: n }, (_, i) => till.earnedPoints(phone(100 + start + i), null, 1)),
      );
      expect(res.status).toBe(200);
    }
    const all = await till.pullAll(null, 100);
    expect(all.pages).toBe(13);
    expect(all.changes).toHaveLength(customers + 2);
    const ids = all.changes.map((c) => ('customerId' in c ? c.customerId : c.type));
    expect(new Set(ids).size).toBe(ids.length);

    const nothing = await till.pull(all.cursor);
    expect(nothing.body).toMatchObject({
      changes: [],
      upToDate: true,
      resetRequired: false,
      cursor: all.cursor,
    });

    await till.push([till.earnedPoints(phone(100), null, 5)]);
    const delta = await till.pullAll(all.cursor);
    expect(delta.changes).toEqual([
      expect.objectContaining({ type: 'customer', phone: phone(100), balance: 6 }),
    ]);
  });

  it('a snapshot pages within any limit: the store, the program, then every member once', async () => {
    const { storeId } = await server.createStore({ name: 'Small pages' });
    const till = await server.enrol(storeId);
    await till.push(Array.from({ length: 10 }, (_, i) => till.earnedPoints(phone(9200 + i), null, i + 1)));
    for (const limit of [1, 2, 3, 5, 12]) {
      const changes: PullChange[] = [];
      let cursor: string | null = null;
      for (let pages = 1; ; pages++) {
        const res = await till.pull(cursor, limit);
        expect(res.body.resetRequired).toBe(false);
        expect(res.body.changes.length).toBeLessThanOrEqual(limit);
        changes.push(...res.body.changes);
        cursor = res.body.cursor;
        if (res.body.upToDate) break;
        expect(pages).toBeLessThan(Math.ceil(12 / limit) + 1);
      }
      expect(changes.map((c) => c.type)).toEqual(['store', 'program', ...Array(10).fill('customer')]);
      const balances = changes.flatMap((c) => (c.type === 'customer' ? [[c.phone, c.balance]] : []));
      expect(balances.sort()).toEqual(Array.from({ length: 10 }, (_, i) => [phone(9200 + i), i + 1]).sort());
      expect((await till.pull(cursor, limit)).body).toMatchObject({ changes: [], upToDate: true });
    }
  });

  it('a customer changed by several pushes since the last pull is answered once, in their newest state', async () => {
    const { storeId } = await server.createStore({ name: 'Twice shop' });
    const till = await server.enrol(storeId);
    const other = await server.enrol(storeId);
    const { cursor } = await till.pullAll();
    await till.push([till.earnedPoints(phone(9300), null, 1)]);
    await other.push([other.earnedPoints(phone(9300), null, 2), other.earnedPoints(phone(9301), null, 3)]);
    const last = await till.push([till.earnedPoints(phone(9300), null, 4)]);
    const confirmed = last.body.balances.find((b) => b.phone === phone(9300));
    expect(confirmed?.balance).toBe(7);

    const delta = await till.pullAll(cursor);
    const customers = delta.changes.flatMap((c) => (c.type === 'customer' ? [c] : []));
    expect(customers.map((c) => [c.phone, c.balance]).sort()).toEqual([
      [phone(9300), 7],
      [phone(9301), 3],
    ]);
    // The till keeps the newest state by serverSeq: what pull answers is not older than the reply.
    const pulled = customers.find((c) => c.phone === phone(9300));
    expect(pulled?.serverSeq).toBeGreaterThan(confirmed?.serverSeq ?? Infinity);
  });

  it('compaction removes only the sets that answer nothing any more: every cursor reads the same', async () => {
    const { storeId } = await server.createStore({ name: 'Compacted shop' });
    const till = await server.enrol(storeId);
    const { cursor } = await till.pullAll();
    const [ann, bob] = [phone(9500), phone(9501)];
    await till.push([till.earnedPoints(ann, null, 1), till.earnedPoints(bob, null, 2)]);
    const middle = (await till.pullAll(cursor)).cursor;
    await till.push([till.earnedPoints(ann, null, 3)]); // Ann's newer set: the first still has Bob
    await till.push([till.earnedPoints(bob, null, 4)]); // now each customer of the first has a newer one
    const sets = async () =>
      (
        await server.db.query<{ customer_ids: string[] }>(
          'SELECT customer_ids::text[] AS customer_ids FROM feed_changes WHERE store_id = $1 ORDER BY xid, seq',
          [storeId],
        )
      ).rows.map((row) => row.customer_ids.length);
    expect(await sets()).toEqual([2, 1, 1]);
    const before = [await till.pullAll(cursor), await till.pullAll(middle)];

    // Two wraps: the second pass over the whole feed starts at its beginning.
    const passes: CompactionPass[] = [];
    while (passes.filter((pass) => pass.wrapped).length < 2) {
      const pass = await compactFeed(server.db, { batch: 50, customers: 3 });
      if (pass.ran) passes.push(pass);
      else await new Promise((resolve) => setTimeout(resolve, 20)); // the server's own pass
    }
    expect(await sets()).toEqual([1, 1]);
    const after = [await till.pullAll(cursor), await till.pullAll(middle)];
    expect(after.map((pull) => pull.changes)).toEqual(before.map((pull) => pull.changes));
    expect(after[0]?.changes.flatMap((c) => (c.type === 'customer' ? [[c.phone, c.balance]] : []))).toEqual(
      expect.arrayContaining([
        [ann, 4],
        [bob, 6],
      ]),
    );
  });

  it('a page that ends at the end of a set is not the last while more sets follow', async () => {
    const till = await server.enrol((await server.createStore({ name: 'One by one' })).storeId);
    const { cursor } = await till.pullAll();
    for (let i = 0; i < 4; i++) await till.push([till.earnedPoints(phone(9600 + i), null, 1)]);
    const first = await till.pull(cursor, 1);
    expect(first.body).toMatchObject({
      upToDate: false,
      changes: [expect.objectContaining({ phone: phone(9600) })],
    });
    const second = await till.pull(first.body.cursor, 2);
    expect(second.body.changes.map((c) => (c.type === 'customer' ? c.phone : c.type))).toEqual([
      phone(9601),
      phone(9602),
    ]);
    expect(second.body.upToDate).toBe(false);
    const third = await till.pull(second.body.cursor, 2);
    expect(third.body).toMatchObject({
      upToDate: true,
      changes: [expect.objectContaining({ phone: phone(9603) })],
    });
  });

  it('an erased customer is answered once, as erased, and their older sets can be compacted', async () => {
    const { storeId } = await server.createStore({ name: 'Erasing shop' });
    const till = await server.enrol(storeId);
    const { cursor } = await till.pullAll();
    await till.push([till.earnedPoints(phone(9700), null, 1)]);
    expect(
      (await server.admin('POST', `/v1/admin/customers/${encodeURIComponent(phone(9700))}/erase`)).status,
    ).toBe(200);
    const seen = await till.pullAll(cursor);
    expect(seen.changes).toEqual([expect.objectContaining({ type: 'customer.erased' })]);
    const { rows } = await server.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM feed_changes f
        WHERE f.store_id = $1
          AND f.seq < (SELECT b.feed_seq FROM balances b WHERE b.customer_id = f.customer_ids[1])`,
      [storeId],
    );
    expect(rows[0]?.n).toBe(1); // the push's set is below the erasure's version: compaction takes it
  });

  it('a till catching up on many pushes of one customer gets them once, in pages that end', async () => {
    const till = await server.enrol((await server.createStore({ name: 'Regulars' })).storeId);
    const { cursor } = await till.pullAll();
    for (let i = 0; i < 30; i++) await till.push([till.earnedPoints(phone(9800), null, 1)]);
    await till.push([till.earnedPoints(phone(9801), null, 1)]);
    const all = await till.pullAll(cursor, 5);
    expect(all.changes.map((c) => (c.type === 'customer' ? [c.phone, c.balance] : c.type))).toEqual([
      [phone(9800), 30],
      [phone(9801), 1],
    ]);
    // Each page reads at most limit + 2 sets: 31 sets take 5 pages, the last one upToDate.
    expect(all.pages).toBeLessThanOrEqual(Math.ceil(31 / 7) + 1);
  });

  it('a cursor from the feed before change sets (c2) reads as the position after its whole set', async () => {
    const till = await server.enrol((await server.createStore({ name: 'Old cursor' })).storeId);
    const { cursor } = await till.pullAll();
    await till.push([till.earnedPoints(phone(9400), null, 1), till.earnedPoints(phone(9401), null, 1)]);
    const first = await till.pull(cursor, 1);
    expect(first.body.changes).toHaveLength(1);
    const c3 = first.body.cursor as string;
    expect(c3).toMatch(/^c3\.[0-9a-f]{32}\.[0-9a-f]{32}\.\d+\.\d+\.1$/);
    // The set's second customer is after the c3 position…
    expect((await till.pullAll(c3)).changes).toHaveLength(1);
    // …and nothing of that set is after the same position written the old way.
    const c2 = c3.replace(/^c3\./, 'c2.').replace(/\.1$/, '');
    expect(await till.pullAll(c2)).toMatchObject({ resetRequired: false, changes: [] });
    for (const mixed of [`${c2}.1`, c3.replace(/\.1$/, '')]) {
      expect((await till.pull(mixed)).body.resetRequired).toBe(true);
    }
  });

  it('a customer who visits another store appears in both stores’ feeds, with the chain-wide balance', async () => {
    const a = await server.enrol((await server.createStore({ name: 'North' })).storeId);
    const b = await server.enrol((await server.createStore({ name: 'South' })).storeId);
    const p = phone(5000);
    await a.push([a.earned(p, 'N1', 10_00)]);
    const cursorB = (await b.pullAll()).cursor;
    const cursorA = (await a.pullAll()).cursor;
    await b.push([b.earned(p, 'S1', 5_00)]);
    // Store A's till learns of the visit to B, because the customer checked in at A before.
    const seenByA = await a.pullAll(cursorA);
    expect(seenByA.changes).toEqual([expect.objectContaining({ phone: p, balance: 15 })]);
    const seenByB = await b.pullAll(cursorB);
    expect(seenByB.changes).toEqual([expect.objectContaining({ phone: p, balance: 15 })]);
    // A customer who never visited A is not in A's feed.
    await b.push([b.earned(phone(5001), 'S2', 5_00)]);
    expect((await a.pullAll(seenByA.cursor)).changes).toEqual([]);
  });

  it('program changes reach the tills through pull', async () => {
    const { storeId } = await server.createStore({ name: 'Program shop' });
    const till = await server.enrol(storeId);
    const { cursor } = await till.pullAll();
    const program = {
      ...DEFAULT_PROGRAM,
      version: 1,
      earn: { ...DEFAULT_PROGRAM.earn, pointsPerCurrencyUnit: 2 },
    };
    const put = await server.admin('PUT', `/v1/admin/stores/${storeId}/program`, program);
    expect(put.status).toBe(200);
    const stale = await server.admin('PUT', `/v1/admin/stores/${storeId}/program`, program);
    expect(stale.status).toBe(409);
    const { changes } = await till.pullAll(cursor);
    expect(changes).toEqual([expect.objectContaining({ type: 'program', program })]);
  });

  it.each([
    ['garbage', () => 'not-a-cursor'],
    ['SQL in the cursor', () => "1'; DROP TABLE ledger_events; --"],
    ['from the future', (c: string) => c.replace(/\.\d+$/, '.999999999999')],
  ])('an unknown cursor (%s) answers resetRequired so the till re-snapshots', async (_label, make) => {
    const { storeId } = await server.createStore({ name: 'Reset shop' });
    const till = await server.enrol(storeId);
    const { cursor } = await till.pullAll();
    const res = await till.pull(make(cursor as string));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changes: [], cursor: null, upToDate: false, resetRequired: true });
    expect(await server.count('ledger_events')).toBeGreaterThanOrEqual(0); // still there
  });

  it("another store's cursor answers resetRequired", async () => {
    const a = await server.enrol((await server.createStore({ name: 'A' })).storeId);
    const b = await server.enrol((await server.createStore({ name: 'B' })).storeId);
    const { cursor } = await a.pullAll();
    expect((await b.pull(cursor)).body.resetRequired).toBe(true);
  });

  it('after an operator resets cursors (restore from backup) every till re-snapshots', async () => {
    const till = await server.enrol((await server.createStore({ name: 'Restored' })).storeId);
    const { cursor } = await till.pullAll();
    expect((await server.admin('POST', '/v1/admin/sync/reset-cursors')).status).toBe(200);
    expect((await till.pull(cursor)).body.resetRequired).toBe(true);
    const fresh = await till.pullAll();
    expect(fresh.resetRequired).toBe(false);
    expect(fresh.changes.map((c) => c.type).sort()).toEqual(['program', 'store']);
  });

  it('a till that keeps pulling while other tills push never misses a change', async () => {
    const { storeId } = await server.createStore({ name: 'Busy shop' });
    const tills: Till[] = [];
    for (let i = 0; i < 4; i++) tills.push(await server.enrol(storeId));
    const reader = tills[0] as Till;
    const state = new Map<string, PullChange>();
    let cursor: string | null = null;
    let pushing = true;
    const pulling = (async () => {
      while (pushing) {
        const res = await reader.pull(cursor, 50);
        expect(res.status).toBe(200);
        apply(state, res.body.changes);
        cursor = res.body.cursor;
        // Let the pushes run: with PGlite in-process a tight loop of pulls could starve them.
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    await Promise.all(
      tills.map(async (till, t) => {
        for (let round = 0; round < 15; round++) {
          const batch = Array.from({ length: 20 }, (_, i) =>
            till.earnedPoints(phone(7000 + ((t * 31 + round * 7 + i) % 60)), null, 1),
          );
          expect((await till.push(batch)).status).toBe(200);
        }
      }),
    );
    pushing = false;
    await pulling;
    const rest = await reader.pullAll(cursor);
    apply(state, rest.changes);
    const { rows } = await server.db.query<{ customer_id: string; points: number }>(
      `SELECT sc.customer_id, b.points FROM store_customers sc JOIN balances b ON b.customer_id = sc.customer_id
        WHERE sc.store_id = $1`,
      [storeId],
    );
    expect(rows.length).toBe(60);
    for (const row of rows) {
      const seen = state.get(`c:${row.customer_id}`);
      expect(seen && seen.type === 'customer' ? seen.balance : undefined).toBe(row.points);
    }
    const total = rows.reduce((sum, row) => sum + row.points, 0);
    expect(total).toBe(4 * 15 * 20);
  });

  it.runIf(DB_KIND === 'postgres')(
    'a change drawn earlier but committed later is never skipped by a cursor',
    async () => {
      const { storeId } = await server.createStore({ name: 'Ordering shop' });
      const till = await server.enrol(storeId);
      await till.push([till.earnedPoints(phone(8000), null, 1), till.earnedPoints(phone(8001), null, 1)]);
      const before = await till.pullAll();
      const { rows } = await server.db.query<{ id: string }>('SELECT id FROM customers WHERE phone = $1', [
        phone(8000),
      ]);
      const slow = openPostgres({ url: server.database.url as string, poolSize: 1 });
      let releaseSlow: () => void = () => {};
      let slowStarted: () => void = () => {};
      const started = new Promise<void>((resolve) => (slowStarted = resolve));
      const slowDone = slow.transaction(async (tx) => {
        // A slow writer stamps its change first and commits last.
        await touchCustomers(tx, storeId, [rows[0]?.id as string]);
        slowStarted();
        await new Promise<void>((resolve) => (releaseSlow = resolve));
      });
      await started;
      // A later writer commits first; it does not wait for the slow one.
      expect((await till.push([till.earnedPoints(phone(8001), null, 1)])).status).toBe(200);
      // While the slow writer is open, pull holds back everything after it…
      const during = await till.pullAll(before.cursor);
      expect(during.changes).toEqual([]);
      releaseSlow();
      await slowDone;
      await slow.close();
      // …so the cursor taken meanwhile still leads to both changes.
      const after = await till.pullAll(during.cursor);
      expect(after.changes.map((c) => (c.type === 'customer' ? c.phone : c.type)).sort()).toEqual([
        phone(8000),
        phone(8001),
      ]);
    },
  );

  it('limit is bounded and validated', async () => {
    const till = await server.enrol((await server.createStore()).storeId);
    for (const bad of ['0', '1001', 'abc', '-1', '1.5']) {
      const res = await server.request<{ error: { field: string } }>('GET', `/v1/sync/pull?limit=${bad}`, {
        token: till.token,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('limit');
    }
  });
});

describe('the feed before change sets (migration 11)', () => {
  it('every row of the old feed becomes a set of one at its position; balances start at version 0', async () => {
    const old = await openTestDatabase({ migrated: false });
    try {
      await migrate(
        old.db,
        loadMigrations().filter((m) => m.version <= 10),
      );
      const [north, south, ann, bob] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await old.db.query(
        `INSERT INTO store_customers (store_id, customer_id, feed_xid, feed_seq)
         VALUES ($1, $3, 700, 100), ($1, $4, 700, 101), ($2, $3, 705, 102)`,
        [north, south, ann, bob],
      );
      await old.db.query('INSERT INTO balances (customer_id, points) VALUES ($1, 5), ($2, 7)', [ann, bob]);

      await migrate(old.db);
      const sets = await old.db.query<{ store_id: string; xid: number; seq: number; customer_ids: string[] }>(
        'SELECT store_id, xid, seq, customer_ids::text[] AS customer_ids FROM feed_changes ORDER BY seq',
      );
      expect(sets.rows).toEqual([
        { store_id: north, xid: 700, seq: 100, customer_ids: [ann] },
        { store_id: north, xid: 700, seq: 101, customer_ids: [bob] },
        { store_id: south, xid: 705, seq: 102, customer_ids: [ann] },
      ]);
      // One below each customer's lowest old position: below each of their sets, above older states.
      const versions = await old.db.query<{ customer_id: string; feed_seq: number }>(
        'SELECT customer_id, feed_seq FROM balances ORDER BY feed_seq',
      );
      expect(versions.rows).toEqual([
        { customer_id: ann, feed_seq: 99 },
        { customer_id: bob, feed_seq: 100 },
      ]);
      const members = await old.db.query<{ n: number }>('SELECT count(*)::int AS n FROM store_customers');
      expect(members.rows[0]?.n).toBe(3);
    } finally {
      await old.drop();
    }
  });
});
