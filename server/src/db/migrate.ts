import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from './database';

/**
 * Schema migrations: one SQL file per version in server/migrations, named NNNN_words.sql, applied in
 * order at start. Everything runs in one transaction under an advisory lock, so several server
 * processes starting at once against one database apply each migration exactly once, and a failure
 * leaves the schema as it was. Applied files are checksummed: editing a released migration is
 * refused (migrations are append-only; write a new file instead).
 */

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** An arbitrary constant shared by every process of this server: "the migration lock". */
const MIGRATION_LOCK_KEY = 7_316_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const migrations = files.map((file, index) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new Error(`Migration file name must look like 0001_words.sql: ${file}`);
    const version = Number(match[1]);
    if (version !== index + 1) {
      throw new Error(
        `Migrations must be numbered 1, 2, 3… with no gap: expected ${index + 1}, found ${file}`,
      );
    }
    const sql = readFileSync(`${dir}/${file}`, 'utf8');
    return {
      version,
      name: match[2] as string,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  if (migrations.length === 0) throw new Error(`No migrations found in ${dir}`);
  return migrations;
}

export interface MigrationReport {
  applied: number[];
  current: number;
}

export async function migrate(
  db: Database,
  migrations: Migration[] = loadMigrations(),
): Promise<MigrationReport> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    const newest = rows[rows.length - 1]?.version ?? 0;
    if (newest > latest) {
      throw new Error(
        `The database is at schema version ${newest}, newer than this server knows (${latest}). ` +
          'Run a newer server version.',
      );
    }
    for (const row of rows) {
      const known = migrations.find((m) => m.version === row.version);
      if (known && known.checksum !== row.checksum) {
        throw new Error(
          `Migration ${row.version} (${row.name}) was changed after it was applied. ` +
            'Migrations are append-only: restore the file and add a new migration instead.',
        );
      }
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= newest) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(migration.version);
    }
    return { applied, current: latest };
  });
}

/** The schema version the database is at, or 0 before the first migration. */
export async function schemaVersion(db: Queryable): Promise<number> {
  const exists = await db.query<{ present: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present",
  );
  if (!exists.rows[0]?.present) return 0;
  const { rows } = await db.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? 0;
}
