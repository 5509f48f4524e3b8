import type { Migration } from './types';

/**
 * Staff who may use the cashier and manager screens, each with a PIN kept only as a scrypt hash
 * (its own random salt and the cost parameters beside it), and the sign-in guard: wrong PINs in a
 * row and until when sign-in is locked, kept here so a restart does not reset the lock. A removed
 * member keeps its row (removed_at) so the staff ids in ledger events still have a name.
 */
export const migration0006: Migration = {
  version: 6,
  description: 'staff members with hashed PINs, and the staff sign-in lock',
  sql: `
    CREATE TABLE staff_members (
      staff_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
      pin_salt BLOB NOT NULL CHECK (length(pin_salt) = 16),
      pin_hash BLOB NOT NULL CHECK (length(pin_hash) = 32),
      scrypt_n INTEGER NOT NULL,
      scrypt_r INTEGER NOT NULL,
      scrypt_p INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      removed_at TEXT
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE staff_sign_in_guard (
      singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      wrong_pins INTEGER NOT NULL DEFAULT 0 CHECK (wrong_pins >= 0),
      locked_until TEXT
    ) STRICT;
    INSERT INTO staff_sign_in_guard (singleton, wrong_pins, locked_until) VALUES (1, 0, NULL);
  `,
};
