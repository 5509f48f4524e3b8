-- Version 10: phone numbers and receipt ids compare byte by byte (COLLATE "C").
--
-- Both are identifiers under a unique index, never text a person reads in order. Under the
-- database's collation (a glibc locale on a default Debian cluster, en_US.UTF-8 or C.UTF-8) every
-- comparison in those indexes went through strcoll, and a glibc upgrade that changes the locale's
-- order (glibc 2.28 did, for punctuation and spaces) leaves the index sorted by the old order:
-- look-ups then miss rows that are there, so a receipt id from a point-of-sale system such as
-- "A-100" could earn twice, and a customer could be created twice. Byte order never changes.
--
-- Only the collation changes, so the tables are not rewritten, but the indexes on these columns
-- are rebuilt while the migration holds its lock: on a large ledger, apply it in a quiet hour.
-- The expiry index (0006) stays as it is: it holds dates written as YYYY-MM-DD, which every
-- collation orders alike.
ALTER TABLE customers ALTER COLUMN phone TYPE text COLLATE "C";
ALTER TABLE ledger_events ALTER COLUMN receipt_id TYPE text COLLATE "C";
