-- Real-time core v2: every room-changing transaction (message created/edited/deleted, member added/removed,
-- role change, rename) takes the next position of its room's event stream, under the same row lock that
-- orders sends. Each instance's dispatcher applies membership changes and delivers events in this order.
-- seq stays what the contract says (messages only, gap-free); the stream position is a separate counter.
ALTER TABLE rooms ADD COLUMN last_event bigint NOT NULL DEFAULT 0;
