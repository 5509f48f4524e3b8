import { describe, expect, it } from 'vitest';
import {
  addLot,
  balanceOf,
  EMPTY_BOOK,
  earn,
  evaluateCheckIn,
  expireLots,
  NO_REFUND_YET,
  refundReceipt,
  takePoints,
} from '../../../src/shared/rules';
import { earnPoints } from '../../../src/shared/program';
import { line, NO_TIER, programOf, saleOf, TUESDAY_10AM } from './fixtures';

/**
 * The bugs users of other loyalty systems hit most (docs: /work/shared/research/loyalty-programs.md),
 * each pinned by a test of ours.
 */

describe('Odoo #257854, ERPNext #32951: refunds keep earned points', () => {
  it('buy, refund, repeat: the customer gains nothing', () => {
    const program = programOf({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 5, minimumSpend: 0 } });
    let book = EMPTY_BOOK;
    for (let round = 0; round < 3; round++) {
      const earned = earn(program, NO_TIER, saleOf(4999), null);
      book = addLot(book, {
        id: `r${round}`,
        points: earned.points,
        earnedOn: '2026-03-03',
        expiresOn: null,
      });
      const refund = refundReceipt(earned.receipt, [], NO_REFUND_YET, { kind: 'amount', amount: 4999 });
      if (!refund.ok) throw new Error(refund.message);
      expect(refund.pointsToTakeBack).toBe(earned.points);
      book = takePoints(book, refund.pointsToTakeBack, { allowDebt: true, firstFrom: `r${round}` })!.book;
    }
    expect(balanceOf(book)).toBe(0);
  });

  it('line by line too: returning every line takes back every point, bonuses included', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 3, minimumSpend: 0 },
      promotions: { offers: [{ id: 'x2', name: 'Double', effect: { kind: 'multiply', percent: 200 } }] },
    });
    const earned = earn(
      program,
      NO_TIER,
      saleOf(3000, { lines: [line('A', 1000), line('B', 2000, { quantity: 2 })] }),
      TUESDAY_10AM,
    );
    let progress = NO_REFUND_YET;
    for (const step of [
      { line: 1, quantity: 1 },
      { line: 0, quantity: 1 },
      { line: 1, quantity: 1 },
    ]) {
      const outcome = refundReceipt(earned.receipt, [], progress, { kind: 'lines', lines: [step] });
      if (!outcome.ok) throw new Error(outcome.message);
      progress = outcome.progress;
    }
    expect(progress.pointsTakenBack).toBe(earned.points);
    expect(earned.points).toBe(66);
  });
});

describe('Odoo #212922, ERPNext #30242: refunding an order paid with points charges the points again', () => {
  it('gives the spent points back and takes back only what was earned', () => {
    const program = programOf();
    // 100 points in the bank; a $10 sale with a 100-point $5-off reward: the customer pays $5.
    let book = addLot(EMPTY_BOOK, { id: 'old', points: 100, earnedOn: '2026-01-01', expiresOn: null });
    book = takePoints(book, 100)!.book;
    const earned = earn(program, NO_TIER, saleOf(500, { lines: [line('MEAL', 1000)] }), null);
    expect(earned.points).toBe(5); // on the $5 paid, not the $10 list price
    book = addLot(book, { id: 'sale', points: earned.points, earnedOn: '2026-03-03', expiresOn: null });

    const refund = refundReceipt(
      earned.receipt,
      [{ rewardId: 'five-off', points: 100, saleLine: null }],
      NO_REFUND_YET,
      {
        kind: 'amount',
        amount: 500,
      },
    );
    expect(refund).toMatchObject({ ok: true, pointsToTakeBack: 5, pointsToRestore: 100 });
    if (!refund.ok) return;
    book = takePoints(book, refund.pointsToTakeBack, { allowDebt: true, firstFrom: 'sale' })!.book;
    book = addLot(book, {
      id: 'restored',
      points: refund.pointsToRestore,
      earnedOn: '2026-03-04',
      expiresOn: null,
    });
    expect(balanceOf(book)).toBe(100); // exactly where the customer started
  });
});

