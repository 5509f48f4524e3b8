import type { Queryable } from '../db/database';
import { SERVER_DEVICE_ID } from '../../../src/shared/events';
import type { FlagKind } from './flags';
import { requireStore } from './stores';

/**
 * The daily report of a store: what its tills recorded on one business day, the points outstanding
 * from the store's activity up to the end of that day, the flags raised that day, and, per till,
 * whether the till's own end-of-day totals (its day.closed event) match what the server received.
 */

export interface DayTotals {
  checkIns: number;
  enrolments: number;
  pointsIssued: number;
  pointsRedeemed: number;
  /** Earned points taken back by refunds. */
  pointsReversed: number;
  /** Points spent on rewards that refunds gave back (points.reversed restoredPoints). */
  pointsRestored: number;
  /** Net: positive adjustments minus negative ones. */
  pointsAdjusted: number;
  /** Events of the day, not counting day.closed events. */
  events: number;
}

export interface TillReconciliation {
  deviceId: string;
  server: DayTotals;
  /** The till's day.closed totals, or null when it has not closed the day (or not synced it). */
  till: DayTotals | null;
  /** Fields where the till and the server disagree (empty when they match). */
  differences: (keyof DayTotals)[];
}

export interface DailyReport {
  storeId: string;
  storeName: string;
  date: string;
  totals: DayTotals;
  /** Points earned minus spent (and expired) through this store's events up to the end of the day. */
  outstandingPoints: number;
  /**
   * Points the server's expiry job took off on that day, from events it attributed to this store
   * (the store where the customer's soonest-expiring expired lot was earned). Not a till's total:
   * the tills and their reconciliation never include it.
   */
  pointsExpired: number;
  /** Flags raised on that day (store time zone), by kind. */
  flags: Record<FlagKind, number>;
  tills: TillReconciliation[];
}

interface TotalsRow {
  device_id: string;
  check_ins: number;
  enrolments: number;
  issued: number;
  redeemed: number;
  reversed: number;
  restored: number;
  adjusted: number;
  events: number;
}

const toTotals = (r: Omit<TotalsRow, 'device_id'>): DayTotals => ({
  checkIns: r.check_ins,
  enrolments: r.enrolments,
  pointsIssued: r.issued,
  pointsRedeemed: r.redeemed,
  pointsReversed: r.reversed,
  pointsRestored: r.restored,
  pointsAdjusted: r.adjusted,
  events: r.events,
});

const emptyTotals = (): DayTotals => ({
  checkIns: 0,
  enrolments: 0,
  pointsIssued: 0,
  pointsRedeemed: 0,
  pointsReversed: 0,
  pointsRestored: 0,
  pointsAdjusted: 0,
  events: 0,
});

