import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { DEFAULT_PROGRAM, type Program } from '../../../src/shared/program';
import type { StoreInfo } from '../../../src/shared/sync';
import { HttpError } from '../http/errors';
import { newEnrollmentCode, normalizeEnrollmentCode, sha256 } from '../http/tokens';
import { CURRENT_XID, storeInfo } from './feed';

/** Owns the stores, program_versions and enrollment_codes tables. */

export interface NewStore {
  name: string;
  country: string;
  currency: string;
  timeZone: string;
  program?: Program | undefined;
}

export interface StoreRecord extends StoreInfo {
  programVersion: number;
  createdAt: string;
}

interface StoreRow {
  id: string;
  name: string;
  country: string;
  currency: string;
  time_zone: string;
  program_version: number;
  created_at: Date;
}

const toRecord = (row: StoreRow): StoreRecord => ({
  ...storeInfo(row),
  programVersion: row.program_version,
  createdAt: row.created_at.toISOString(),
});

export async function createStore(
  db: Database,
  input: NewStore,
): Promise<StoreRecord & { program: Program }> {
  const program = input.program ?? DEFAULT_PROGRAM;
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<StoreRow>(
      `INSERT INTO stores (id, name, country, currency, time_zone, program_version,
                           settings_xid, settings_seq, program_xid, program_seq)
       VALUES ($1, $2, $3, $4, $5, $6,
               ${CURRENT_XID}, nextval('server_seq'), ${CURRENT_XID}, nextval('server_seq'))
       RETURNING id, name, country, currency, time_zone, program_version, created_at`,
      [id, input.name, input.country, input.currency, input.timeZone, program.version],
    );
    await tx.query('INSERT INTO program_versions (store_id, version, program) VALUES ($1, $2, $3)', [
      id,
      program.version,
      JSON.stringify(program),
    ]);
    return { ...toRecord(rows[0] as StoreRow), program };
  });
}

export async function listStores(db: Queryable): Promise<StoreRecord[]> {
  const { rows } = await db.query<StoreRow>(
    'SELECT id, name, country, currency, time_zone, program_version, created_at FROM stores ORDER BY created_at, id',
  );
  return rows.map(toRecord);
}

export async function getStore(db: Queryable, storeId: string): Promise<StoreRecord | undefined> {
  const { rows } = await db.query<StoreRow>(
    'SELECT id, name, country, currency, time_zone, program_version, created_at FROM stores WHERE id = $1',
    [storeId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function requireStore(db: Queryable, storeId: string): Promise<StoreRecord> {
  const store = await getStore(db, storeId);
  if (!store) throw new HttpError(404, 'not_found', `There is no store ${storeId}.`, 'storeId');
  return store;
}

/** Publishes a new program version to a store's tills. Versions only go up. */
export async function setProgram(db: Database, storeId: string, program: Program): Promise<StoreRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ program_version: number }>(
      'SELECT program_version FROM stores WHERE id = $1 FOR UPDATE',
      [storeId],
    );
    const current = rows[0];
    if (!current) throw new HttpError(404, 'not_found', `There is no store ${storeId}.`, 'storeId');
    if (program.version <= current.program_version) {
      throw new HttpError(
        409,
        'conflict',
        `Program version must be greater than the current version ${current.program_version}.`,
        'version',
      );
    }
    await tx.query('INSERT INTO program_versions (store_id, version, program) VALUES ($1, $2, $3)', [
      storeId,
      program.version,
      JSON.stringify(program),
    ]);
    const updated = await tx.query<StoreRow>(
      `UPDATE stores SET program_version = $2, program_xid = ${CURRENT_XID}, program_seq = nextval('server_seq')
        WHERE id = $1
       RETURNING id, name, country, currency, time_zone, program_version, created_at`,
      [storeId, program.version],
    );
    programCache.delete(`${storeId}:${program.version}`);
    return toRecord(updated.rows[0] as StoreRow);
  });
}

export async function currentProgram(db: Queryable, storeId: string): Promise<Program | undefined> {
  const { rows } = await db.query<{ program: Program }>(
    `SELECT p.program FROM stores s
       JOIN program_versions p ON p.store_id = s.id AND p.version = s.program_version
      WHERE s.id = $1`,
    [storeId],
  );
  return rows[0]?.program;
}

// Program versions never change once written, so a process may keep them. Bounded, in case a
// chain publishes a great many versions.
const programCache = new Map<string, Program | null>();
const PROGRAM_CACHE_LIMIT = 10_000;

/** The programs a store ran at these versions (absent when the server never saw that version). */
export async function programVersions(
  db: Queryable,
  storeId: string,
  versions: readonly number[],
): Promise<Map<number, Program>> {
  const found = new Map<number, Program>();
  const missing: number[] = [];
  for (const version of new Set(versions)) {
    const cached = programCache.get(`${storeId}:${version}`);
    if (cached) found.set(version, cached);
    else if (cached === undefined) missing.push(version);
  }
  if (missing.length > 0) {
    const { rows } = await db.query<{ version: number; program: Program }>(
      'SELECT version, program FROM program_versions WHERE store_id = $1 AND version = ANY($2::int[])',
      [storeId, missing],
    );
    if (programCache.size > PROGRAM_CACHE_LIMIT) programCache.clear();
    for (const row of rows) {
      found.set(row.version, row.program);
      programCache.set(`${storeId}:${row.version}`, row.program);
    }
    // Not cached when absent: the version may be published a moment later.
  }
  return found;
}

export interface EnrollmentCode {
  code: string;
  storeId: string;
  expiresAt: string;
}

export async function createEnrollmentCode(
  db: Queryable,
  storeId: string,
  ttlHours: number,
): Promise<EnrollmentCode> {
  await requireStore(db, storeId);
  const code = newEnrollmentCode();
  const { rows } = await db.query<{ expires_at: Date }>(
    `INSERT INTO enrollment_codes (code_hash, store_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))
     RETURNING expires_at`,
    [sha256(normalizeEnrollmentCode(code)), storeId, ttlHours],
  );
  return { code, storeId, expiresAt: (rows[0] as { expires_at: Date }).expires_at.toISOString() };
}
