import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLedgerProblems } from '../../../src/main/ledger/integrity';
import { createOutbox } from '../../../src/main/outbox/outbox';
import { KioskError } from '../../../src/shared/errors';
import { LedgerEventSchema } from '../../../src/shared/events';
import { DEFAULT_PROGRAM } from '../../../src/shared/program';
import { CONSENT, snapshot, tempLedger, type TestLedger } from '../../helpers/ledger';

const PHONE = '(415) 555-0123';
const E164 = '+14155550123';
const usd = (amount: number) => ({ amount, currency: 'USD' });
const sale = (receiptId: string, amount: number) => ({ receiptId, total: usd(amount) });

let t: TestLedger;
beforeEach(() => {
  t = tempLedger();
});
afterEach(() => {
  expect(findLedgerProblems(t.db)).toEqual([]);
  t.cleanup();
});

function expectKioskError(fn: () => unknown, code: string): KioskError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe(code);
    return error as KioskError;
  }
  throw new Error(`expected a ${code} error`);
}

describe('durable settings', () => {
  it('opens in WAL with synchronous=FULL and a busy timeout', () => {
    expect(t.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(t.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(t.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(t.db.pragma('page_size', { simple: true })).toBe(1024);
  });

  it('keeps one device id and the default program across restarts', () => {
    const deviceId = t.ledger.deviceId;
    expect(t.ledger.program).toEqual(DEFAULT_PROGRAM);
    t = t.reopen();
    expect(t.ledger.deviceId).toBe(deviceId);
  });
});

describe('enroll', () => {
  it('enrols a customer once, with consent, under the normalised number', () => {
    const result = t.ledger.enroll(PHONE, { ...CONSENT, sms: true }, 'Ana');
    expect(result.balance).toMatchObject({ phone: E164, firstName: 'Ana', confirmed: 0, provisional: 0 });
    expectKioskError(() => t.ledger.enroll('415.555.0123', CONSENT), 'already_enrolled');
    const events = t.ledger.history(PHONE);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'customer.enrolled', phone: E164, seq: 1 });
  });

  it('refuses to enrol without the terms accepted', () => {
    const before = snapshot(t.db);
    expectKioskError(
      () => t.ledger.enroll(PHONE, { terms: false, termsVersion: '1', sms: true }),
      'invalid_input',
    );
    expectKioskError(() => t.ledger.enroll(PHONE, undefined), 'invalid_input');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('checkIn', () => {
  beforeEach(() => {
    t.ledger.enroll(PHONE, CONSENT, 'Ana');
  });

  it('earns one point per whole dollar and reports both balances and the progress', () => {
    const result = t.ledger.checkIn(PHONE, sale('R-1', 4250));
    expect(result).toMatchObject({ status: 'checked_in', receiptId: 'R-1', pointsEarned: 42 });
    if (result.status !== 'checked_in') throw new Error('unreachable');
    expect(result.balance).toMatchObject({ confirmed: 0, provisional: 42 });
    expect(result.balance.progress).toMatchObject({ pointsToNext: 58, fraction: 0.42 });
  });

  it('lets a receipt earn once: the second check-in says so and writes nothing', () => {
    t.ledger.checkIn(PHONE, sale('R-1', 4250));
    const before = snapshot(t.db);
    expect(t.ledger.checkIn(PHONE, sale('R-1', 4250))).toEqual({
      status: 'already_checked_in',
      receiptId: 'R-1',
    });
    t.ledger.enroll('+1 212 555 0199', CONSENT);
    const afterEnrol = snapshot(t.db);
    // Another customer trying the same receipt learns nothing about the first one.
    expect(t.ledger.checkIn('212 555 0199', sale('R-1', 9999))).toEqual({
      status: 'already_checked_in',
      receiptId: 'R-1',
    });
    expect(snapshot(t.db)).toBe(afterEnrol);
    expect(afterEnrol).not.toBe(before);
    expect(t.ledger.balance(PHONE).provisional).toBe(42);
  });

  it('refuses an unknown customer so the screen can offer to join', () => {
    expectKioskError(() => t.ledger.checkIn('212 555 0199', sale('R-2', 100)), 'not_enrolled');
  });

  it('records a visit without a sale', () => {
    const result = t.ledger.checkIn(PHONE);
    expect(result).toMatchObject({ status: 'checked_in', receiptId: null, pointsEarned: 0 });
  });

  it('stamps every event with the program version it was computed with', () => {
    t.ledger.setProgram({
      ...DEFAULT_PROGRAM,
      version: 7,
      earn: { ...DEFAULT_PROGRAM.earn, pointsPerCurrencyUnit: 2 },
    });
    t.ledger.checkIn(PHONE, sale('R-3', 1000));
    const [earned] = t.ledger.history(PHONE, { limit: 1 });
    expect(earned).toMatchObject({ type: 'points.earned', ruleVersion: 7, payload: { points: 20 } });
  });
});

describe('refund', () => {
  beforeEach(() => {
    t.ledger.enroll(PHONE, CONSENT);
    t.ledger.checkIn(PHONE, sale('R-1', 12_550)); // earns 125
  });

  it('reverses in proportion, and partial refunds add up to exactly the full one', () => {
    const first = t.ledger.refund('R-1', usd(5000));
    expect(first).toMatchObject({ pointsReversed: 49, refundableLeft: 7550 });
    const second = t.ledger.refund('R-1', usd(3333));
    expect(second.pointsReversed).toBe(Math.floor((125 * 8333) / 12_550) - 49);
    const last = t.ledger.refund('R-1');
    expect(last.refunded).toEqual(usd(12_550 - 8333));
    expect(first.pointsReversed + second.pointsReversed + last.pointsReversed).toBe(125);
    expect(t.ledger.balance(PHONE).provisional).toBe(0);
  });

  it('never reverses more than the receipt earned, even with points already spent', () => {
    t.ledger.checkIn(PHONE, sale('R-2', 1000));
    t.ledger.redeem(PHONE, 'reward-100');
    expect(t.ledger.balance(PHONE).provisional).toBe(35);
    const result = t.ledger.refund('R-1');
    expect(result.pointsReversed).toBe(125);
    // The account goes negative rather than the refund keeping points (Odoo's bug).
    expect(result.balance.provisional).toBe(-90);
    const before = snapshot(t.db);
    expectKioskError(() => t.ledger.refund('R-1', usd(1)), 'refund_exceeds_sale');
    expectKioskError(() => t.ledger.refund('R-1'), 'refund_exceeds_sale');
    expect(snapshot(t.db)).toBe(before);
  });

  it('refuses a refund larger than the sale, zero, an unknown receipt or the wrong currency, writing nothing', () => {
    const before = snapshot(t.db);
    expectKioskError(() => t.ledger.refund('R-1', usd(12_551)), 'refund_exceeds_sale');
    expectKioskError(() => t.ledger.refund('R-1', usd(0)), 'invalid_amount');
    expectKioskError(() => t.ledger.refund('R-404'), 'unknown_receipt');
    expectKioskError(() => t.ledger.refund('R-1', { amount: 100, currency: 'EUR' }), 'currency_mismatch');
    expectKioskError(() => t.ledger.refund('R-1', { amount: 10.5, currency: 'USD' }), 'invalid_amount');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('redeem and adjust', () => {
  beforeEach(() => {
    t.ledger.enroll(PHONE, CONSENT);
    t.ledger.checkIn(PHONE, sale('R-1', 15_000)); // 150
  });

  it('spends a reward’s points and never below zero', () => {
    expect(t.ledger.redeem(PHONE, 'reward-100').balance.provisional).toBe(50);
    const before = snapshot(t.db);
    const error = expectKioskError(() => t.ledger.redeem(PHONE, 'reward-100'), 'insufficient_points');
    expect(error.message).toContain('the balance is 50');
    expectKioskError(() => t.ledger.redeem(PHONE, 'no-such-reward'), 'unknown_reward');
    expect(snapshot(t.db)).toBe(before);
  });

  it('adjusts with a reason and a staff id, and not below zero', () => {
    expect(t.ledger.adjust(PHONE, -20, 'Scanned twice', 'manager-1').balance.provisional).toBe(130);
    expect(t.ledger.adjust(PHONE, 5, 'Goodwill', 'manager-1').balance.provisional).toBe(135);
    const before = snapshot(t.db);
    expectKioskError(() => t.ledger.adjust(PHONE, -136, 'Too much', 'manager-1'), 'insufficient_points');
    expectKioskError(() => t.ledger.adjust(PHONE, 0, 'Nothing', 'manager-1'), 'invalid_input');
    expectKioskError(() => t.ledger.adjust(PHONE, 1.5, 'Half', 'manager-1'), 'invalid_input');
    expectKioskError(() => t.ledger.adjust(PHONE, 5, '', 'manager-1'), 'invalid_input');
    expectKioskError(() => t.ledger.adjust(PHONE, 5, 'x'.repeat(10_000), 'manager-1'), 'invalid_input');
    expect(snapshot(t.db)).toBe(before);
  });
});

describe('history, day totals and close', () => {
  it('pages a customer’s history newest first', () => {
    t.ledger.enroll(PHONE, CONSENT);
    for (let i = 0; i < 5; i++) t.ledger.checkIn(PHONE, sale(`R-${i}`, 100 * (i + 1)));
    const page1 = t.ledger.history(PHONE, { limit: 3 });
    expect(page1.map((e) => e.seq)).toEqual([6, 5, 4]);
    const page2 = t.ledger.history(PHONE, { limit: 3, beforeSeq: page1[2]!.seq });
    expect(page2.map((e) => e.seq)).toEqual([3, 2, 1]);
    for (const event of [...page1, ...page2]) expect(LedgerEventSchema.parse(event)).toEqual(event);
  });

  it('totals a business day in the store’s time zone and closes it', () => {
    t.ledger.enroll(PHONE, CONSENT);
    t.clock.set('2026-11-24T03:00:00Z'); // 22:00 on the 23rd in New York
    t.ledger.checkIn(PHONE, sale('R-1', 15_000));
    t.ledger.redeem(PHONE, 'reward-100');
    t.ledger.refund('R-1', usd(1500));
    t.ledger.adjust(PHONE, 3, 'Goodwill', 'manager-1');
    t.clock.set('2026-11-24T06:00:00Z'); // 01:00 on the 24th
    t.ledger.checkIn(PHONE, sale('R-2', 1000));
    expect(t.ledger.dayTotals('2026-11-23')).toEqual({
      businessDay: '2026-11-23',
      checkIns: 1,
      enrolments: 1,
      pointsEarned: 150,
      pointsRedeemed: 100,
      pointsReversed: 15,
      pointsRestored: 0,
      pointsAdjusted: 3,
      eventCount: 5,
      unsyncedEvents: 5,
    });
    const closed = t.ledger.closeDay('2026-11-23');
    expect(closed).toMatchObject({ type: 'day.closed', phone: null, businessDay: '2026-11-24' });
    expect(closed.payload).toMatchObject({ businessDay: '2026-11-23', checkIns: 1, eventCount: 5 });
    expect(t.ledger.dayTotals('2026-11-24')).toMatchObject({ checkIns: 1, eventCount: 1 });
  });
});

describe('outbox settlement', () => {
  it('moves settled points from unsynced into the confirmed balance', () => {
    t.ledger.enroll(PHONE, CONSENT);
    t.ledger.checkIn(PHONE, sale('R-1', 4000));
    t.ledger.checkIn(PHONE, sale('R-2', 2000));
    const outbox = createOutbox(t.db);
    const pending = outbox.pending(500);
    expect(pending.map((p) => p.seq)).toEqual([1, 2, 3]);
    outbox.settle(
      pending.slice(0, 2).map((p) => ({ seq: p.seq, state: 'accepted' as const })),
      [{ phone: E164, points: 40 + 300 }], // the server also knows 300 points earned at another store
      t.clock(),
    );
    expect(t.ledger.balance(PHONE)).toMatchObject({ confirmed: 340, provisional: 360 });
    // A retried answer does not take the points out twice.
    outbox.settle([{ seq: 2, state: 'accepted' }], [], t.clock());
    expect(t.ledger.balance(PHONE)).toMatchObject({ confirmed: 340, provisional: 360 });
    expect(outbox.pendingCount()).toBe(1);
  });
});
