import type { Database, Queryable } from '../db/database';
import { type BackgroundLoop, startBackgroundLoop } from '../background-loop';
import { arrayLiteral } from '../db/array-literal';
import type { PullChange, PullResponse, StoreInfo } from '../../../src/shared/sync';
import type { Program } from '../../../src/shared/program';

/**
 * The pull feed: what a till needs to know, as the newest state of each thing. A store's feed holds
 * its settings, its program and every customer who has had an event there (store_customers).
 *
 * Customers' changes are a log of change sets (feed_changes): a transaction that changes customers
 * appends, for each store they belong to, one row naming them. A push of 500 events writes one or
 * two rows, not one per customer. Each customer's balance row carries its version (feed_seq), a
 * server_seq drawn while the writer holds that row, so versions grow in commit order; a set is
 * numbered after its writer's versions. So only a customer's latest set has a number above the
 * customer's version: pull answers the customer there, with the state it reads, and skips the
 * older sets that named them.
 *
 * Why a cursor never skips a change. Each set is stamped with its writer's transaction id (xid)
 * and a server_seq, and pull orders by (xid, seq). A set only becomes visible when its
 * transaction commits, which may be after later-numbered sets are visible: a plain server_seq
 * cursor could step past it for ever. So pull returns only sets whose xid is below the snapshot's
 * xmin (every transaction below it has finished, and every one from now on gets a higher xid):
 * the visible prefix in (xid, seq) order is final. No lock is taken for this, so writers of
 * different customers never wait for each other; a change shows up in pull as soon as the
 * transactions that started before it have finished (milliseconds under load).
 *
 * A first pull (no cursor) is a snapshot: the store, its program and its members in customer id
 * order, each in its current state, over as many pages as it takes; then the log from the xmin
 * of the snapshot's first page, so whatever changed while it was read is answered again.
 */

/** SQL for "this transaction's id" as a bigint, used to stamp feed rows. */
export const CURRENT_XID = 'pg_current_xact_id()::text::bigint';

/**
 * Adds customers to the own store's members (those not in it yet) and appends a change set naming
 * them to the feed of the own store and of every other store they belong to. Call it while holding
 * the customers' balance rows, after drawing their versions (see above), so no concurrent writer
 * adds a membership meanwhile and the sets are numbered after the versions.
 */
export async function touchCustomers(
  tx: Queryable,
  ownStoreId: string,
  customerIds: readonly string[],
): Promise<void> {
  if (customerIds.length === 0) return;
  // The memberships are read and the missing ones inserted in one statement; the sets are built
  // from both (the read does not see the insert). No concurrent writer can add a membership of
  // these customers meanwhile: every writer of store_customers holds the customer's balance row.
  await tx.query(
    `WITH member AS (
       SELECT store_id, customer_id FROM store_customers WHERE customer_id = ANY($1::uuid[])
     ), joined AS (
       INSERT INTO store_customers (store_id, customer_id)
       SELECT $2, u.id FROM unnest($1::uuid[]) AS u(id)
        WHERE NOT EXISTS (SELECT 1 FROM member m WHERE m.customer_id = u.id AND m.store_id = $2)
        ORDER BY u.id
       RETURNING store_id, customer_id
     )
     INSERT INTO feed_changes (store_id, xid, seq, customer_ids)
     SELECT store_id, ${CURRENT_XID}, nextval('server_seq'), array_agg(customer_id ORDER BY customer_id)
       FROM (SELECT store_id, customer_id FROM member UNION ALL SELECT store_id, customer_id FROM joined) AS m
      GROUP BY store_id`,
    // Customer ids come from the database (balances), never from a request: no quoting needed.
    [arrayLiteral(customerIds), ownStoreId],
  );
}

/** Appends a change set of these customers to every store's feed they are in (e.g. after an erase). */
export async function touchCustomersEverywhere(tx: Queryable, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.query(
    `INSERT INTO feed_changes (store_id, xid, seq, customer_ids)
     SELECT store_id, ${CURRENT_XID}, nextval('server_seq'), array_agg(customer_id ORDER BY customer_id)
       FROM store_customers WHERE customer_id = ANY($1::uuid[])
      GROUP BY store_id`,
    [customerIds],
  );
}

