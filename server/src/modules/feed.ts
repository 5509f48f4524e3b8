import type { Queryable } from '../db/database';
import type { PullChange, PullResponse, StoreInfo } from '../../../src/shared/sync';
import type { Program } from '../../../src/shared/program';

/**
 * The pull feed: what a till needs to know, as the newest state of each thing, ordered by the
 * global server_seq. A store's feed holds its settings, its program and every customer who has had
 * an event there.
 *
 * Why a cursor never skips a change: every transaction that writes a store's feed first takes that
 * store's advisory lock and only then draws server_seq values, and holds the lock until it commits.
 * So for any one store, seq values become visible in increasing order, and a reader that has seen
 * seq N will never later find a committed change below N.
 */

/** Takes the feed locks of these stores, in a fixed order so two writers never deadlock. */
export async function lockStoreFeeds(tx: Queryable, storeIds: readonly string[]): Promise<void> {
  if (storeIds.length === 0) return;
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('store-feed:' || s.id::text, 0))
       FROM (SELECT DISTINCT id FROM unnest($1::uuid[]) AS u(id) ORDER BY id) AS s`,
    [storeIds],
  );
}

/**
 * Locks the feeds of the own store and of every store these customers belong to, then moves the
 * customers to the head of those feeds (adding them to the own store's feed). Call it after the
 * customers' rows are locked, so no concurrent writer can add a membership meanwhile.
 * Returns each customer's new server_seq in the own store's feed.
 */
export async function touchCustomers(
  tx: Queryable,
  ownStoreId: string,
  customerIds: readonly string[],
): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  if (customerIds.length === 0) return seqs;
  const { rows: stores } = await tx.query<{ store_id: string }>(
    'SELECT DISTINCT store_id FROM store_customers WHERE customer_id = ANY($1::uuid[])',
    [customerIds],
  );
  await lockStoreFeeds(tx, [ownStoreId, ...stores.map((row) => row.store_id)]);
  const { rows } = await tx.query<{ customer_id: string; feed_seq: number }>(
    `WITH others AS (
       UPDATE store_customers SET feed_seq = nextval('server_seq')
        WHERE customer_id = ANY($1::uuid[]) AND store_id <> $2
        RETURNING 1
     )
     INSERT INTO store_customers (store_id, customer_id, feed_seq)
     SELECT $2, c.id, nextval('server_seq') FROM (SELECT id FROM unnest($1::uuid[]) AS u(id) ORDER BY id) AS c
     ON CONFLICT (store_id, customer_id) DO UPDATE SET feed_seq = EXCLUDED.feed_seq
     RETURNING customer_id, feed_seq`,
    [customerIds, ownStoreId],
  );
  for (const row of rows) seqs.set(row.customer_id, row.feed_seq);
  return seqs;
}

/** Moves customers to the head of every feed they are in (after an erase), without adding any. */
export async function touchCustomersEverywhere(tx: Queryable, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  const { rows: stores } = await tx.query<{ store_id: string }>(
    'SELECT DISTINCT store_id FROM store_customers WHERE customer_id = ANY($1::uuid[])',
    [customerIds],
  );
  await lockStoreFeeds(
    tx,
    stores.map((row) => row.store_id),
  );
  await tx.query(
    `UPDATE store_customers SET feed_seq = nextval('server_seq') WHERE customer_id = ANY($1::uuid[])`,
    [customerIds],
  );
}

// ---------------------------------------------------------------------------------------------
// Cursors: "c1.<epoch>.<store>.<seq>". The epoch names the database's history (rotated after a
// restore), the store ties the cursor to one store's feed; anything else is "unknown".

export interface Cursor {
  epoch: string;
  storeId: string;
  seq: number;
}

const hex = (uuid: string) => uuid.replace(/-/g, '');
const unhex = (text: string) =>
  `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;

export function encodeCursor(cursor: Cursor): string {
  return `c1.${hex(cursor.epoch)}.${hex(cursor.storeId)}.${cursor.seq}`;
}

export function decodeCursor(text: string): Cursor | undefined {
  const match = /^c1\.([0-9a-f]{32})\.([0-9a-f]{32})\.(0|[1-9][0-9]{0,15})$/.exec(text);
  if (!match) return undefined;
  const seq = Number(match[3]);
  if (!Number.isSafeInteger(seq)) return undefined;
  return { epoch: unhex(match[1] as string), storeId: unhex(match[2] as string), seq };
}

