import type { Queryable } from '../db/database';
import { maskPhone } from '../../../src/shared/phone';

/**
 * Owns the flags table: things a person should look at (an overdrawn account, a till computing
 * points differently from the program, a till with a wrong clock). A flag never blocks a sale or a
 * sync. Overdrawn and clock-skew flags stay open (one per customer, one per device) until the
 * account is repaid or the clock is right again; rule mismatches are one flag per event.
 */

export type FlagKind = 'overdrawn' | 'rule_mismatch' | 'clock_skew';
export const FLAG_KINDS: readonly FlagKind[] = ['overdrawn', 'rule_mismatch', 'clock_skew'];

export interface NewFlag {
  kind: FlagKind;
  storeId: string;
  deviceId: string;
  customerId: string | null;
  eventId: string | null;
  detail: Record<string, unknown>;
}

export async function raiseFlags(tx: Queryable, flags: readonly NewFlag[]): Promise<void> {
  const perEvent = flags.filter((flag) => flag.kind === 'rule_mismatch');
  const overdrawn = flags.filter((flag) => flag.kind === 'overdrawn');
  const skew = flags.filter((flag) => flag.kind === 'clock_skew');
  const rows = (list: readonly NewFlag[]) =>
    JSON.stringify(
      list.map((flag) => ({
        kind: flag.kind,
        store_id: flag.storeId,
        device_id: flag.deviceId,
        customer_id: flag.customerId,
        event_id: flag.eventId,
        detail: flag.detail,
      })),
    );
  const insert = `INSERT INTO flags (kind, store_id, device_id, customer_id, event_id, detail)
    SELECT x.kind, x.store_id, x.device_id, x.customer_id, x.event_id, x.detail
      FROM json_to_recordset($1::json)
        AS x(kind text, store_id uuid, device_id uuid, customer_id uuid, event_id uuid, detail jsonb)`;
  if (perEvent.length > 0) await tx.query(insert, [rows(perEvent)]);
  if (overdrawn.length > 0) {
    await tx.query(
      `${insert}
       ON CONFLICT (customer_id) WHERE kind = 'overdrawn' AND resolved_at IS NULL
       DO UPDATE SET detail = EXCLUDED.detail, event_id = EXCLUDED.event_id, updated_at = now()`,
      [rows(overdrawn)],
    );
  }
  if (skew.length > 0) {
    await tx.query(
      `${insert}
       ON CONFLICT (device_id) WHERE kind = 'clock_skew' AND resolved_at IS NULL
       DO UPDATE SET detail = EXCLUDED.detail, updated_at = now()`,
      [rows(skew)],
    );
  }
}

export async function resolveOverdrawn(tx: Queryable, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length === 0) return;
  await tx.query(
    `UPDATE flags SET resolved_at = now(), updated_at = now()
      WHERE kind = 'overdrawn' AND resolved_at IS NULL AND customer_id = ANY($1::uuid[])`,
    [customerIds],
  );
}

export async function resolveClockSkew(tx: Queryable, deviceId: string): Promise<void> {
  await tx.query(
    `UPDATE flags SET resolved_at = now(), updated_at = now()
      WHERE kind = 'clock_skew' AND resolved_at IS NULL AND device_id = $1`,
    [deviceId],
  );
}

export interface FlagRecord {
  id: number;
  kind: FlagKind;
  storeId: string | null;
  deviceId: string | null;
  customerId: string | null;
  eventId: string | null;
  detail: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

interface FlagRow {
  id: number;
  kind: FlagKind;
  store_id: string | null;
  device_id: string | null;
  customer_id: string | null;
  event_id: string | null;
  detail: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
}

export interface FlagQuery {
  kind?: FlagKind | undefined;
  storeId?: string | undefined;
  open?: boolean | undefined;
  /** Flags with an id below this one (paging, newest first). */
  before?: number | undefined;
  limit: number;
}

export async function listFlags(db: Queryable, query: FlagQuery): Promise<FlagRecord[]> {
  const { rows } = await db.query<FlagRow>(
    `SELECT id, kind, store_id, device_id, customer_id, event_id, detail, created_at, updated_at, resolved_at
       FROM flags
      WHERE ($1::text IS NULL OR kind = $1)
        AND ($2::uuid IS NULL OR store_id = $2)
        AND ($3::boolean IS NULL OR (resolved_at IS NULL) = $3)
        AND ($4::bigint IS NULL OR id < $4)
      ORDER BY id DESC
      LIMIT $5`,
    [query.kind ?? null, query.storeId ?? null, query.open ?? null, query.before ?? null, query.limit],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    storeId: row.store_id,
    deviceId: row.device_id,
    customerId: row.customer_id,
    eventId: row.event_id,
    detail: row.detail,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  }));
}

export interface StoreFlag {
  id: string;
  kind: FlagKind;
  /** The customer's phone masked to its last four digits; null when no customer or erased. */
  maskedPhone: string | null;
  deviceId: string | null;
  detail: Record<string, unknown>;
  raisedAt: string;
  updatedAt: string;
}

/** A store's open flags for its tills' managers, newest first: phones masked, never whole. */
export async function openFlagsOfStore(db: Queryable, storeId: string, limit = 200): Promise<StoreFlag[]> {
  const { rows } = await db.query<{
    id: number | string;
    kind: FlagKind;
    phone: string | null;
    device_id: string | null;
    detail: Record<string, unknown>;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT f.id, f.kind, c.phone, f.device_id, f.detail, f.created_at, f.updated_at
       FROM flags f LEFT JOIN customers c ON c.id = f.customer_id
      WHERE f.store_id = $1 AND f.resolved_at IS NULL
      ORDER BY f.id DESC
      LIMIT $2`,
    [storeId, limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    maskedPhone: row.phone ? maskPhone(row.phone) : null,
    deviceId: row.device_id,
    detail: row.detail,
    raisedAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }));
}
