import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { findLedgerProblems } from '../../../src/main/ledger/integrity';
import { KioskError } from '../../../src/shared/errors';
import { CONSENT, snapshot, tableCounts, tempLedger, type TestLedger } from '../../helpers/ledger';

let t: TestLedger | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const PHONES = ['415 555 0101', '415 555 0102', '415 555 0103'];

describe('one transaction per event', () => {
  it('writes the event, its outbox row, the balance and the next seq together, or none of them', () => {
    t = tempLedger();
    t.ledger.enroll(PHONES[0], CONSENT);
    t.ledger.checkIn(PHONES[0], { receiptId: 'R-1', total: { amount: 1000, currency: 'USD' } });
    const before = snapshot(t.db);
    // Make the very last write of the check-in fail (the outbox row is written after the event,
    // the balance after that, the receipt last): nothing written before it may remain.
    t.db.exec(
      `CREATE TRIGGER fail_receipt BEFORE INSERT ON receipts BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    expect(() =>
      t!.ledger.checkIn(PHONES[0], { receiptId: 'R-2', total: { amount: 5000, currency: 'USD' } }),
    ).toThrow('disk full');
    expect(snapshot(t.db)).toBe(before);
    t.db.exec('DROP TRIGGER fail_receipt');
    t.db.exec(
      `CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
    expect(() => t!.ledger.redeem(PHONES[0], 'reward-100')).toThrow();
    expect(() => t!.ledger.adjust(PHONES[0], 5, 'Goodwill', 'm-1')).toThrow('disk full');
    expect(snapshot(t.db)).toBe(before);
    t.db.exec('DROP TRIGGER fail_outbox');
    // And the till carries on with the same, gap-free sequence.
    t.ledger.checkIn(PHONES[0], { receiptId: 'R-2', total: { amount: 5000, currency: 'USD' } });
    expect(t.ledger.history(PHONES[0], { limit: 1 })[0]?.seq).toBe(3);
    expect(findLedgerProblems(t.db)).toEqual([]);
  });
});

describe('the integrity check', () => {
  it('finds each kind of broken invariant', () => {
    t = tempLedger();
    t.ledger.enroll(PHONES[0], CONSENT);
    t.ledger.checkIn(PHONES[0], { receiptId: 'R-1', total: { amount: 1000, currency: 'USD' } });
    t.ledger.refund('R-1', { amount: 500, currency: 'USD' });
    expect(findLedgerProblems(t.db)).toEqual([]);
    t.db.pragma('foreign_keys = OFF');
    t.db.exec('UPDATE balances SET local_points = local_points + 1');
    t.db.exec('DELETE FROM outbox WHERE seq = 3');
    t.db.exec('UPDATE receipts SET points_reversed = 0');
    const problems = findLedgerProblems(t.db);
    expect(problems.join('\n')).toMatch(/no outbox row/);
    expect(problems.join('\n')).toMatch(/Balance of \+14155550101/);
    expect(problems.join('\n')).toMatch(/Receipt R-1 records/);
    t.db.exec('DELETE FROM ledger_events WHERE seq = 2');
    expect(findLedgerProblems(t.db).join('\n')).toMatch(/gaps/);
  });
});

type Op =
  | { kind: 'enroll'; phone: number }
  | { kind: 'checkIn'; phone: number; receipt: number; amount: number }
  | { kind: 'refund'; receipt: number; amount: number | null }
  | { kind: 'redeem'; phone: number }
  | { kind: 'adjust'; phone: number; points: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('enroll' as const), phone: fc.nat(2) }),
  fc.record({
    kind: fc.constant('checkIn' as const),
    phone: fc.nat(2),
    receipt: fc.nat(12),
    amount: fc.integer({ min: 0, max: 40_000 }),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    receipt: fc.nat(12),
    amount: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('redeem' as const), phone: fc.nat(2) }),
  fc.record({
    kind: fc.constant('adjust' as const),
    phone: fc.nat(2),
    points: fc.integer({ min: -200, max: 200 }),
  }),
);

