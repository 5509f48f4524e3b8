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
});

export const SaleSchema = z.strictObject({
  receiptId: ReceiptIdSchema,
  total: MoneySchema,
  lines: z.array(SaleLineSchema).max(500).optional(),
});
export type Sale = z.infer<typeof SaleSchema>;
