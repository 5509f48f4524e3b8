import { z } from 'zod';
import { ReceiptIdSchema, shortText } from './ids';
import { MinorUnitsSchema, MoneySchema } from './money';

/** A sale as the POS reports it: the receipt id and its total, optionally line by line. */
export const SaleLineSchema = z.strictObject({
  sku: shortText('SKU', 64),
  category: shortText('Category', 64).nullable().optional(),
  quantity: z.number().int().min(1).max(10_000),
  /** The line's total (quantity × unit price, after line discounts), in minor units. */
  amount: MinorUnitsSchema,
  /** The reward redeemed on this line (a free item): a line paid with points never earns points. */
  rewardId: shortText('Reward id', 64).nullable().optional(),
});
export type SaleLine = z.infer<typeof SaleLineSchema>;

export const SaleSchema = z
  .strictObject({
    receiptId: ReceiptIdSchema,
    /** What the customer paid, after discounts, including any tax and tip below. */
    total: MoneySchema,
    /** Tax included in the total; it earns no points. */
    tax: MoneySchema.optional(),
    /** Tip included in the total; it earns no points. */
    tip: MoneySchema.optional(),
    lines: z.array(SaleLineSchema).max(500).optional(),
  })
  .superRefine((sale, ctx) => {
    for (const part of ['tax', 'tip'] as const) {
      const money = sale[part];
      if (money && money.currency !== sale.total.currency) {
        ctx.addIssue({
          code: 'custom',
          path: [part, 'currency'],
          message: `The ${part} must be in the sale's currency, ${sale.total.currency}.`,
        });
      }
    }
    if ((sale.tax?.amount ?? 0) + (sale.tip?.amount ?? 0) > sale.total.amount) {
      ctx.addIssue({
        code: 'custom',
        path: ['total'],
        message: 'The total includes the tax and the tip, so it cannot be less than them together.',
      });
    }
  });
export type Sale = z.infer<typeof SaleSchema>;

/** One line of a line-by-line refund: the sale line's position and how many units came back. */
export const RefundLineSchema = z.strictObject({
  line: z.number().int().min(0).max(499),
  quantity: z.number().int().min(1).max(10_000),
});

/** The lines of a line-by-line refund, as the POS, the IPC bridge, the ledger and its events take them. */
export const RefundLinesSchema = z
  .array(RefundLineSchema)
  .min(1, { message: 'Name at least one line to refund.' })
  .max(500);