// ---------------------------------------------------------------------------------------------
// Compaction. A set whose every customer has a version above the set's number answers nothing any
// more (pull skips a customer at such a set, and versions only grow), so removing it changes no
// page any cursor will read. What stays is about one set per store and customer, as many rows as
// the feed held before change sets. A pass examines the next sets after a persisted position, in
// key order, and starts over at the end; one process at a time (advisory lock).

/** An arbitrary constant shared by every process of this server: "the feed compaction lock". */
const COMPACTION_LOCK_KEY = 7_316_011;

export interface CompactionPass {
  /** False when another process holds the lock (nothing was done). */
  ran: boolean;
  examined: number;
  removed: number;
  /** True when this pass reached the end of the feed (the next one starts over). */
  wrapped: boolean;
}

export async function compactFeed(
  db: Database,
  options: { batch: number; customers: number },
): Promise<CompactionPass> {
  return db.transaction(async (tx) => {
    const lock = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [
      COMPACTION_LOCK_KEY,
    ]);
    if (!lock.rows[0]?.ok) return { ran: false, examined: 0, removed: 0, wrapped: false };
    // The next `batch` sets, cut where they name more than `customers` customers in all (a push's
    // set names hundreds, and each is looked up): the pass's work stays small whatever the sets.
    const { rows } = await tx.query<{
      read: number;
      examined: number;
      removed: number;
      store_id: string | null;
      xid: number | null;
      seq: number | null;
    }>(
      `WITH next AS (
         SELECT f.store_id, f.xid, f.seq, f.customer_ids,
                sum(cardinality(f.customer_ids)) OVER (ORDER BY f.store_id, f.xid, f.seq) AS named
           FROM feed_compaction k, feed_changes f
          WHERE (f.store_id, f.xid, f.seq) > (k.store_id, k.xid, k.seq)
          ORDER BY f.store_id, f.xid, f.seq
          LIMIT $1
       ), batch AS (
         SELECT store_id, xid, seq, customer_ids FROM next
          WHERE named - cardinality(customer_ids) < $2
       ), removed AS (
         DELETE FROM feed_changes f
          USING batch d
          WHERE f.store_id = d.store_id AND f.xid = d.xid AND f.seq = d.seq
            AND NOT EXISTS (
              SELECT 1 FROM unnest(d.customer_ids) AS u(id)
                LEFT JOIN balances b ON b.customer_id = u.id
               WHERE b.feed_seq IS NULL OR b.feed_seq < d.seq)
         RETURNING 1
       ), last AS (
         SELECT store_id, xid, seq FROM batch ORDER BY store_id DESC, xid DESC, seq DESC LIMIT 1
       )
       SELECT (SELECT count(*)::integer FROM next) AS read, (SELECT count(*)::integer FROM batch) AS examined,
              (SELECT count(*)::integer FROM removed) AS removed, last.store_id, last.xid, last.seq
         FROM (SELECT 1) AS one LEFT JOIN last ON true`,
      [options.batch, options.customers],
    );
    const pass = rows[0] ?? { read: 0, examined: 0, removed: 0, store_id: null, xid: null, seq: null };
    // The end of the feed: fewer sets than asked, and none left out for the customers' budget.
    const wrapped = pass.read < options.batch && pass.examined === pass.read;
    await tx.query('UPDATE feed_compaction SET store_id = $1, xid = $2, seq = $3', [
      wrapped || pass.store_id === null ? NO_CUSTOMER : pass.store_id,
      wrapped ? 0 : pass.xid,
      wrapped ? 0 : pass.seq,
    ]);
    return { ran: true, examined: pass.examined, removed: pass.removed, wrapped };
  });
}

export type CompactionLoop = BackgroundLoop;

