import type { Migration } from './types';

/**
 * What the sync engine remembers between runs: the pairing (server, store, device: the token
 * itself is kept by a secret store, never here), the pull cursor, when it last pushed and pulled,
 * the last error and the measured clock skew; the server's customer ids (to apply erasures); the
 * server sequence of each confirmed balance (so an older answer never overwrites a newer one); and
 * every end-of-day close with its Z-report.
 */
export const migration0003: Migration = {
  version: 3,
  description: 'sync state, server customer ids, confirmed balance order, day closes',
  sql: `
    CREATE TABLE sync_state (
      singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      server_url TEXT,
      store_id TEXT,
      paired_at TEXT,
      -- The pull cursor, saved in the same transaction as the page it follows.
      cursor TEXT,
      -- True while a snapshot (a pull that began with no cursor) has not reached upToDate.
      snapshot_pending INTEGER NOT NULL DEFAULT 0 CHECK (snapshot_pending IN (0, 1)),
      server_last_seq INTEGER,
      last_push_at TEXT,
      last_pull_at TEXT,
      last_success_at TEXT,
      last_error TEXT,
      last_error_at TEXT,
      clock_skew_ms INTEGER,
      clock_skew_flagged INTEGER NOT NULL DEFAULT 0 CHECK (clock_skew_flagged IN (0, 1)),
      -- Why the server will not take this till's token any more (revoked, unknown), for the manager.
      auth_problem TEXT
    ) STRICT;
    INSERT INTO sync_state (singleton) VALUES (1);

    -- The server's id for each customer phone this till has heard of (erasure arrives by id).
    CREATE TABLE server_customers (
      customer_id TEXT PRIMARY KEY,
      phone TEXT NOT NULL,
      server_seq INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX server_customers_by_phone ON server_customers (phone);

    -- The server sequence of the confirmed balance; NULL before any, and after a re-snapshot began.
    ALTER TABLE balances ADD COLUMN confirmed_server_seq INTEGER;

    -- End-of-day closes: one per business day, the Z-report as shown, and whether the server saw it.
    CREATE TABLE day_closes (
      business_day TEXT PRIMARY KEY,
      event_id TEXT NOT NULL,
      closed_at TEXT NOT NULL,
      synced_at TEXT,
      report TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
  `,
};
