import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import type { RegisterRequest, RegisterResponse } from '../../../src/shared/sync';
import { SERVER_DEVICE_ID } from '../../../src/shared/events';
import { HttpError } from '../http/errors';
import { newDeviceToken, normalizeEnrollmentCode, sameHash, sha256 } from '../http/tokens';
import { storeInfo } from './feed';

/** Owns the devices table (and consumes enrolment codes). */

export interface AuthenticatedDevice {
  id: string;
  storeId: string;
}

/** What the route logs: a re-pairing is an audit line the operator can find. */
export interface Registration {
  response: RegisterResponse;
  /** Set when an existing device was given a new token (re-paired) rather than created. */
  repaired?: { wasRevoked: boolean; lastSeq: number; previousName: string };
}

/**
 * Enrols a till with a single-use enrolment code. A till keeps the device id it made at first
 * start; when that id is already registered:
 * - with a code of the SAME store, the device is re-paired: a new token (the old one stops working
 *   at once), un-revoked, and its last applied seq kept, so the till's outbox continues where it
 *   stopped. The operator issued the code for that store, so they mean it.
 * - with a code of ANOTHER store, it is refused (409) and nothing changes, the code included:
 *   revoking and re-enrolling is not a way to move a till to another store.
 */
export async function registerDevice(db: Database, request: RegisterRequest): Promise<Registration> {
  const codeHash = sha256(normalizeEnrollmentCode(request.enrollmentCode));
  const deviceId = request.deviceId ?? randomUUID();
  if (deviceId === SERVER_DEVICE_ID) {
    // The nil id marks the events the server writes itself (points.expired).
    throw new HttpError(400, 'invalid_input', 'This device id is reserved for the server.', 'deviceId');
  }
  const token = newDeviceToken();
  return db.transaction(async (tx) => {
    // Single use: the UPDATE both checks and consumes the code, so two tills racing with one code
    // cannot both succeed (the second waits for the first's row lock, then sees used_at set).
    const used = await tx.query<{ store_id: string }>(
      `UPDATE enrollment_codes SET used_at = now(), used_by_device = $2
        WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
        RETURNING store_id`,
      [codeHash, deviceId],
    );
    const storeId = used.rows[0]?.store_id;
    if (!storeId) {
      throw new HttpError(
        400,
        'invalid_enrollment_code',
        'This enrolment code is unknown, already used or expired. Ask for a new code.',
        'enrollmentCode',
      );
    }
    const inserted = await tx.query(
      `INSERT INTO devices (id, store_id, name, token_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [deviceId, storeId, request.name, sha256(token)],
    );
    let repaired: Registration['repaired'];
    if (inserted.rowCount === 0) {
      // The id is taken: lock the device row so a push or a revoke in flight is ordered with us.
      const existing = await tx.query<{
        store_id: string;
        store_name: string;
        name: string;
        last_seq: number;
        revoked_at: Date | null;
      }>(
        `SELECT d.store_id, s.name AS store_name, d.name, d.last_seq, d.revoked_at
           FROM devices d JOIN stores s ON s.id = d.store_id
          WHERE d.id = $1 FOR UPDATE OF d`,
        [deviceId],
      );
      const device = existing.rows[0];
      if (!device) throw new Error(`Device ${deviceId} conflicted but cannot be found.`);
      if (device.store_id !== storeId) {
        // Throwing rolls the transaction back: the code stays unused, the device untouched.
        throw new HttpError(
          409,
          'conflict',
          `This till (device ${deviceId}) belongs to the store "${device.store_name}" (${device.store_id}). ` +
            'An enrolment code of another store cannot take it over: revoking and re-enrolling is not a store move. ' +
            'Use a code of that store to pair it again.',
          'deviceId',
        );
      }
      await tx.query('UPDATE devices SET token_hash = $2, name = $3, revoked_at = NULL WHERE id = $1', [
        deviceId,
        sha256(token),
        request.name,
      ]);
      repaired = {
        wasRevoked: device.revoked_at !== null,
        lastSeq: device.last_seq,
        previousName: device.name,
      };
    }
    const store = await tx.query<{
      id: string;
      name: string;
      country: string;
      currency: string;
      time_zone: string;
    }>('SELECT id, name, country, currency, time_zone FROM stores WHERE id = $1', [storeId]);
    const response = {
      deviceId,
      storeId,
      token,
      store: storeInfo(store.rows[0] as Parameters<typeof storeInfo>[0]),
    };
    return repaired ? { response, repaired } : { response };
  });
}

export type AuthResult =
  { ok: true; device: AuthenticatedDevice } | { ok: false; reason: 'unknown' | 'revoked' };

/** Finds the device a bearer token belongs to. */
export async function authenticateDevice(db: Queryable, token: string): Promise<AuthResult> {
  const hash = sha256(token);
  const { rows } = await db.query<{
    id: string;
    store_id: string;
    token_hash: Uint8Array;
    revoked_at: Date | null;
  }>('SELECT id, store_id, token_hash, revoked_at FROM devices WHERE token_hash = $1', [hash]);
  const row = rows[0];
  // The index finds the row by hash; the constant-time compare is the check we rely on.
  if (!row || !sameHash(Buffer.from(row.token_hash), hash)) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  return { ok: true, device: { id: row.id, storeId: row.store_id } };
}

export interface DeviceRecord {
  deviceId: string;
  storeId: string;
  name: string;
  lastSeq: number;
  lastSeenAt: string | null;
  clockSkewMs: number | null;
  registeredAt: string;
  revokedAt: string | null;
}

interface DeviceRow {
  id: string;
  store_id: string;
  name: string;
  last_seq: number;
  last_seen_at: Date | null;
  clock_skew_ms: number | null;
  registered_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: DeviceRow): DeviceRecord => ({
  deviceId: row.id,
  storeId: row.store_id,
  name: row.name,
  lastSeq: row.last_seq,
  lastSeenAt: row.last_seen_at?.toISOString() ?? null,
  clockSkewMs: row.clock_skew_ms,
  registeredAt: row.registered_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
});

const DEVICE_COLUMNS = 'id, store_id, name, last_seq, last_seen_at, clock_skew_ms, registered_at, revoked_at';

/** Revokes a device: its token stops working at once, in every server process. Idempotent. */
export async function revokeDevice(db: Queryable, deviceId: string): Promise<DeviceRecord> {
  const { rows } = await db.query<DeviceRow>(
    `UPDATE devices SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${DEVICE_COLUMNS}`,
    [deviceId],
  );
  const row = rows[0];
  if (!row) throw new HttpError(404, 'not_found', `There is no device ${deviceId}.`, 'deviceId');
  return toRecord(row);
}

export async function listDevices(db: Queryable, storeId: string | undefined): Promise<DeviceRecord[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM devices WHERE $1::uuid IS NULL OR store_id = $1 ORDER BY registered_at, id`,
    [storeId ?? null],
  );
  return rows.map(toRecord);
}
