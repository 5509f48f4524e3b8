import type { Migration } from './types';

/**
 * What the rules engine needs the ledger to remember: what each receipt earned line by line and
 * how far it has been refunded (so refunds reverse exactly that), the rewards redeemed against a
 * receipt (so refunding it gives their points back), and the tier each customer holds (for the
 * "never downgrade" policy). Receipts from version 1 earned on their total alone; the engine reads
 * a missing breakdown as exactly that.
 */
export const migration0002: Migration = {
  version: 2,
  description: 'receipt earnings and refund progress, redemptions per receipt, customer tier',
  sql: `
    ALTER TABLE receipts ADD COLUMN earned TEXT;
    ALTER TABLE receipts ADD COLUMN refund_progress TEXT;

    CREATE TABLE receipt_redemptions (
      event_id TEXT PRIMARY KEY,
      receipt_id TEXT NOT NULL,
      reward_id TEXT NOT NULL,
      points INTEGER NOT NULL CHECK (points > 0),
      sale_line INTEGER
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX receipt_redemptions_by_receipt ON receipt_redemptions (receipt_id);

    ALTER TABLE customers ADD COLUMN tier_id TEXT;
  `,
};
