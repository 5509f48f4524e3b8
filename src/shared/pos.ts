import { z } from 'zod';
import { errorCodes, type ErrorCode } from './errors';
import { ExplanationMessageSchema } from './events';
import { ReceiptIdSchema } from './ids';
import { MoneySchema } from './money';
import { RefundLinesSchema, SaleSchema } from './sale';

/**
 * The POS link's contract (src/main/pos): the local HTTP API through which the till's point-of-sale
 * software posts sales, reads check-ins and refunds. Money is integer minor units with an ISO 4217
 * code, as everywhere in the kiosk. The OpenAPI document at /openapi.json is generated from these.
 */

export const POS_API_VERSION = '1.0.0';

/** `POST /v1/sales`: the sale as the POS rang it up (the kiosk's SaleSchema). */
export const PosSaleRequestSchema = SaleSchema;
export type PosSaleRequest = z.infer<typeof PosSaleRequestSchema>;

export const PosSaleStatusSchema = z.enum(['awaiting-check-in', 'checked-in', 'cancelled', 'expired']);
export type PosSaleStatus = z.infer<typeof PosSaleStatusSchema>;

/** One line of why the sale earns what it does, for a receipt printout. */
export const PosEarnLineSchema = z.object({ label: z.string(), points: z.number().int() });

/**
 * The same line on the kiosk's own screen (`sale:pending`), with its message for the screen to
 * translate (src/shared/rules/message.ts). The POS API keeps to label and points.
 */
export const PendingEarnLineSchema = PosEarnLineSchema.extend({
  message: ExplanationMessageSchema.optional(),
});

export const PosRewardAppliedSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The discount the POS should apply, in the sale's minor units. */
  discount: MoneySchema,
  /** The sale line the reward applies to (a free item), or null for the whole sale. */
  saleLine: z.number().int().nullable(),
});

export const PosSaleViewSchema = z.object({
  receiptId: ReceiptIdSchema,
  status: PosSaleStatusSchema,
  total: MoneySchema,
  tax: MoneySchema.optional(),
  tip: MoneySchema.optional(),
  lines: PosSaleRequestSchema.shape.lines,
  createdAt: z.string(),
  /** When a sale still awaiting check-in expires. */
  expiresAt: z.string(),
  /** What the sale would earn a customer with no tier (the screen's invitation). */
  wouldEarn: z.object({ points: z.number().int().min(0), lines: z.array(PosEarnLineSchema) }),
  /** The customer who checked in, masked to the last four digits; null before check-in. */
  customer: z.object({ maskedPhone: z.string() }).nullable(),
  /** Points the check-in earned; null before check-in. */
  pointsEarned: z.number().int().min(0).nullable(),
  /** Rewards redeemed against this receipt: the POS applies their discounts. */
  rewardsApplied: z.array(PosRewardAppliedSchema),
  /** Refunded so far (minor units) and the points taken back; zero before any refund. */
  refunded: z.object({ amount: MoneySchema, pointsReversed: z.number().int().min(0) }),
});
export type PosSaleView = z.infer<typeof PosSaleViewSchema>;

/** `POST /v1/sales/{receiptId}/refund`: an amount, lines, or nothing (the rest of the sale). */
export const PosRefundRequestSchema = z
  .strictObject({
    amount: MoneySchema.optional(),
    lines: RefundLinesSchema.optional(),
  })
  .refine((refund) => !(refund.amount && refund.lines), {
    message: 'Refund by amount or by lines, not both.',
    path: ['lines'],
  });
export type PosRefundRequest = z.infer<typeof PosRefundRequestSchema>;

export const PosRefundResultSchema = z.object({
  receiptId: ReceiptIdSchema,
  refunded: MoneySchema,
  pointsReversed: z.number().int().min(0),
  /** Points the customer had spent on rewards for this receipt, given back. */
  pointsRestored: z.number().int().min(0),
  /** What can still be refunded, in minor units. */
  refundableLeft: z.number().int().min(0),
});
export type PosRefundResult = z.infer<typeof PosRefundResultSchema>;

/** Codes of the POS link beyond the ledger's own (src/shared/errors.ts). */
export const posErrorCodes = {
  unauthorized: 'A valid Bearer token is required (KIOSK_POS_TOKEN, or the pos-token file).',
  forbidden_host: 'The Host header does not name this kiosk.',
  not_found: 'There is no such route.',
  method_not_allowed: 'That method is not allowed on this route.',
  unsupported_media_type: 'The body must be JSON (Content-Type: application/json).',
  invalid_json: 'The body is not valid JSON.',
  payload_too_large: 'The body is too large.',
  rate_limited: 'Too many requests; slow down.',
  unknown_sale: 'There is no sale with this receipt id.',
  receipt_conflict: 'This receipt id was already posted with a different body.',
  sale_not_awaiting: 'This sale is no longer awaiting check-in.',
  not_checked_in: 'Nobody checked in for this sale, so there are no points to refund.',
  internal: 'The kiosk could not finish that; it has been logged.',
} as const;
export type PosErrorCode = ErrorCode | keyof typeof posErrorCodes;

export const PosErrorSchema = z.object({
  error: z.object({
    code: z.enum([
      ...(Object.keys(errorCodes) as ErrorCode[]),
      ...(Object.keys(posErrorCodes) as (keyof typeof posErrorCodes)[]),
    ]),
    message: z.string(),
    field: z.string().nullable(),
  }),
});
export type PosError = z.infer<typeof PosErrorSchema>;

/** What the check-in screen shows while a sale awaits its customer (`sale:pending`). */
export const PendingSaleSchema = z.object({
  sale: SaleSchema,
  expiresAt: z.string(),
  wouldEarn: z.object({ points: z.number().int().min(0), lines: z.array(PendingEarnLineSchema) }),
});
export type PendingSale = z.infer<typeof PendingSaleSchema>;