describe('any sequence of operations', () => {
  it('keeps balance = sum of events, receipts earning once, refunds within what was earned, and no balance driven below zero by a redemption', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
        const ledger = tempLedger();
        try {
          // A simple model of what each receipt earned and how much of it is left to refund.
          const receipts = new Map<
            number,
            { earned: number; total: number; refunded: number; reversed: number }
          >();
          for (const op of ops) {
            const before = snapshot(ledger.db);
            try {
              switch (op.kind) {
                case 'enroll':
                  ledger.ledger.enroll(PHONES[op.phone], CONSENT);
                  break;
                case 'checkIn': {
                  const result = ledger.ledger.checkIn(PHONES[op.phone], {
                    receiptId: `R-${op.receipt}`,
                    total: { amount: op.amount, currency: 'USD' },
                  });
                  if (result.status === 'checked_in') {
                    expect(receipts.has(op.receipt)).toBe(false);
                    receipts.set(op.receipt, {
                      earned: result.pointsEarned,
                      total: op.amount,
                      refunded: 0,
                      reversed: 0,
                    });
                  } else {
                    expect(receipts.has(op.receipt)).toBe(true);
                    expect(snapshot(ledger.db)).toBe(before);
                  }
                  break;
                }
                case 'refund': {
                  const result = ledger.ledger.refund(
                    `R-${op.receipt}`,
                    op.amount === null ? undefined : { amount: op.amount, currency: 'USD' },
                  );
                  const receipt = receipts.get(op.receipt)!;
                  receipt.refunded += result.refunded.amount;
                  receipt.reversed += result.pointsReversed;
                  expect(receipt.refunded).toBeLessThanOrEqual(receipt.total);
                  expect(receipt.reversed).toBeLessThanOrEqual(receipt.earned);
                  if (receipt.refunded === receipt.total) expect(receipt.reversed).toBe(receipt.earned);
                  break;
                }
                case 'redeem': {
                  const balanceBefore = ledger.ledger.balance(PHONES[op.phone]).provisional;
                  const result = ledger.ledger.redeem(PHONES[op.phone], 'reward-100');
                  expect(balanceBefore).toBeGreaterThanOrEqual(100);
                  expect(result.balance.provisional).toBe(balanceBefore - 100);
                  expect(result.balance.provisional).toBeGreaterThanOrEqual(0);
                  break;
                }
                case 'adjust':
                  if (op.points === 0) break;
                  ledger.ledger.adjust(PHONES[op.phone], op.points, 'Correction', 'manager-1');
                  break;
              }
            } catch (error) {
              // A refused operation is fine, as long as it was refused cleanly and wrote nothing.
              if (!(error instanceof KioskError)) throw error;
              expect(snapshot(ledger.db)).toBe(before);
            }
            expect(findLedgerProblems(ledger.db)).toEqual([]);
          }
        } finally {
          ledger.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('bad input', () => {
  it.each([
    [
      'an invalid phone',
      (l: TestLedger) =>
        l.ledger.checkIn('12', { receiptId: 'R-9', total: { amount: 100, currency: 'USD' } }),
      'invalid_phone',
    ],
    [
      'a foreign-format phone',
      (l: TestLedger) => l.ledger.checkIn('020 7946 0018', undefined),
      'invalid_phone',
    ],
    ['a phone that is not text', (l: TestLedger) => l.ledger.checkIn(4155550101, undefined), 'invalid_phone'],
    ['a 10 kB phone', (l: TestLedger) => l.ledger.checkIn('4'.repeat(10_240)), 'invalid_phone'],
    [
      'a negative amount',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: -100, currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'a fractional amount',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: 12.5, currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'a NaN amount',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: Number.NaN, currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'an infinite amount',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: Infinity, currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'a huge amount',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: 2 ** 60, currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'an amount as text',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: '100', currency: 'USD' } }),
      'invalid_amount',
    ],
    [
      'an unknown currency',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: 100, currency: 'ZZZ' } }),
      'unknown_currency',
    ],
    [
      'another store’s currency',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], { receiptId: 'R-9', total: { amount: 100, currency: 'EUR' } }),
      'currency_mismatch',
    ],
    [
      'a 10 kB receipt id',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], {
          receiptId: 'R'.repeat(10_240),
          total: { amount: 100, currency: 'USD' },
        }),
      'invalid_input',
    ],
    [
      'a receipt id with control characters',
      (l: TestLedger) =>
        l.ledger.checkIn(PHONES[0], {
          receiptId: 'R-1\n; DROP TABLE receipts',
          total: { amount: 100, currency: 'USD' },
        }),
      'invalid_input',
    ],
    [
      'a 10 kB name',
      (l: TestLedger) => l.ledger.enroll(PHONES[1], CONSENT, 'N'.repeat(10_240)),
      'invalid_input',
    ],
    ['an unknown reward', (l: TestLedger) => l.ledger.redeem(PHONES[0], 'gold-bar'), 'unknown_reward'],
    ['a 10 kB reward id', (l: TestLedger) => l.ledger.redeem(PHONES[0], 'r'.repeat(10_240)), 'invalid_input'],
    ['a refund of an unknown receipt', (l: TestLedger) => l.ledger.refund('R-404'), 'unknown_receipt'],
    [
      'a refund with a negative amount',
      (l: TestLedger) => l.ledger.refund('R-1', { amount: -5, currency: 'USD' }),
      'invalid_amount',
    ],
    ['an unknown customer’s balance', (l: TestLedger) => l.ledger.balance(PHONES[2]), 'not_enrolled'],
    [
      'a business day that is not a date',
      (l: TestLedger) => l.ledger.dayTotals('yesterday'),
      'invalid_input',
    ],
  ])('refuses %s with a typed, readable error and writes nothing', (_name, call, code) => {
    t = tempLedger();
    t.ledger.enroll(PHONES[0], CONSENT);
    t.ledger.checkIn(PHONES[0], { receiptId: 'R-1', total: { amount: 1000, currency: 'USD' } });
    const counts = tableCounts(t.db);
    const before = snapshot(t.db);
    let caught: unknown;
    try {
      call(t);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KioskError);
    const error = caught as KioskError;
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).not.toMatch(/zod|undefined|\[object|SQLITE/i);
    expect(tableCounts(t.db)).toEqual(counts);
    expect(snapshot(t.db)).toBe(before);
  });
});
