import type { EarnedReceipt } from './earn';
import { proportionalShare } from './rounding';

/**
 * Refunds reverse exactly what a receipt earned, in proportion to what was refunded, and give back
 * the points the customer spent on rewards for that receipt (refunding a sale paid with points must
 * never charge the points a second time: Odoo #212922).
 *
 * Everything is computed as a cumulative target: "after this refund, this much should have been
 * taken back in all", minus what earlier refunds already took. So any sequence of partial refunds
 * adds up to exactly the full refund, and nothing is ever taken back twice or given back twice.
 *
 * A receipt is refunded either by amount (a share of its total) or line by line (quantities of its
 * sale lines), not both: the two measure "how much was returned" differently and mixing them
 * could not keep that promise.
 */

/** floor(earned × refunded ÷ total), all of it once the whole total is refunded. */
export function reversalTarget(earned: number, refunded: number, saleTotal: number): number {
  if (saleTotal === 0) return refunded === 0 ? 0 : earned;
  return proportionalShare(earned, refunded, saleTotal);
}

export interface RedemptionOnReceipt {
  rewardId: string;
  /** Points the customer spent on it. */
  points: number;
  /** The sale line it paid for (a free item), or null for a discount on the whole sale. */
  saleLine: number | null;
}

export interface RefundProgress {
  /** Money refunded so far, minor units (for line refunds: the lines' share of their amounts). */
  refundedAmount: number;
  /** Units refunded so far per sale line (line-by-line refunds); empty when none. */
  refundedQuantities: readonly number[];
  /** Earned points taken back so far. */
  pointsTakenBack: number;
  /** Spent points given back so far. */
  pointsRestored: number;
}

export const NO_REFUND_YET: RefundProgress = {
  refundedAmount: 0,
  refundedQuantities: [],
  pointsTakenBack: 0,
  pointsRestored: 0,
};

export type RefundRequest =
  | { kind: 'amount'; amount: number }
  | { kind: 'lines'; lines: readonly { line: number; quantity: number }[] };

export type RefundRefusal =
  'nothing_to_refund' | 'exceeds_sale' | 'exceeds_line' | 'unknown_line' | 'no_lines' | 'mixed_refund';

export type RefundOutcome =
  | {
      ok: true;
      /** Earned points to take back now (a points.reversed event). */
      pointsToTakeBack: number;
      /** Spent points to give back now. */
      pointsToRestore: number;
      /** Money this refund returns, minor units (for line refunds: the lines' share of their amounts). */
      amount: number;
      /** Store this; pass it to the next refund of the receipt. */
      progress: RefundProgress;
    }
  | { ok: false; reason: RefundRefusal; message: string };

