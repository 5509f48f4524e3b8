import type { Database } from 'better-sqlite3';
import { KioskError } from '../../shared/errors';
import { LATEST_SCHEMA_VERSION, migrations as allMigrations } from './migrations';
import type { Migration } from './migrations/types';

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to `target` (the latest by default). All pending versions are applied in one
 * transaction, and user_version moves with them, so a crash leaves the old schema or the new one,
 * never half of it. A database written by a newer kiosk is refused rather than guessed at.
 */
export function migrate(
  db: Database,
  target = LATEST_SCHEMA_VERSION,
  migrations: readonly Migration[] = allMigrations,
) {
  const latest = migrations.length;
  const apply = db.transaction(() => {
    const current = schemaVersion(db);
    if (current > latest) {
      throw new KioskError(
        'newer_database',
        `Its schema is version ${current}; this kiosk knows up to version ${latest}. Update the kiosk software; the data has not been touched.`,
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current || migration.version > target) continue;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  apply.immediate();
  return schemaVersion(db);
}
