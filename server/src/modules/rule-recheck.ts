import type { Database, Queryable } from '../db/database';
import { type BackgroundLoop, startBackgroundLoop } from '../background-loop';
import type { LedgerEventOf } from '../../../src/shared/events';
import { type NewFlag, raiseFlags } from './flags';
import { type RuleProblem, type StoreRules, checkEarned, checkRedeemed } from './rule-check';
import { programVersions } from './stores';

/**
 * The background rule recheck: recomputes newly stored points.earned / points.redeemed events with
 * the rules engine (rule-check.ts) and flags mismatches, outside the push request. A flag raised
 * a moment after the push is as useful to the operator, and the push no longer spends ≈ 6 µs an
 * event of CPU on it while the till waits.
 *
 * Events are checked in server_seq order from a cursor persisted in `rule_recheck` (so a restart
 * resumes where it stopped), in one transaction per pass that raises the flags and moves the
 * cursor together: each event is checked once. A transaction-level advisory lock lets exactly one
 * process run a pass at a time; the others skip theirs.
 *
 * Why the cursor never skips an event: server_seq is drawn when a push inserts, but pushes commit
 * in any order, so a higher server_seq may be visible before a lower one. Each pass reads the
 * sequence's value (mark_seq) and then the first unassigned transaction id (mark_xid), and only
 * steps up to the previous pass's mark once every transaction below its mark_xid has finished
 * (the snapshot's xmin has reached it). A push draws server_seq after taking its device row
 * FOR UPDATE, so it already holds a transaction id then: any event at or below mark_seq belongs
 * to a transaction below mark_xid, finished by then. The lag is one pass interval plus the
 * longest push transaction.
 */

/** An arbitrary constant shared by every process of this server: "the rule recheck lock". */
const RECHECK_LOCK_KEY = 7_316_002;
/** Events read per pass (one transaction). */
const PASS_LIMIT = 2000;
/** Events checked between two turns of the event loop (see problemsOf). */
const YIELD_EVERY = 100;

export interface RecheckPass {
  /** False when another process holds the lock (nothing was done). */
  ran: boolean;
  checked: number;
  flagged: number;
  cursor: number;
  /** True when the pass stopped at its limit: run again at once. */
  more: boolean;
}

/**
 * What the check reads of an event: not its whole body (jsonb output is most of a pass's cost),
 * and not who pushed it (read again for the few events flagged: three uuids a row, for every
 * event, were a third of the read).
 */
type CheckedEvent = {
  [T in 'points.earned' | 'points.redeemed']: Pick<
    LedgerEventOf<T>,
    'type' | 'ruleVersion' | 'occurredAt' | 'payload'
  >;
}['points.earned' | 'points.redeemed'];

interface StoredEvent {
  server_seq: number;
  store_id: string;
  body: CheckedEvent;
}

interface StoredRow extends Omit<StoredEvent, 'body'> {
  type: CheckedEvent['type'];
  rule_version: number;
  occurred_at: string;
  payload: CheckedEvent['payload'];
}

