import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { parseInput } from '../ledger/input';
import type { DayTotals, Ledger } from '../ledger/ledger';
import type { Outbox, PendingEvent } from '../outbox/outbox';
import { MAX_PUSH_EVENTS, type PushResponse } from '../../shared/sync';
import { BusinessDaySchema } from '../../shared/time';
import type { SyncStore } from './sync-store';
import { SyncFailure } from './transport';

/**
 * End of day. The till records day.closed with its totals and produces a Z-report either way; when
 * the server can be reached, every event of the day is checked against the server's own copy.
 *
 * The check needs no endpoint of its own: pushing an event again is answered from what the server
 * stored ("duplicate" means the server has this id with this exact body hash; "rejected" with the
 * reason it was refused; "accepted" means the server had lost it, and now has it again). So the
 * server's totals for the day are the till's events it answered as stored, and "both synced but
 * different" shows up as a difference with the event that caused it. The server also compares
 * the day.closed totals with its ledger in its daily report (per till).
 */

export interface ServerDayTotals {
  checkIns: number;
  enrolments: number;
  pointsEarned: number;
  pointsRedeemed: number;
  pointsReversed: number;
  pointsAdjusted: number;
  eventCount: number;
}

export interface ZReport {
  businessDay: string;
  deviceId: string;
  closedAt: string;
  closeEventId: string;
  /** The till's totals for the day. */
  till: DayTotals;
  /** The same totals over the events the server holds exactly as sent; null when not checked. */
  server: ServerDayTotals | null;
  /** Null until the server has been asked. */
  matches: boolean | null;
  differences: { field: keyof ServerDayTotals; till: number; server: number }[];
  /** Events of the day the server refused, and why. */
  refusedEvents: { seq: number; id: string; type: string; reason: string }[];
  /** Events the server had lost (a restore) and took again during the check. */
  restoredToServer: number;
  /** SHA-256 of the day's event bodies in seq order: the same day gives the same checksum. */
  checksum: string;
  /** The server has the day.closed event and the check ran. */
  synced: boolean;
  checkedAt: string | null;
  /** Customers whose confirmed balance is below zero (honoured offline redemptions). */
  overdrawnCustomers: number;
  /** What the manager should know, in plain words. */
  message: string;
}

type PushFn = (
  secret: string,
  storeId: string,
  events: readonly PendingEvent[],
  signal?: AbortSignal,
) => Promise<PushResponse>;

interface DayCloserDeps {
  db: Db;
  ledger: Ledger;
  outbox: Outbox;
  store: SyncStore;
  clock: () => Date;
  log: { warn(event: string, fields?: Record<string, unknown>): void };
  push: PushFn;
  takeBatchBytes: number;
}

interface EventRow {
  seq: number;
  id: string;
  type: string;
  pointsDelta: number;
  businessDay: string;
  body: string;
}

type Answer = 'accepted' | 'duplicate' | { rejected: string };

