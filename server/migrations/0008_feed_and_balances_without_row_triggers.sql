-- Version 8: balances and store_customers lose their foreign keys, as ledger_events did in version 2.
--
-- A push inserts a balance row for each customer new to the chain and a feed row for each customer
-- new to the store. Each foreign key ran a trigger per inserted row that looked the parent up and
-- locked it FOR KEY SHARE: up to three look-ups and row locks per customer, and every push of a
-- store locking that store's row (shared row locks of concurrent pushes become multixacts). On a
-- chain's first sync, or a day of many new customers, that was most of what those inserts cost.
-- They protected nothing the push path does not already guarantee:
--   customer_id  comes from the customers row found or created by phone before the insert;
--   store_id     is the store of the device whose row the push holds FOR UPDATE.
-- No row of stores or customers is ever deleted (erasure keeps the customer's id and clears its
-- personal data), so a reference can never dangle later either. The suite checks the references
-- after its pushes (tests/push.test.ts, "references").
ALTER TABLE balances DROP CONSTRAINT balances_customer_id_fkey;
ALTER TABLE store_customers
  DROP CONSTRAINT store_customers_store_id_fkey,
  DROP CONSTRAINT store_customers_customer_id_fkey;
