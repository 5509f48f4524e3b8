import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LedgerEvent, pointsDelta, SERVER_DEVICE_ID } from '../../../src/shared/events';
import { balanceOf, expiring, replayLots, type ReplayEvent } from '../../../src/shared/rules';

/**
 * The server's expiry job, as a pure function (src/shared/rules/expiry-replay.ts): replay a
 * customer's ledger into lots, expire the lots past their day, append the points.expired event.
 * Any sequence of earnings, redemptions (honoured even past zero), adjustments, refunds and runs
 * of the job keeps the replayed lots equal to the ledger balance, and expiry alone never takes a
 * balance below zero nor expires anything twice.
 */

const STORE = 'store-1';
const PHONE = '+14155550123';
const dayOf = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);

type Op =
  | { op: 'earn'; points: number; day: number; keep: number | null }
  | { op: 'spend'; points: number; onReceipt: number | null }
  | { op: 'adjust'; points: number }
  | { op: 'refund'; receipt: number; share: number; restored: number }
  | { op: 'expire'; day: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('earn' as const),
    points: fc.integer({ min: 0, max: 500 }),
    day: fc.integer({ min: 0, max: 90 }),
    keep: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
  }),
  fc.record({
    op: fc.constant('spend' as const),
    points: fc.integer({ min: 1, max: 800 }),
    onReceipt: fc.option(fc.nat(20), { nil: null }),
  }),
  fc.record({
    op: fc.constant('adjust' as const),
    points: fc.integer({ min: -300, max: 300 }).filter((n) => n !== 0),
  }),
  fc.record({
    op: fc.constant('refund' as const),
    receipt: fc.nat(20),
    share: fc.integer({ min: 0, max: 100 }),
    restored: fc.integer({ min: 0, max: 200 }),
  }),
  fc.record({ op: fc.constant('expire' as const), day: fc.integer({ min: 0, max: 200 }) }),
);

function envelope(n: number, day: string) {
  const id = `01932c07-2f4e-7c3a-9d1e-${String(n).padStart(12, '0')}`;
  return {
    id,
    deviceId: '01932c07-0000-7000-8000-000000000001',
    seq: n + 1,
    occurredAt: `${day}T15:00:00.000Z`,
    businessDay: day,
    ruleVersion: 0,
    phone: PHONE,
  };
}

/** The job for one customer as of `today`: the event it appends, or null when nothing is due. */
function runJob(events: ReplayEvent[], today: string, n: number): LedgerEvent | null {
  const replayed = replayLots(events);
  const ledgerBalance = events.reduce((sum, e) => sum + pointsDelta(e.body), 0);
  expect(balanceOf(replayed.book)).toBe(ledgerBalance);
  const due = expiring(replayed, () => today);
  if (due.points === 0) return null;
  return {
    ...envelope(n, today),
    deviceId: SERVER_DEVICE_ID,
    type: 'points.expired',
    payload: {
      points: due.points,
      asOf: today,
      lots: due.lots.map(({ lotId, earnedOn, expiresOn, points }) => ({
        lotId,
        earnedOn,
        expiresOn,
        points,
      })),
    },
  };
}

describe('the expiry job: properties', () => {
  it('never takes a balance below zero by itself, never expires twice, and replays to the ledger balance', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const events: ReplayEvent[] = [];
        const receipts: { id: string; points: number }[] = [];
        let day = 0;
        const push = (body: LedgerEvent) => events.push({ storeId: STORE, body });
        const balance = () => events.reduce((sum, e) => sum + pointsDelta(e.body), 0);
        ops.forEach((op, n) => {
          switch (op.op) {
            case 'earn': {
              day = Math.max(day, op.day);
              const earnedOn = dayOf(day);
              const receiptId = `R-${n}`;
              receipts.push({ id: receiptId, points: op.points });
              push({
                ...envelope(n, earnedOn),
                type: 'points.earned',
                payload: {
                  receiptId,
                  total: { amount: op.points * 100, currency: 'USD' },
                  points: op.points,
                  ...(op.keep === null ? {} : { expiresOn: dayOf(day + op.keep) }),
                },
              });
              break;
            }
            case 'spend':
              push({
                ...envelope(n, dayOf(day)),
                type: 'points.redeemed',
                payload: {
                  rewardId: 'reward',
                  rewardName: 'Reward',
                  points: op.points,
                  receiptId: op.onReceipt === null ? null : (receipts[op.onReceipt]?.id ?? null),
                },
              });
              break;
            case 'adjust':
              push({
                ...envelope(n, dayOf(day)),
                type: 'points.adjusted',
                payload: { points: op.points, reason: 'Test', staffId: 'manager-1' },
              });
              break;
            case 'refund': {
              const receipt = receipts[op.receipt];
              if (!receipt) break;
              push({
                ...envelope(n, dayOf(day)),
                type: 'points.reversed',
                payload: {
                  receiptId: receipt.id,
                  refund: { amount: 100, currency: 'USD' },
                  points: Math.floor((receipt.points * op.share) / 100),
                  restoredPoints: op.restored,
                },
              });
              break;
            }
            case 'expire': {
              day = Math.max(day, op.day);
              const today = dayOf(day);
              const before = balance();
              const expired = runJob(events, today, n);
              if (expired) push(expired);
              const after = balance();
              // Expiry never makes a balance negative, and never touches an overdrawn one.
              if (before < 0) expect(expired).toBeNull();
              else expect(after).toBeGreaterThanOrEqual(0);
              expect(before - after).toBe(expired?.type === 'points.expired' ? expired.payload.points : 0);
              // The same day again: nothing more.
              expect(runJob(events, today, n + 1000)).toBeNull();
              break;
            }
          }
        });
        // Whatever happened, the lots always add up to the ledger.
        expect(balanceOf(replayLots(events).book)).toBe(balance());
      }),
      { numRuns: 300 },
    );
  });
});

describe('the expiry job: the worked example of docs/rules.md ("How points expire")', () => {
  it('spends A first, expires what is left of B on 20 February, keeps C, and then nothing more', () => {
    const events: ReplayEvent[] = [];
    const add = (body: LedgerEvent) => events.push({ storeId: STORE, body });
    const earn = (n: number, day: string, points: number, expiresOn: string): LedgerEvent => ({
      ...envelope(n, day),
      type: 'points.earned',
      payload: { receiptId: `R-${n}`, total: { amount: points * 100, currency: 'USD' }, points, expiresOn },
    });
    add(earn(1, '2026-01-01', 100, '2026-01-31'));
    add(earn(2, '2026-01-20', 100, '2026-02-19'));
    add({
      ...envelope(3, '2026-01-25'),
      type: 'points.redeemed',
      payload: { rewardId: 'reward', rewardName: 'Reward', points: 120, receiptId: null },
    });
    expect(runJob(events, '2026-01-31', 4)).toBeNull();
    add({
      ...envelope(5, '2026-02-01'),
      type: 'points.adjusted',
      payload: { points: 10, reason: 'Goodwill', staffId: 'manager-1' },
    });
    const expired = runJob(events, '2026-02-20', 6);
    expect(expired?.payload).toEqual({
      points: 80,
      asOf: '2026-02-20',
      lots: [{ lotId: envelope(2, '').id, earnedOn: '2026-01-20', expiresOn: '2026-02-19', points: 80 }],
    });
    add(expired!);
    expect(runJob(events, '2026-02-20', 7)).toBeNull();
    expect(events.reduce((sum, e) => sum + pointsDelta(e.body), 0)).toBe(10);
  });
});