export function createDayCloser({
  db,
  ledger,
  outbox,
  store,
  clock,
  log,
  push,
  takeBatchBytes,
}: DayCloserDeps) {
  const s = {
    close: db.prepare(
      'SELECT business_day AS businessDay, event_id AS eventId, closed_at AS closedAt, synced_at AS syncedAt, report FROM day_closes WHERE business_day = ?',
    ),
    insert: db.prepare(
      'INSERT INTO day_closes (business_day, event_id, closed_at, synced_at, report) VALUES (?, ?, ?, NULL, ?)',
    ),
    update: db.prepare('UPDATE day_closes SET report = ?, synced_at = ? WHERE business_day = ?'),
    unsynced: db
      .prepare('SELECT business_day FROM day_closes WHERE synced_at IS NULL ORDER BY business_day')
      .pluck(),
    dayEvents: db.prepare(
      `SELECT seq, id, type, points_delta AS pointsDelta, business_day AS businessDay, body
         FROM ledger_events WHERE business_day = ? AND type <> 'day.closed' ORDER BY seq`,
    ),
    seqOfEvent: db.prepare('SELECT seq FROM ledger_events WHERE id = ?').pluck(),
    range: db.prepare(
      `SELECT seq, id, type, points_delta AS pointsDelta, business_day AS businessDay, body
         FROM ledger_events WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?`,
    ),
    firstPending: db.prepare('SELECT min(seq) FROM outbox').pluck(),
    overdrawn: db.prepare('SELECT count(*) FROM balances WHERE confirmed_points < 0').pluck(),
  };

  interface CloseRow {
    businessDay: string;
    eventId: string;
    closedAt: string;
    syncedAt: string | null;
    report: string;
  }

  /** Asks the server about every event from `lo` to `hi`; null when it cannot be asked yet. */
  async function answersFor(
    lo: number,
    hi: number,
    secret: string,
    storeId: string,
    signal?: AbortSignal,
  ): Promise<Map<number, Answer> | null> {
    const firstPending = s.firstPending.get() as number | null;
    if (firstPending !== null && firstPending <= hi) return null; // not everything is sent yet
    const answers = new Map<number, Answer>();
    let next = lo;
    while (next <= hi) {
      const rows = s.range.all(next, hi, MAX_PUSH_EVENTS) as EventRow[];
      const batch: PendingEvent[] = [];
      let bytes = 200;
      for (const row of rows) {
        const length = Buffer.byteLength(row.body) + 1;
        if (batch.length > 0 && bytes + length > takeBatchBytes) break;
        batch.push({ seq: row.seq, id: row.id, body: row.body, phone: null, pointsDelta: 0, attempts: 0 });
        bytes += length;
      }
      let reply: PushResponse;
      try {
        reply = await push(secret, storeId, batch, signal);
      } catch (error) {
        if (error instanceof SyncFailure && error.kind === 'seq_gap' && error.detail.expectedSeq) {
          // The server lost this till's events from expectedSeq on (a restore): queue them again;
          // the next cycle sends them and the check runs after.
          const requeued = outbox.requeueFrom(error.detail.expectedSeq);
          log.warn('sync_day_check_server_missing_events', {
            expectedSeq: error.detail.expectedSeq,
            requeued,
          });
          return null;
        }
        throw error;
      }
      if (reply.results.length !== batch.length) {
        throw new SyncFailure('server', 'The server answered a day check for other events than asked.');
      }
      reply.results.forEach((result, index) => {
        const event = batch[index]!;
        if (result.seq !== event.seq || result.id !== event.id) {
          throw new SyncFailure('server', 'The server answered a day check for other events than asked.');
        }
        answers.set(
          event.seq,
          result.status === 'rejected' ? { rejected: `${result.reason}: ${result.message}` } : result.status,
        );
      });
      store.saveConfirmed(reply.balances, clock());
      next = batch[batch.length - 1]!.seq + 1;
    }
    return answers;
  }

  function serverTotals(events: readonly EventRow[], answers: Map<number, Answer>): ServerDayTotals {
    const totals: ServerDayTotals = {
      checkIns: 0,
      enrolments: 0,
      pointsEarned: 0,
      pointsRedeemed: 0,
      pointsReversed: 0,
      pointsAdjusted: 0,
      eventCount: 0,
    };
    for (const event of events) {
      const answer = answers.get(event.seq);
      if (answer !== 'accepted' && answer !== 'duplicate') continue;
      totals.eventCount++;
      if (event.type === 'points.earned') {
        totals.checkIns++;
        totals.pointsEarned += event.pointsDelta;
      } else if (event.type === 'customer.enrolled') totals.enrolments++;
      else if (event.type === 'points.redeemed') totals.pointsRedeemed -= event.pointsDelta;
      else if (event.type === 'points.reversed') totals.pointsReversed -= event.pointsDelta;
      else if (event.type === 'points.adjusted') totals.pointsAdjusted += event.pointsDelta;
    }
    return totals;
  }

  function checksumOf(events: readonly EventRow[]): string {
    const hash = createHash('sha256');
    for (const event of events) hash.update(event.body).update('\n');
    return hash.digest('hex');
  }

  /** Builds the report; checks with the server when a secret is given. */
  async function buildReport(
    close: CloseRow,
    server: { secret: string; storeId: string; signal?: AbortSignal } | null,
  ): Promise<ZReport> {
    const day = close.businessDay;
    const events = s.dayEvents.all(day) as EventRow[];
    const till = ledger.dayTotals(day);
    const closeSeq = s.seqOfEvent.get(close.eventId) as number;
    let answers: Map<number, Answer> | null = null;
    if (server) {
      const lo = events[0]?.seq ?? closeSeq;
      const hi = Math.max(events[events.length - 1]?.seq ?? closeSeq, closeSeq);
      answers = await answersFor(lo, hi, server.secret, server.storeId, server.signal);
    }
    const closeAnswer = answers?.get(closeSeq);
    const synced = closeAnswer === 'accepted' || closeAnswer === 'duplicate';
    const totals = answers ? serverTotals(events, answers) : null;
    const differences: ZReport['differences'] = [];
    if (totals) {
      for (const field of Object.keys(totals) as (keyof ServerDayTotals)[]) {
        if (totals[field] !== till[field])
          differences.push({ field, till: till[field], server: totals[field] });
      }
    }
    const refusedEvents = answers
      ? events.flatMap((event) => {
          const answer = answers.get(event.seq);
          return answer && typeof answer === 'object'
            ? [{ seq: event.seq, id: event.id, type: event.type, reason: answer.rejected }]
            : [];
        })
      : [];
    const restoredToServer = answers ? [...answers.values()].filter((a) => a === 'accepted').length : 0;
    const matches = totals ? differences.length === 0 : null;
    return {
      businessDay: day,
      deviceId: ledger.deviceId,
      closedAt: close.closedAt,
      closeEventId: close.eventId,
      till,
      server: totals,
      matches,
      differences,
      refusedEvents,
      restoredToServer: Math.max(0, restoredToServer - (closeAnswer === 'accepted' ? 1 : 0)),
      checksum: checksumOf(events),
      synced,
      checkedAt: totals ? clock().toISOString() : null,
      overdrawnCustomers: s.overdrawn.get() as number,
      message: messageOf(till, totals, matches, refusedEvents.length, synced),
    };
  }

  function save(report: ZReport): void {
    s.update.run(JSON.stringify(report), report.synced ? clock().toISOString() : null, report.businessDay);
  }

  return {
    async close(
      businessDayInput: unknown,
      context: { secret: string | null; storeId: string | null; sync: () => Promise<boolean> },
    ): Promise<ZReport> {
      const businessDay = parseInput(BusinessDaySchema, businessDayInput, 'businessDay');
      let close = s.close.get(businessDay) as CloseRow | undefined;
      if (!close) {
        const event = ledger.closeDay(businessDay);
        const closedAt = clock().toISOString();
        s.insert.run(businessDay, event.id, closedAt, '{}');
        close = { businessDay, eventId: event.id, closedAt, syncedAt: null, report: '{}' };
      }
      let server: { secret: string; storeId: string } | null = null;
      if (context.secret && context.storeId && (await context.sync())) {
        // The cycle that sent the close has checked it already when it could.
        const checked = s.close.get(businessDay) as CloseRow;
        if (checked.syncedAt !== null) return JSON.parse(checked.report) as ZReport;
        server = { secret: context.secret, storeId: context.storeId };
      }
      let report: ZReport;
      try {
        report = await buildReport(close, server);
      } catch (error) {
        // Lost the server between the push and the check: the report is produced anyway.
        log.warn('sync_day_check_failed', { businessDay, error: String(error) });
        report = await buildReport(close, null);
      }
      save(report);
      return report;
    },
    /** After a clean cycle: check the closes the server has not confirmed yet. */
    async confirmPending(secret: string, storeId: string, signal?: AbortSignal): Promise<void> {
      for (const day of s.unsynced.all() as string[]) {
        const close = s.close.get(day) as CloseRow;
        const report = await buildReport(close, { secret, storeId, ...(signal ? { signal } : {}) });
        if (report.server) save(report);
      }
    },
    unsyncedDays: (): string[] => s.unsynced.all() as string[],
    report(businessDay: string): ZReport | null {
      const row = s.close.get(businessDay) as CloseRow | undefined;
      return row && row.report !== '{}' ? (JSON.parse(row.report) as ZReport) : null;
    },
  };
}

function messageOf(
  till: DayTotals,
  server: ServerDayTotals | null,
  matches: boolean | null,
  refused: number,
  synced: boolean,
): string {
  if (!server || !synced) {
    return (
      `Day closed on this till only: the server could not be reached, so ${till.unsyncedEvents} ` +
      'event(s) of the day may still be waiting to be sent and nothing has been checked yet. The close ' +
      'will be sent and checked when the network returns.'
    );
  }
  if (matches) {
    return `Day closed. The server has all ${till.eventCount} events of the day, exactly as this till recorded them.`;
  }
  return (
    `Day closed, but the server's totals differ from this till's` +
    (refused > 0 ? `: the server refused ${refused} event(s) (see the list).` : '.')
  );
}