// A store's currency and time zone never change (no API changes them), so a process may keep them.
const storeRulesCache = new Map<string, StoreRules>();
async function storeRules(db: Queryable, storeId: string): Promise<StoreRules | undefined> {
  const known = storeRulesCache.get(storeId);
  if (known) return known;
  const { rows } = await db.query<{ currency: string; time_zone: string }>(
    'SELECT currency, time_zone FROM stores WHERE id = $1',
    [storeId],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (storeRulesCache.size > 100_000) storeRulesCache.clear();
  const rules = { currency: row.currency, timeZone: row.time_zone };
  storeRulesCache.set(storeId, rules);
  return rules;
}

/**
 * Did the till compute what the program says? Checked when the server knows the program version
 * the event names; without it, only the currency of the sale.
 */
async function problemsOf(
  db: Queryable,
  storeId: string,
  events: StoredEvent[],
): Promise<Map<StoredEvent, RuleProblem>> {
  const found = new Map<StoredEvent, RuleProblem>();
  const store = await storeRules(db, storeId);
  if (!store) return found;
  const programs = await programVersions(
    db,
    storeId,
    events.map((e) => e.body.ruleVersion),
  );
  let sinceYield = 0;
  for (const stored of events) {
    // The rules engine costs ≈ 25 µs an event: a pass of 2,000 would hold the event loop for
    // ≈ 50 ms, and every push waiting on it would wait that long. Let them run every 100 events.
    if (++sinceYield === YIELD_EVERY) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const event = stored.body;
    const program = programs.get(event.ruleVersion);
    let problem: RuleProblem | null = null;
    if (event.type === 'points.earned') {
      if (program) problem = checkEarned(program, event, store);
      else if (event.payload.total && event.payload.total.currency !== store.currency) {
        problem = {
          problem: 'currency',
          field: 'total',
          expected: store.currency,
          got: event.payload.total.currency,
        };
      }
    } else if (event.type === 'points.redeemed' && program) {
      problem = checkRedeemed(program, event);
    }
    if (problem) found.set(stored, problem);
  }
  return found;
}

/** The flags of the events with a problem, in server_seq order (as the push raised them). */
async function mismatchFlags(
  tx: Queryable,
  rows: StoredEvent[],
  problems: Map<StoredEvent, RuleProblem>,
): Promise<NewFlag[]> {
  if (problems.size === 0) return [];
  const flaggedSeqs = rows.filter((stored) => problems.has(stored)).map((stored) => stored.server_seq);
  const { rows: pushed } = await tx.query<{
    server_seq: number;
    id: string;
    device_id: string;
    customer_id: string | null;
  }>(
    'SELECT server_seq, id, device_id, customer_id FROM ledger_events WHERE server_seq = ANY($1::bigint[])',
    [flaggedSeqs],
  );
  const pushedBySeq = new Map(pushed.map((row) => [row.server_seq, row]));
  const flags: NewFlag[] = [];
  for (const stored of rows) {
    const problem = problems.get(stored);
    if (!problem) continue;
    const event = pushedBySeq.get(stored.server_seq);
    // Nothing deletes ledger events (erasure keeps them): fail the pass rather than drop a flag.
    if (!event) throw new Error(`ledger event ${stored.server_seq} vanished during the rule recheck`);
    flags.push({
      kind: 'rule_mismatch',
      storeId: stored.store_id,
      deviceId: event.device_id,
      customerId: event.customer_id,
      eventId: event.id,
      detail: { type: stored.body.type, ruleVersion: stored.body.ruleVersion, ...problem },
    });
  }
  return flags;
}

/**
 * One pass: checks up to PASS_LIMIT events after the cursor and moves it, in one transaction.
 * `wait`: wait for the lock (tests, drain) instead of skipping when another process holds it.
 */
export async function recheckPass(db: Database, options: { wait?: boolean } = {}): Promise<RecheckPass> {
  return db.transaction(async (tx) => {
    const lock = await tx.query<{ ok: boolean }>(
      options.wait
        ? 'SELECT true AS ok FROM (SELECT pg_advisory_xact_lock($1)) AS l'
        : 'SELECT pg_try_advisory_xact_lock($1) AS ok',
      [RECHECK_LOCK_KEY],
    );
    const state = (
      await tx.query<{ cursor_seq: number; mark_seq: number | null; mark_xid: number | null }>(
        'SELECT cursor_seq, mark_seq, mark_xid FROM rule_recheck WHERE id = 1',
      )
    ).rows[0];
    if (!lock.rows[0]?.ok || !state) {
      return { ran: false, checked: 0, flagged: 0, cursor: state?.cursor_seq ?? 0, more: false };
    }
    // The sequence first, then the snapshot: an event drawn up to seqNow belongs to a transaction
    // that held its id before this snapshot was taken, i.e. below xmax.
    const seqNow = (
      await tx.query<{ seq: number }>(
        'SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM server_seq',
      )
    ).rows[0]?.seq as number;
    const snap = (
      await tx.query<{ xmin: number; xmax: number }>(
        `SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax
           FROM pg_current_snapshot() AS s`,
      )
    ).rows[0] as { xmin: number; xmax: number };

    let cursor = state.cursor_seq;
    let mark = { seq: state.mark_seq, xid: state.mark_xid };
    let checked = 0;
    let flagged = 0;
    let more = false;
    if (mark.seq !== null && mark.xid !== null && snap.xmin >= mark.xid) {
      // The columns hold the body's type and ruleVersion; of the body itself only the payload and
      // the till's occurredAt (as written, not re-formatted by a timestamptz round trip).
      const read = await tx.query<StoredRow>(
        `SELECT server_seq, store_id, type, rule_version,
                body->>'occurredAt' AS occurred_at, body->'payload' AS payload
           FROM ledger_events
          WHERE server_seq > $1 AND server_seq <= $2 AND type IN ('points.earned', 'points.redeemed')
          ORDER BY server_seq
          LIMIT $3`,
        [cursor, mark.seq, PASS_LIMIT],
      );
      const rows = read.rows.map((row): StoredEvent => ({
        server_seq: row.server_seq,
        store_id: row.store_id,
        body: {
          type: row.type,
          ruleVersion: row.rule_version,
          occurredAt: row.occurred_at,
          payload: row.payload,
        } as CheckedEvent,
      }));
      checked = rows.length;
      const byStore = new Map<string, StoredEvent[]>();
      for (const row of rows) {
        const list = byStore.get(row.store_id);
        if (list) list.push(row);
        else byStore.set(row.store_id, [row]);
      }
      const problems = new Map<StoredEvent, RuleProblem>();
      for (const [storeId, events] of byStore) {
        for (const [stored, problem] of await problemsOf(tx, storeId, events)) problems.set(stored, problem);
      }
      const flags = await mismatchFlags(tx, rows, problems);
      await raiseFlags(tx, flags);
      flagged = flags.length;
      if (rows.length === PASS_LIMIT) {
        cursor = (rows[rows.length - 1] as StoredEvent).server_seq;
        more = true;
      } else {
        cursor = mark.seq;
        mark = { seq: null, xid: null };
      }
    }
    if (mark.seq === null) mark = { seq: seqNow, xid: snap.xmax };
    await tx.query(
      'UPDATE rule_recheck SET cursor_seq = $1, mark_seq = $2, mark_xid = $3, updated_at = now() WHERE id = 1',
      [cursor, mark.seq, mark.xid],
    );
    return { ran: true, checked, flagged, cursor, more };
  });
}

/**
 * Runs passes until every event stored when it was called has been checked (tests; an operator's
 * "check now"). Waits for the lock rather than skipping.
 */
export async function drainRecheck(db: Database): Promise<number> {
  const target =
    (await db.query<{ seq: number | null }>('SELECT max(server_seq) AS seq FROM ledger_events')).rows[0]
      ?.seq ?? 0;
  let flagged = 0;
  for (let pass = 0; pass < 10_000; pass++) {
    const result = await recheckPass(db, { wait: true });
    flagged += result.flagged;
    if (result.cursor >= target) return flagged;
  }
  throw new Error('rule recheck did not catch up');
}

export type RecheckLoop = BackgroundLoop;

/**
 * The loop each server process runs: a pass every `intervalMs` (at once again while a pass stops
 * at its limit). Only the process holding the advisory lock does the work.
 */
export function startRecheckLoop(
  db: Database,
  options: {
    intervalMs: number;
    onPass?: (pass: RecheckPass) => void;
    onError?: (error: unknown) => void;
  },
): RecheckLoop {
  return startBackgroundLoop({
    firstDelayMs: options.intervalMs,
    retryDelayMs: options.intervalMs,
    onError: options.onError,
    run: async () => {
      const pass = await recheckPass(db);
      options.onPass?.(pass);
      // A pass that stopped at its limit goes on at once.
      return pass.more ? 0 : options.intervalMs;
    },
  });
}
