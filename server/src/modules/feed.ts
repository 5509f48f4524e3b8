import type { Queryable } from '../db/database';
import { arrayLiteral } from '../db/array-literal';
import type { PullChange, PullResponse, StoreInfo } from '../../../src/shared/sync';
import type { Program } from '../../../src/shared/program';

/**
 * The pull feed: what a till needs to know, as the newest state of each thing. A store's feed holds
 * its settings, its program and every customer who has had an event there.
 *
 * Why a cursor never skips a change. Each change is stamped with its writer's transaction id (xid)
 * and a server_seq, and pull orders by (xid, seq). A change only becomes visible when its
 * transaction commits, which may be after later-numbered changes are visible: a plain server_seq
 * cursor could step past it for ever. So pull returns only changes whose xid is below the
 * snapshot's xmin (every transaction below it has finished, and every one from now on gets a
 * higher xid): the visible prefix in (xid, seq) order is final. No lock is taken for this, so
 * writers of different customers never wait for each other; a change shows up in pull as soon as
 * the transactions that started before it have finished (milliseconds under load).
 */

/** SQL for "this transaction's id" as a bigint, used to stamp feed rows. */
export const CURRENT_XID = 'pg_current_xact_id()::text::bigint';

/**
 * Moves customers to the head of the feed of the own store (adding them to it) and of every other
 * store they belong to. Call it while holding the customers' balance rows, so no concurrent writer
 * adds a membership meanwhile. Returns each customer's new server_seq in the own store's feed.
 */
export async function touchCustomers(
  tx: Queryable,
  ownStoreId: string,
  customerIds: readonly string[],
): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  if (customerIds.length === 0) return seqs;
  // Nearly every customer is already in the own store's feed: one plain UPDATE moves every feed
  // row of these customers (own store and others), and only the memberships it did not find are
  // inserted. (An upsert of the own store's rows would first lock each row, a WAL record more per
  // customer, and hit the unique index once more.) No concurrent writer can add a membership of
  // these customers meanwhile: every writer of store_customers holds the customer's balance row,
  // as the caller does. Both parts share one snapshot; the insert skips what the update moved.
  const { rows } = await tx.query<{ customer_id: string; feed_seq: number }>(
    `WITH moved AS (
       UPDATE store_customers SET feed_xid = ${CURRENT_XID}, feed_seq = nextval('server_seq')
        WHERE customer_id = ANY($1::uuid[])
        RETURNING customer_id, store_id, feed_seq
     ), added AS (
       INSERT INTO store_customers (store_id, customer_id, feed_xid, feed_seq)
       SELECT $2, u.id, ${CURRENT_XID}, nextval('server_seq')
         FROM unnest($1::uuid[]) AS u(id)
        WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.customer_id = u.id AND m.store_id = $2)
        ORDER BY u.id
       RETURNING customer_id, feed_seq
     )
     SELECT customer_id, feed_seq FROM moved WHERE store_id = $2
     UNION ALL
     SELECT customer_id, feed_seq FROM added`,
    // Customer ids come from the database (balances), never from a request: no quoting needed.
    [arrayLiteral(customerIds), ownStoreId],
  );
  for (const row of rows) seqs.set(row.customer_id, row.feed_seq);
  return seqs;
}

/** Moves customers to the head of every feed they are in (after an erase), without adding any. */
export async function touchCustomersEverywhere(tx: Queryable, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.query(
    `UPDATE store_customers SET feed_xid = ${CURRENT_XID}, feed_seq = nextval('server_seq')
      WHERE customer_id = ANY($1::uuid[])`,
    [customerIds],
  );
}

// ---------------------------------------------------------------------------------------------
// Cursors: "c2.<epoch>.<store>.<xid>.<seq>". The epoch names the database's history (rotated after
// a restore), the store ties the cursor to one store's feed; anything else is "unknown".

export interface Cursor {
  epoch: string;
  storeId: string;
  xid: number;
  seq: number;
}

