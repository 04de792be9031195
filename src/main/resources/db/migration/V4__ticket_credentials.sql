-- A ticket-opened WebSocket lives no longer than the access token that minted the ticket (issue 9, item 7):
-- the ticket carries that token's expiry to the upgrade, which may happen on another instance.
-- Tickets live 30 s and are single use: the few outstanding at migration time are dropped rather than given
-- an invented expiry (their clients get 401 on the upgrade and fetch a new ticket, as after any expiry).
DELETE FROM ws_tickets;
ALTER TABLE ws_tickets ADD COLUMN token_expires_at timestamptz NOT NULL;
