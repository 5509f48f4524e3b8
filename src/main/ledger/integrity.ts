import type { Db } from '../db/connection';

/**
 * Checks the ledger's invariants against the file as it is. The tests run it after every crash;
 * the kiosk can run it at start and show the manager anything it finds. Every query is a full
 * scan, so it is for start-up and diagnostics, not for the sale path.
 */
export function findLedgerProblems(db: Db): string[] {
  const problems: string[] = [];
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;

  // Every event is either queued in the outbox or settled by the server: exactly one of the two.
  const unqueued = count(
    `SELECT count(*) AS n FROM ledger_events e
      WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.seq = e.seq)
        AND NOT EXISTS (SELECT 1 FROM settled_events s WHERE s.seq = e.seq)`,
  );
  if (unqueued > 0) problems.push(`${unqueued} ledger events have no outbox row and were never settled.`);

  const queuedAndSettled = count('SELECT count(*) AS n FROM outbox o JOIN settled_events s ON s.seq = o.seq');
  if (queuedAndSettled > 0) problems.push(`${queuedAndSettled} events are both queued and settled.`);

  const orphans = count(
    `SELECT count(*) AS n FROM (SELECT seq FROM outbox UNION ALL SELECT seq FROM settled_events) q
      WHERE NOT EXISTS (SELECT 1 FROM ledger_events e WHERE e.seq = q.seq)`,
  );
  if (orphans > 0) problems.push(`${orphans} outbox or settled rows have no ledger event.`);

  const seqs = db
    .prepare(
      'SELECT count(*) AS n, coalesce(min(seq), 1) AS lo, coalesce(max(seq), 0) AS hi FROM ledger_events',
    )
    .get() as {
    n: number;
    lo: number;
    hi: number;
  };
  if (seqs.n > 0 && (seqs.lo !== 1 || seqs.hi !== seqs.n)) {
    problems.push(`Sequence numbers have gaps: ${seqs.n} events span ${seqs.lo}…${seqs.hi}.`);
  }

  const balanceRows = db
    .prepare(
      `WITH sums AS (
         SELECT e.phone,
                sum(e.points_delta) AS local_points,
                sum(CASE WHEN o.seq IS NOT NULL THEN e.points_delta ELSE 0 END) AS unsynced_points
           FROM ledger_events e LEFT JOIN outbox o ON o.seq = e.seq
          WHERE e.phone IS NOT NULL
          GROUP BY e.phone)
       SELECT s.phone, s.local_points AS expectedLocal, s.unsynced_points AS expectedUnsynced,
              b.local_points AS local, b.unsynced_points AS unsynced
         FROM sums s LEFT JOIN balances b ON b.phone = s.phone
        WHERE b.phone IS NULL OR b.local_points <> s.local_points OR b.unsynced_points <> s.unsynced_points
       UNION ALL
       SELECT b.phone, 0, 0, b.local_points, b.unsynced_points
         FROM balances b
        WHERE (b.local_points <> 0 OR b.unsynced_points <> 0)
          AND NOT EXISTS (SELECT 1 FROM ledger_events e WHERE e.phone = b.phone)`,
    )
    .all() as {
    phone: string;
    expectedLocal: number;
    expectedUnsynced: number;
    local: number | null;
    unsynced: number | null;
  }[];
  for (const row of balanceRows) {
    problems.push(
      `Balance of ${row.phone} is ${row.local ?? 'missing'} (unsynced ${row.unsynced ?? 'missing'}), ` +
        `but its events sum to ${row.expectedLocal} (unsynced ${row.expectedUnsynced}).`,
    );
  }

  const receiptRows = db
    .prepare(
      `SELECT r.receipt_id AS receiptId, r.points_earned AS earned, r.points_reversed AS reversed,
              r.refunded_amount AS refunded,
              (SELECT e.points_delta FROM ledger_events e WHERE e.id = r.earned_event_id) AS earnedEvent,
              (SELECT coalesce(sum(json_extract(e.body, '$.payload.points')), 0) FROM ledger_events e
                WHERE e.type = 'points.reversed' AND json_extract(e.body, '$.payload.receiptId') = r.receipt_id) AS reversedEvents,
              (SELECT coalesce(sum(json_extract(e.body, '$.payload.refund.amount')), 0) FROM ledger_events e
                WHERE e.type = 'points.reversed' AND json_extract(e.body, '$.payload.receiptId') = r.receipt_id) AS refundedEvents
         FROM receipts r`,
    )
    .all() as {
    receiptId: string;
    earned: number;
    reversed: number;
    refunded: number;
    earnedEvent: number | null;
    reversedEvents: number;
    refundedEvents: number;
  }[];
  for (const row of receiptRows) {
    if (row.earnedEvent !== row.earned) {
      problems.push(
        `Receipt ${row.receiptId} says it earned ${row.earned}, its event says ${row.earnedEvent ?? 'nothing'}.`,
      );
    }
    if (row.reversedEvents !== row.reversed || row.refundedEvents !== row.refunded) {
      problems.push(
        `Receipt ${row.receiptId} records ${row.refunded} refunded and ${row.reversed} points reversed, ` +
          `its events say ${row.refundedEvents} and ${row.reversedEvents}.`,
      );
    }
  }

  const duplicateReceipts = count(
    `SELECT count(*) AS n FROM (
       SELECT json_extract(body, '$.payload.receiptId') AS receipt FROM ledger_events
        WHERE type = 'points.earned' AND json_extract(body, '$.payload.receiptId') IS NOT NULL
        GROUP BY receipt HAVING count(*) > 1)`,
  );
  if (duplicateReceipts > 0) problems.push(`${duplicateReceipts} receipts earned more than once.`);

  return problems;
}