const hex = (uuid: string) => uuid.replace(/-/g, '');
const unhex = (text: string) =>
  `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;

export function encodeCursor(cursor: Cursor): string {
  return `c2.${hex(cursor.epoch)}.${hex(cursor.storeId)}.${cursor.xid}.${cursor.seq}`;
}

export function decodeCursor(text: string): Cursor | undefined {
  const match = /^c2\.([0-9a-f]{32})\.([0-9a-f]{32})\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})$/.exec(text);
  if (!match) return undefined;
  const xid = Number(match[3]);
  const seq = Number(match[4]);
  if (!Number.isSafeInteger(xid) || !Number.isSafeInteger(seq)) return undefined;
  return { epoch: unhex(match[1] as string), storeId: unhex(match[2] as string), xid, seq };
}

export async function currentEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>('SELECT epoch FROM server_meta');
  const epoch = rows[0]?.epoch;
  if (!epoch) throw new Error('server_meta has no epoch: the database is not migrated');
  return epoch;
}

interface FeedRow {
  kind: 'customer' | 'store' | 'program';
  xid: number;
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
  const reset: PullResponse = { changes: [], cursor: null, upToDate: false, resetRequired: true };
  const epoch = await currentEpoch(db);
  let after = { xid: 0, seq: 0 };
  if (cursorText !== undefined) {
    const cursor = decodeCursor(cursorText);
    if (!cursor || cursor.epoch !== epoch || cursor.storeId !== storeId) return reset;
    const { rows } = await db.query<{ xmax: number; seq: number; called: boolean }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax, last_value AS seq, is_called AS called
         FROM server_seq`,
    );
    const now = rows[0];
    // A cursor from the future: this database has forgotten changes the till has seen (restored
    // from a backup, or another database answering at this address).
    if (!now || cursor.xid >= now.xmax || cursor.seq > (now.called ? now.seq : 0)) return reset;
    after = { xid: cursor.xid, seq: cursor.seq };
  }

  // One statement: the store, its program and its customers come from one snapshot, and the
  // horizon is that snapshot's xmin. One more row than asked, to know whether this page is last.
  const { rows } = await db.query<FeedRow>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon)
     SELECT * FROM (
       SELECT 'customer' AS kind, sc.feed_xid AS xid, sc.feed_seq AS seq, sc.customer_id, c.phone,
              c.first_name, c.enrolled_at IS NOT NULL AS enrolled, b.points, NULL::jsonb AS data
         FROM h, store_customers sc
         JOIN customers c ON c.id = sc.customer_id
         LEFT JOIN balances b ON b.customer_id = sc.customer_id
        WHERE sc.store_id = $1 AND (sc.feed_xid, sc.feed_seq) > ($2, $3) AND sc.feed_xid < h.horizon
        ORDER BY sc.feed_xid, sc.feed_seq
        LIMIT $4
     ) AS customers_page
     UNION ALL
     SELECT 'store', s.settings_xid, s.settings_seq, NULL, NULL, NULL, NULL, NULL,
            jsonb_build_object('id', s.id, 'name', s.name, 'country', s.country,
                               'currency', s.currency, 'time_zone', s.time_zone)
       FROM h, stores s
      WHERE s.id = $1 AND (s.settings_xid, s.settings_seq) > ($2, $3) AND s.settings_xid < h.horizon
     UNION ALL
     SELECT 'program', s.program_xid, s.program_seq, NULL, NULL, NULL, NULL, NULL, p.program
       FROM h, stores s JOIN program_versions p ON p.store_id = s.id AND p.version = s.program_version
      WHERE s.id = $1 AND (s.program_xid, s.program_seq) > ($2, $3) AND s.program_xid < h.horizon
     ORDER BY xid, seq
     LIMIT $4`,
    [storeId, after.xid, after.seq, limit + 1],
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
  const last = rows[page.length - 1];
  const position = last ? { xid: last.xid, seq: last.seq } : after;
  return {
    changes: page,
    cursor: encodeCursor({ epoch, storeId, ...position }),
    upToDate: changes.length <= limit,
    resetRequired: false,
  };
}