export async function dailyReport(db: Queryable, storeId: string, date: string): Promise<DailyReport> {
  const store = await requireStore(db, storeId);
  const perDevice = await db.query<TotalsRow>(
    `SELECT device_id,
            count(*) FILTER (WHERE type = 'points.earned') AS check_ins,
            count(*) FILTER (WHERE type = 'customer.enrolled') AS enrolments,
            COALESCE(sum(points) FILTER (WHERE type = 'points.earned'), 0) AS issued,
            COALESCE(-sum(points) FILTER (WHERE type = 'points.redeemed'), 0) AS redeemed,
            COALESCE(sum((body->'payload'->>'points')::bigint)
                     FILTER (WHERE type = 'points.reversed'), 0) AS reversed,
            COALESCE(sum((body->'payload'->>'restoredPoints')::bigint)
                     FILTER (WHERE type = 'points.reversed'), 0) AS restored,
            COALESCE(sum(points) FILTER (WHERE type = 'points.adjusted'), 0) AS adjusted,
            count(*) FILTER (WHERE type <> 'day.closed') AS events
       FROM ledger_events
      WHERE store_id = $1 AND business_day = $2 AND device_id <> $3
      GROUP BY device_id
      ORDER BY device_id`,
    [storeId, date, SERVER_DEVICE_ID],
  );
  const expired = await db.query<{ points: number }>(
    `SELECT COALESCE(-sum(points), 0) AS points FROM ledger_events
      WHERE store_id = $1 AND business_day = $2 AND type = 'points.expired'`,
    [storeId, date],
  );
  const outstanding = await db.query<{ points: number }>(
    'SELECT COALESCE(sum(points), 0) AS points FROM ledger_events WHERE store_id = $1 AND business_day <= $2',
    [storeId, date],
  );
  const closed = await db.query<{ device_id: string; payload: Record<string, number> }>(
    `SELECT DISTINCT ON (device_id) device_id, body->'payload' AS payload
       FROM ledger_events
      WHERE store_id = $1 AND type = 'day.closed' AND body->'payload'->>'businessDay' = $2
      ORDER BY device_id, seq DESC`,
    [storeId, date],
  );
  const flagRows = await db.query<{ kind: FlagKind; count: number }>(
    `SELECT kind, count(*) AS count FROM flags
      WHERE store_id = $1 AND (created_at AT TIME ZONE $3)::date = $2::date
      GROUP BY kind`,
    [storeId, date, store.timeZone],
  );

  const totals = emptyTotals();
  const tills = new Map<string, TillReconciliation>();
  for (const row of perDevice.rows) {
    const server = toTotals(row);
    for (const key of Object.keys(totals) as (keyof DayTotals)[]) totals[key] += server[key];
    tills.set(row.device_id, { deviceId: row.device_id, server, till: null, differences: [] });
  }
  for (const row of closed.rows) {
    const p = row.payload;
    const till: DayTotals = {
      checkIns: p.checkIns ?? 0,
      enrolments: p.enrolments ?? 0,
      pointsIssued: p.pointsEarned ?? 0,
      pointsRedeemed: p.pointsRedeemed ?? 0,
      pointsReversed: p.pointsReversed ?? 0,
      pointsRestored: p.pointsRestored ?? 0,
      pointsAdjusted: p.pointsAdjusted ?? 0,
      events: p.eventCount ?? 0,
    };
    const entry = tills.get(row.device_id) ?? {
      deviceId: row.device_id,
      server: emptyTotals(),
      till: null,
      differences: [],
    };
    entry.till = till;
    // A till whose day.closed predates pointsRestored is compared on what it reports.
    entry.differences = (Object.keys(till) as (keyof DayTotals)[]).filter(
      (key) =>
        (key !== 'pointsRestored' || p.pointsRestored !== undefined) && till[key] !== entry.server[key],
    );
    tills.set(row.device_id, entry);
  }
  const flags: Record<FlagKind, number> = { overdrawn: 0, rule_mismatch: 0, clock_skew: 0 };
  for (const row of flagRows.rows) flags[row.kind] = row.count;

  return {
    storeId,
    storeName: store.name,
    date,
    totals,
    outstandingPoints: outstanding.rows[0]?.points ?? 0,
    pointsExpired: expired.rows[0]?.points ?? 0,
    flags,
    tills: [...tills.values()],
  };
}

const CSV_COLUMNS = [
  'store_id',
  'date',
  'check_ins',
  'enrolments',
  'points_issued',
  'points_redeemed',
  'points_reversed',
  'points_restored',
  'points_adjusted',
  'events',
  'outstanding_points',
  'flags_overdrawn',
  'flags_rule_mismatch',
  'flags_clock_skew',
  'tills_reporting',
  'tills_mismatched',
  'points_expired',
] as const;

/** One header line and one data line (RFC 4180); every value is a number, a UUID or a date. */
export function dailyReportCsv(report: DailyReport): string {
  const t = report.totals;
  const values = [
    report.storeId,
    report.date,
    t.checkIns,
    t.enrolments,
    t.pointsIssued,
    t.pointsRedeemed,
    t.pointsReversed,
    t.pointsRestored,
    t.pointsAdjusted,
    t.events,
    report.outstandingPoints,
    report.flags.overdrawn,
    report.flags.rule_mismatch,
    report.flags.clock_skew,
    report.tills.length,
    report.tills.filter((till) => till.till !== null && till.differences.length > 0).length,
    report.pointsExpired,
  ];
  return `${CSV_COLUMNS.join(',')}\r\n${values.join(',')}\r\n`;
}
