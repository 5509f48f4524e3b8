import type { Db } from '../db/connection';
import type { Ledger } from '../ledger/ledger';
import { KioskError } from '../../shared/errors';
import type { PendingSale, PosRefundRequest, PosRefundResult, PosSaleView } from '../../shared/pos';
import { maskPhone } from '../../shared/phone';
import { earn, rewardDiscount } from '../../shared/rules';
import type { Sale } from '../../shared/sale';
import type { PutOutcome, SalesStore, StoredSale } from './sales-store';

/**
 * What the POS link does, apart from HTTP: posts sales, reads them with their check-in and the
 * rewards redeemed against them, cancels and refunds. Every input here has been parsed by the
 * API's schemas; every refusal is a KioskError (or PosFailure) and leaves nothing written.
 */

export class PosFailure extends Error {
  constructor(
    readonly code: 'unknown_sale' | 'receipt_conflict' | 'sale_not_awaiting' | 'not_checked_in',
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'PosFailure';
  }
}

interface ReceiptRow {
  phone: string;
  currency: string;
  points_earned: number;
  refunded_amount: number;
  points_reversed: number;
}

export type PosService = ReturnType<typeof createPosService>;

export function createPosService({
  db,
  ledger,
  sales,
  clock,
}: {
  db: Db;
  ledger: Ledger;
  sales: SalesStore;
  clock: () => Date;
}) {
  const statements = {
    receipt: db.prepare(
      'SELECT phone, currency, points_earned, refunded_amount, points_reversed FROM receipts WHERE receipt_id = ?',
    ),
    redemptions: db.prepare(
      'SELECT reward_id AS rewardId, sale_line AS saleLine FROM receipt_redemptions WHERE receipt_id = ? ORDER BY event_id',
    ),
  };

  /** What the sale would earn a customer with no tier, now, under the current program. */
  function wouldEarn(sale: Sale): PendingSale['wouldEarn'] {
    const earning = earn(ledger.program, { tierPoints: 0, tierId: null }, sale, {
      at: clock(),
      timeZone: ledger.store.timeZone,
    });
    return {
      points: earning.points,
      lines: earning.lines.map((line) => ({ label: line.label, points: line.points, message: line.message })),
    };
  }

  /** The POS API's: label and points only (its contract, docs/pos-integration.md). */
  function posWouldEarn(sale: Sale): PosSaleView['wouldEarn'] {
    const { points, lines } = wouldEarn(sale);
    return { points, lines: lines.map((line) => ({ label: line.label, points: line.points })) };
  }

  function view(stored: StoredSale): PosSaleView {
    const { sale } = stored;
    const receipt = statements.receipt.get(stored.receiptId) as ReceiptRow | undefined;
    const redemptions = receipt
      ? (statements.redemptions.all(stored.receiptId) as { rewardId: string; saleLine: number | null }[])
      : [];
    const rewardsApplied = redemptions.flatMap(({ rewardId }) => {
      const reward = ledger.program.rewards.find((candidate) => candidate.id === rewardId);
      if (!reward) return [];
      const discount = rewardDiscount(reward, sale);
      return [
        {
          id: reward.id,
          name: reward.name,
          discount: { amount: discount?.amount ?? 0, currency: sale.total.currency },
          saleLine: discount?.saleLine ?? null,
        },
      ];
    });
    return {
      receiptId: stored.receiptId,
      status: receipt ? 'checked-in' : stored.status,
      total: sale.total,
      ...(sale.tax ? { tax: sale.tax } : {}),
      ...(sale.tip ? { tip: sale.tip } : {}),
      ...(sale.lines ? { lines: sale.lines } : {}),
      createdAt: stored.createdAt,
      expiresAt: stored.expiresAt,
      wouldEarn: posWouldEarn(sale),
      customer: receipt ? { maskedPhone: maskPhone(receipt.phone) } : null,
      pointsEarned: receipt ? receipt.points_earned : null,
      rewardsApplied,
      refunded: {
        amount: { amount: receipt?.refunded_amount ?? 0, currency: sale.total.currency },
        pointsReversed: receipt?.points_reversed ?? 0,
      },
    };
  }

  function requireSale(receiptId: string): StoredSale {
    const stored = sales.get(receiptId);
    if (!stored) throw new PosFailure('unknown_sale', `There is no sale "${receiptId}".`, 'receiptId');
    return stored;
  }

  /** Posts a sale. The store's currency is checked before anything is written. */
  function postSale(sale: Sale): { created: boolean; sale: PosSaleView } {
    if (sale.total.currency !== ledger.store.currency) {
      throw new KioskError(
        'currency_mismatch',
        `The sale is in ${sale.total.currency}; this store takes ${ledger.store.currency}.`,
        'total.currency',
      );
    }
    if (statements.receipt.get(sale.receiptId) && !sales.get(sale.receiptId)) {
      throw new KioskError('already_checked_in', undefined, 'receiptId');
    }
    const outcome: PutOutcome = sales.put(sale);
    if (outcome.kind === 'conflict') {
      throw new PosFailure(
        'receipt_conflict',
        `Receipt "${sale.receiptId}" was already posted with a different body; post a new receipt id.`,
        'receiptId',
      );
    }
    return { created: outcome.kind === 'created', sale: view(outcome.sale) };
  }

  function getSale(receiptId: string): PosSaleView {
    return view(requireSale(receiptId));
  }

  function cancelSale(receiptId: string): PosSaleView {
    const current = view(requireSale(receiptId));
    if (current.status === 'cancelled') return current;
    if (current.status !== 'awaiting-check-in') {
      throw new PosFailure(
        'sale_not_awaiting',
        `Sale "${receiptId}" is ${current.status}; only a sale awaiting check-in can be cancelled.`,
        'receiptId',
      );
    }
    return view(sales.cancel(receiptId));
  }

  function refund(receiptId: string, request: PosRefundRequest): PosRefundResult {
    const stored = sales.get(receiptId);
    const receipt = statements.receipt.get(receiptId) as ReceiptRow | undefined;
    if (!stored && !receipt) {
      throw new PosFailure('unknown_sale', `There is no sale "${receiptId}".`, 'receiptId');
    }
    if (!receipt) {
      throw new PosFailure(
        'not_checked_in',
        `Sale "${receiptId}" is ${stored!.status}: nobody earned points on it, so there is nothing to reverse.`,
        'receiptId',
      );
    }
    const result = ledger.refund(
      receiptId,
      request.lines ? { lines: request.lines } : (request.amount ?? null),
    );
    return {
      receiptId: result.receiptId,
      refunded: result.refunded,
      pointsReversed: result.pointsReversed,
      pointsRestored: result.pointsRestored,
      refundableLeft: result.refundableLeft,
    };
  }

  /** The sale the check-in screen offers, and what it would earn; null when none awaits. */
  function pending(): PendingSale | null {
    const stored = sales.pending();
    if (!stored) return null;
    return { sale: stored.sale, expiresAt: stored.expiresAt, wouldEarn: wouldEarn(stored.sale) };
  }

  return { postSale, getSale, cancelSale, refund, pending };
}