export async function currentEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>('SELECT epoch FROM server_meta');
  const epoch = rows[0]?.epoch;
  if (!epoch) throw new Error('server_meta has no epoch: the database is not migrated');
  return epoch;
}

interface FeedRow {
  kind: 'customer' | 'store' | 'program';
  seq: number;
  customer_id: string | null;
  phone: string | null;
  first_name: string | null;
  enrolled: boolean | null;
  points: number | null;
  data: unknown;
}

export function storeInfo(row: {
  id: string;
  name: string;
  country: string;
  currency: string;
  time_zone: string;
}): StoreInfo {
  return {
    storeId: row.id,
    name: row.name,
    country: row.country as StoreInfo['country'],
    currency: row.currency,
    timeZone: row.time_zone,
  };
}

/** One page of a store's feed after `cursor` (or from the start for a snapshot). */
export async function pull(
  db: Queryable,
  storeId: string,
  cursorText: string | undefined,
  limit: number,
): Promise<PullResponse> {
  const epoch = await currentEpoch(db);
  let after = 0;
  if (cursorText !== undefined) {
    const cursor = decodeCursor(cursorText);
    if (!cursor || cursor.epoch !== epoch || cursor.storeId !== storeId) {
      return { changes: [], cursor: null, upToDate: false, resetRequired: true };
    }
    const { rows } = await db.query<{ last_value: number; is_called: boolean }>(
      'SELECT last_value, is_called FROM server_seq',
    );
    const highest = rows[0]?.is_called ? rows[0].last_value : 0;
    // A cursor from the future: this database has forgotten changes the till has seen.
    if (cursor.seq > highest) return { changes: [], cursor: null, upToDate: false, resetRequired: true };
    after = cursor.seq;
  }

  // One statement, so the store, its program and its customers come from one snapshot: two
  // queries could see different moments and a cursor could step over a change between them.
  // One more row than asked, to know whether this page is the last.
  const { rows } = await db.query<FeedRow>(
    `SELECT * FROM (
       SELECT 'customer' AS kind, sc.feed_seq AS seq, sc.customer_id, c.phone, c.first_name,
              c.enrolled_at IS NOT NULL AS enrolled, b.points, NULL::jsonb AS data
         FROM store_customers sc
         JOIN customers c ON c.id = sc.customer_id
         LEFT JOIN balances b ON b.customer_id = sc.customer_id
        WHERE sc.store_id = $1 AND sc.feed_seq > $2
        ORDER BY sc.feed_seq
        LIMIT $3
     ) AS customers_page
     UNION ALL
     SELECT 'store', s.settings_seq, NULL, NULL, NULL, NULL, NULL,
            jsonb_build_object('id', s.id, 'name', s.name, 'country', s.country,
                               'currency', s.currency, 'time_zone', s.time_zone)
       FROM stores s WHERE s.id = $1 AND s.settings_seq > $2
     UNION ALL
     SELECT 'program', s.program_seq, NULL, NULL, NULL, NULL, NULL, p.program
       FROM stores s JOIN program_versions p ON p.store_id = s.id AND p.version = s.program_version
      WHERE s.id = $1 AND s.program_seq > $2
     ORDER BY seq
     LIMIT $3`,
    [storeId, after, limit + 1],
  );

  const changes: PullChange[] = rows.map((row): PullChange => {
    if (row.kind === 'store') {
      return {
        type: 'store',
        serverSeq: row.seq,
        store: storeInfo(row.data as Parameters<typeof storeInfo>[0]),
      };
    }
    if (row.kind === 'program') return { type: 'program', serverSeq: row.seq, program: row.data as Program };
    const customerId = row.customer_id as string;
    if (row.phone === null) return { type: 'customer.erased', serverSeq: row.seq, customerId };
    const balance = row.points ?? 0;
    return {
      type: 'customer',
      serverSeq: row.seq,
      customerId,
      phone: row.phone,
      firstName: row.first_name,
      enrolled: row.enrolled === true,
      balance,
      overdrawn: balance < 0,
    };
  });
  const page = changes.slice(0, limit);
  const upToDate = changes.length <= limit;
  const last = page[page.length - 1];
  const seq = last ? last.serverSeq : after;
  return {
    changes: page,
    cursor: encodeCursor({ epoch, storeId, seq }),
    upToDate,
    resetRequired: false,
  };
}
