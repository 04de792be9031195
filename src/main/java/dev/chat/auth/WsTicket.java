package dev.chat.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A single-use WebSocket ticket, stored as its hash so that any instance can redeem it once. */
@Entity
@Table(name = "ws_tickets")
public class WsTicket {

    @Id
    @Column(name = "ticket_hash")
    public byte[] ticketHash;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    /**
     * The {@code exp} of the access token that minted the ticket: a connection opened with the ticket is
     * closed (4001) then, as one opened with that token itself would be.
     */
    @Column(name = "token_expires_at", nullable = false)
    public Instant tokenExpiresAt;
}
