import { v7 as uuidv7 } from 'uuid';
import { openDatabase, type Db } from '../db/connection';
import { createLedger, type Ledger } from './ledger';
import type { StoreSettings } from '../../shared/store';

export interface OpenLedgerOptions {
  /** Path of the SQLite file (created on first start). */
  path: string;
  /** Store settings for a till that has none yet. */
  initialStore: StoreSettings;
  clock?: () => Date;
}

/** Opens (and migrates) the till's ledger file with the real clock and UUIDv7 ids. */
export function openLedger({ path, initialStore, clock = () => new Date() }: OpenLedgerOptions): {
  db: Db;
  ledger: Ledger;
} {
  const db = openDatabase(path);
  try {
    return { db, ledger: createLedger({ db, clock, newId: uuidv7, initialStore }) };
  } catch (error) {
    db.close();
    throw error;
  }
}
