import type { Migration } from './types';

/**
 * The store's time zone by the first event it applies to. A points.earned event of a program
 * without tiers no longer keeps the rules engine's explanation: the till recomputes it on read from
 * the event's sale and time, its program version (the programs table) and the store's time zone at
 * that moment, which the device row alone cannot give once the zone changes (pairing, the
 * manager). It starts after the last event written before this version: those events keep the
 * explanation they stored, or show none, as before.
 */
export const migration0007: Migration = {
  version: 7,
  description: "the store's time zone by event seq, to recompute explanations of earned points",
  sql: `
    CREATE TABLE store_time_zones (
      from_seq INTEGER PRIMARY KEY CHECK (from_seq >= 1),
      time_zone TEXT NOT NULL
    ) STRICT;
    INSERT INTO store_time_zones (from_seq, time_zone)
      SELECT (SELECT coalesce(max(seq), 0) + 1 FROM ledger_events), time_zone FROM device;
  `,
};