export function refundReceipt(
  receipt: EarnedReceipt,
  redemptions: readonly RedemptionOnReceipt[],
  before: RefundProgress,
  request: RefundRequest,
): RefundOutcome {
  const linesRefunded = before.refundedQuantities.some((quantity) => quantity > 0);
  const spent = redemptions.reduce((sum, redemption) => sum + redemption.points, 0);
  if (request.kind === 'amount') {
    if (linesRefunded)
      return refuse('mixed_refund', 'This receipt is being refunded line by line; refund its lines.');
    if (request.amount <= 0) return refuse('nothing_to_refund', 'A refund must be more than zero.');
    const refundedAmount = before.refundedAmount + request.amount;
    if (refundedAmount > receipt.total) {
      return refuse(
        'exceeds_sale',
        `${receipt.total - before.refundedAmount} of ${receipt.total} minor units can still be refunded.`,
      );
    }
    return settle(before, {
      refundedAmount,
      refundedQuantities: before.refundedQuantities,
      takeBackTarget: reversalTarget(receipt.points, refundedAmount, receipt.total),
      restoreTarget: reversalTarget(spent, refundedAmount, receipt.total),
      amount: request.amount,
    });
  }

  if (receipt.lines.length === 0) return refuse('no_lines', 'This receipt has no lines; refund an amount.');
  if (before.refundedAmount > 0 && !linesRefunded) {
    return refuse('mixed_refund', 'This receipt is being refunded by amount; refund an amount.');
  }
  if (request.lines.length === 0) return refuse('nothing_to_refund', 'Choose at least one line to refund.');
  const quantities = receipt.lines.map((_, index) => before.refundedQuantities[index] ?? 0);
  for (const { line, quantity } of request.lines) {
    const saleLine = receipt.lines[line];
    if (!saleLine || !Number.isInteger(line))
      return refuse('unknown_line', `The receipt has no line ${line}.`);
    if (!Number.isInteger(quantity) || quantity <= 0) {
      return refuse('nothing_to_refund', 'Each refunded line needs a quantity of at least 1.');
    }
    quantities[line]! += quantity;
    if (quantities[line]! > saleLine.quantity) {
      return refuse(
        'exceeds_line',
        `Line ${line} sold ${saleLine.quantity}; ${saleLine.quantity - (before.refundedQuantities[line] ?? 0)} can still be refunded.`,
      );
    }
  }

  // Money refunded per line, cumulatively, so returning 1 then 2 of 3 equals returning 3 at once.
  const lineAmount = (quantitiesOf: readonly number[]) =>
    receipt.lines.reduce(
      (sum, saleLine, index) =>
        sum + proportionalShare(saleLine.amount, quantitiesOf[index] ?? 0, saleLine.quantity),
      0,
    );
  const allLinesAmount = receipt.lines.reduce((sum, saleLine) => sum + saleLine.amount, 0);
  const allReturned = quantities.every((quantity, index) => quantity === receipt.lines[index]!.quantity);
  // What belongs to the whole receipt goes back with the share of the goods returned.
  const receiptShare = (whole: number) =>
    allReturned
      ? whole
      : allLinesAmount === 0
        ? 0
        : proportionalShare(whole, lineAmount(quantities), allLinesAmount);
  const perLine = (points: (index: number) => number) =>
    receipt.lines.reduce(
      (sum, saleLine, index) => sum + proportionalShare(points(index), quantities[index]!, saleLine.quantity),
      0,
    );

  const tiedToLine = (index: number) =>
    redemptions.reduce(
      (sum, redemption) => (redemption.saleLine === index ? sum + redemption.points : sum),
      0,
    );
  const untied = redemptions.reduce(
    (sum, redemption) =>
      redemption.saleLine === null || !receipt.lines[redemption.saleLine] ? sum + redemption.points : sum,
    0,
  );
  const refundedAmount = lineAmount(quantities);
  return settle(before, {
    refundedAmount,
    refundedQuantities: quantities,
    takeBackTarget: receiptShare(receipt.receiptPoints) + perLine((index) => receipt.lines[index]!.points),
    restoreTarget: receiptShare(untied) + perLine(tiedToLine),
    amount: refundedAmount - before.refundedAmount,
  });
}

function settle(
  before: RefundProgress,
  after: {
    refundedAmount: number;
    refundedQuantities: readonly number[];
    takeBackTarget: number;
    restoreTarget: number;
    amount: number;
  },
): RefundOutcome {
  // Targets only grow as more is refunded; max(0, …) guards a caller's inconsistent history.
  const pointsToTakeBack = Math.max(0, after.takeBackTarget - before.pointsTakenBack);
  const pointsToRestore = Math.max(0, after.restoreTarget - before.pointsRestored);
  return {
    ok: true,
    pointsToTakeBack,
    pointsToRestore,
    amount: after.amount,
    progress: {
      refundedAmount: after.refundedAmount,
      refundedQuantities: [...after.refundedQuantities],
      pointsTakenBack: before.pointsTakenBack + pointsToTakeBack,
      pointsRestored: before.pointsRestored + pointsToRestore,
    },
  };
}

function refuse(reason: RefundRefusal, message: string): RefundOutcome {
  return { ok: false, reason, message };
}
