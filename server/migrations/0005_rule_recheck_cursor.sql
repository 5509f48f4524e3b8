-- Version 5: the rule check leaves the push path. A background recheck (one process at a time,
-- under an advisory lock) recomputes newly stored events in server_seq order and flags mismatches.
-- Its position survives restarts here. cursor_seq: every event at or below it has been checked.
-- mark_seq / mark_xid: the sequence's value, then the first unassigned transaction id, read at
-- the previous pass; once every transaction below mark_xid has finished, no event at or below
-- mark_seq can still appear, so the recheck may step up to mark_seq without skipping one.
CREATE TABLE rule_recheck (
  id smallint PRIMARY KEY CHECK (id = 1),
  cursor_seq bigint NOT NULL,
  mark_seq bigint,
  mark_xid bigint,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Events stored before this version were checked inside their push.
INSERT INTO rule_recheck (id, cursor_seq) SELECT 1, COALESCE(max(server_seq), 0) FROM ledger_events;
