-- Version 6: points expire. The expiry job (server/src/modules/expiry.ts) writes one
-- points.expired event per customer per run, in the same transaction as the balance and the feed.
--
-- Server-written events have no till: they carry the nil device id
-- (00000000-0000-0000-0000-000000000000, SERVER_DEVICE_ID in src/shared/events.ts) and their own
-- server_seq as seq, so UNIQUE (device_id, seq) holds and every column stays NOT NULL. No devices
-- row has that id (the foreign key went in version 2); no till can register it.

-- Points taken off by expiry, so points = earned - redeemed - reversed + restored + adjusted - expired.
ALTER TABLE balances ADD COLUMN expired bigint NOT NULL DEFAULT 0;

-- Lots with an expiry date, to find the customers a run must look at without reading every event.
CREATE INDEX ledger_events_lot_expiry ON ledger_events (((body->'payload'->>'expiresOn')), customer_id)
  WHERE type = 'points.earned' AND body->'payload'->>'expiresOn' IS NOT NULL;

-- What the last run found for a customer: nothing expires before next_expiry (NULL: never) as long
-- as the customer has had no event since (balances.event_count is still event_count). A run skips
-- such customers without replaying their events.
CREATE TABLE customer_expiry (
  customer_id uuid PRIMARY KEY REFERENCES customers (id),
  event_count bigint NOT NULL,
  next_expiry date,
  checked_at timestamptz NOT NULL DEFAULT now()
);

-- One row per run, for the operator ("when did expiry last run, and what did it do?").
CREATE TABLE expiry_runs (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now(),
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'admin')),
  customers integer NOT NULL,
  points bigint NOT NULL
);
