-- Version 1: stores, devices, enrolment codes, customers, the ledger, balances, the pull feed, flags.
-- Migrations are append-only: never edit this file once released; add 0002_….sql instead.

-- One global order for every change the server records (ledger events and pull-feed changes).
CREATE SEQUENCE server_seq AS bigint;

CREATE TABLE server_meta (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- Part of every pull cursor. Rotated by an operator after a restore from backup, so every till
  -- re-snapshots instead of trusting a cursor that no longer means what it meant.
  epoch uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO server_meta (epoch) VALUES (gen_random_uuid());

CREATE TABLE stores (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  country text NOT NULL,
  currency text NOT NULL,
  time_zone text NOT NULL,
  program_version integer NOT NULL,
  -- Pull-feed position (writer's transaction id, server_seq) of the last change to the store's
  -- settings and to its program.
  settings_xid bigint NOT NULL,
  settings_seq bigint NOT NULL,
  program_xid bigint NOT NULL,
  program_seq bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Every program a store has run, immutable once written: events name the version they used.
CREATE TABLE program_versions (
  store_id uuid NOT NULL REFERENCES stores (id),
  version integer NOT NULL,
  program jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, version)
);

CREATE TABLE enrollment_codes (
  code_hash bytea PRIMARY KEY,
  store_id uuid NOT NULL REFERENCES stores (id),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz,
  used_by_device uuid
);

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  store_id uuid NOT NULL REFERENCES stores (id),
  name text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  -- The highest seq this device has had applied (accepted, duplicate or rejected).
  last_seq bigint NOT NULL DEFAULT 0,
  last_seen_at timestamptz,
  clock_skew_ms bigint,
  registered_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX devices_store ON devices (store_id);

CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- E.164; NULL once the customer's personal data is erased (the anonymous amounts stay).
  phone text UNIQUE,
  first_name text,
  enrolled_at timestamptz,
  terms_version text,
  terms_accepted_at timestamptz,
  sms_consent boolean NOT NULL DEFAULT false,
  sms_consent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_event_at timestamptz NOT NULL DEFAULT now(),
  erased_at timestamptz
);

-- Materialised balances, updated in the same transaction as the events they sum.
CREATE TABLE balances (
  customer_id uuid PRIMARY KEY REFERENCES customers (id),
  points bigint NOT NULL DEFAULT 0,
  earned bigint NOT NULL DEFAULT 0,
  redeemed bigint NOT NULL DEFAULT 0,
  reversed bigint NOT NULL DEFAULT 0,
  adjusted bigint NOT NULL DEFAULT 0,
  event_count bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_events (
  -- The till's UUIDv7: every retry carries the same id.
  id uuid PRIMARY KEY,
  server_seq bigint NOT NULL DEFAULT nextval('server_seq'),
  device_id uuid NOT NULL REFERENCES devices (id),
  seq bigint NOT NULL,
  store_id uuid NOT NULL REFERENCES stores (id),
  customer_id uuid REFERENCES customers (id),
  type text NOT NULL,
  -- Signed effect on the customer's balance (pointsDelta of the body).
  points bigint NOT NULL,
  receipt_id text,
  rule_version integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  business_day date NOT NULL,
  body jsonb NOT NULL,
  -- SHA-256 of canonicalJson(body); NULL once the customer's personal data is erased.
  body_hash bytea,
  UNIQUE (device_id, seq)
);
CREATE UNIQUE INDEX ledger_events_server_seq ON ledger_events (server_seq);
-- A receipt earns at most once per store.
CREATE UNIQUE INDEX ledger_events_receipt_once ON ledger_events (store_id, receipt_id)
  WHERE type = 'points.earned' AND receipt_id IS NOT NULL;
CREATE INDEX ledger_events_store_day ON ledger_events (store_id, business_day);
CREATE INDEX ledger_events_customer ON ledger_events (customer_id);

-- Events refused for good (kept so a retry gets the same answer, and for audit).
CREATE TABLE rejected_events (
  device_id uuid NOT NULL REFERENCES devices (id),
  seq bigint NOT NULL,
  event_id uuid NOT NULL,
  reason text NOT NULL,
  message text NOT NULL,
  body jsonb NOT NULL,
  body_hash bytea,
  customer_id uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, seq)
);
CREATE INDEX rejected_events_customer ON rejected_events (customer_id);

-- The pull feed: every customer who has had an event at a store, with the position of the
-- customer's last change: the writing transaction's id (feed_xid) and a server_seq. Pull orders by
-- (feed_xid, feed_seq) and only returns changes of transactions older than every transaction still
-- running, so a change can never appear behind a cursor that has already passed it.
CREATE TABLE store_customers (
  store_id uuid NOT NULL REFERENCES stores (id),
  customer_id uuid NOT NULL REFERENCES customers (id),
  feed_xid bigint NOT NULL,
  feed_seq bigint NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, customer_id)
);
CREATE INDEX store_customers_feed ON store_customers (store_id, feed_xid, feed_seq);
CREATE INDEX store_customers_customer ON store_customers (customer_id);

-- Things a person should look at; never a reason to refuse a till's event.
CREATE TABLE flags (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('overdrawn', 'rule_mismatch', 'clock_skew')),
  store_id uuid REFERENCES stores (id),
  device_id uuid REFERENCES devices (id),
  customer_id uuid REFERENCES customers (id),
  event_id uuid,
  detail jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
CREATE UNIQUE INDEX flags_open_overdrawn ON flags (customer_id)
  WHERE kind = 'overdrawn' AND resolved_at IS NULL;
CREATE UNIQUE INDEX flags_open_clock_skew ON flags (device_id)
  WHERE kind = 'clock_skew' AND resolved_at IS NULL;
CREATE INDEX flags_store_created ON flags (store_id, created_at);
CREATE INDEX flags_created ON flags (created_at, id);
