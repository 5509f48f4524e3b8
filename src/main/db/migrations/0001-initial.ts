import type { Migration } from './types';

/** The till's first schema: device state, the append-only ledger, its outbox and the read models. */
export const migration0001: Migration = {
  version: 1,
  description: 'device, programs, ledger events, outbox, settled events, customers, balances, receipts',
  sql: `
    -- One row: who this till is, its store and the program it computes points with.
    CREATE TABLE device (
      singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
      device_id TEXT NOT NULL,
      country TEXT NOT NULL,
      currency TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      program_version INTEGER NOT NULL,
      created_at TEXT NOT NULL
    ) STRICT;

    -- Every program version the till has computed with, kept so old events stay explainable.
    CREATE TABLE programs (
      version INTEGER PRIMARY KEY,
      body TEXT NOT NULL,
      received_at TEXT NOT NULL
    ) STRICT;

    -- The append-only ledger. seq is the till's gap-free order: the next one is always the last
    -- one plus one, taken inside the event's own write transaction, and events are never deleted.
    -- body is the canonical JSON of the whole event as it will be sent, so a retry always sends the
    -- same bytes.
    CREATE TABLE ledger_events (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      phone TEXT,
      points_delta INTEGER NOT NULL,
      business_day TEXT NOT NULL,
      occurred_at TEXT NOT NULL,
      rule_version INTEGER NOT NULL,
      body TEXT NOT NULL
    ) STRICT;
    CREATE INDEX ledger_events_by_phone ON ledger_events (phone, seq) WHERE phone IS NOT NULL;
    CREATE INDEX ledger_events_by_day ON ledger_events (business_day, type);

    -- The outbox: one row per event not yet settled by the server, written in the event's own
    -- transaction. Settling moves it to settled_events in one transaction, so every event is in
    -- exactly one of the two, and the queue the sync engine reads stays small.
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY REFERENCES ledger_events (seq),
      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      last_error TEXT
    ) STRICT;

    CREATE TABLE settled_events (
      seq INTEGER PRIMARY KEY REFERENCES ledger_events (seq),
      state TEXT NOT NULL CHECK (state IN ('accepted', 'duplicate', 'rejected')),
      reason TEXT,
      settled_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE customers (
      phone TEXT PRIMARY KEY,
      first_name TEXT,
      enrolled_at TEXT NOT NULL,
      terms_version TEXT NOT NULL,
      sms_consent INTEGER NOT NULL CHECK (sms_consent IN (0, 1))
    ) STRICT, WITHOUT ROWID;

    -- Tables keyed by text are WITHOUT ROWID: one B-tree instead of a table and its key index, so
    -- each check-in writes fewer pages to the WAL before its fsync.

    -- The materialised balance, updated in the same transaction as each event so a lookup costs
    -- the same at ten events or ten million. local_points is the sum of this till's events;
    -- unsynced_points the part the server has not settled yet; confirmed_points the server's value.
    CREATE TABLE balances (
      phone TEXT PRIMARY KEY,
      local_points INTEGER NOT NULL DEFAULT 0,
      unsynced_points INTEGER NOT NULL DEFAULT 0,
      confirmed_points INTEGER,
      confirmed_at TEXT
    ) STRICT, WITHOUT ROWID;

    -- A receipt earns at most once; refunds are tracked against it so they never reverse more.
    CREATE TABLE receipts (
      receipt_id TEXT PRIMARY KEY,
      phone TEXT NOT NULL,
      total_amount INTEGER NOT NULL CHECK (total_amount >= 0),
      currency TEXT NOT NULL,
      points_earned INTEGER NOT NULL CHECK (points_earned >= 0),
      refunded_amount INTEGER NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0 AND refunded_amount <= total_amount),
      points_reversed INTEGER NOT NULL DEFAULT 0 CHECK (points_reversed >= 0 AND points_reversed <= points_earned),
      earned_event_id TEXT NOT NULL,
      checked_in_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
  `,
};
