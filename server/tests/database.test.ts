import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, openTestDatabase } from './support/harness';

/** The Database wrapper's own promises (both PGlite and PostgreSQL). */
describe('Database.transaction', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ migrated: false });
  });
  afterAll(async () => {
    await database.drop();
  });

  const seqScan = async (q: { query: TestDatabase['db']['query'] }) =>
    (await q.query<{ v: string }>("SELECT current_setting('enable_seqscan') AS v")).rows[0]?.v;

  it('keyLookupsOnly turns sequential scans off for that transaction only', async () => {
    const { db } = database;
    // Several at once, so a pooled connection is reused after a keyLookupsOnly transaction.
    const inside = await Promise.all(
      Array.from({ length: 4 }, () => db.transaction((tx) => seqScan(tx), { keyLookupsOnly: true })),
    );
    expect(inside).toEqual(['off', 'off', 'off', 'off']);
    const after = await Promise.all([
      ...Array.from({ length: 4 }, () => db.transaction((tx) => seqScan(tx))),
      ...Array.from({ length: 4 }, () => seqScan(db)),
    ]);
    expect(after).toEqual(Array.from({ length: 8 }, () => 'on'));
  });

  it('keyLookupsOnly still rolls back when fn throws, and the setting does not leak', async () => {
    const { db } = database;
    await expect(
      db.transaction(
        async (tx) => {
          await tx.query('CREATE TABLE tx_probe (id integer)');
          throw new Error('boom');
        },
        { keyLookupsOnly: true },
      ),
    ).rejects.toThrow('boom');
    const exists = await db.query<{ t: string | null }>("SELECT to_regclass('tx_probe')::text AS t");
    expect(exists.rows[0]?.t).toBeNull();
    expect(await seqScan(db)).toBe('on');
  });
});
