-- Version 9: support can void an event the server cannot read, so a till's queue moves past it.
--
-- An event the server refuses as invalid (a 400: the push stores nothing and the device does not
-- move) is sent again by its till for ever, and every event behind it waits. The operator voids
-- that seq (POST /v1/admin/devices/{deviceId}/events/{seq}/void): a rejected_events row with
-- reason 'voided', and the device moved past it; the till sees the device's last seq move and
-- settles the event as rejected. The server never read that event, so the row has no id or body.
ALTER TABLE rejected_events ALTER COLUMN event_id DROP NOT NULL, ALTER COLUMN body DROP NOT NULL;
