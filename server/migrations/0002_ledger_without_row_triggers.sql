-- Version 2: the ledger's foreign keys go; the push path guarantees them instead.
--
-- Each foreign key on ledger_events ran a trigger per inserted row that looked the parent up and
-- locked it FOR KEY SHARE: three look-ups and three row locks per event (1,500 per 500-event
-- batch), and tills of one store sharing a customer or the store row turned those locks into
-- multixacts. They protected nothing the push path does not already guarantee:
--   device_id    the push holds the device's row FOR UPDATE for the whole transaction;
--   store_id     is the locked device's store_id, read in that same statement;
--   customer_id  comes from the customers row found or created by phone in the same transaction.
-- No row of devices, stores or customers is ever deleted (erasure keeps the customer's id and
-- clears its personal data), so a reference can never dangle later either. The suite checks the
-- references after its pushes (tests/push.test.ts, "references").
ALTER TABLE ledger_events
  DROP CONSTRAINT ledger_events_device_id_fkey,
  DROP CONSTRAINT ledger_events_store_id_fkey,
  DROP CONSTRAINT ledger_events_customer_id_fkey;
