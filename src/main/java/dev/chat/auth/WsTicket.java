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
}