/** A compaction pass every intervalMs (FEED_COMPACTION_INTERVAL_SECONDS). */
export function startCompactionLoop(
  db: Database,
  options: {
    intervalMs: number;
    batch: number;
    customers: number;
    onPass?: (pass: CompactionPass) => void;
    onError?: (error: unknown) => void;
  },
): CompactionLoop {
  return startBackgroundLoop({
    firstDelayMs: options.intervalMs,
    retryDelayMs: options.intervalMs,
    onError: options.onError,
    run: async () => {
      options.onPass?.(await compactFeed(db, { batch: options.batch, customers: options.customers }));
      return options.intervalMs;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Cursors name the database's history (the epoch, rotated after a restore) and the store; anything
// else is "unknown". In the log: "c3.<epoch>.<store>.<xid>.<seq>.<n>", after the n-th customer of
// the set (xid, seq) (n = 0: the store's settings or program at that position). In a snapshot:
// "s3.<epoch>.<store>.<xmin of its first page>.<heads sent>.<last customer id answered>". Cursors
// of the feed before change sets, "c2.<epoch>.<store>.<xid>.<seq>", are read as the log position
// after everything at (xid, seq).

export interface LogCursor {
  kind: 'log';
  epoch: string;
  storeId: string;
  xid: number;
  seq: number;
  n: number;
}
export interface SnapshotCursor {
  kind: 'snapshot';
  epoch: string;
  storeId: string;
  /** The xmin of the snapshot's first page; -1 before it. */
  horizon: number;
  /** Of the store's settings and its program, how many were answered. */
  headsSent: number;
  afterCustomerId: string;
}
export type Cursor = LogCursor | SnapshotCursor;

/** The store's settings and its program: a snapshot's first entries. */
const HEAD_ENTRIES = 2;
/** Past any customer of a set: a set names at most a push's customers. */
const WHOLE_SET = 2 ** 31;
const NO_CUSTOMER = '00000000-0000-0000-0000-000000000000';

const hex = (uuid: string) => uuid.replace(/-/g, '');
const unhex = (text: string) =>
  `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;

export function encodeCursor(cursor: Cursor): string {
  const head = `${hex(cursor.epoch)}.${hex(cursor.storeId)}`;
  return cursor.kind === 'log'
    ? `c3.${head}.${cursor.xid}.${cursor.seq}.${cursor.n}`
    : `s3.${head}.${cursor.horizon}.${cursor.headsSent}.${hex(cursor.afterCustomerId)}`;
}

const LOG_CURSOR =
  /^c([23])\.([0-9a-f]{32})\.([0-9a-f]{32})\.(0|[1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,15})(?:\.(0|[1-9][0-9]{0,9}))?$/;
const SNAPSHOT_CURSOR = /^s3\.([0-9a-f]{32})\.([0-9a-f]{32})\.(0|[1-9][0-9]{0,15})\.([0-2])\.([0-9a-f]{32})$/;

export function decodeCursor(text: string): Cursor | undefined {
  const snapshot = SNAPSHOT_CURSOR.exec(text);
  if (snapshot) {
    const horizon = Number(snapshot[3]);
    if (!Number.isSafeInteger(horizon)) return undefined;
    return {
      kind: 'snapshot',
      epoch: unhex(snapshot[1] as string),
      storeId: unhex(snapshot[2] as string),
      horizon,
      headsSent: Number(snapshot[4]),
      afterCustomerId: unhex(snapshot[5] as string),
    };
  }
  const log = LOG_CURSOR.exec(text);
  // A c3 cursor names its n; a c2 cursor has none.
  if (!log || (log[1] === '3') !== (log[6] !== undefined)) return undefined;
  const xid = Number(log[4]);
  const seq = Number(log[5]);
  const n = log[6] === undefined ? WHOLE_SET : Number(log[6]);
  if (!Number.isSafeInteger(xid) || !Number.isSafeInteger(seq) || n > WHOLE_SET) return undefined;
  return { kind: 'log', epoch: unhex(log[2] as string), storeId: unhex(log[3] as string), xid, seq, n };
}

export async function currentEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>('SELECT epoch FROM server_meta');
  const epoch = rows[0]?.epoch;
  if (!epoch) throw new Error('server_meta has no epoch: the database is not migrated');
  return epoch;
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

/** A customer as pull answers it: the state read now, and the version of that state. */
interface CustomerRow {
  customer_id: string;
  phone: string | null;
  first_name: string | null;
  enrolled: boolean;
  points: number | null;
  /** balances.feed_seq; null when the customer has no balance row. */
  version: number | null;
}

interface FeedRow extends Omit<CustomerRow, 'customer_id'> {
  /** 'window': the log page's last set read (xid, seq) and how many it read (version). */
  kind: 'customer' | 'store' | 'program' | 'window';
  xid: number;
  seq: number;
  /** The customer's place in its set (1-based); 0 for the store's settings and program. */
  n: number;
  customer_id: string | null;
  data: unknown;
}

const STORE_AND_PROGRAM = `
     SELECT 'store' AS kind, s.settings_xid AS xid, s.settings_seq AS seq, 0::bigint AS n,
            NULL::uuid AS customer_id, NULL::text AS phone, NULL::text AS first_name, NULL::boolean AS enrolled,
            NULL::bigint AS points, NULL::bigint AS version,
            jsonb_build_object('id', s.id, 'name', s.name, 'country', s.country,
                               'currency', s.currency, 'time_zone', s.time_zone) AS data
       FROM h, stores s
      WHERE s.id = $1 AND %STORE%
     UNION ALL
     SELECT 'program', s.program_xid, s.program_seq, 0, NULL, NULL, NULL, NULL, NULL, NULL, p.program
       FROM h, stores s JOIN program_versions p ON p.store_id = s.id AND p.version = s.program_version
      WHERE s.id = $1 AND %PROGRAM%`;

const HORIZON = 'WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS horizon)';

function customerChange(row: CustomerRow, serverSeq: number): PullChange {
  if (row.phone === null) return { type: 'customer.erased', serverSeq, customerId: row.customer_id };
  const balance = row.points ?? 0;
  return {
    type: 'customer',
    serverSeq,
    customerId: row.customer_id,
    phone: row.phone,
    firstName: row.first_name,
    enrolled: row.enrolled,
    balance,
    overdrawn: balance < 0,
  };
}

function headChange(row: FeedRow): PullChange {
  if (row.kind === 'store') {
    return {
      type: 'store',
      serverSeq: row.seq,
      store: storeInfo(row.data as Parameters<typeof storeInfo>[0]),
    };
  }
  return { type: 'program', serverSeq: row.seq, program: row.data as Program };
}

/** One page of a store's feed after `cursor` (or from the start: a snapshot). */
export async function pull(
  db: Queryable,
  storeId: string,
  cursorText: string | undefined,
  limit: number,
): Promise<PullResponse> {
  const reset: PullResponse = { changes: [], cursor: null, upToDate: false, resetRequired: true };
  const epoch = await currentEpoch(db);
  if (cursorText === undefined) {
    const start: SnapshotCursor = {
      kind: 'snapshot',
      epoch,
      storeId,
      horizon: -1,
      headsSent: 0,
      afterCustomerId: NO_CUSTOMER,
    };
    return snapshotPage(db, start, limit);
  }
  const cursor = decodeCursor(cursorText);
  if (!cursor || cursor.epoch !== epoch || cursor.storeId !== storeId) return reset;
  const { rows } = await db.query<{ xmax: number; seq: number; called: boolean }>(
    `SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax, last_value AS seq, is_called AS called
       FROM server_seq`,
  );
  const now = rows[0];
  // A cursor from the future: this database has forgotten changes the till has seen (restored
  // from a backup, or another database answering at this address).
  if (!now) return reset;
  if (cursor.kind === 'snapshot') {
    return cursor.horizon > now.xmax ? reset : snapshotPage(db, cursor, limit);
  }
  // A position is at an entry of a finished transaction (xid below xmax), or, after a snapshot, at
  // the start (seq 0) of the transactions from its horizon on (at most xmax).
  const finished = cursor.seq === 0 ? cursor.xid <= now.xmax : cursor.xid < now.xmax;
  if (!finished || cursor.seq > (now.called ? now.seq : 0)) return reset;
  return logPage(db, cursor, limit);
}

/**
 * A page of the snapshot: the store and its program first, then members in customer id order, each
 * as it is now. A snapshot's first page (horizon -1) takes the horizon of its own statement; when
 * the members run out, the page goes on into the log from that horizon.
 */
async function snapshotPage(db: Queryable, cursor: SnapshotCursor, limit: number): Promise<PullResponse> {
  const first = cursor.horizon < 0;
  // The store (head entry 0) and the program (1) come first, and count against the page's limit.
  const heads = Math.min(HEAD_ENTRIES - cursor.headsSent, limit);
  const { rows } = await db.query<FeedRow & { horizon: number }>(
    `${HORIZON}
     SELECT h.horizon, x.* FROM h, (
       SELECT * FROM (
         SELECT 'customer' AS kind, 0::bigint AS xid, 0::bigint AS seq, 0::bigint AS n, sc.customer_id, c.phone,
                c.first_name, c.enrolled_at IS NOT NULL AS enrolled, b.points, b.feed_seq AS version,
                NULL::jsonb AS data
           FROM store_customers sc
           JOIN customers c ON c.id = sc.customer_id
           LEFT JOIN balances b ON b.customer_id = sc.customer_id
          WHERE sc.store_id = $1 AND sc.customer_id > $2
          ORDER BY sc.customer_id
          LIMIT $3
       ) AS members
       UNION ALL ${STORE_AND_PROGRAM.replace('%STORE%', '$4 <= 0 AND 0 < $5').replace('%PROGRAM%', '$4 <= 1 AND 1 < $5')}
     ) AS x`,
    // One member more than the page holds, to know whether this page is the last.
    [cursor.storeId, cursor.afterCustomerId, limit - heads + 1, cursor.headsSent, cursor.headsSent + heads],
  );
  const horizon = first ? (rows[0]?.horizon ?? 0) : cursor.horizon;
  const members = rows.filter((row) => row.kind === 'customer') as (FeedRow & CustomerRow)[];
  const taken = members.slice(0, limit - heads);
  const changes = [
    ...['store', 'program'].flatMap((kind) => rows.filter((row) => row.kind === kind).map(headChange)),
    ...taken.map((row) => customerChange(row, row.version ?? 0)),
  ];
  const headsSent = cursor.headsSent + heads;
  if (headsSent < HEAD_ENTRIES || members.length > taken.length) {
    const afterCustomerId = taken[taken.length - 1]?.customer_id ?? cursor.afterCustomerId;
    return {
      changes,
      cursor: encodeCursor({ ...cursor, horizon, headsSent, afterCustomerId }),
      upToDate: false,
      resetRequired: false,
    };
  }
  // Every member answered: what changed since the snapshot began is in the log after its horizon
  // (every set of the horizon's own transaction and later ones is at a position after (horizon, 0)).
  const logStart: LogCursor = {
    kind: 'log',
    epoch: cursor.epoch,
    storeId: cursor.storeId,
    xid: horizon,
    seq: 0,
    n: 0,
  };
  const room = limit - changes.length;
  if (room === 0) return { changes, cursor: encodeCursor(logStart), upToDate: false, resetRequired: false };
  const rest = await logPage(db, logStart, room);
  return { ...rest, changes: [...changes, ...rest.changes] };
}

/**
 * A page of the log after the cursor: the sets (and the store's settings and program changes) in
 * (xid, seq) order, a customer answered at their newest set only. The older sets naming a customer
 * are passed over without reading the customer and do not count against the limit; a page reads at
 * most limit + 2 sets, so one that passes over many may answer fewer than its limit.
 */
async function logPage(db: Queryable, cursor: LogCursor, limit: number): Promise<PullResponse> {
  // A window of at most limit + 2 sets (each names a customer, the cursor's own may have none
  // left), read whole; at most limit + 1 answers from it, to know whether this page is the last.
  // The 'window' row gives the window's last set and how many sets it holds.
  const { rows } = await db.query<FeedRow>(
    `${HORIZON}, sets AS (
       SELECT f.xid, f.seq, f.customer_ids
         FROM h, feed_changes f
        WHERE f.store_id = $1 AND (f.xid, f.seq) >= ($2, $3) AND f.xid < h.horizon
        ORDER BY f.xid, f.seq
        LIMIT $5::integer + 1
     ), edge AS (
       SELECT s.xid, s.seq, (SELECT count(*) FROM sets) AS sets FROM sets s ORDER BY s.xid DESC, s.seq DESC LIMIT 1
     ), answered AS (
       SELECT s.xid, s.seq, u.n, u.customer_id, b.points, b.feed_seq AS version
         FROM sets s
         CROSS JOIN LATERAL unnest(s.customer_ids) WITH ORDINALITY AS u(customer_id, n)
         LEFT JOIN balances b ON b.customer_id = u.customer_id
        WHERE (s.xid, s.seq, u.n) > ($2, $3, $4)
          -- Only a customer's newest set is numbered above their version (see the top of this file).
          AND (b.feed_seq IS NULL OR s.seq > b.feed_seq)
        ORDER BY s.xid, s.seq, u.n
        LIMIT $5
     )
     SELECT 'customer' AS kind, a.xid, a.seq, a.n, a.customer_id, c.phone, c.first_name,
            c.enrolled_at IS NOT NULL AS enrolled, a.points, a.version, NULL::jsonb AS data
       FROM answered a
       JOIN customers c ON c.id = a.customer_id
     UNION ALL
     SELECT 'window', e.xid, e.seq, ${WHOLE_SET}, NULL, NULL, NULL, NULL, NULL, e.sets, NULL FROM edge e
     UNION ALL ${STORE_AND_PROGRAM.replace(
       '%STORE%',
       `(s.settings_xid, s.settings_seq, 0) > ($2, $3, $4) AND s.settings_xid < h.horizon
        AND NOT EXISTS (SELECT 1 FROM edge e WHERE e.sets > $5 AND (s.settings_xid, s.settings_seq) > (e.xid, e.seq))`,
     ).replace(
       '%PROGRAM%',
       `(s.program_xid, s.program_seq, 0) > ($2, $3, $4) AND s.program_xid < h.horizon
        AND NOT EXISTS (SELECT 1 FROM edge e WHERE e.sets > $5 AND (s.program_xid, s.program_seq) > (e.xid, e.seq))`,
     )}
     ORDER BY xid, seq, n`,
    [cursor.storeId, cursor.xid, cursor.seq, cursor.n, limit + 1],
  );
  const window = rows.find((row) => row.kind === 'window');
  const answers = rows.filter((row) => row.kind !== 'window');
  const page = answers.slice(0, limit);
  const changes = page.map((row) =>
    row.kind === 'customer' ? customerChange(row as CustomerRow, row.seq) : headChange(row),
  );
  // Positions in (xid, seq, n) order; the window's edge is past every set it read.
  const after = (a: Position, b: Position) => a.xid - b.xid || a.seq - b.seq || a.n - b.n;
  const last = page[page.length - 1];
  let position: Position = last ?? cursor;
  const more = answers.length > limit;
  if (!more && window && after(window, position) > 0) position = window;
  return {
    changes,
    cursor: encodeCursor({ ...cursor, xid: position.xid, seq: position.seq, n: position.n }),
    // More answers than the page holds, or a full window: sets may follow it.
    upToDate: !more && !(window && (window.version ?? 0) > limit + 1),
    resetRequired: false,
  };
}

interface Position {
  xid: number;
  seq: number;
  n: number;
}
