-- Version 3: a refund may give back points the customer spent on a reward paid on that receipt
-- (points.reversed payload.restoredPoints). The balance already counts them (points is the sum of
-- pointsDelta); `reversed` now holds the earned points taken back and `restored` those given back,
-- so points = earned - redeemed - reversed + restored + adjusted.
ALTER TABLE balances ADD COLUMN restored bigint NOT NULL DEFAULT 0;
