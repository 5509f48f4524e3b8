-- Version 11: the pull feed becomes a log of change sets; store_customers keeps membership only.
--
-- Until now every push moved each touched customer's row in store_customers to the head of the
-- feed: about 450 row updates a 500-event push, none of them HOT (the feed index covers the
-- moved columns), so each wrote a new row version and two index entries, and left a dead row for
-- vacuum. That was the largest part of a push's database work after the events themselves. Now
-- a push appends one row per store its customers belong to (usually one or two), listing the
-- customers it changed. Pull reads the sets after its cursor and each customer's current state.
--
-- balances.feed_seq is the customer's version: a server_seq drawn while the push holds the
-- customer's balance row, so it grows in commit order. A change set is numbered after that, so
-- only a customer's latest set has a number above the version; pull answers a customer there
-- and skips the older sets that named them (each state is sent once).
--
-- A first pull (no cursor) pages through the store's members, then follows the log from the
-- snapshot's start. Cursors already held by tills stay valid: every row of the old feed becomes a
-- set of one customer at the same position. An existing balance's version is one below the
-- customer's lowest old position: every write moved all of a customer's feed rows in one statement,
-- so that is below every old set of the customer (each still answers them) and not below any
-- position a till holds for an older state (a snapshot's number is not taken for a step back).
ALTER TABLE balances ADD COLUMN feed_seq bigint NOT NULL DEFAULT 0;
UPDATE balances b SET feed_seq = f.lowest - 1
  FROM (SELECT customer_id, min(feed_seq) AS lowest FROM store_customers GROUP BY customer_id) f
 WHERE f.customer_id = b.customer_id;

CREATE TABLE feed_changes (
  store_id uuid NOT NULL,
  -- The writing transaction's id and a server_seq: pull orders by (xid, seq) and returns only
  -- sets of transactions older than every transaction still running (see feed.ts).
  xid bigint NOT NULL,
  seq bigint NOT NULL,
  customer_ids uuid[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, xid, seq)
);
-- A push's set of a few hundred uuids does not compress: store it out of line without trying.
ALTER TABLE feed_changes ALTER COLUMN customer_ids SET STORAGE EXTERNAL;

INSERT INTO feed_changes (store_id, xid, seq, customer_ids)
SELECT store_id, feed_xid, feed_seq, ARRAY[customer_id] FROM store_customers;

-- Where the compaction (feed.ts) goes on: it removes sets whose every customer has a newer one.
CREATE TABLE feed_compaction (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  store_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  xid bigint NOT NULL DEFAULT 0,
  seq bigint NOT NULL DEFAULT 0
);
INSERT INTO feed_compaction DEFAULT VALUES;

DROP INDEX store_customers_feed;
ALTER TABLE store_customers DROP COLUMN feed_xid, DROP COLUMN feed_seq;
-- A snapshot pages through a store's members in customer id order.
CREATE INDEX store_customers_store ON store_customers (store_id, customer_id);
