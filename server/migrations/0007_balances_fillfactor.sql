-- Version 7: room on balances' pages for HOT updates.
--
-- A push updates the balance row of every customer it touches. Its only index is the primary key,
-- which never changes, so an update can stay on the row's page (a heap-only tuple: no new index
-- entry, and the page prunes its own dead versions) when the page has free room. At fillfactor 100
-- the pages are full, every update moved the row to another page and wrote a new index entry, and
-- the table bloated until autovacuum came by. 70 leaves about a third of each page for new versions.
-- Pages already written keep their layout until the table is rewritten (VACUUM FULL or CLUSTER);
-- new pages use it at once.
ALTER TABLE balances SET (fillfactor = 70);
