import { describe, expect, it } from 'vitest';
import {
  earn,
  NO_REFUND_YET,
  refundReceipt,
  type EarnedReceipt,
  type RefundProgress,
} from '../../../src/shared/rules';
import { line, NO_TIER, programOf, saleOf } from './fixtures';

function refundAll(receipt: EarnedReceipt, steps: Parameters<typeof refundReceipt>[3][], redemptions = []) {
  let progress: RefundProgress = NO_REFUND_YET;
  for (const step of steps) {
    const outcome = refundReceipt(receipt, redemptions, progress, step);
    if (!outcome.ok) throw new Error(outcome.message);
    progress = outcome.progress;
  }
  return progress;
}

const program = programOf({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 2, minimumSpend: 0 } });
const sale = saleOf(7000, { lines: [line('SHOE', 5000), line('SOCK', 2000, { quantity: 4 })] });
const receipt = earn(program, NO_TIER, sale, null).receipt; // 2 + 70 = 72

describe('refunds by amount', () => {
  it('takes back in proportion: Open Loyalty’s 70 points, half refunded → 35', () => {
    const seventy = earn(programOf(), NO_TIER, saleOf(7000), null).receipt;
    const outcome = refundReceipt(seventy, [], NO_REFUND_YET, { kind: 'amount', amount: 3500 });
    expect(outcome).toMatchObject({ ok: true, pointsToTakeBack: 35, pointsToRestore: 0, amount: 3500 });
  });

  it('rounds each cumulative share down: 5 points refunded in thirds go back 1, 2, 2', () => {
    const five = earn(programOf(), NO_TIER, saleOf(500), null).receipt;
    const steps = [];
    let progress = NO_REFUND_YET;
    for (const amount of [166, 167, 167]) {
      const outcome = refundReceipt(five, [], progress, { kind: 'amount', amount });
      if (!outcome.ok) throw new Error(outcome.message);
      steps.push(outcome.pointsToTakeBack);
      progress = outcome.progress;
    }
    // floor(5 × 166/500) = 1, floor(5 × 333/500) = 3, then the rest.
    expect(steps).toEqual([1, 2, 2]);
  });

  it('refuses more than is left, zero, and mixing with line refunds', () => {
    expect(refundReceipt(receipt, [], NO_REFUND_YET, { kind: 'amount', amount: 7001 })).toMatchObject({
      ok: false,
      reason: 'exceeds_sale',
    });
    expect(refundReceipt(receipt, [], NO_REFUND_YET, { kind: 'amount', amount: 0 })).toMatchObject({
      ok: false,
      reason: 'nothing_to_refund',
    });
    const byLine = refundAll(receipt, [{ kind: 'lines', lines: [{ line: 1, quantity: 1 }] }]);
    expect(refundReceipt(receipt, [], byLine, { kind: 'amount', amount: 100 })).toMatchObject({
      ok: false,
      reason: 'mixed_refund',
    });
  });
});

describe('refunds line by line', () => {
  it('takes back what the returned line earned and its share of the visit', () => {
    const shoe = refundReceipt(receipt, [], NO_REFUND_YET, {
      kind: 'lines',
      lines: [{ line: 0, quantity: 1 }],
    });
    // Shoe line earned 50; the visit's 2 points go back in proportion to the goods returned (5/7).
    expect(shoe).toMatchObject({ ok: true, pointsToTakeBack: 50 + 1, amount: 5000 });
    const everything = refundAll(receipt, [
      { kind: 'lines', lines: [{ line: 0, quantity: 1 }] },
      { kind: 'lines', lines: [{ line: 1, quantity: 1 }] },
      { kind: 'lines', lines: [{ line: 1, quantity: 3 }] },
    ]);
    expect(everything.pointsTakenBack).toBe(72);
    expect(everything.refundedAmount).toBe(7000);
  });

  it('refuses an unknown line, more units than were sold, and line refunds of a receipt without lines', () => {
    expect(
      refundReceipt(receipt, [], NO_REFUND_YET, { kind: 'lines', lines: [{ line: 2, quantity: 1 }] }),
    ).toMatchObject({ reason: 'unknown_line' });
    expect(
      refundReceipt(receipt, [], NO_REFUND_YET, { kind: 'lines', lines: [{ line: 1, quantity: 5 }] }),
    ).toMatchObject({ reason: 'exceeds_line' });
    const plain = earn(program, NO_TIER, saleOf(1000), null).receipt;
    expect(
      refundReceipt(plain, [], NO_REFUND_YET, { kind: 'lines', lines: [{ line: 0, quantity: 1 }] }),
    ).toMatchObject({ reason: 'no_lines' });
  });
});

describe('restoring points spent on a refunded reward', () => {
  it('gives back a free item’s points when its line is refunded', () => {
    const withFreeLatte = saleOf(450, {
      lines: [line('LATTE', 0, { rewardId: 'latte' }), line('CAKE', 450)],
    });
    const earned = earn(programOf(), NO_TIER, withFreeLatte, null).receipt;
    const redemptions = [{ rewardId: 'latte', points: 100, saleLine: 0 }];
    expect(
      refundReceipt(earned, redemptions, NO_REFUND_YET, { kind: 'lines', lines: [{ line: 1, quantity: 1 }] }),
    ).toMatchObject({
      pointsToTakeBack: 4,
      pointsToRestore: 0,
    });
    expect(
      refundReceipt(earned, redemptions, NO_REFUND_YET, { kind: 'lines', lines: [{ line: 0, quantity: 1 }] }),
    ).toMatchObject({
      pointsToTakeBack: 0,
      pointsToRestore: 100,
    });
  });

  it('gives back a whole-sale discount’s points in proportion to the amount refunded', () => {
    const earned = earn(programOf(), NO_TIER, saleOf(1000), null).receipt;
    const redemptions = [{ rewardId: 'five-off', points: 100, saleLine: null }];
    const half = refundReceipt(earned, redemptions, NO_REFUND_YET, { kind: 'amount', amount: 500 });
    expect(half).toMatchObject({ ok: true, pointsToTakeBack: 5, pointsToRestore: 50 });
    if (!half.ok) return;
    expect(refundReceipt(earned, redemptions, half.progress, { kind: 'amount', amount: 500 })).toMatchObject({
      pointsToTakeBack: 5,
      pointsToRestore: 50,
      progress: { pointsTakenBack: 10, pointsRestored: 100 },
    });
  });
});
