import { describe, expect, it } from 'vitest';
import { earn } from '../../../src/shared/rules';
import { line, NO_TIER, programOf, saleOf, TUESDAY_10AM } from './fixtures';

const total = (lines: { points: number }[]) => lines.reduce((sum, l) => sum + l.points, 0);

describe('earn: the base', () => {
  it('earns per currency unit, rounded down once on the whole sale', () => {
    const program = programOf();
    expect(earn(program, NO_TIER, saleOf(1299), null).points).toBe(12);
    // Two lines of $0.60 each earn 1 point together, not 0 + 0: rounding is never per line.
    const twoSixties = saleOf(120, { lines: [line('A', 60), line('B', 60)] });
    expect(earn(program, NO_TIER, twoSixties, null).points).toBe(1);
  });

  it('gives visit points and the spend with a minimum spend gating both', () => {
    const program = programOf({ earn: { pointsPerCurrencyUnit: 2, pointsPerVisit: 5, minimumSpend: 500 } });
    const below = earn(program, NO_TIER, saleOf(499), null);
    expect(below.points).toBe(0);
    expect(below.lines).toEqual([
      expect.objectContaining({ kind: 'note', label: 'Below minimum spend', points: 0 }),
    ]);
    const at = earn(program, NO_TIER, saleOf(500), null);
    expect(at.lines.map((l) => [l.kind, l.points])).toEqual([
      ['visit', 5],
      ['spend', 10],
    ]);
  });

  it('takes tax and tip out of the base, and out of the minimum spend', () => {
    const program = programOf({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 1, minimumSpend: 1000 } });
    // $12.00 paid of which $1.00 tax and $2.00 tip: $9.00 of goods, below the $10 minimum.
    expect(earn(program, NO_TIER, saleOf(1200, { tax: 100, tip: 200 }), null).points).toBe(0);
    const earning = earn(program, NO_TIER, saleOf(1500, { tax: 100, tip: 200 }), null);
    expect(earning.eligibleAmount).toBe(1200);
    expect(earning.points).toBe(1 + 12);
    expect(earning.lines).toContainEqual(
      expect.objectContaining({
        kind: 'excluded',
        label: 'Tax and tip',
        detail: 'Not counted: tax $1.00 and tip $2.00',
      }),
    );
  });

  it('explains every line, and the lines add up to the total', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 3, pointsPerVisit: 2, minimumSpend: 0 },
      itemRules: [{ action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: 150 }],
      tiers: { levels: [{ id: 'gold', name: 'Gold', threshold: 100, earnPercent: 125 }] },
    });
    const sale = saleOf(3333, { lines: [line('S1', 2222, { category: 'shoes' }), line('X', 1111)] });
    const earning = earn(program, { tierPoints: 100, tierId: null }, sale, null);
    expect(total(earning.lines)).toBe(earning.points);
    // base = 2 + 3 × 11.11 + 3 × 1.5 × 22.22 = 2 + 33.33 + 99.99 = 135.32; Gold adds 25 %: 169.15.
    expect(earning.points).toBe(169);
    expect(earning.lines.map((l) => l.label)).toEqual(['Visit', '$11.11 spent', '1.5× Shoes', 'Gold 1.25×']);
    expect(earning.lines[2]!.detail).toBe('Shoes: 3 points per $1 × 1.5 on $22.22');
  });
});

