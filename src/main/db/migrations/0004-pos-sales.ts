import type { Migration } from './types';

/**
 * Sales the POS posted (src/main/pos): each awaits a customer's check-in until it is checked in,
 * cancelled by the POS or expires. `body` is the canonical JSON of what the POS posted, so a repeat
 * post with the same body answers the same sale and a different one is refused. Whether a sale was
 * checked in is the ledger's answer (the receipts table); `status` records the POS's side.
 */
export const migration0004: Migration = {
  version: 4,
  description: 'sales posted by the POS, awaiting check-in',
  sql: `
    CREATE TABLE pos_sales (
      receipt_id TEXT PRIMARY KEY,
      body TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'awaiting-check-in'
        CHECK (status IN ('awaiting-check-in', 'checked-in', 'cancelled', 'expired')),
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX pos_sales_awaiting ON pos_sales (status, created_at);
  `,
};