describe('ERPNext #14930, #22167, #45450: tiers that ignore thresholds or the minimum spend', () => {
  const program = programOf({
    earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 1000 },
    tiers: { levels: [{ id: 'gold', name: 'Gold', threshold: 1000, earnPercent: 200 }] },
  });

  it('a Gold customer below the minimum spend still earns nothing', () => {
    expect(earn(program, { tierPoints: 50_000, tierId: 'gold' }, saleOf(999), null).points).toBe(0);
  });

  it('the tier comes from points over the window, not from the size of this sale', () => {
    expect(earn(program, { tierPoints: 999, tierId: null }, saleOf(500_000), null).points).toBe(5000);
    expect(earn(program, { tierPoints: 1000, tierId: null }, saleOf(500_000), null).points).toBe(10_000);
  });
});

describe('POS-Awesome #45, ERPNext #33550: dividing instead of multiplying the conversion factor', () => {
  it('10 points per $1 on $3.85 is 38 points, and a yen is a whole unit', () => {
    const ten = programOf({ earn: { pointsPerCurrencyUnit: 10, pointsPerVisit: 0, minimumSpend: 0 } });
    expect(earnPoints(ten, { amount: 385, currency: 'USD' }).points).toBe(38);
    expect(earnPoints(ten, { amount: 385, currency: 'JPY' }).points).toBe(3850);
    expect(earnPoints(ten, { amount: 3850, currency: 'BHD' }).points).toBe(38);
  });

  it('is exact where floats are not: 1000 points per $1 at the largest sale', () => {
    const thousand = programOf({ earn: { pointsPerCurrencyUnit: 1000, pointsPerVisit: 0, minimumSpend: 0 } });
    expect(earnPoints(thousand, { amount: 999_999_999, currency: 'USD' }).points).toBe(9_999_999_990);
    // 0.29 × 100 is 28.999999999999996 in floating point; we count cents, not dollars.
    const one = programOf({ earn: { pointsPerCurrencyUnit: 100, pointsPerVisit: 0, minimumSpend: 0 } });
    expect(earnPoints(one, { amount: 29, currency: 'USD' }).points).toBe(29);
  });
});

describe('Square: a changed expiry policy rewrites points already earned', () => {
  it('a lot keeps the expiry it was earned with; only new lots follow the new policy', () => {
    const customer = { tierPoints: 0, tierId: null, lastCheckInAt: null, checkInsToday: 0 };
    const yearly = programOf({ version: 1, expiry: { kind: 'after_days', days: 365 } });
    const monthly = programOf({ version: 2, expiry: { kind: 'after_days', days: 30 } });
    const first = evaluateCheckIn(yearly, customer, saleOf(1000), TUESDAY_10AM);
    const second = evaluateCheckIn(monthly, customer, saleOf(1000), TUESDAY_10AM);
    if (!('lot' in first) || !('lot' in second)) throw new Error('expected check-ins');
    expect(first.lot.expiresOn).toBe('2027-03-03');
    expect(second.lot.expiresOn).toBe('2026-04-02');
    const book = {
      lots: [
        { id: 'v1', ...first.lot },
        { id: 'v2', ...second.lot },
      ],
      debt: 0,
    };
    expect(expireLots(book, '2026-05-01').expired).toEqual([{ id: 'v2', points: 10 }]);
  });
});

describe('Odoo #221570, #114004: points earned on reward and discount lines', () => {
  it('a free item paid with points earns nothing, and neither does an order discount', () => {
    const program = programOf();
    const freeLatte = saleOf(450, {
      lines: [line('LATTE', 450, { rewardId: 'free-latte' }), line('CAKE', 450)],
    });
    // The POS sends both lines at price and takes the latte off the total: 4 points for the cake.
    expect(earn(program, NO_TIER, freeLatte, null).points).toBe(4);
    const discounted = saleOf(2000, { lines: [line('A', 2500)] });
    expect(earn(program, NO_TIER, discounted, null).points).toBe(20);
  });
});
