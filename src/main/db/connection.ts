import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  /** Bring the schema up to this version only (tests of older versions); default: latest. */
  schemaVersion?: number;
  /** Skip migrations, for tools that must see the file exactly as it is. */
  migrate?: boolean;
}

/**
 * Opens the till's ledger file. WAL with synchronous=FULL: better-sqlite3 builds SQLite so that
 * WAL defaults to NORMAL, under which the last commits can vanish on power loss; a sale that the
 * screen said was saved must survive the plug being pulled.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    // A check-in changes about eight pages (event, three index entries, outbox, balance, receipt),
    // each a few dozen bytes, and every one is written whole to the WAL before the fsync. Small
    // pages make that commit a quarter of the bytes. Only takes effect when the file is created.
    db.pragma('page_size = 1024');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // A till's ledger grows to millions of events; a bigger page cache and memory-mapped reads keep
    // the indexes a check-in touches in memory instead of a read() call per page.
    db.pragma('cache_size = -32768');
    db.pragma('mmap_size = 268435456');
    if (options.migrate !== false) migrate(db, options.schemaVersion);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
