-- Version 4: every push rewrites the pull-feed row of each customer it touches (a new row
-- version, so every index of store_customers gets a new entry: the feed position is indexed and
-- changes, so the update cannot be HOT). Three indexes became two: the primary key now leads with
-- the customer, which also serves "every store this customer belongs to" (push, erase), so the
-- separate index on customer_id goes.
ALTER TABLE store_customers DROP CONSTRAINT store_customers_pkey;
ALTER TABLE store_customers ADD PRIMARY KEY (customer_id, store_id);
DROP INDEX store_customers_customer;