describe('earn: item and category rules', () => {
  const program = programOf({
    itemRules: [
      { action: 'exclude', name: 'Gift cards', skus: ['GIFT'] },
      { action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: 200 },
      { action: 'multiply', name: 'Sale shoes', skus: ['S-SALE'], percent: 300 },
    ],
  });

  it('excludes, multiplies, and gives the highest multiplier when two match', () => {
    const sale = saleOf(10_000, {
      lines: [
        line('GIFT', 5000, { category: 'shoes' }), // exclusion wins over the shoes multiplier
        line('S1', 2000, { category: 'shoes' }),
        line('S-SALE', 1000, { category: 'shoes' }),
        line('SOCK', 2000),
      ],
    });
    const earning = earn(program, NO_TIER, sale, null);
    expect(earning.points).toBe(20 + 40 + 30);
    expect(earning.eligibleAmount).toBe(5000);
    expect(earning.lines).toContainEqual(
      expect.objectContaining({ kind: 'excluded', label: 'Gift cards', points: 0 }),
    );
  });

  it('with include rules, earns only on included lines', () => {
    const coffeeOnly = programOf({
      itemRules: [{ action: 'include', name: 'Coffee', categories: ['coffee'] }],
    });
    const sale = saleOf(1500, { lines: [line('LATTE', 500, { category: 'coffee' }), line('MUG', 1000)] });
    const earning = earn(coffeeOnly, NO_TIER, sale, null);
    expect(earning.points).toBe(5);
    expect(earning.lines).toContainEqual(expect.objectContaining({ label: 'Not in an earning category' }));
  });

  it('spreads an order discount over the lines, so the discount never earns', () => {
    // Lines say $100 but $80 was paid (a $20-off reward): points on $80, split 3:1 by the lines.
    const sale = saleOf(8000, { lines: [line('S1', 7500, { category: 'shoes' }), line('SOCK', 2500)] });
    const earning = earn(program, NO_TIER, sale, null);
    expect(earning.eligibleAmount).toBe(8000);
    expect(earning.points).toBe(120 + 20);
  });

  it('counts even a one-cent order discount, exactly', () => {
    const hundred = programOf({ earn: { pointsPerCurrencyUnit: 100, pointsPerVisit: 0, minimumSpend: 0 } });
    expect(
      earn(hundred, NO_TIER, saleOf(999, { lines: [line('A', 600), line('B', 400)] }), null).points,
    ).toBe(999);
  });

  it('earns on money the lines do not itemise at the base rate, unless include rules exist', () => {
    const sale = saleOf(3000, { lines: [line('S1', 2000, { category: 'shoes' })] });
    expect(earn(program, NO_TIER, sale, null).points).toBe(40 + 10);
  });

  it('never earns on a line paid with a reward', () => {
    const sale = saleOf(900, { lines: [line('LATTE', 450, { rewardId: 'free-latte' }), line('CAKE', 450)] });
    expect(earn(programOf(), NO_TIER, sale, null).points).toBe(4);
  });

  it('applies no item rule to a sale given by its total only', () => {
    expect(earn(program, NO_TIER, saleOf(5000), null).points).toBe(50);
  });
});

describe('earn: receipts for line-by-line refunds', () => {
  it('splits the total over the sale lines and the receipt, adding up exactly', () => {
    const program = programOf({
      earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 3, minimumSpend: 0 },
      promotions: {
        combine: 'stack',
        offers: [
          { id: 'x2', name: 'Double', effect: { kind: 'multiply', percent: 200 } },
          { id: 'b5', name: 'Bonus', effect: { kind: 'bonus', points: 5 } },
        ],
      },
    });
    const sale = saleOf(1999, { lines: [line('A', 1333, { quantity: 3 }), line('B', 666)] });
    const earning = earn(program, NO_TIER, sale, TUESDAY_10AM);
    const receipt = earning.receipt;
    expect(receipt.receiptPoints + receipt.lines.reduce((s, l) => s + l.points, 0)).toBe(earning.points);
    // (3 + 19.99) × 2 + 5 = 50.98 → 50: visit 6 and bonus 5 on the receipt, the rest on the lines.
    expect(earning.points).toBe(50);
    expect(receipt.lines.map((l) => l.points)).toEqual([26, 13]);
    expect(receipt.receiptPoints).toBe(11);
  });
});

describe('earn: a visit with no sale', () => {
  it('earns the visit points only when there is no minimum spend', () => {
    expect(
      earn(
        programOf({ earn: { pointsPerCurrencyUnit: 0, pointsPerVisit: 2, minimumSpend: 0 } }),
        NO_TIER,
        null,
        null,
      ).points,
    ).toBe(2);
    const withMinimum = programOf({ earn: { pointsPerCurrencyUnit: 0, pointsPerVisit: 2, minimumSpend: 1 } });
    expect(earn(withMinimum, NO_TIER, null, null)).toMatchObject({ points: 0, lines: [{ kind: 'note' }] });
  });
});
