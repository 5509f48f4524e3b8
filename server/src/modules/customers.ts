import type { Database, Queryable } from '../db/database';
import type { CustomerLookupResponse } from '../../../src/shared/sync';
import { HttpError } from '../http/errors';
import { touchCustomersEverywhere } from './feed';

/** Owns the customers table's personal data: look-up and erasure. */

/** "Jo" → "J.": enough for the customer to recognise themselves, little for anyone else. */
export function maskName(name: string | null): string | null {
  if (!name) return null;
  const first = Array.from(name.trim())[0];
  return first ? `${first.toLocaleUpperCase()}.` : null;
}

export async function lookupCustomer(db: Queryable, phone: string): Promise<CustomerLookupResponse> {
  const { rows } = await db.query<{
    id: string;
    phone: string;
    first_name: string | null;
    enrolled_at: Date | null;
    points: number | null;
  }>(
    `SELECT c.id, c.phone, c.first_name, c.enrolled_at, b.points
       FROM customers c LEFT JOIN balances b ON b.customer_id = c.id
      WHERE c.phone = $1`,
    [phone],
  );
  const row = rows[0];
  if (!row) throw new HttpError(404, 'not_found', 'No customer has this phone number.', 'phone');
  const balance = row.points ?? 0;
  return {
    customerId: row.id,
    phone: row.phone,
    maskedName: maskName(row.first_name),
    enrolled: row.enrolled_at !== null,
    balance,
    overdrawn: balance < 0,
  };
}

export interface EraseResult {
  customerId: string;
  erasedAt: string;
  eventsScrubbed: number;
}

/**
 * Erases a customer's personal data (GDPR art. 17, CCPA): the phone, name and consent details go,
 * from the customer row and from every stored event body; the amounts stay, attached to an
 * anonymous customer id, so balances, reports and totals still add up. Body hashes go too (a hash
 * of a body with a phone number in it can be brute-forced back to the number); a till retrying an
 * erased event is answered "duplicate". Tills learn of the erasure through pull ("customer.erased").
 */
export async function eraseCustomer(db: Database, phone: string): Promise<EraseResult> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM customers WHERE phone = $1 FOR UPDATE', [
      phone,
    ]);
    const customerId = rows[0]?.id;
    if (!customerId) throw new HttpError(404, 'not_found', 'No customer has this phone number.', 'phone');
    // Same lock order as push (balance row, then feed): a push of this customer waits. The erasure
    // is a new version of the customer, so their older change sets answer nothing any more and
    // compaction can remove them (feed.ts).
    await tx.query("UPDATE balances SET feed_seq = nextval('server_seq') WHERE customer_id = $1", [
      customerId,
    ]);
    const erased = await tx.query<{ erased_at: Date }>(
      `UPDATE customers SET phone = NULL, first_name = NULL, terms_version = NULL, terms_accepted_at = NULL,
              sms_consent = false, sms_consent_at = NULL, erased_at = now()
        WHERE id = $1
        RETURNING erased_at`,
      [customerId],
    );
    const scrub = `body_hash = NULL,
      body = CASE WHEN body->>'type' = 'customer.enrolled'
                  THEN jsonb_set(jsonb_set(body, '{phone}', 'null'), '{payload,firstName}', 'null')
                  ELSE jsonb_set(body, '{phone}', 'null') END`;
    const events = await tx.query(`UPDATE ledger_events SET ${scrub} WHERE customer_id = $1`, [customerId]);
    await tx.query(`UPDATE rejected_events SET ${scrub} WHERE customer_id = $1`, [customerId]);
    await touchCustomersEverywhere(tx, [customerId]);
    return {
      customerId,
      erasedAt: (erased.rows[0] as { erased_at: Date }).erased_at.toISOString(),
      eventsScrubbed: events.rowCount,
    };
  });
}
