import type { Db } from '../db/connection';
import { KioskError } from '../../shared/errors';
import type { PosSaleStatus } from '../../shared/pos';
import type { Sale } from '../../shared/sale';

/**
 * Sales the POS posted, in SQLite (migration 0004), so a sale awaiting check-in survives a
 * restart. Expiry is lazy: a sale past its expires_at is marked expired when it is next read.
 * Whether a sale was checked in is the ledger's answer (its receipts table), so a check-in and the
 * POS's view can never disagree.
 */

export interface StoredSale {
  receiptId: string;
  sale: Sale;
  /** Canonical JSON of the sale as posted: the idempotency key's body. */
  body: string;
  status: PosSaleStatus;
  createdAt: string;
  expiresAt: string;
}

interface Row {
  receipt_id: string;
  body: string;
  status: PosSaleStatus;
  created_at: string;
  expires_at: string;
}

export type PutOutcome =
  | { kind: 'created'; sale: StoredSale }
  | { kind: 'same'; sale: StoredSale }
  | { kind: 'conflict'; sale: StoredSale };

/** JSON with object keys sorted, so the same sale always gives the same string. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export type SalesStore = ReturnType<typeof createSalesStore>;

export function createSalesStore({
  db,
  clock,
  ttlSeconds,
}: {
  db: Db;
  clock: () => Date;
  /** How long a sale awaits its customer before it expires. */
  ttlSeconds: number;
}) {
  const statements = {
    get: db.prepare(
      'SELECT receipt_id, body, status, created_at, expires_at FROM pos_sales WHERE receipt_id = ?',
    ),
    insert: db.prepare(
      `INSERT INTO pos_sales (receipt_id, body, status, created_at, expires_at, updated_at)
       VALUES (?, ?, 'awaiting-check-in', ?, ?, ?) ON CONFLICT (receipt_id) DO NOTHING`,
    ),
    setStatus: db.prepare(
      'UPDATE pos_sales SET status = ?, updated_at = ? WHERE receipt_id = ? AND status = ?',
    ),
    expireDue: db.prepare(
      `UPDATE pos_sales SET status = 'expired', updated_at = ?
        WHERE status = 'awaiting-check-in' AND expires_at <= ?`,
    ),
    newestAwaiting: db.prepare(
      `SELECT receipt_id, body, status, created_at, expires_at FROM pos_sales
        WHERE status = 'awaiting-check-in' AND expires_at > ? ORDER BY created_at DESC, rowid DESC LIMIT 1`,
    ),
    checkedIn: db.prepare('SELECT 1 FROM receipts WHERE receipt_id = ?').pluck(),
  };

  const toSale = (row: Row): StoredSale => ({
    receiptId: row.receipt_id,
    sale: JSON.parse(row.body) as Sale,
    body: row.body,
    status: row.status,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  });

  /** Marks every sale past its time expired (a sale the ledger checked in is checked in instead). */
  function expireDue(now = clock()): void {
    const iso = now.toISOString();
    const due = db
      .prepare(`SELECT receipt_id FROM pos_sales WHERE status = 'awaiting-check-in' AND expires_at <= ?`)
      .pluck()
      .all(iso) as string[];
    for (const receiptId of due) {
      if (statements.checkedIn.get(receiptId)) {
        statements.setStatus.run('checked-in', iso, receiptId, 'awaiting-check-in');
      }
    }
    statements.expireDue.run(iso, iso);
  }

  function get(receiptId: string): StoredSale | null {
    const row = statements.get.get(receiptId) as Row | undefined;
    if (!row) return null;
    if (row.status === 'awaiting-check-in') {
      const now = clock().toISOString();
      if (statements.checkedIn.get(receiptId)) {
        statements.setStatus.run('checked-in', now, receiptId, 'awaiting-check-in');
        row.status = 'checked-in';
      } else if (row.expires_at <= now) {
        statements.setStatus.run('expired', now, receiptId, 'awaiting-check-in');
        row.status = 'expired';
      }
    }
    return toSale(row);
  }

  /** Records a posted sale; the same receipt id again answers the sale it already has. */
  function put(sale: Sale): PutOutcome {
    const body = canonicalJson(sale);
    const existing = get(sale.receiptId);
    if (existing) return { kind: existing.body === body ? 'same' : 'conflict', sale: existing };
    const now = clock();
    const expires = new Date(now.getTime() + ttlSeconds * 1000);
    statements.insert.run(sale.receiptId, body, now.toISOString(), expires.toISOString(), now.toISOString());
    return { kind: 'created', sale: get(sale.receiptId)! };
  }

  /** Cancels a sale awaiting check-in; a cancelled sale stays cancelled (idempotent). */
  function cancel(receiptId: string): StoredSale {
    const current = get(receiptId);
    if (!current) throw new KioskError('unknown_receipt', `There is no sale "${receiptId}".`, 'receiptId');
    if (current.status === 'cancelled') return current;
    if (current.status !== 'awaiting-check-in') return current;
    statements.setStatus.run('cancelled', clock().toISOString(), receiptId, 'awaiting-check-in');
    return get(receiptId)!;
  }

  /** The newest sale still awaiting its customer: the one the check-in screen offers. */
  function pending(): StoredSale | null {
    const now = clock();
    expireDue(now);
    const row = statements.newestAwaiting.get(now.toISOString()) as Row | undefined;
    return row ? toSale(row) : null;
  }

  /** After the ledger checked a sale in. */
  function markCheckedIn(receiptId: string): void {
    statements.setStatus.run('checked-in', clock().toISOString(), receiptId, 'awaiting-check-in');
  }

  return { get, put, cancel, pending, markCheckedIn, expireDue };
}
